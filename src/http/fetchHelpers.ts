// Small helpers every HTTP client of the core shares (GHL's and RentCast's): the base URL check,
// a request timeout joined to the caller's signal, telling a timeout apart, reading what fetch
// and bodies give back without throwing, and keeping secrets out of every text they return.

/** `raw` without trailing slashes; what `refuse` makes of it (shown cut short) when it is not an http(s) URL with a host. */
export function requireHttpBaseUrl(raw: string, refuse: (shown: string) => Error): string {
  const url = raw.replace(/\/+$/, '');
  if (!/^https?:\/\/[^/\s]+/i.test(url)) throw refuse(url.slice(0, 100));
  return url;
}

/** The URL of `path` below `baseUrl`, with the query's values that say something (no undefined, '' or NaN). */
export function buildUrl(baseUrl: string, path: string, query: Record<string, string | number | boolean | undefined> = {}): string {
  const url = new URL(baseUrl + path);
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === '' || (typeof value === 'number' && !Number.isFinite(value))) continue;
    url.searchParams.set(key, String(value));
  }
  return url.toString();
}

/** The caller's signal, also aborted after `ms`. */
export function withTimeout(signal: AbortSignal | undefined, ms: number): AbortSignal {
  const timeout = AbortSignal.timeout(ms);
  return signal ? AbortSignal.any([signal, timeout]) : timeout;
}

/** Whether fetch (or a body read) failed because a timeout signal fired. */
export function isTimeout(err: unknown): boolean {
  return err instanceof Error && (err.name === 'TimeoutError' || (err.cause as Error | undefined)?.name === 'TimeoutError');
}

/** The most telling text of a fetch failure: undici's cause code (ECONNRESET…) before the generic message. */
export function errorText(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause as { code?: string; message?: string } | undefined;
  return cause?.code ?? cause?.message ?? err.message;
}

/** JSON.parse, or undefined for text that is not JSON (for error bodies, where any words will do). */
export function tryParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export type JsonRead = { ok: true; value: unknown } | { ok: false; problem: string };

/** JSON.parse with the reason it failed ("empty answer", "not JSON: Unexpected token < …"), for answers that must be data. */
export function parseJson(text: string): JsonRead {
  if (text.trim() === '') return { ok: false, problem: 'empty answer' };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (err) {
    return { ok: false, problem: `not JSON: ${(err instanceof Error ? err.message : String(err)).slice(0, 200)}` };
  }
}

/** `text` with every secret replaced by ***: an API should never echo a key, but no message may depend on that. */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  return secrets.reduce((scrubbed, secret) => (secret ? scrubbed.split(secret).join('***') : scrubbed), text);
}
