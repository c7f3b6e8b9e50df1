/**
 * The request loop both API clients configure (GHL's and RentCast's): paced by a RateBudget,
 * each attempt with a timeout joined to the caller's signal, 429s waited out (Retry-After or
 * the rate-limit window), transient failures of repeatable requests retried with backoff, and
 * every secret scrubbed from what it passes on. What it does not know: the API's headers, what
 * makes an answer usable, and how the API's errors are worded; the client says those.
 */
import { backoffMs, type BackoffPolicy } from './backoff';
import { buildUrl, errorText, isTimeout, scrubSecrets, withTimeout } from './fetchHelpers';
import type { RateBudget, RequestPriority } from './rateBudget';
import { abortableSleep, type Sleep } from './sleep';
import { SlotQueue, type SlotRefusals } from './slotQueue';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface HttpAttemptLog {
  method: HttpMethod;
  /** Without the query string (ids only; never a key). */
  path: string;
  status: number | 'network' | 'timeout';
  ms: number;
  attempt: number;
  priority: RequestPriority;
}

/** How the client words what went wrong; every text it is given is already scrubbed. */
export interface HttpFailureWords extends SlotRefusals {
  /** No answer (`answered` undefined), or an answer whose body was cut off or stalled. */
  unreachable(failure: { method: HttpMethod; path: string; timedOut: boolean; timeoutMs: number; cause: string; answered?: number }): Error;
  /** A status that is not ok, once its retries or rate-limit waits are spent. */
  refused(answer: { method: HttpMethod; path: string; status: number; body: string }): Error;
}

export interface RetryPolicy {
  /** Transient failures (network, 5xx, an unusable answer) one repeatable request retries. */
  maxRetries: number;
  /** 429s one request waits out before its refusal is final. */
  maxRateLimitWaits: number;
  backoff: BackoffPolicy;
}

/** What the user of an API client may set about its transport (both clients take these). */
export interface TransportOptions {
  /** The API's base URL (a proxy, the sandbox); each client has its default. */
  baseUrl?: string;
  timeoutMs?: number;
  /** How many times a transient failure (network, 5xx) of a repeatable request is retried. */
  maxRetries?: number;
  fetch?: typeof fetch;
  now?: () => number;
  sleep?: Sleep;
}

export interface HttpClientOptions {
  /** Already checked (httpBaseUrl). */
  baseUrl: string;
  /** The API's own headers for a request (authentication, versions). */
  headers(path: string, hasBody: boolean): Record<string, string>;
  /** Scrubbed from every message and log text (the token, the API key). */
  secrets: readonly string[];
  words: HttpFailureWords;
  budget: RateBudget;
  timeoutMs: number;
  retry: RetryPolicy;
  dailyReserve?: number;
  fetch?: typeof fetch;
  now?: () => number;
  sleep?: Sleep;
  onAttempt?: (entry: HttpAttemptLog) => void;
}

/** What an ok answer's body means to the client: its value, or why it cannot be used. */
export type AnswerRead<T> = { ok: true; value: T } | { ok: false; error: Error; retry: boolean };

export interface HttpRequest<T> {
  method: HttpMethod;
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  signal?: AbortSignal;
  /** Whether a transient failure may be retried; default: GET only (a write is never sent twice). */
  idempotent?: boolean;
  priority?: RequestPriority;
  read(text: string, status: number): AnswerRead<T>;
}

export class HttpClient {
  readonly budget: RateBudget;
  private readonly slots: SlotQueue;
  private readonly fetchImpl: typeof fetch;
  private readonly now: () => number;
  private readonly sleep: Sleep;
  private rateLimited = 0;

  constructor(private readonly options: HttpClientOptions) {
    this.budget = options.budget;
    this.fetchImpl = options.fetch ?? fetch;
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? abortableSleep;
    this.slots = new SlotQueue(this.budget, this.sleep, options.words, options.dailyReserve);
  }

  /** Requests sent so far, retries and 429s included. */
  get requestCount(): number {
    return this.slots.grantedCount;
  }

  /** 429 answers received so far. */
  get rateLimitedCount(): number {
    return this.rateLimited;
  }

  scrub(text: string): string {
    return scrubSecrets(text, this.options.secrets);
  }

  async request<T>(request: HttpRequest<T>): Promise<T> {
    const { method, path, signal } = request;
    const { words, retry } = this.options;
    const idempotent = request.idempotent ?? method === 'GET';
    const priority = request.priority ?? 'user';
    const url = buildUrl(this.options.baseUrl, path, request.query);
    let transientFailures = 0;
    let rateLimitWaits = 0;
    /** Waits before the next attempt when the failure is transient and the request may be repeated. */
    const mayRetry = async (): Promise<boolean> => {
      if (!idempotent || transientFailures >= retry.maxRetries) return false;
      transientFailures++;
      await this.pause(backoffMs(transientFailures, retry.backoff), signal);
      return true;
    };
    for (let attempt = 1; ; attempt++) {
      const ticket = await this.slots.take(priority, signal);
      const started = this.now();
      const log = (status: HttpAttemptLog['status']) => this.options.onAttempt?.({ method, path, status, ms: this.now() - started, attempt, priority });
      let response: Response;
      let text: string;
      try {
        response = await this.fetchImpl(url, {
          method,
          headers: this.options.headers(path, request.body !== undefined),
          body: request.body === undefined ? undefined : JSON.stringify(request.body),
          signal: withTimeout(signal, this.options.timeoutMs),
        });
      } catch (err) {
        this.budget.recordAnswer(ticket);
        if (signal?.aborted) throw words.cancelled();
        const timedOut = isTimeout(err);
        log(timedOut ? 'timeout' : 'network');
        if (await mayRetry()) continue;
        throw words.unreachable({ method, path, timedOut, timeoutMs: this.options.timeoutMs, cause: this.scrub(errorText(err)) });
      }
      this.budget.recordAnswer(ticket);
      this.budget.recordHeaders(response.headers);
      try {
        text = await response.text();
      } catch (err) {
        // Reset, closed before Content-Length was reached, or stalled until the timeout:
        // a cut-off answer is a failed request, never an empty one.
        if (signal?.aborted) throw words.cancelled();
        const timedOut = isTimeout(err);
        log(timedOut ? 'timeout' : 'network');
        if (await mayRetry()) continue;
        throw words.unreachable({ method, path, timedOut, timeoutMs: this.options.timeoutMs, cause: this.scrub(errorText(err)), answered: response.status });
      }
      log(response.status);

      if (response.ok) {
        const read = request.read(text, response.status);
        if (read.ok) return read.value;
        if (read.retry && (await mayRetry())) continue;
        throw read.error;
      }
      if (response.status === 429) {
        this.rateLimited++;
        this.budget.recordRateLimited();
        if (rateLimitWaits < retry.maxRateLimitWaits) {
          rateLimitWaits++;
          await this.pause(this.budget.backoffAfter429(response.headers, rateLimitWaits), signal);
          continue;
        }
      }
      if (response.status >= 500 && (await mayRetry())) continue;
      throw words.refused({ method, path, status: response.status, body: this.scrub(text) });
    }
  }

  /** A wait the caller's signal cuts short, as the client's own cancellation. */
  private async pause(ms: number, signal?: AbortSignal): Promise<void> {
    try {
      await this.sleep(ms, signal);
    } catch (err) {
      if (signal?.aborted) throw this.options.words.cancelled();
      throw err;
    }
  }
}
