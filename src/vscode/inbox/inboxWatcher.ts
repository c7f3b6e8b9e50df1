import * as vscode from 'vscode';
import { DEFAULT_POLL_SECONDS, pollDelayMs, type InboxPollOutcome } from '../../inbox';
import { Disposable } from '../lifecycle';

export const SETTING_POLL_SECONDS = 'ghl.inbox.pollSeconds';

/** ghl.inbox.pollSeconds as set (the core's pollDelayMs decides what 0 or a tiny value means). */
export function pollSecondsSetting(): number {
  const value = vscode.workspace.getConfiguration().get<unknown>(SETTING_POLL_SECONDS);
  return typeof value === 'number' && Number.isFinite(value) ? value : DEFAULT_POLL_SECONDS;
}

export interface PollResult {
  status: InboxPollOutcome['status'];
  consecutiveFailures: number;
}

export interface InboxWatcherDeps {
  /** One poll (one request); the watcher never runs two at once. */
  poll(): Promise<PollResult>;
  /** False while no location is connected: nothing to poll. */
  canPoll(): boolean;
  syncRunning(): boolean;
}

/**
 * When to look for new messages: at the core's pace (pollDelayMs: ghl.inbox.pollSeconds,
 * read live, 0 = off; sooner again after a skip for a sync, backing off after failures) and
 * only while this window is focused; at once when focus comes back with a poll due, and on
 * demand. Never at activation: the first poll waits for the Conversations view to show or
 * a full interval of focus.
 */
export class InboxWatcher extends Disposable {
  private timer: NodeJS.Timeout | undefined;
  private lastPollAt: number | null = null;
  private last: PollResult | undefined;
  private running: Promise<void> | undefined;

  constructor(private readonly deps: InboxWatcherDeps) {
    super();
    this._register(
      vscode.window.onDidChangeWindowState((state) => {
        if (state.focused && this.due()) void this.pollNow();
        else this.schedule();
      }),
    );
    this._register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(SETTING_POLL_SECONDS)) this.schedule();
      }),
    );
    this._register({ dispose: () => clearTimeout(this.timer) });
    this.schedule();
  }

  /** The Conversations view became visible: the first look happens now, not an interval later. */
  viewShown(): void {
    if (this.lastPollAt === null || this.due()) void this.pollNow();
  }

  /** Polls now (one request), unless one is running: then that one is the answer. */
  pollNow(): Promise<void> {
    if (this.running) return this.running;
    if (!this.deps.canPoll()) {
      this.schedule();
      return Promise.resolve();
    }
    clearTimeout(this.timer);
    const running = (async () => {
      try {
        this.last = await this.deps.poll();
      } finally {
        this.lastPollAt = Date.now();
        this.running = undefined;
        this.schedule();
      }
    })();
    this.running = running;
    return running;
  }

  /** Milliseconds until the next poll is due from the last one, null when none is (off, unfocused). */
  private delay(focused: boolean): number | null {
    return pollDelayMs({
      pollSeconds: pollSecondsSetting(),
      focused,
      syncRunning: this.deps.syncRunning(),
      ...(this.last ? { lastOutcome: this.last.status, consecutiveFailures: this.last.consecutiveFailures } : {}),
    });
  }

  private due(): boolean {
    const delay = this.delay(true);
    return delay !== null && this.lastPollAt !== null && Date.now() - this.lastPollAt >= delay;
  }

  private schedule(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.isDisposed || this.running) return;
    const delay = this.delay(vscode.window.state.focused);
    if (delay === null) return;
    const wait = this.lastPollAt === null ? delay : Math.max(0, this.lastPollAt + delay - Date.now());
    this.timer = setTimeout(() => void this.pollNow(), wait);
    this.timer.unref?.();
  }
}
