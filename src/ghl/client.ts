import { ExtGhlError, type ErrorCode } from '../protocol/envelope';
import { RateBudget, type RateTicket, type RequestPriority } from './rateBudget';
import { errorText, isTimeout, tryParse, withTimeout } from '../http/fetchHelpers';

/**
 * A thin client for GHL API v2 on Node's global fetch. It knows the wire: base URL,
 * headers, the `Version` each API family requires, timeouts, pacing and retries, and
 * turns every failure into an ExtGhlError with an envelope code. It knows nothing of
 * the cache or of VS Code.
 */

export const DEFAULT_API_BASE_URL = 'https://services.leadconnectorhq.com';
const VERSION_CONTACTS = '2021-07-28';
const VERSION_CONVERSATIONS = '2021-04-15';

export interface ApiCallLog {
  method: string;
  /** Path without the query string (ids only; never the token). */
  path: string;
  status: number | 'network' | 'timeout';
  ms: number;
  attempt: number;
  /** Whose request it was: the user's, or background work (sync pages, ARV write-backs). */
  priority: RequestPriority;
}

export interface GhlClientOptions {
  token: string;
  baseUrl?: string;
  timeoutMs?: number;
  maxRetries?: number;
  /** Stop before the daily budget runs dry so interactive use keeps working. */
  dailyReserve?: number;
  fetch?: typeof fetch;
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  onCall?: (entry: ApiCallLog) => void;
  /** The share of each rate window sync pages leave to user requests (see RateBudget). */
  userHeadroomShare?: number;
}

export interface CallOptions {
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  signal?: AbortSignal;
  /** Reads may be retried after 5xx and network errors; writes never are. */
  idempotent?: boolean;
  /** A list endpoint: the field of a successful answer that must be an array. An answer
   * without it is an error (retried for reads), never an empty list. */
  listField?: string;
  /** 'sync' for sync pages: they leave the user headroom and wait behind user requests. */
  priority?: RequestPriority;
}

interface SlotWaiter {
  priority: RequestPriority;
  resolve(ticket: RateTicket): void;
  reject(err: unknown): void;
}

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

export class GhlClient {
  readonly budget: RateBudget;
  private readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly maxRetries: number;
  private readonly dailyReserve: number;
  private readonly fetchImpl: typeof fetch;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly now: () => number;
  private requests = 0;
  /** Requests waiting for a slot, user requests first; one pump hands out the slots in order. */
  private readonly waiting: Record<RequestPriority, SlotWaiter[]> = { user: [], sync: [] };
  private pumping = false;
  /** Wakes the pump from a wait so a user request arriving meanwhile goes first. */
  private wake: AbortController | null = null;

  constructor(private readonly options: GhlClientOptions) {
    if (!options.token) throw new ExtGhlError('NOT_CONFIGURED', 'No GHL API token is set.');
    this.baseUrl = (options.baseUrl ?? DEFAULT_API_BASE_URL).replace(/\/+$/, '');
    if (!/^https?:\/\/[^/\s]+/i.test(this.baseUrl)) {
      throw new ExtGhlError('NOT_CONFIGURED', `The GHL API base URL "${this.baseUrl.slice(0, 100)}" is not an http(s) URL (setting ghl.apiBaseUrl).`);
    }
    this.timeoutMs = options.timeoutMs ?? 20_000;
    this.maxRetries = options.maxRetries ?? 5;
    this.dailyReserve = options.dailyReserve ?? 0;
    this.fetchImpl = options.fetch ?? fetch;
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? abortableSleep;
    this.budget = new RateBudget(this.now, undefined, undefined, { userHeadroomShare: options.userHeadroomShare });
  }

  /** Requests sent so far (attempts, including retries). */
  get requestCount(): number {
    return this.requests;
  }

  async call<T>(method: Method, path: string, options: CallOptions = {}): Promise<T> {
    const idempotent = options.idempotent ?? method === 'GET';
    const url = this.buildUrl(path, options.query);
    let transientFailures = 0;
    let rateLimited = 0;
    /** Waits before the next attempt when the failure is transient and the call may be repeated. */
    const mayRetry = async (): Promise<boolean> => {
      if (!idempotent || transientFailures >= this.maxRetries) return false;
      transientFailures++;
      await this.sleep(backoffMs(transientFailures), options.signal);
      return true;
    };
    const priority = options.priority ?? 'user';
    for (let attempt = 1; ; attempt++) {
      const ticket = await this.waitForSlot(priority, options.signal);
      const started = this.now();
      let response: Response;
      let text: string;
      try {
        response = await this.fetchImpl(url, {
          method,
          headers: this.headers(path, options.body !== undefined),
          body: options.body === undefined ? undefined : JSON.stringify(options.body),
          signal: withTimeout(options.signal, this.timeoutMs),
        });
      } catch (err) {
        this.budget.recordAnswer(ticket);
        if (options.signal?.aborted) throw new ExtGhlError('CANCELLED', 'The request was cancelled.');
        const timedOut = isTimeout(err);
        this.options.onCall?.({ method, path, status: timedOut ? 'timeout' : 'network', ms: this.now() - started, attempt, priority });
        if (await mayRetry()) continue;
        throw timedOut
          ? new ExtGhlError('NETWORK', `GHL did not answer within ${Math.round(this.timeoutMs / 1000)} s (${method} ${path}).`)
          : new ExtGhlError('NETWORK', `Could not reach GHL (${method} ${path}): ${this.scrub(errorText(err))}`);
      }
      this.budget.recordAnswer(ticket);
      this.budget.recordHeaders(response.headers);
      try {
        text = await response.text();
      } catch (err) {
        // Reset, closed before Content-Length was reached, or stalled until the timeout:
        // a cut-off answer is a failed request, never an empty one.
        if (options.signal?.aborted) throw new ExtGhlError('CANCELLED', 'The request was cancelled.');
        const timedOut = isTimeout(err);
        this.options.onCall?.({ method, path, status: timedOut ? 'timeout' : 'network', ms: this.now() - started, attempt, priority });
        if (await mayRetry()) continue;
        throw new ExtGhlError(
          'NETWORK',
          timedOut
            ? `GHL's answer did not arrive in full within ${Math.round(this.timeoutMs / 1000)} s (${method} ${path}).`
            : `GHL's answer was cut off (${method} ${path}): ${this.scrub(errorText(err))}`,
          { status: response.status, method, path },
        );
      }
      this.options.onCall?.({ method, path, status: response.status, ms: this.now() - started, attempt, priority });

      if (response.ok) {
        const body = readBody(text, { method, path, idempotent, listField: options.listField, status: response.status });
        if (body.ok) return body.value as T;
        if (await mayRetry()) continue;
        throw body.error;
      }
      if (response.status === 429 && rateLimited < this.maxRetries) {
        rateLimited++;
        this.budget.recordRateLimited();
        await this.sleep(this.budget.backoffAfter429(response.headers, rateLimited), options.signal);
        continue;
      }
      if (response.status >= 500 && (await mayRetry())) continue;
      throw this.httpError(response.status, text, method, path);
    }
  }

  private waitForSlot(priority: RequestPriority, signal?: AbortSignal): Promise<RateTicket> {
    return new Promise<RateTicket>((resolve, reject) => {
      if (signal?.aborted) return reject(new ExtGhlError('CANCELLED', 'The request was cancelled.'));
      const onAbort = () => {
        const queue = this.waiting[priority];
        const at = queue.indexOf(waiter);
        if (at < 0) return;
        queue.splice(at, 1);
        reject(new ExtGhlError('CANCELLED', 'The request was cancelled.'));
      };
      const settle = () => signal?.removeEventListener('abort', onAbort);
      const waiter: SlotWaiter = {
        priority,
        resolve: (ticket) => (settle(), resolve(ticket)),
        reject: (err) => (settle(), reject(err)),
      };
      this.waiting[priority].push(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
      // A user request must not sit out a sync page's wait: interrupt it and decide again.
      if (priority === 'user') this.wake?.abort();
      void this.pump();
    });
  }

  /** Hands out slots one at a time (so concurrent calls cannot both take the last one), user requests first. */
  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      for (;;) {
        const waiter = this.waiting.user[0] ?? this.waiting.sync[0];
        if (!waiter) return;
        const daily = this.budget.dailyRemaining;
        if (daily !== null && daily <= this.dailyReserve) {
          this.waiting[waiter.priority].shift();
          waiter.reject(
            new ExtGhlError(
              'RATE_LIMITED',
              `GHL's daily API budget for this location is used up (${daily} left). It resets at midnight in the location's time zone.`,
            ),
          );
          continue;
        }
        const delay = this.budget.delayBeforeNext(waiter.priority);
        if (delay > 0) {
          this.wake = new AbortController();
          await this.sleep(delay, this.wake.signal).catch(() => undefined);
          this.wake = null;
          continue;
        }
        this.waiting[waiter.priority].shift();
        this.requests++;
        waiter.resolve(this.budget.recordSend());
      }
    } finally {
      this.pumping = false;
    }
  }

  private headers(path: string, hasBody: boolean): Record<string, string> {
    const headers: Record<string, string> = {
      Authorization: `Bearer ${this.options.token}`,
      Accept: 'application/json',
      Version: versionFor(path),
    };
    if (hasBody) headers['Content-Type'] = 'application/json';
    return headers;
  }

  private buildUrl(path: string, query?: CallOptions['query']): string {
    const url = new URL(this.baseUrl + path);
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value !== undefined && value !== '') url.searchParams.set(key, String(value));
    }
    return url.toString();
  }

  private httpError(status: number, text: string, method: string, path: string): ExtGhlError {
    const body = tryParse(text) as { message?: unknown; error?: unknown } | undefined;
    const raw = body?.message ?? body?.error;
    const ghlMessage = Array.isArray(raw) ? raw.map(String).join('; ') : typeof raw === 'string' ? raw : '';
    // Scrubbed before it is cut, so a cut cannot leave half a token behind.
    const message = capText(this.scrub(ghlMessage || `HTTP ${status}`), MAX_GHL_MESSAGE_CHARS);
    const details = { status, method, path };
    const code: ErrorCode =
      status === 401 ? 'AUTH'
      : status === 403 ? 'FORBIDDEN'
      : status === 404 ? 'NOT_FOUND'
      : status === 429 ? 'RATE_LIMITED'
      : 'API';
    const prefix =
      code === 'AUTH' ? 'GHL rejected the API token'
      : code === 'FORBIDDEN' ? 'GHL refused access'
      : code === 'NOT_FOUND' ? 'Not found in GHL'
      : code === 'RATE_LIMITED' ? 'GHL rate limit reached'
      : `GHL answered ${status}`;
    return new ExtGhlError(code, `${prefix}: ${message}`, details);
  }

  /** GHL error text should never echo the token, but a log line must not depend on that. */
  private scrub(text: string): string {
    return this.options.token ? text.split(this.options.token).join('***') : text;
  }
}

/** What an error repeats of GHL's own message: enough to read, never a megabyte. */
const MAX_GHL_MESSAGE_CHARS = 1000;

function capText(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length} characters)`;
}

export function versionFor(path: string): string {
  return /^\/(conversations|calendars)(\/|$)/.test(path) ? VERSION_CONVERSATIONS : VERSION_CONTACTS;
}

function backoffMs(attempt: number): number {
  return Math.min(4000, 250 * 2 ** (attempt - 1)) + Math.floor(Math.random() * 100);
}

type BodyResult = { ok: true; value: object } | { ok: false; error: ExtGhlError };

/**
 * A successful answer's body as data, or why it is not: a read must carry a JSON object
 * (with its list, for a list endpoint). Only a write may answer with no body at all.
 */
function readBody(
  text: string,
  call: { method: string; path: string; idempotent: boolean; listField?: string; status: number },
): BodyResult {
  const where = `${call.method} ${call.path}`;
  const details = { status: call.status, method: call.method, path: call.path };
  if (text.trim() === '') {
    if (!call.idempotent && call.listField === undefined) return { ok: true, value: {} };
    return { ok: false, error: new ExtGhlError('API', `GHL sent an empty answer (${where}).`, details) };
  }
  const value = tryParse(text);
  if (value === undefined || typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, error: new ExtGhlError('API', `GHL sent a response that is not a JSON object (${where}).`, details) };
  }
  if (call.listField !== undefined && !Array.isArray((value as Record<string, unknown>)[call.listField])) {
    return { ok: false, error: new ExtGhlError('API', `GHL's answer has no "${call.listField}" list (${where}).`, details) };
  }
  return { ok: true, value };
}

export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new ExtGhlError('CANCELLED', 'The request was cancelled.'));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new ExtGhlError('CANCELLED', 'The request was cancelled.'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
