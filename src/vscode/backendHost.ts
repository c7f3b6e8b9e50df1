import { SETTING_DEFAULT_PIPELINE, SETTING_LOCATION_ID } from '../handlers/context';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import * as vscode from 'vscode';
import type { BackendOptions } from '../backend';
import { createWorkerBackend, type WorkerBackend } from '../worker/client';
import type { PushPayloads } from '../protocol/channels';
import type { Envelope, ErrorInfo } from '../protocol/envelope';
import type { RequestChannel, RequestInput } from '../protocol/requests';
import type { ResponseData } from '../protocol/responses';
import type { Logger } from './logger';

/** Protocol setting keys → VS Code configuration keys (the token is never a setting). */
const SETTING_KEYS: Record<string, string> = {
  [SETTING_LOCATION_ID]: 'locationId',
  [SETTING_DEFAULT_PIPELINE]: 'defaultPipeline',
};

export interface PushEvent {
  channel: string;
  payload: unknown;
}

type DataKind = 'contacts' | 'opportunities' | 'pipelines';

/** Channels whose success changes cached data, and what they change. */
const MUTATIONS: Record<string, DataKind[]> = {
  'ext-ghl:contacts-create': ['contacts'],
  'ext-ghl:contacts-update': ['contacts'],
  'ext-ghl:contacts-delete': ['contacts'],
  'ext-ghl:contacts-sync': ['contacts'],
  'ext-ghl:opps-create': ['opportunities'],
  'ext-ghl:opps-update': ['opportunities'],
  'ext-ghl:opps-update-status': ['opportunities'],
  'ext-ghl:opps-delete': ['opportunities'],
  'ext-ghl:opps-sync': ['opportunities', 'pipelines'],
  'ext-ghl:settings-set': ['contacts', 'opportunities', 'pipelines'],
};

/** A failed request, thrown by `call` so command code can `try/catch` and show it. */
export class RequestFailed extends Error {
  constructor(readonly error: ErrorInfo) {
    super(error.message);
    this.name = 'RequestFailed';
  }
}

/**
 * Owns the core backend for this window: created on first use (so activation never pays
 * for sql.js or the cache file), recreated when the API base URL changes, disposed on
 * deactivation. Everything in the VS Code layer talks to the core through this.
 */
export class BackendHost implements vscode.Disposable {
  private backend: Promise<WorkerBackend> | undefined;
  private readonly pushEmitter = new vscode.EventEmitter<PushEvent>();
  readonly onPush = this.pushEmitter.event;
  private readonly disposables: vscode.Disposable[] = [this.pushEmitter];

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly logger: Logger,
  ) {
    this.disposables.push(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('ghl.apiBaseUrl')) void this.restart();
        else if (e.affectsConfiguration('ghl')) void this.backend?.then((b) => b.refreshSettings(), () => undefined);
      }),
    );
  }

  /** Sends a request; never throws — any failure is an error envelope. */
  async request(channel: string, payload?: unknown): Promise<Envelope> {
    try {
      const response = await (await this.ensure()).request(channel, payload ?? {});
      // Whoever changed the data (a command, a webview, another extension), every view hears of it.
      const kinds = MUTATIONS[channel];
      if (response.success && kinds) this.notifyDataChanged(kinds);
      return response;
    } catch (err) {
      this.backend = undefined;
      const message = err instanceof Error ? err.message : String(err);
      this.logger.error(`The GHL backend could not start: ${message}`);
      return { success: false, error: { code: 'INTERNAL', message: `The GHL backend could not start: ${message}` } };
    }
  }

  /** Typed request that returns the data or throws RequestFailed. */
  async call<K extends RequestChannel>(channel: K, payload: RequestInput<K>): Promise<ResponseData[K]> {
    const response = await this.request(channel, payload);
    if (!response.success) throw new RequestFailed(response.error);
    return response.data as ResponseData[K];
  }

  async cancelSync(): Promise<void> {
    if (this.backend) (await this.backend).cancelSync();
  }

  /** The daily briefing as Markdown (cache + today's calendar). */
  async dailyBriefing(since: number | null): Promise<string> {
    return (await this.ensure()).dailyBriefing({ since });
  }

  async clearCache(): Promise<void> {
    await (await this.ensure()).clearCache();
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
    const config = () => vscode.workspace.getConfiguration('ghl');
    const options: BackendOptions & { workerPath: string } = {
      // The core runs in a worker thread: sql.js, page parsing and cache writes never block this host.
      workerPath: path.join(dist, 'backend-worker.js'),
      storageDir,
      wasmPath: path.join(dist, 'sql-wasm.wasm'),
      apiBaseUrl: config().get<string>('apiBaseUrl') || undefined,
      secrets: {
        get: async (key) => this.context.secrets.get(key),
        store: async (key, value) => this.context.secrets.store(key, value),
        delete: async (key) => this.context.secrets.delete(key),
      },
      settings: {
        get: (key) => {
          const mapped = SETTING_KEYS[key];
          return mapped ? config().get(mapped) : undefined;
        },
        update: async (key, value) => {
          const mapped = SETTING_KEYS[key];
          if (!mapped) throw new Error(`Unknown setting ${key}`);
          await config().update(mapped, value, vscode.ConfigurationTarget.Global);
        },
      },
      onPush: (channel, payload) => this.pushEmitter.fire({ channel, payload }),
      log: (level, message) => this.logger.log(level, message, 'core'),
    };
    const backend = await createWorkerBackend(options);
    this.logger.info(`Backend ready in ${Math.round(performance.now() - started)} ms (cache: ${storageDir}).`);
    return backend;
  }

  private async restart(): Promise<void> {
    const previous = this.backend;
    this.backend = undefined;
    if (previous) await (await previous.catch(() => undefined))?.dispose();
    this.notifyDataChanged();
  }

  /** Tells open webviews that cached data changed outside them. */
  notifyDataChanged(kinds: DataKind[] = ['contacts', 'opportunities', 'pipelines']): void {
    this.pushEmitter.fire({ channel: 'host:data-changed', payload: { kinds } });
  }

  onDataChanged(listener: (kinds: DataKind[]) => void): vscode.Disposable {
    return this.onPush((event) => {
      if (event.channel === 'host:data-changed') listener((event.payload as { kinds: DataKind[] }).kinds);
    });
  }

  onSyncProgress(listener: (progress: PushPayloads['ext-ghl:sync-progress']) => void): vscode.Disposable {
    return this.onPush((event) => {
      if (event.channel === 'ext-ghl:sync-progress') listener(event.payload as PushPayloads['ext-ghl:sync-progress']);
    });
  }

  async dispose(): Promise<void> {
    for (const d of this.disposables) d.dispose();
    const backend = this.backend;
    this.backend = undefined;
    if (backend) await (await backend.catch(() => undefined))?.dispose();
  }
}
