import { Worker } from 'node:worker_threads';
import { createMessageConnection, PortMessageReader, PortMessageWriter, type CancellationToken, type MessageConnection } from 'vscode-jsonrpc/node';
import type { Backend, BackendOptions } from '../backend';
import type { ConnectionSettings } from '../protocol/connection';
import type { Envelope } from '../protocol/envelope';
import { parsePush } from '../protocol/pushes';
import { HostNotifications, WorkerNotifications, WorkerRequests, type WorkerInit } from './messages';

export type WorkerBackendOptions = Omit<BackendOptions, 'secrets' | 'settings' | 'apiBaseUrl' | 'now'> & {
  workerPath: string;
  execArgv?: string[];
  /** The host's token and settings at start; `updateSettings` sends later changes. */
  connection: ConnectionSettings;
};

export interface WorkerBackend extends Omit<Backend, 'request'> {
  /** Like `Backend.request`; a cancelled `token` stops a sync after the page in flight. */
  request(channel: string, payload?: unknown, token?: CancellationToken): Promise<Envelope>;
  /** False once the worker thread has stopped (disposed or crashed). */
  readonly alive: boolean;
  /** Sends the host's token and settings to the worker, one way. */
  updateSettings(settings: ConnectionSettings): void;
}

/**
 * Runs the backend in a worker thread and gives the host the `Backend` interface over
 * JSON-RPC (vscode-jsonrpc on the worker's MessagePort). The host keeps the secret and
 * the settings and sends them whenever they change; the worker never asks for them.
 */
export async function createWorkerBackend(options: WorkerBackendOptions): Promise<WorkerBackend> {
  const init: WorkerInit = {
    storageDir: options.storageDir,
    wasmPath: options.wasmPath,
    requestTimeoutMs: options.requestTimeoutMs,
    maxRetries: options.maxRetries,
    persistDebounceMs: options.persistDebounceMs,
    userHeadroomShare: options.userHeadroomShare,
    connection: options.connection,
  };
  const worker = new Worker(options.workerPath, { workerData: init, execArgv: options.execArgv ?? [] });
  const log = options.log ?? (() => undefined);
  const connection: MessageConnection = createMessageConnection(new PortMessageReader(worker), new PortMessageWriter(worker));
  let exited = false;
  const stopped = new Promise<number>((resolve) => {
    worker.once('exit', (code) => {
      exited = true;
      // Rejects every pending request, so callers get an envelope instead of waiting forever.
      connection.dispose();
      resolve(code);
    });
  });
  worker.on('error', (err) => log('error', `The backend worker failed: ${err.message}`));

  connection.onNotification(WorkerNotifications.push, ({ channel, payload }) => {
    // What arrives is JSON from another thread, whatever the notification's type says: delivered only as the push table reads it.
    const parsed = parsePush(channel, payload);
    if (parsed.ok) options.onPush?.(parsed.event);
    else log('error', `Dropped a push from the backend worker that does not match the protocol: ${parsed.reason}`);
  });
  connection.onNotification(WorkerNotifications.log, ({ level, message }) => log(level, message));
  connection.onNotification(WorkerNotifications.apiCall, (entry) => options.onApiCall?.(entry));
  // Nothing is answered for the worker: it is given what it needs, it never asks.
  connection.onRequest((method) => {
    log('error', `The backend worker sent a request (${method}); the host answers none.`);
    throw new Error(`The host answers no requests from the worker (${method}).`);
  });
  connection.listen();

  let recoveredCache: { corruptPath: string } | null;
  try {
    recoveredCache = (
      await Promise.race([
        connection.sendRequest(WorkerRequests.ready),
        stopped.then((code) => Promise.reject(new Error(`The backend worker stopped (exit code ${code}).`))),
      ])
    ).recoveredCache;
  } catch (err) {
    await worker.terminate();
    throw err instanceof Error ? err : new Error(String(err));
  }

  const stoppedError = () => Promise.reject(new Error('The backend worker has stopped.'));
  const send = <R>(run: () => Promise<R>): Promise<R> => (exited ? stoppedError() : run());

  return {
    get alive() {
      return !exited;
    },
    recoveredCache,
    async request(channel, payload, token) {
      try {
        return await send(() => connection.sendRequest(WorkerRequests.request, { channel, payload: payload ?? {} }, token));
      } catch (err) {
        return { success: false, error: { code: 'INTERNAL', message: err instanceof Error ? err.message : String(err) } };
      }
    },
    cancelSync: (kind) => {
      if (!exited) void connection.sendNotification(HostNotifications.cancelSync, { kind }).catch(() => undefined);
    },
    updateSettings: (settings) => {
      if (!exited) void connection.sendNotification(HostNotifications.settingsChanged, settings).catch(() => undefined);
    },
    flush: () => send(() => connection.sendRequest(WorkerRequests.flush)),
    clearCache: () => send(() => connection.sendRequest(WorkerRequests.clearCache)),
    dailyBriefing: (briefingOptions) => send(() => connection.sendRequest(WorkerRequests.dailyBriefing, briefingOptions)),
    diagnostics: () => send(() => connection.sendRequest(WorkerRequests.diagnostics)),
    async dispose() {
      if (exited) return;
      await connection.sendRequest(WorkerRequests.dispose).catch(() => undefined);
      const timeout = setTimeout(() => void worker.terminate(), 5000);
      await stopped;
      clearTimeout(timeout);
    },
  };
}
