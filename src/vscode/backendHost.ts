import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import * as vscode from 'vscode';
import { createWorkerBackend, type WorkerBackend } from '../worker/client';
import { EXT_GHL_IPC } from '../protocol/channels';
import type { ConnectionSettings } from '../protocol/connection';
import type { Envelope, ErrorInfo } from '../protocol/envelope';
import { ALL_DATA_KINDS, dataChangedBy, type DataKind } from '../protocol/mutations';
import { isRequestChannel, type RequestChannel, type RequestInput } from '../protocol/requests';
import type { ResponseData } from '../protocol/responses';
import { typedRequest } from '../protocol/typedRequest';
import type { ArvEnrichProgress, SyncProgress } from '../protocol/pushes';
import type { HostPushEvent } from '../protocol/webviewMessages';
import type { HostSettings } from './hostSettings';
import { Disposable } from './lifecycle';
import { apiCallLevel, apiCallLine } from './apiCallLog';
import type { Logger } from './logger';

/** Answered in this thread: the host owns the secret and the configuration. */
const HOST_CHANNELS: ReadonlySet<string> = new Set([EXT_GHL_IPC.SETTINGS_GET, EXT_GHL_IPC.SETTINGS_SET]);
const ARV_REFRESH_EVERY = 10;

/** A failed request, thrown by `call` so command code can `try/catch` and show it. */
export class RequestFailed extends Error {
  constructor(readonly error: ErrorInfo) {
    super(error.message);
    this.name = 'RequestFailed';
  }
}

/**
 * Owns the core backend for this window: a worker started on first use (so activation
 * never pays for sql.js or the cache file), started again if it died, stopped on
 * deactivation. Settings are answered here and sent to the worker whenever they change.
 * Everything in the VS Code layer talks to the core through this.
 */
export class BackendHost extends Disposable {
  private backend: Promise<WorkerBackend> | undefined;
  private lastSent: ConnectionSettings | undefined;
  private readonly pushEmitter = this._register(new vscode.EventEmitter<HostPushEvent>());
  /** Every push: the worker's (checked against the push table on arrival) and the host's own events. Narrow by `channel`. */
  readonly onPush = this.pushEmitter.event;
  private readonly recoveredEmitter = this._register(new vscode.EventEmitter<string>());
  /** The cache file could not be read and was set aside (its new path); a fresh cache started. */
  readonly onDidRecoverCache = this.recoveredEmitter.event;

  /** Channels another part of the host answers (the chat: vscode.lm exists only in this thread). */
  private readonly hostAnswers = new Map<string, (channel: string, payload: unknown) => Promise<Envelope>>();

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly settings: HostSettings,
    private readonly logger: Logger,
  ) {
    super();
    // Changed outside settings-set (settings.json, another window): views show the other location's rows once the worker has it.
    this._register(
      settings.onDidChange(async () => {
        if (await this.sendSettings()) this.notifyDataChanged();
      }),
    );
    // An ARV run writes deals as it goes: views refresh every few deals and when it ends, not 100 times.
    this._register(
      this.onArvProgress((p) => {
        if (p.status !== 'running' || p.processed % ARV_REFRESH_EVERY === 0) this.notifyDataChanged(['opportunities']);
      }),
    );
  }

  /** A typed request: the channel's payload in, its envelope out. Never throws. */
  /** A typed request: the channel's payload in, its envelope out. Never throws. */
  readonly request = typedRequest((channel: RequestChannel, payload: unknown, token?: vscode.CancellationToken) => this.send(channel, payload, token));

  /** A typed request that returns the data or throws RequestFailed. */
  async call<K extends RequestChannel>(channel: K, payload: RequestInput<K>, token?: vscode.CancellationToken): Promise<ResponseData[K]> {
    const response = await this.request(channel, payload, token);
    if (!response.success) throw new RequestFailed(response.error);
    return response.data;
  }

  /**
   * Passes on a message from outside the extension's own code (a webview, another
   * extension): anything may arrive, the channel's schema decides. Never throws.
   */
  forward(channel: unknown, payload: unknown): Promise<Envelope> {
    return this.send(channel, payload);
  }

  private async send(channel: unknown, payload: unknown, token?: vscode.CancellationToken): Promise<Envelope> {
    const response = await this.answer(channel, payload ?? {}, token);
    // Whoever changed the data (a command, a webview, another extension), every view hears of it.
    if (response.success && isRequestChannel(channel)) {
      const kinds = dataChangedBy(channel);
      if (kinds.length > 0) this.notifyDataChanged(kinds);
    }
    return response;
  }

  /** Has `answer` reply to these channels instead of the worker, until disposed. */
  answerInHost(channels: readonly string[], answer: (channel: string, payload: unknown) => Promise<Envelope>): vscode.Disposable {
    for (const channel of channels) this.hostAnswers.set(channel, answer);
    return new vscode.Disposable(() => {
      for (const channel of channels) if (this.hostAnswers.get(channel) === answer) this.hostAnswers.delete(channel);
    });
  }

  /** A push of the host's own making (the chat's stream, its host events), to every listener and webview. */
  publish(event: HostPushEvent): void {
    this.pushEmitter.fire(event);
  }

  private async answer(channel: unknown, payload: unknown, token?: vscode.CancellationToken): Promise<Envelope> {
    const inHost = typeof channel === 'string' ? this.hostAnswers.get(channel) : undefined;
    if (inHost) return inHost(channel as string, payload);
    if (typeof channel === 'string' && HOST_CHANNELS.has(channel)) {
      const response = await this.settings.request(channel, payload);
      // Before the answer: the caller's next request must already see the new settings.
      if (response.success && channel === EXT_GHL_IPC.SETTINGS_SET) await this.sendSettings();
      return response;
    }
    try {
      return await (await this.ensure()).request(String(channel), payload, token);
    } catch (err) {
      this.backend = undefined;
      const message = err instanceof Error ? err.message : String(err);
      this.logger.error(`The GHL backend could not start: ${message}`);
      return { success: false, error: { code: 'INTERNAL', message: `The GHL backend could not start: ${message}` } };
    }
  }

  async cancelSync(): Promise<void> {
    if (this.backend) (await this.backend.catch(() => undefined))?.cancelSync();
  }

  /** The daily briefing as Markdown (cache + today's calendar). */
  async dailyBriefing(since: number | null): Promise<string> {
    return (await this.ensure()).dailyBriefing({ since });
  }

  async clearCache(): Promise<void> {
    await (await this.ensure()).clearCache();
  }

  /** Sends the current settings to the worker (if it runs); true when they show other data than before. */
  private async sendSettings(): Promise<boolean> {
    const connection = await this.settings.connection();
    const previous = this.lastSent;
    this.lastSent = connection;
    const backend = await this.backend?.catch(() => undefined);
    if (backend?.alive) backend.updateSettings(connection);
    return previous?.locationId !== connection.locationId || previous?.apiBaseUrl !== connection.apiBaseUrl;
  }

  private async ensure(): Promise<WorkerBackend> {
    this.backend ??= this.create();
    const backend = await this.backend;
    if (backend.alive) return backend;
    // The worker died (out of memory, a native crash): start a fresh one rather than fail forever.
    this.logger.warn('The GHL backend stopped unexpectedly; starting it again.');
    this.backend = this.create();
    return this.backend;
  }

  private async create(): Promise<WorkerBackend> {
    const started = performance.now();
    const dist = path.join(this.context.extensionPath, 'dist');
    const storageDir = this.context.globalStorageUri.fsPath;
    await mkdir(storageDir, { recursive: true });
    const backend = await createWorkerBackend({
      // The core runs in a worker thread: sql.js, page parsing and cache writes never block this host.
      workerPath: path.join(dist, 'backend-worker.js'),
      storageDir,
      wasmPath: path.join(dist, 'sql-wasm.wasm'),
      connection: (this.lastSent = await this.settings.connection()),
      onPush: (event) => this.pushEmitter.fire(event),
      log: (level, message) => this.logger.log(level, message, 'core'),
      onApiCall: (entry) => this.logger.log(apiCallLevel(entry), apiCallLine(entry), 'api'),
    });
    this.logger.info(`Backend ready in ${Math.round(performance.now() - started)} ms (cache: ${storageDir}).`);
    if (backend.recoveredCache) {
      this.logger.warn(`The local cache could not be read and was moved to ${backend.recoveredCache.corruptPath}; a sync fills a fresh one.`);
      this.recoveredEmitter.fire(backend.recoveredCache.corruptPath);
    }
    return backend;
  }

  /** Tells open webviews and the trees that cached data changed outside them. */
  notifyDataChanged(kinds: readonly DataKind[] = ALL_DATA_KINDS): void {
    this.pushEmitter.fire({ channel: 'host:data-changed', payload: { kinds: [...kinds] } });
  }

  onDataChanged(listener: (kinds: DataKind[]) => void): vscode.Disposable {
    return this.onPush((event) => {
      if (event.channel === 'host:data-changed') listener(event.payload.kinds);
    });
  }

  onSyncProgress(listener: (progress: SyncProgress) => void): vscode.Disposable {
    return this.onPush((event) => {
      if (event.channel === EXT_GHL_IPC.SYNC_PROGRESS) listener(event.payload);
    });
  }

  /** After each deal of an ARV run and once when it ends. */
  onArvProgress(listener: (progress: ArvEnrichProgress) => void): vscode.Disposable {
    return this.onPush((event) => {
      if (event.channel === EXT_GHL_IPC.ARV_ENRICH_PROGRESS) listener(event.payload);
    });
  }

  override async dispose(): Promise<void> {
    super.dispose();
    const backend = this.backend;
    this.backend = undefined;
    if (backend) await (await backend.catch(() => undefined))?.dispose();
  }
}
