/**
 * RentCast's property valuation (`GET {baseUrl}/v1/avm/value`, header `X-Api-Key`) behind the
 * ValuationProvider seam. Paced to RentCast's 20 requests/s per key, 429s waited out with
 * Retry-After; every failure becomes a ValuationError. The key travels only in the header: it
 * is never part of a URL, an error message or a log entry.
 */
import { RateBudget, type RateTicket } from '../ghl/rateBudget';
import { ValuationError, type SubjectHints, type ValuationProvider } from './provider';
import { parseRentcastAnswer } from './rentcastAnswer';
import type { Valuation } from './types';
import { errorText, isTimeout, tryParse, withTimeout } from '../http/fetchHelpers';

export const DEFAULT_RENTCAST_BASE_URL = 'https://api.rentcast.io';
export const RENTCAST_REQUESTS_PER_SECOND = 20;
const VALUE_PATH = '/v1/avm/value';

export interface RentcastCallLog {
  /** Always the path alone: the query holds the address, the header the key. */
  path: string;
  status: number | 'network' | 'timeout';
  ms: number;
  attempt: number;
}

export interface RentcastOptions {
  apiKey: string;
  baseUrl?: string;
  /** 5–25 (RentCast's bounds); default 10, enough for the 5 best above the correlation floor. */
  compCount?: number;
  maxRadius?: number;
  daysOld?: number;
  timeoutMs?: number;
  /** Requests per second to stay under; default 20 (RentCast's limit per key). */
  requestsPerSecond?: number;
  /** How many 429s one lookup waits out before giving up. */
  maxRateLimitWaits?: number;
  /** How many times a network error or 5xx is retried (a GET, so safe to repeat). */
  maxRetries?: number;
  fetch?: typeof fetch;
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  onCall?: (entry: RentcastCallLog) => void;
}

export class RentcastProvider implements ValuationProvider {
  readonly name = 'rentcast';
  private readonly baseUrl: string;
  private readonly budget: RateBudget;
  private readonly fetchImpl: typeof fetch;
  private readonly now: () => number;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly compCount: number;
  private sent = 0;
  private rateLimited = 0;
  /** One pacing decision at a time, so concurrent lookups cannot both take the last slot. */
  private pacing: Promise<void> = Promise.resolve();

  constructor(private readonly options: RentcastOptions) {
    if (!options.apiKey) throw new ValuationError('unauthorized', 'No RentCast API key is set (GHL: Set RentCast API Key).');
    this.baseUrl = (options.baseUrl ?? DEFAULT_RENTCAST_BASE_URL).replace(/\/+$/, '');
    if (!/^https?:\/\/[^/\s]+/i.test(this.baseUrl)) {
      throw new ValuationError('network', `The RentCast base URL "${this.baseUrl.slice(0, 100)}" is not an http(s) URL (setting ghl.arv.rentcastBaseUrl).`);
    }
    this.compCount = Math.min(25, Math.max(5, Math.trunc(options.compCount ?? 10)));
    this.fetchImpl = options.fetch ?? fetch;
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? abortableSleep;
    this.budget = new RateBudget(this.now, { max: options.requestsPerSecond ?? RENTCAST_REQUESTS_PER_SECOND, intervalMs: 1000 });
  }

  /** HTTP requests sent so far, 429s and retries included. */
  get requestCount(): number {
    return this.sent;
  }

  /** 429 answers received so far. */
  get rateLimitedCount(): number {
    return this.rateLimited;
  }

  async lookup(address: string, hints: SubjectHints = {}, signal?: AbortSignal): Promise<Valuation> {
    const trimmed = address.trim();
    if (trimmed === '') throw new ValuationError('bad-data', 'No address to look up.');
    const url = this.buildUrl(trimmed, hints);
    const maxWaits = this.options.maxRateLimitWaits ?? 10;
    const maxRetries = this.options.maxRetries ?? 2;
    let waits = 0;
    let retries = 0;
    for (let attempt = 1; ; attempt++) {
      const ticket = await this.waitForSlot(signal);
      const started = this.now();
      let response: Response;
      let text: string;
      try {
        response = await this.fetchImpl(url, {
          method: 'GET',
          headers: { 'X-Api-Key': this.options.apiKey, Accept: 'application/json' },
          signal: withTimeout(signal, this.options.timeoutMs ?? 20_000),
        });
        text = await response.text();
      } catch (err) {
        this.budget.recordAnswer(ticket);
        if (signal?.aborted) throw cancelled();
        const timedOut = isTimeout(err);
        this.log(timedOut ? 'timeout' : 'network', started, attempt);
        if (retries < maxRetries) {
          retries++;
          await this.pause(backoffMs(retries), signal);
          continue;
        }
        throw new ValuationError(
          'network',
          timedOut
            ? `RentCast did not answer within ${Math.round((this.options.timeoutMs ?? 20_000) / 1000)} s.`
            : `Could not reach RentCast: ${this.scrub(errorText(err))}`,
        );
      }
      this.budget.recordAnswer(ticket);
      this.log(response.status, started, attempt);

      if (response.ok) {
        const body = tryParse(text);
        const parsed = parseRentcastAnswer(body);
        if (!parsed.ok) throw new ValuationError('bad-data', `RentCast sent an answer this extension cannot use (${this.scrub(parsed.problem)}).`, response.status);
        return parsed.valuation;
      }
      if (response.status === 429) {
        this.rateLimited++;
        if (waits < maxWaits) {
          waits++;
          await this.pause(this.budget.backoffAfter429(response.headers, waits), signal);
          continue;
        }
        throw new ValuationError('rate-limited', `RentCast kept refusing with its rate limit (${maxWaits} waits): ${this.remoteMessage(text, 429)}`, 429);
      }
      if (response.status >= 500 && retries < maxRetries) {
        retries++;
        await this.pause(backoffMs(retries), signal);
        continue;
      }
      throw this.httpError(response.status, text);
    }
  }

  private async waitForSlot(signal?: AbortSignal): Promise<RateTicket> {
    const turn = this.pacing.then(async () => {
      for (let delay = this.budget.delayBeforeNext(); delay > 0; delay = this.budget.delayBeforeNext()) await this.pause(delay, signal);
      if (signal?.aborted) throw cancelled();
      this.sent++;
      return this.budget.recordSend();
    });
    this.pacing = turn.then(
      () => undefined,
      () => undefined,
    );
    return turn;
  }

  private async pause(ms: number, signal?: AbortSignal): Promise<void> {
    try {
      await this.sleep(ms, signal);
    } catch {
      throw cancelled();
    }
  }

  private buildUrl(address: string, hints: SubjectHints): string {
    const url = new URL(this.baseUrl + VALUE_PATH);
    const query: Record<string, string | number | undefined> = {
      address,
      propertyType: hints.propertyType,
      bedrooms: hints.bedrooms,
      bathrooms: hints.bathrooms,
      squareFootage: hints.squareFootage,
      compCount: this.compCount,
      maxRadius: this.options.maxRadius,
      daysOld: this.options.daysOld,
    };
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined && value !== '' && !(typeof value === 'number' && !Number.isFinite(value))) url.searchParams.set(key, String(value));
    }
    return url.toString();
  }

  private httpError(status: number, text: string): ValuationError {
    const remote = this.remoteMessage(text, status);
    if (status === 401 || status === 403) {
      return new ValuationError('unauthorized', `RentCast rejected the API key (check it, the subscription and billing on the RentCast dashboard): ${remote}`, status);
    }
    if (status === 404) return new ValuationError('not-found', `RentCast has no valuation for this address: ${remote}`, status);
    if (status === 400) return new ValuationError('bad-data', `RentCast refused the request: ${remote}`, status);
    if (status >= 500) return new ValuationError('network', `RentCast is unavailable (HTTP ${status}): ${remote}`, status);
    return new ValuationError('bad-data', `RentCast answered HTTP ${status}: ${remote}`, status);
  }

  /** RentCast's own words from an error body (`{ status, error, message }`), key scrubbed. */
  private remoteMessage(text: string, status: number): string {
    const body = tryParse(text) as { message?: unknown; error?: unknown } | undefined;
    const message = typeof body?.message === 'string' ? body.message : '';
    const code = typeof body?.error === 'string' ? body.error : '';
    const words = [message, code ? `(${code})` : ''].filter(Boolean).join(' ') || `HTTP ${status}`;
    return this.scrub(words.slice(0, 300));
  }

  /** RentCast should never echo the key, but no message may depend on that. */
  private scrub(text: string): string {
    return text.split(this.options.apiKey).join('***');
  }

  private log(status: RentcastCallLog['status'], started: number, attempt: number): void {
    this.options.onCall?.({ path: VALUE_PATH, status, ms: this.now() - started, attempt });
  }
}

function cancelled(): ValuationError {
  return new ValuationError('cancelled', 'The lookup was cancelled.');
}

function backoffMs(attempt: number): number {
  return Math.min(4000, 500 * 2 ** (attempt - 1));
}

function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(cancelled());
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(cancelled());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
