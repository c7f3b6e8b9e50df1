import type { ErrorCode } from '../protocol/envelope';

/** The buttons an error message offers. */
export type NextStep = 'Retry' | 'Set API Token' | 'Set Location ID' | 'Show Log';

/** What can fix a failure, by its code: a retry only where trying again can help. */
export function nextSteps(code: ErrorCode, canRetry: boolean): NextStep[] {
  switch (code) {
    case 'AUTH':
      return ['Set API Token', 'Show Log'];
    case 'NOT_CONFIGURED':
      return ['Set API Token', 'Set Location ID'];
    case 'FORBIDDEN':
      return ['Set Location ID', 'Show Log'];
    case 'VALIDATION':
    case 'NOT_FOUND':
    case 'UNKNOWN_CHANNEL':
    case 'CANCELLED':
      return ['Show Log'];
    case 'RATE_LIMITED':
    case 'NETWORK':
    case 'API':
    case 'INTERNAL':
      return canRetry ? ['Retry', 'Show Log'] : ['Show Log'];
  }
}
