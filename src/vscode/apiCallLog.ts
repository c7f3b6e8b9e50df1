import type { ApiCallLog } from '../ghl/client';

/**
 * The log's line for one GHL request, written on the host from the worker's `apiCall`
 * notification (the worker sends the entry, not a line: one message per call, and the
 * level is chosen here). No vscode import, so a unit test can read it.
 */
export function apiCallLine(entry: ApiCallLog): string {
  const retry = entry.attempt > 1 ? ` attempt ${entry.attempt}` : '';
  const background = entry.priority === 'user' ? '' : ` (${entry.priority})`;
  return `[api] ${entry.method} ${entry.path} → ${entry.status} (${entry.ms} ms)${retry}${background}`;
}

/** A failed call (an error status, a timeout, no network) is a warning; the rest is the log's ordinary traffic. */
export function apiCallLevel(entry: ApiCallLog): 'info' | 'warn' {
  return typeof entry.status === 'number' && entry.status < 400 ? 'info' : 'warn';
}
