// Small helpers every HTTP client of the core shares (GHL's and RentCast's): a request
// timeout joined to the caller's signal, telling a timeout apart, and reading what fetch
// and bodies give back without throwing.

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

/** JSON.parse, or undefined for text that is not JSON. */
export function tryParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
