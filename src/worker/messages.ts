import { NotificationType, RequestType, RequestType0 } from 'vscode-jsonrpc/node';
import type { BackendDiagnostics } from '../backend';
import type { ApiCallLog } from '../ghl/client';
import type { ConnectionSettings } from '../protocol/connection';
import type { Envelope } from '../protocol/envelope';
import type { PushEvent } from '../protocol/pushes';

/**
 * Everything that crosses between the extension host thread and the backend's worker
 * thread, declared once (JSON-RPC over the worker's MessagePort, vscode-jsonrpc).
 * Requests go host → worker only: the worker never asks the host for anything.
 */

export interface WorkerInit {
  storageDir: string;
  wasmPath?: string;
  requestTimeoutMs?: number;
  maxRetries?: number;
  persistDebounceMs?: number;
  userHeadroomShare?: number;
  /** The connection settings at start; later changes come as `settingsChanged`. */
  connection: ConnectionSettings;
}

export type SyncKind = 'contacts' | 'opportunities';

/** Host → worker requests. */
export const WorkerRequests = {
  /** Answers once the backend has opened its cache (or fails with why it could not). */
  ready: new RequestType0<{ recoveredCache: { corruptPath: string } | null }, void>('backend/ready'),
  /** One protocol request; the worker's dispatcher validates it. A cancelled token stops a sync. */
  request: new RequestType<{ channel: string; payload: unknown }, Envelope, void>('backend/request'),
  flush: new RequestType0<void, void>('backend/flush'),
  clearCache: new RequestType0<void, void>('backend/clearCache'),
  dailyBriefing: new RequestType<{ since: number | null; timeZone?: string }, string, void>('backend/dailyBriefing'),
  diagnostics: new RequestType0<BackendDiagnostics, void>('backend/diagnostics'),
  dispose: new RequestType0<void, void>('backend/dispose'),
} as const;

/** Host → worker notifications. */
export const HostNotifications = {
  /** The host's token or settings changed; sent one way, never asked for. */
  settingsChanged: new NotificationType<ConnectionSettings>('host/settingsChanged'),
  cancelSync: new NotificationType<{ kind?: SyncKind }>('host/cancelSync'),
} as const;

/** Worker → host notifications (the only traffic in that direction). */
export const WorkerNotifications = {
  /** Typed for the sender; the port carries JSON, so the host checks it against the push table again. */
  push: new NotificationType<PushEvent>('worker/push'),
  log: new NotificationType<{ level: 'debug' | 'info' | 'warn' | 'error'; message: string }>('worker/log'),
  /** Each GHL request as it ends: the host writes its log's API-call lines from these. */
  apiCall: new NotificationType<ApiCallLog>('worker/apiCall'),
} as const;
