import type { z } from 'zod';
import { DEFAULT_BACKOFF } from '../http/backoff';
import { parseJson, requireHttpBaseUrl, tryParse } from '../http/fetchHelpers';
import { HttpClient, type AnswerRead, type HttpAttemptLog, type HttpFailureWords, type HttpMethod, type TransportOptions } from '../http/httpClient';
import { RateBudget, type RequestPriority } from '../http/rateBudget';
import { ExtGhlError, type ErrorCode } from '../protocol/envelope';

/**
 * A thin client for GHL API v2 on the shared HTTP layer (src/http). It knows GHL's wire: base
 * URL, headers, the `Version` each API family requires, what a usable answer is (a JSON object
 * that passes the endpoint's schema), and turns every failure into an ExtGhlError with an
 * envelope code. It knows nothing of the cache or of VS Code.
 */

export const DEFAULT_API_BASE_URL = 'https://services.leadconnectorhq.com';
const VERSION_CONTACTS = '2021-07-28';
const VERSION_CONVERSATIONS = '2021-04-15';

/** One attempt, as the log and the worker's API-call notifications show it. */
export type ApiCallLog = HttpAttemptLog;

export interface GhlClientOptions extends TransportOptions {
  token: string;
  /** Stop before the daily budget runs dry so interactive use keeps working. */
  dailyReserve?: number;
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

/** What an answer of GHL's is checked against: a JSON object of the endpoint's shape. */
export type AnswerSchema = z.ZodType<object>;

export class GhlClient {
  readonly budget: RateBudget;
  private readonly http: HttpClient;

  constructor(private readonly options: GhlClientOptions) {
    if (!options.token) throw new ExtGhlError('NOT_CONFIGURED', 'No GHL API token is set.');
    const baseUrl = requireHttpBaseUrl(
      options.baseUrl ?? DEFAULT_API_BASE_URL,
      (shown) => new ExtGhlError('NOT_CONFIGURED', `The GHL API base URL "${shown}" is not an http(s) URL (setting ghl.apiBaseUrl).`),
    );
    const maxRetries = options.maxRetries ?? 5;
    this.budget = new RateBudget(options.now, undefined, undefined, { userHeadroomShare: options.userHeadroomShare });
    this.http = new HttpClient({
      baseUrl,
      headers: (path, hasBody) => this.headers(path, hasBody),
      secrets: [options.token],
      words: GHL_WORDS,
      budget: this.budget,
      timeoutMs: options.timeoutMs ?? 20_000,
      retry: { maxRetries, maxRateLimitWaits: maxRetries, backoff: DEFAULT_BACKOFF },
      dailyReserve: options.dailyReserve,
      fetch: options.fetch,
      now: options.now,
      sleep: options.sleep,
      onAttempt: options.onCall,
    });
  }

  /** Requests sent so far (attempts, including retries). */
  get requestCount(): number {
    return this.http.requestCount;
  }

  /** Sends one request; resolves with the answer as `answer` reads it, or rejects with an ExtGhlError. */
  call<S extends AnswerSchema>(method: HttpMethod, path: string, answer: S, options: CallOptions = {}): Promise<z.output<S>> {
    const idempotent = options.idempotent ?? method === 'GET';
    return this.http.request({
      method,
      path,
      query: options.query,
      body: options.body,
      signal: options.signal,
      idempotent,
      priority: options.priority,
      read: (text, status) => readAnswer(text, answer, { method, path, idempotent, listField: options.listField, status }),
    });
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
}

const cancelled = () => new ExtGhlError('CANCELLED', 'The request was cancelled.');

const GHL_WORDS: HttpFailureWords = {
  cancelled,
  dailyBudgetSpent: (left) =>
    new ExtGhlError('RATE_LIMITED', `GHL's daily API budget for this location is used up (${left} left). It resets at midnight in the location's time zone.`),
  unreachable: ({ method, path, timedOut, timeoutMs, cause, answered }) => {
    const where = `${method} ${path}`;
    const seconds = Math.round(timeoutMs / 1000);
    if (answered === undefined) {
      return new ExtGhlError('NETWORK', timedOut ? `GHL did not answer within ${seconds} s (${where}).` : `Could not reach GHL (${where}): ${cause}`);
    }
    const message = timedOut ? `GHL's answer did not arrive in full within ${seconds} s (${where}).` : `GHL's answer was cut off (${where}): ${cause}`;
    return new ExtGhlError('NETWORK', message, { status: answered, method, path });
  },
  refused: ({ method, path, status, body }) => httpError(status, body, method, path),
};

/** What an error repeats of GHL's own message: enough to read, never a megabyte. */
const MAX_GHL_MESSAGE_CHARS = 1000;

/** `body` is already scrubbed of the token (before it is cut, so a cut cannot leave half a token behind). */
function httpError(status: number, body: string, method: string, path: string): ExtGhlError {
  const parsed = tryParse(body) as { message?: unknown; error?: unknown } | undefined;
  const raw = parsed?.message ?? parsed?.error;
  const ghlMessage = Array.isArray(raw) ? raw.map(String).join('; ') : typeof raw === 'string' ? raw : '';
  const message = capText(ghlMessage || `HTTP ${status}`, MAX_GHL_MESSAGE_CHARS);
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

function capText(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length} characters)`;
}

export function versionFor(path: string): string {
  return /^\/(conversations|calendars)(\/|$)/.test(path) ? VERSION_CONVERSATIONS : VERSION_CONTACTS;
}

/**
 * A successful answer as the endpoint's data, or why it is not: a read must carry a JSON object
 * (with its list, for a list endpoint) of the endpoint's shape; only a write may answer with no
 * body at all. A missing or unreadable body may be a proxy's glitch and is asked again (reads
 * only); an answer of the wrong shape will not change by asking again.
 */
function readAnswer<S extends AnswerSchema>(
  text: string,
  schema: S,
  call: { method: string; path: string; idempotent: boolean; listField?: string; status: number },
): AnswerRead<z.output<S>> {
  const where = `${call.method} ${call.path}`;
  const details = { status: call.status, method: call.method, path: call.path };
  const transient = (message: string) => ({ ok: false as const, error: new ExtGhlError('API', message, details), retry: true });
  let value: unknown = {};
  if (text.trim() === '') {
    if (call.idempotent || call.listField !== undefined) return transient(`GHL sent an empty answer (${where}).`);
  } else {
    const json = parseJson(text);
    if (!json.ok || typeof json.value !== 'object' || json.value === null || Array.isArray(json.value)) {
      return transient(`GHL sent a response that is not a JSON object (${where}).`);
    }
    value = json.value;
  }
  if (call.listField !== undefined && !Array.isArray((value as Record<string, unknown>)[call.listField])) {
    return transient(`GHL's answer has no "${call.listField}" list (${where}).`);
  }
  const parsed = schema.safeParse(value);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issue = parsed.error.issues[0];
  const field = issue?.path.map(String).join('.') || 'the answer';
  return { ok: false, error: new ExtGhlError('API', `GHL sent an answer this extension cannot read (${where}: ${field} ${issue?.message ?? 'is unreadable'}).`, details), retry: false };
}
