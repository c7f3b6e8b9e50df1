import type { InboxPollOutcome } from './poller';

/** `ghl.inbox.pollSeconds` when unset. */
export const DEFAULT_POLL_SECONDS = 60;
/** A shorter setting is raised to this: one location's budget is shared by every client of it. */
export const MIN_POLL_SECONDS = 10;
/** The longest wait after failures in a row (GHL down, token revoked, daily budget spent). */
export const MAX_BACKOFF_MS = 15 * 60_000;
/** While a sync runs polls are skipped without a request: look again soon so the inbox resumes as the sync ends. */
export const SYNC_RECHECK_MS = 15_000;

export interface PollTiming {
  /** ghl.inbox.pollSeconds: 0 (or less, or not a number) = off. */
  pollSeconds: number;
  /** Whether a VS Code window is focused: the inbox is polled only while someone can see it. */
  focused: boolean;
  syncRunning?: boolean;
  lastOutcome?: InboxPollOutcome['status'];
  /** InboxPoller.consecutiveFailures; without it a failed lastOutcome counts as one. */
  consecutiveFailures?: number;
}

/** Milliseconds until the next poll, or null for none (off, or unfocused: poll again when focus returns). */
export function pollDelayMs(timing: PollTiming): number | null {
  if (!Number.isFinite(timing.pollSeconds) || timing.pollSeconds <= 0 || !timing.focused) return null;
  const interval = Math.max(MIN_POLL_SECONDS, timing.pollSeconds) * 1000;
  const failures = timing.consecutiveFailures ?? (timing.lastOutcome === 'failed' ? 1 : 0);
  if (failures > 0) return Math.min(MAX_BACKOFF_MS, interval * 2 ** Math.min(failures, 16));
  if (timing.syncRunning || timing.lastOutcome === 'skipped') return Math.min(interval, SYNC_RECHECK_MS);
  return interval;
}
