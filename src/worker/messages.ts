import type { ApiCallLog } from '../ghl/client';
import type { ErrorInfo } from '../protocol/envelope';

/** Messages between the extension host thread and the backend's worker thread. */

export interface WorkerInit {
  storageDir: string;
  apiBaseUrl?: string;
  wasmPath?: string;
  requestTimeoutMs?: number;
  maxRetries?: number;
  persistDebounceMs?: number;
  /** Settings the backend reads synchronously; refreshed by `settings` messages. */
  settings: Record<string, unknown>;
}

export type BackendMethod = 'request' | 'cancelSync' | 'flush' | 'clearCache' | 'dailyBriefing' | 'diagnostics' | 'dispose';

export type ToWorker =
  | { type: 'call'; id: number; method: BackendMethod; args: unknown[] }
  | { type: 'settings'; values: Record<string, unknown> }
  | { type: 'rpc-result'; id: number; ok: true; value: unknown }
  | { type: 'rpc-result'; id: number; ok: false; message: string };

export type FromWorker =
  | { type: 'ready'; recoveredCache: { corruptPath: string } | null }
  | { type: 'failed'; message: string }
  | { type: 'result'; id: number; ok: true; value: unknown }
  | { type: 'result'; id: number; ok: false; error: ErrorInfo }
  | { type: 'push'; channel: string; payload: unknown }
  | { type: 'log'; level: 'debug' | 'info' | 'warn' | 'error'; message: string }
  | { type: 'api-call'; entry: ApiCallLog }
  | { type: 'rpc'; id: number; target: 'secrets' | 'settings'; method: string; args: unknown[] };
