/**
 * The one typed client between a webview app and the extension host (contract:
 * src/protocol/webviewMessages.ts), and the only place that matches replies to requests.
 * `request(EXT_GHL_IPC.X, payload)` takes the channel's `RequestInput` and resolves with an
 * envelope of its `ResponseData`; it never rejects — a missing reply becomes a NETWORK
 * error envelope after a timeout. Pushes (protocol notifications and host events) go to
 * listeners. The client posts `ready` as soon as it listens: the host holds everything
 * for the page until then.
 *
 * From the protocol only types and typedRequest.ts (itself type imports only): zod and node
 * modules stay out of the bundle.
 */
import type { EXT_GHL_IPC } from '../../protocol/channels';
import type { Envelope, ErrorCode, ErrorInfo } from '../../protocol/envelope';
import type { RequestChannel, RequestInput } from '../../protocol/requests';
import type { ResponseData } from '../../protocol/responses';
import { typedRequest } from '../../protocol/typedRequest';
import type { HostPushName, HostPushPayloads, PushMessage, WebviewAction, WebviewReady, WebviewRequest } from '../../protocol/webviewMessages';

export type { RequestChannel, RequestInput, ResponseData, Envelope, ErrorInfo, ErrorCode };
export type Channels = typeof EXT_GHL_IPC;

/** Every push name the host may send (ext-ghl:sync-progress, host:* events, …). */
export type PushName = HostPushName;
export type PushPayload<K extends PushName> = HostPushPayloads[K];
export type PushListener<K extends PushName> = (payload: PushPayload<K>) => void;
type ListenerTable = { [K in PushName]?: Set<PushListener<K>> };

/** What VS Code's acquireVsCodeApi() returns. */
export interface VsCodeApi<S = unknown> {
  postMessage(message: unknown): void;
  getState(): S | undefined;
  setState<T extends S>(state: T): T;
}

declare global {
  // Provided by VS Code inside webviews; callable only once per page.
  function acquireVsCodeApi<S = unknown>(): VsCodeApi<S>;
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
export const TIMEOUT_MESSAGE = 'The extension did not answer in time.';

let cachedApi: VsCodeApi | undefined;

/** The page's VS Code API; acquired on first use and reused afterwards. */
export function getVsCodeApi<S = unknown>(): VsCodeApi<S> {
  if (!cachedApi) cachedApi = acquireVsCodeApi();
  return cachedApi as VsCodeApi<S>;
}

export interface IpcOptions {
  /** How long a request waits for its reply (default 30 s). */
  timeoutMs?: number;
  /** Defaults to getVsCodeApi(). */
  api?: VsCodeApi;
  /** Where host messages arrive (default: window). */
  target?: Pick<Window, 'addEventListener' | 'removeEventListener'>;
}

export interface RequestOptions {
  timeoutMs?: number;
}

interface Pending {
  resolve(envelope: Envelope): void;
  timer: ReturnType<typeof setTimeout>;
}

/**
 * The page's one narrowing of what its host sends: a push is taken to carry its name's
 * payload because the one sender, the host's bridge (src/vscode/webviewBridge.ts), posts
 * only `PushMessage`s it built from typed, schema-checked pushes; checking again here would
 * put zod in the page's bundle. test/unit/no-casts.test.ts keeps it the only one.
 */
function fromHost(message: { push: PushName; payload: object }): PushMessage {
  return message as PushMessage;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Normalizes whatever the host put in `response` into a well-formed envelope, or null. */
function toEnvelope(value: unknown): Envelope | null {
  if (!isObject(value) || typeof value.success !== 'boolean') return null;
  if (value.success) return { success: true, data: value.data };
  const error = value.error;
  if (isObject(error) && typeof error.code === 'string' && typeof error.message === 'string') {
    const info: ErrorInfo = { code: error.code as ErrorCode, message: error.message };
    if (error.details !== undefined) info.details = error.details;
    return { success: false, error: info };
  }
  return { success: false, error: { code: 'INTERNAL', message: 'The extension sent a malformed error.' } };
}

export class HostIpc {
  private readonly api: VsCodeApi;
  private readonly timeoutMs: number;
  private readonly pending = new Map<string, Pending>();
  private listeners: ListenerTable = {};
  private readonly target: Pick<Window, 'addEventListener' | 'removeEventListener'>;
  private readonly onMessage = (event: MessageEvent) => this.handle(event.data);
  private counter = 0;
  private readonly prefix = Math.random().toString(36).slice(2, 10);

  constructor(options: IpcOptions = {}) {
    this.api = options.api ?? getVsCodeApi();
    this.timeoutMs = options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    this.target = options.target ?? window;
    this.target.addEventListener('message', this.onMessage as EventListener);
    this.post({ type: 'ready' } satisfies WebviewReady);
  }

  private post(message: WebviewRequest | WebviewReady | WebviewAction): void {
    this.api.postMessage(message);
  }

  /** Asks the host to do something only it may (open a link outside VS Code); no reply. */
  act(action: WebviewAction): void {
    this.post(action);
  }

  /** Sends one request; resolves with the host's envelope (or a NETWORK error on timeout). */
  readonly request = typedRequest((channel: RequestChannel, payload: unknown, options: RequestOptions = {}) => this.send(channel, payload, options));

  private send(channel: RequestChannel, payload: unknown, options: RequestOptions): Promise<Envelope> {
    const id = `${this.prefix}-${++this.counter}`;
    return new Promise<Envelope>((resolve) => {
      const timer = setTimeout(() => {
        if (this.pending.delete(id)) {
          resolve({ success: false, error: { code: 'NETWORK', message: TIMEOUT_MESSAGE } });
        }
      }, options.timeoutMs ?? this.timeoutMs);
      this.pending.set(id, { resolve, timer });
      try {
        this.post({ id, channel, payload });
      } catch (err) {
        clearTimeout(timer);
        this.pending.delete(id);
        resolve({
          success: false,
          error: { code: 'NETWORK', message: `Could not reach the extension: ${err instanceof Error ? err.message : String(err)}` },
        });
      }
    });
  }

  /** Listens to one push (`ext-ghl:sync-progress`, `host:data-changed`, …); returns an unsubscribe. */
  onPush<K extends PushName>(push: K, listener: PushListener<K>): () => void {
    const set: Set<PushListener<K>> = this.listeners[push] ?? new Set();
    // A computed key: the compiler cannot write a generic K's entry in place (it would want every channel's type at once).
    this.listeners = { ...this.listeners, [push]: set };
    set.add(listener);
    return () => {
      set.delete(listener);
    };
  }

  /** Number of requests still waiting for a reply. */
  get pendingCount(): number {
    return this.pending.size;
  }

  /** Stops listening and resolves every pending request as cancelled. */
  dispose(): void {
    this.target.removeEventListener('message', this.onMessage as EventListener);
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      this.pending.delete(id);
      p.resolve({ success: false, error: { code: 'CANCELLED', message: 'The view was closed.' } });
    }
    this.listeners = {};
  }

  /** Routes one host message; anything malformed is ignored. */
  private handle(data: unknown): void {
    if (!isObject(data)) return;
    if (typeof data.id === 'string' && 'response' in data) {
      const pending = this.pending.get(data.id);
      const envelope = toEnvelope(data.response);
      if (!pending || !envelope) return;
      this.pending.delete(data.id);
      clearTimeout(pending.timer);
      pending.resolve(envelope);
      return;
    }
    if (typeof data.push === 'string' && this.isListenedTo(data.push) && isObject(data.payload)) {
      this.deliver(fromHost({ push: data.push, payload: data.payload }));
    }
  }

  /** Only a name someone subscribed to (with its type) is a push name to this page. */
  private isListenedTo(name: string): name is PushName {
    return Object.hasOwn(this.listeners, name);
  }

  private deliver<K extends PushName>(message: PushMessage<K>): void {
    const set: Set<PushListener<K>> | undefined = this.listeners[message.push];
    for (const listener of [...(set ?? [])]) {
      try {
        listener(message.payload);
      } catch (err) {
        console.error(`[ghl] push listener for ${message.push} failed`, err);
      }
    }
  }
}

let sharedIpc: HostIpc | undefined;

/** The page-wide client (created on first use). */
export function getIpc(options?: Omit<IpcOptions, 'api'>): HostIpc {
  if (!sharedIpc) sharedIpc = new HostIpc(options);
  return sharedIpc;
}

/** Shorthand for getIpc().request(...). */
export function request<K extends RequestChannel>(
  channel: K,
  payload: RequestInput<K>,
  options?: RequestOptions,
): Promise<Envelope<ResponseData[K]>> {
  return getIpc().request(channel, payload, options);
}

/** Shorthand for getIpc().onPush(...). */
export function onPush<K extends PushName>(push: K, listener: PushListener<K>): () => void {
  return getIpc().onPush(push, listener);
}

/** The JSON the host put in <meta name="ghl-initial-state">; {} when missing or invalid. */
export function readInitialState<T extends object = Record<string, unknown>>(doc: Document = document): Partial<T> {
  const content = doc.querySelector('meta[name="ghl-initial-state"]')?.getAttribute('content');
  if (!content) return {};
  try {
    const parsed: unknown = JSON.parse(content);
    return isObject(parsed) ? (parsed as Partial<T>) : {};
  } catch {
    return {};
  }
}

/** Typed wrappers around the page's persisted webview state. */
export function loadState<S extends object>(): Partial<S> {
  try {
    const state = getVsCodeApi<S>().getState();
    return isObject(state) ? (state as Partial<S>) : {};
  } catch {
    return {};
  }
}

export function saveState<S extends object>(state: S): void {
  try {
    getVsCodeApi<S>().setState(state);
  } catch {
    // State is a convenience; losing it is harmless.
  }
}
