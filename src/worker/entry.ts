import { parentPort, workerData } from 'node:worker_threads';
import { createMessageConnection, PortMessageReader, PortMessageWriter, ResponseError, ErrorCodes } from 'vscode-jsonrpc/node';
import { createBackend, type Backend } from '../backend';
import { EXT_GHL_IPC } from '../protocol/channels';
import { HostNotifications, WorkerNotifications, WorkerRequests, type SyncKind, type WorkerInit } from './messages';
import { SettingsMirror } from './settingsMirror';

/**
 * The backend in its own thread: sql.js, JSON parsing of GHL pages, upserts and the cache
 * export all run here, so the extension host's event loop never waits on them. The host
 * sends the token and settings whenever they change; this side never calls back.
 */
if (!parentPort) throw new Error('backend-worker must run in a worker thread');
const port = parentPort;
const init = workerData as WorkerInit;
const connection = createMessageConnection(new PortMessageReader(port), new PortMessageWriter(port));
const mirror = new SettingsMirror(init.connection);

const SYNC_KINDS: Partial<Record<string, SyncKind>> = {
  [EXT_GHL_IPC.CONTACTS_SYNC]: 'contacts',
  [EXT_GHL_IPC.OPPS_SYNC]: 'opportunities',
};

const backendReady: Promise<Backend> = createBackend({
  storageDir: init.storageDir,
  wasmPath: init.wasmPath,
  requestTimeoutMs: init.requestTimeoutMs,
  maxRetries: init.maxRetries,
  persistDebounceMs: init.persistDebounceMs,
  userHeadroomShare: init.userHeadroomShare,
  secrets: mirror.secrets,
  settings: mirror.settings,
  onPush: (event) => void connection.sendNotification(WorkerNotifications.push, event),
  log: (level, message) => void connection.sendNotification(WorkerNotifications.log, { level, message }),
  onApiCall: (entry) => void connection.sendNotification(WorkerNotifications.apiCall, entry),
});
// Observed here so a failed start is reported by `ready`, not as an unhandled rejection.
backendReady.catch(() => undefined);

connection.onNotification(HostNotifications.settingsChanged, (settings) => mirror.apply(settings));
connection.onNotification(HostNotifications.cancelSync, ({ kind }) => void backendReady.then((b) => b.cancelSync(kind), () => undefined));

connection.onRequest(WorkerRequests.ready, async () => {
  try {
    return { recoveredCache: (await backendReady).recoveredCache };
  } catch (err) {
    throw new ResponseError(ErrorCodes.InternalError, err instanceof Error ? err.message : String(err));
  }
});
connection.onRequest(WorkerRequests.request, async ({ channel, payload }, token) => {
  const backend = await backendReady;
  const kind = SYNC_KINDS[String(channel)];
  // A cancelled sync stops after the page in flight and answers CANCELLED; other requests are short.
  const cancellation = kind ? token.onCancellationRequested(() => backend.cancelSync(kind)) : undefined;
  try {
    return await backend.request(channel, payload);
  } finally {
    cancellation?.dispose();
  }
});
connection.onRequest(WorkerRequests.flush, async () => (await backendReady).flush());
connection.onRequest(WorkerRequests.clearCache, async () => (await backendReady).clearCache());
connection.onRequest(WorkerRequests.dailyBriefing, async (options) => (await backendReady).dailyBriefing(options));
connection.onRequest(WorkerRequests.diagnostics, async () => (await backendReady).diagnostics());
connection.onRequest(WorkerRequests.dispose, async () => {
  await (await backendReady.catch(() => undefined))?.dispose();
  // Once the reply is written, let the thread end.
  setImmediate(() => {
    connection.dispose();
    port.close();
  });
});

connection.listen();
