import { SETTING_DEFAULT_PIPELINE, SETTING_LOCATION_ID } from '../handlers/context';
import { Worker } from 'node:worker_threads';
import type { Backend, BackendDiagnostics, BackendOptions } from '../backend';
import type { Envelope } from '../protocol/envelope';
import type { BackendMethod, FromWorker, ToWorker, WorkerInit } from './messages';

/** Settings the backend reads; mirrored into the worker because reads there are synchronous. */
export const MIRRORED_SETTINGS = [SETTING_LOCATION_ID, SETTING_DEFAULT_PIPELINE];

export interface WorkerBackend extends Backend {
  /** False once the worker thread has stopped (disposed or crashed). */
  readonly alive: boolean;
  /** Re-sends the mirrored settings (call it when the host's configuration changed). */
  refreshSettings(): void;
}

/**
 * Runs the backend in a worker thread and gives the host the same `Backend` interface.
 * The host keeps the secrets and the settings; the worker asks for them by RPC.
 */
export async function createWorkerBackend(
  options: BackendOptions & { workerPath: string; execArgv?: string[] },
): Promise<WorkerBackend> {
  const snapshot = () => Object.fromEntries(MIRRORED_SETTINGS.map((key) => [key, options.settings.get(key)]));
  const init: WorkerInit = {
    storageDir: options.storageDir,
    apiBaseUrl: options.apiBaseUrl,
    wasmPath: options.wasmPath,
    requestTimeoutMs: options.requestTimeoutMs,
    maxRetries: options.maxRetries,
    persistDebounceMs: options.persistDebounceMs,
    settings: snapshot(),
  };
  const worker = new Worker(options.workerPath, { workerData: init, execArgv: options.execArgv ?? [] });
  const log = options.log ?? (() => undefined);
  let nextId = 1;
  let exited = false;
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (err: Error) => void }>();
  const post = (message: ToWorker) => worker.postMessage(message);

  const ready = new Promise<{ corruptPath: string } | null>((resolve, reject) => {
    worker.on('message', (message: FromWorker) => {
      switch (message.type) {
        case 'ready':
          resolve(message.recoveredCache);
          break;
        case 'failed':
          reject(new Error(message.message));
          break;
        case 'result': {
          const call = pending.get(message.id);
          pending.delete(message.id);
          if (message.ok) call?.resolve(message.value);
          else call?.reject(new Error(message.error.message));
          break;
        }
        case 'push':
          options.onPush?.(message.channel, message.payload);
          break;
        case 'log':
          log(message.level, message.message);
          break;
        case 'api-call':
          options.onApiCall?.(message.entry);
          break;
        case 'rpc':
          void answerRpc(message.id, message.target, message.method, message.args);
          break;
      }
    });
    worker.on('error', (err) => {
      log('error', `The backend worker failed: ${err.message}`);
      reject(err);
    });
    worker.on('exit', (code) => {
      exited = true;
      for (const call of pending.values()) call.reject(new Error(`The backend worker stopped (exit code ${code}).`));
      pending.clear();
      reject(new Error(`The backend worker stopped (exit code ${code}).`));
    });
  });

  async function answerRpc(id: number, target: 'secrets' | 'settings', method: string, args: unknown[]): Promise<void> {
    try {
      let value: unknown;
      if (target === 'secrets' && (method === 'get' || method === 'store' || method === 'delete')) {
        value = await (options.secrets[method] as (...a: unknown[]) => Promise<unknown>)(...args);
      } else if (target === 'settings' && method === 'update') {
        value = await options.settings.update(args[0] as string, args[1]);
      } else {
        throw new Error(`Unknown RPC ${target}.${method}`);
      }
      post({ type: 'rpc-result', id, ok: true, value });
    } catch (err) {
      post({ type: 'rpc-result', id, ok: false, message: err instanceof Error ? err.message : String(err) });
    }
  }

  function call<T>(method: BackendMethod, ...args: unknown[]): Promise<T> {
    if (exited) return Promise.reject(new Error('The backend worker has stopped.'));
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      post({ type: 'call', id, method, args });
    });
  }

  let recoveredCache: { corruptPath: string } | null;
  try {
    recoveredCache = await ready;
  } catch (err) {
    await worker.terminate();
    throw err;
  }

  return {
    get alive() {
      return !exited;
    },
    recoveredCache,
    async request(channel, payload) {
      try {
        return await call<Envelope>('request', channel, payload);
      } catch (err) {
        return { success: false, error: { code: 'INTERNAL', message: err instanceof Error ? err.message : String(err) } };
      }
    },
    cancelSync: (kind) => void call('cancelSync', kind).catch(() => undefined),
    flush: () => call('flush'),
    clearCache: () => call('clearCache'),
    dailyBriefing: (briefingOptions) => call<string>('dailyBriefing', briefingOptions),
    diagnostics: () => call<BackendDiagnostics>('diagnostics'),
    refreshSettings: () => {
      if (!exited) post({ type: 'settings', values: snapshot() });
    },
    async dispose() {
      if (exited) return;
      const stopped = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
      await call('dispose').catch(() => undefined);
      const timeout = setTimeout(() => void worker.terminate(), 5000);
      await stopped;
      clearTimeout(timeout);
    },
  };
}
