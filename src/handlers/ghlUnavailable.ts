import { ExtGhlError } from '../protocol/envelope';

/** The HTTP status GHL answered with, when the error carries one (else 0). */
export function httpStatusOf(err: unknown): number {
  if (!(err instanceof ExtGhlError) || typeof err.details !== 'object' || err.details === null || !('status' in err.details)) return 0;
  return typeof err.details.status === 'number' ? err.details.status : 0;
}

/**
 * GHL could not be reached or could not serve (offline, rate-limited, or a 5xx that outlasted
 * the retries): not the request's fault, so a handler with a cached answer may give that instead.
 */
export function ghlUnavailable(err: unknown): err is ExtGhlError {
  if (!(err instanceof ExtGhlError)) return false;
  return err.code === 'NETWORK' || err.code === 'RATE_LIMITED' || (err.code === 'API' && httpStatusOf(err) >= 500);
}
