import { parentPort, workerData } from 'node:worker_threads';
import { createBackend, type Backend } from '../backend';
import type { BackendMethod, FromWorker, ToWorker, WorkerInit } from './messages';

/**
 * The backend in its own thread: sql.js, JSON parsing of GHL pages, upserts and the cache
 * export all run here, so the extension host's event loop never waits on them. Secrets
 * and settings stay with the host and are reached by RPC.
 */
if (!parentPort) throw new Error('backend-worker must run in a worker thread');
const port = parentPort;
const init = workerData as WorkerInit;
let settings: Record<string, unknown> = { ...init.settings };
let nextRpc = 1;
const pendingRpc = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

const send = (message: FromWorker) => port.postMessage(message);

function rpc(target: 'secrets' | 'settings', method: string, args: unknown[]): Promise<unknown> {
  const id = nextRpc++;
  return new Promise((resolve, reject) => {
    pendingRpc.set(id, { resolve, reject });
    send({ type: 'rpc', id, target, method, args });
  });
}

const backendReady: Promise<Backend> = createBackend({
  storageDir: init.storageDir,
  apiBaseUrl: init.apiBaseUrl,
  wasmPath: init.wasmPath,
  requestTimeoutMs: init.requestTimeoutMs,
  maxRetries: init.maxRetries,
  persistDebounceMs: init.persistDebounceMs,
  secrets: {
    get: (key) => rpc('secrets', 'get', [key]) as Promise<string | undefined>,
    store: async (key, value) => void (await rpc('secrets', 'store', [key, value])),
    delete: async (key) => void (await rpc('secrets', 'delete', [key])),
  },
  settings: {
    get: (key) => settings[key],
    update: async (key, value) => {
      settings = { ...settings, [key]: value };
      await rpc('settings', 'update', [key, value]);
    },
  },
  onPush: (channel, payload) => send({ type: 'push', channel, payload }),
  log: (level, message) => send({ type: 'log', level, message }),
  onApiCall: (entry) => send({ type: 'api-call', entry }),
});

backendReady.then(
  (backend) => send({ type: 'ready', recoveredCache: backend.recoveredCache }),
  (err: unknown) => send({ type: 'failed', message: err instanceof Error ? err.message : String(err) }),
);

async function call(backend: Backend, method: BackendMethod, args: unknown[]): Promise<unknown> {
  switch (method) {
    case 'request':
      return backend.request(args[0] as string, args[1]);
    case 'cancelSync':
      return backend.cancelSync(args[0] as 'contacts' | 'opportunities' | undefined);
    case 'flush':
      return backend.flush();
    case 'clearCache':
      return backend.clearCache();
    case 'dailyBriefing':
      return backend.dailyBriefing(args[0] as { since: number | null; timeZone?: string });
    case 'diagnostics':
      return backend.diagnostics();
    case 'dispose':
      await backend.dispose();
      setImmediate(() => port.close());
      return undefined;
  }
}

port.on('message', (message: ToWorker) => {
  if (message.type === 'settings') {
    settings = { ...message.values };
  } else if (message.type === 'rpc-result') {
    const pending = pendingRpc.get(message.id);
    pendingRpc.delete(message.id);
    if (message.ok) pending?.resolve(message.value);
    else pending?.reject(new Error(message.message));
  } else if (message.type === 'call') {
    backendReady
      .then((backend) => call(backend, message.method, message.args))
      .then(
        (value) => send({ type: 'result', id: message.id, ok: true, value }),
        (err: unknown) =>
          send({ type: 'result', id: message.id, ok: false, error: { code: 'INTERNAL', message: err instanceof Error ? err.message : String(err) } }),
      );
  }
});
