import * as vscode from 'vscode';
import { Disposable } from '../lifecycle';

export const SETTING_POLL_SECONDS = 'ghl.inbox.pollSeconds';
export const DEFAULT_POLL_SECONDS = 60;

/** ghl.inbox.pollSeconds as a number of seconds; 0 (or anything unusable below it) turns polling off. */
export function pollSeconds(value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) return DEFAULT_POLL_SECONDS;
  return value <= 0 ? 0 : value;
}

/** How long until the next poll is due: a full interval after the last one, at once if that has passed. */
export function delayUntilDue(lastPollAt: number | null, now: number, intervalMs: number): number {
  if (lastPollAt === null) return intervalMs;
  return Math.max(0, lastPollAt + intervalMs - now);
}

export interface InboxWatcherDeps {
  /** One poll (one request); the watcher never runs two at once. */
  poll(): Promise<void>;
  /** False while no location is connected: nothing to poll. */
  canPoll(): boolean;
  /** Defaults to vscode.window.state.focused and its change event. */
  focused?(): boolean;
}

/**
 * When to look for new messages: every ghl.inbox.pollSeconds while this window is focused
 * (read live; 0 = off), at once when the window comes back into focus with a poll due, and
 * on demand. Never at activation: the first poll waits for the Conversations view to show
 * or a full interval of focus.
 */
export class InboxWatcher extends Disposable {
  private timer: NodeJS.Timeout | undefined;
  private lastPollAt: number | null = null;
  private running: Promise<void> | undefined;
  private readonly focused: () => boolean;

  constructor(private readonly deps: InboxWatcherDeps) {
    super();
    this.focused = deps.focused ?? (() => vscode.window.state.focused);
    this._register(
      vscode.window.onDidChangeWindowState((state) => {
        if (state.focused && this.lastPollAt !== null && this.due()) void this.pollNow();
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

  get intervalMs(): number {
    return pollSeconds(vscode.workspace.getConfiguration().get(SETTING_POLL_SECONDS)) * 1000;
  }

  /** The Conversations view became visible: the first look happens now, not an interval later. */
  viewShown(): void {
    if (this.lastPollAt === null || this.due()) void this.pollNow();
  }

  /** Polls now (one request), unless one is running: then that one's result is the answer. */
  pollNow(): Promise<void> {
    if (this.running) return this.running;
    if (!this.deps.canPoll()) {
      this.schedule();
      return Promise.resolve();
    }
    clearTimeout(this.timer);
    const running = (async () => {
      try {
        await this.deps.poll();
      } finally {
        this.lastPollAt = Date.now();
        this.running = undefined;
        this.schedule();
      }
    })();
    this.running = running;
    return running;
  }

  private due(): boolean {
    const interval = this.intervalMs;
    return interval > 0 && delayUntilDue(this.lastPollAt, Date.now(), interval) === 0;
  }

  private schedule(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const interval = this.intervalMs;
    if (this.isDisposed || interval === 0 || !this.focused() || this.running) return;
    this.timer = setTimeout(() => void this.pollNow(), delayUntilDue(this.lastPollAt, Date.now(), interval));
    this.timer.unref?.();
  }
}
