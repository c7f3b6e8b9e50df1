/** The response envelope every request channel answers with. */

export const ERROR_CODES = [
  'VALIDATION',
  'UNKNOWN_CHANNEL',
  'NOT_CONFIGURED',
  'AUTH',
  'FORBIDDEN',
  'NOT_FOUND',
  'RATE_LIMITED',
  'NETWORK',
  'API',
  'CANCELLED',
  'INTERNAL',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ErrorInfo {
  code: ErrorCode;
  message: string;
  details?: unknown;
}

export type Envelope<T = unknown> = { success: true; data: T } | { success: false; error: ErrorInfo };

/** An error that carries its envelope code; thrown anywhere in the core, turned into an
 * envelope at the dispatcher. */
export class ExtGhlError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ExtGhlError';
  }

  toInfo(): ErrorInfo {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}

export function ok<T>(data: T): Envelope<T> {
  return { success: true, data };
}

export function fail(code: ErrorCode, message: string, details?: unknown): Envelope<never> {
  return { success: false, error: details === undefined ? { code, message } : { code, message, details } };
}
