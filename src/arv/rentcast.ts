/**
 * RentCast's property valuation (`GET {baseUrl}/v1/avm/value`, header `X-Api-Key`) behind the
 * ValuationProvider seam, on the shared HTTP layer (src/http): paced to RentCast's 20 requests/s
 * per key, 429s waited out with Retry-After; every failure becomes a ValuationError. The key travels only in the header: it
 * is never part of a URL, an error message or a log entry.
 */
import { DEFAULT_BACKOFF } from '../http/backoff';
import { parseJson, requireHttpBaseUrl, tryParse } from '../http/fetchHelpers';
import { HttpClient, type HttpFailureWords, type TransportOptions } from '../http/httpClient';
import { RateBudget } from '../http/rateBudget';
import { ValuationError, type SubjectHints, type ValuationProvider } from './provider';
import { parsePropertiesAnswer, parseRentcastAnswer } from './rentcastAnswer';
import type { PropertyRecord, PropertySearch, Valuation } from './types';

export const DEFAULT_RENTCAST_BASE_URL = 'https://api.rentcast.io';
export const RENTCAST_REQUESTS_PER_SECOND = 20;
/**
 * What the client allows itself: a little below RentCast's 20/s, so jitter between our clock
 * and theirs never turns a burst into a 429.
 */
export const RENTCAST_PACED_PER_SECOND = 18;
const VALUE_PATH = '/v1/avm/value';
const PROPERTIES_PATH = '/v1/properties';

export interface RentcastCallLog {
  /** Always the path alone: the query holds the address, the header the key. */
  path: string;
  status: number | 'network' | 'timeout';
  ms: number;
  attempt: number;
}

/** `maxRetries` (default 2) retries network errors and 5xx: a lookup is a GET, safe to repeat. */
export interface RentcastOptions extends TransportOptions {
  apiKey: string;
  /** 5–25 (RentCast's bounds); default 10, enough for the 5 best above the correlation floor. */
  compCount?: number;
  maxRadius?: number;
  daysOld?: number;
  /** Requests per second to stay under; default 20 (RentCast's limit per key). */
  requestsPerSecond?: number;
  /** How many 429s one lookup waits out before giving up. */
  maxRateLimitWaits?: number;
  onCall?: (entry: RentcastCallLog) => void;
}

export class RentcastProvider implements ValuationProvider {
  readonly name = 'rentcast';
  private readonly http: HttpClient;
  private readonly compCount: number;

  constructor(private readonly options: RentcastOptions) {
    if (!options.apiKey) throw new ValuationError('unauthorized', 'No RentCast API key is set (GHL: Set RentCast API Key).');
    const baseUrl = requireHttpBaseUrl(
      options.baseUrl ?? DEFAULT_RENTCAST_BASE_URL,
      (shown) => new ValuationError('network', `The RentCast base URL "${shown}" is not an http(s) URL (setting ghl.arv.rentcastBaseUrl).`),
    );
    this.compCount = Math.min(25, Math.max(5, Math.trunc(options.compCount ?? 10)));
    const maxRateLimitWaits = options.maxRateLimitWaits ?? 10;
    this.http = new HttpClient({
      baseUrl,
      headers: () => ({ 'X-Api-Key': options.apiKey, Accept: 'application/json' }),
      secrets: [options.apiKey],
      words: rentcastWords(maxRateLimitWaits),
      budget: new RateBudget(options.now, { max: options.requestsPerSecond ?? RENTCAST_PACED_PER_SECOND, intervalMs: 1000 }),
      timeoutMs: options.timeoutMs ?? 20_000,
      retry: { maxRetries: options.maxRetries ?? 2, maxRateLimitWaits, backoff: { ...DEFAULT_BACKOFF, baseMs: 500 } },
      fetch: options.fetch,
      now: options.now,
      sleep: options.sleep,
      onAttempt: options.onCall && ((entry) => options.onCall?.({ path: entry.path, status: entry.status, ms: entry.ms, attempt: entry.attempt })),
    });
  }

  /** HTTP requests sent so far, 429s and retries included. */
  get requestCount(): number {
    return this.http.requestCount;
  }

  /** 429 answers received so far. */
  get rateLimitedCount(): number {
    return this.http.rateLimitedCount;
  }

  async lookup(address: string, hints: SubjectHints = {}, signal?: AbortSignal): Promise<Valuation> {
    const trimmed = address.trim();
    if (trimmed === '') throw new ValuationError('bad-data', 'No address to look up.');
    return this.http.request({
      method: 'GET',
      path: VALUE_PATH,
      query: {
        address: trimmed,
        propertyType: hints.propertyType,
        bedrooms: hints.bedrooms,
        bathrooms: hints.bathrooms,
        squareFootage: hints.squareFootage,
        compCount: this.compCount,
        maxRadius: this.options.maxRadius,
        daysOld: this.options.daysOld,
      },
      signal,
      read: (text, status) => {
        const json = parseJson(text);
        const parsed = json.ok ? parseRentcastAnswer(json.value) : { ok: false as const, problem: json.problem };
        if (parsed.ok) return { ok: true, value: parsed.valuation };
        const error = new ValuationError('bad-data', `RentCast sent an answer this extension cannot use (${this.http.scrub(parsed.problem)}).`, status);
        return { ok: false, error, retry: false };
      },
    });
  }

  /** `range` in RentCast's `min:max` syntax. */
  async searchProperties(search: PropertySearch, signal?: AbortSignal): Promise<PropertyRecord[]> {
    const range = (r: { min: number; max: number } | undefined) => (r ? `${r.min}:${r.max}` : undefined);
    return this.http.request({
      method: 'GET',
      path: PROPERTIES_PATH,
      query: {
        address: search.address,
        radius: search.radiusMiles,
        saleDateRange: `*:${search.saleWithinDays}`,
        propertyType: search.propertyType,
        squareFootage: range(search.squareFootage),
        bedrooms: range(search.bedrooms),
        limit: search.limit,
        offset: search.offset,
      },
      signal,
      read: (text, status) => {
        const json = parseJson(text);
        const parsed = json.ok ? parsePropertiesAnswer(json.value) : { ok: false as const, problem: json.problem };
        if (parsed.ok) return { ok: true, value: parsed.records };
        const error = new ValuationError('bad-data', `RentCast sent property records this extension cannot use (${this.http.scrub(parsed.problem)}).`, status);
        return { ok: false, error, retry: false };
      },
    });
  }
}

function rentcastWords(maxRateLimitWaits: number): HttpFailureWords {
  const cancelled = () => new ValuationError('cancelled', 'The lookup was cancelled.');
  return {
    cancelled,
    dailyBudgetSpent: (left) => new ValuationError('rate-limited', `RentCast's daily request budget for this key is used up (${left} left).`),
    unreachable: ({ timedOut, timeoutMs, cause }) =>
      new ValuationError('network', timedOut ? `RentCast did not answer within ${Math.round(timeoutMs / 1000)} s.` : `Could not reach RentCast: ${cause}`),
    refused: ({ status, body }) => {
      const remote = remoteMessage(body, status);
      if (status === 429) return new ValuationError('rate-limited', `RentCast kept refusing with its rate limit (${maxRateLimitWaits} waits): ${remote}`, 429);
      if (status === 401 || status === 403) {
        return new ValuationError('unauthorized', `RentCast rejected the API key (check it, the subscription and billing on the RentCast dashboard): ${remote}`, status);
      }
      if (status === 404) return new ValuationError('not-found', `RentCast has no valuation for this address: ${remote}`, status);
      if (status === 400) return new ValuationError('bad-data', `RentCast refused the request: ${remote}`, status);
      if (status >= 500) return new ValuationError('network', `RentCast is unavailable (HTTP ${status}): ${remote}`, status);
      return new ValuationError('bad-data', `RentCast answered HTTP ${status}: ${remote}`, status);
    },
  };
}

/** RentCast's own words from an error body (`{ status, error, message }`; already scrubbed of the key). */
function remoteMessage(body: string, status: number): string {
  const parsed = tryParse(body) as { message?: unknown; error?: unknown } | undefined;
  const message = typeof parsed?.message === 'string' ? parsed.message : '';
  const code = typeof parsed?.error === 'string' ? parsed.error : '';
  return ([message, code ? `(${code})` : ''].filter(Boolean).join(' ') || `HTTP ${status}`).slice(0, 300);
}
