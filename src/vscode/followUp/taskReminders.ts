import * as vscode from 'vscode';
import { EXT_GHL_IPC } from '../../protocol/channels';
import type { BackendHost } from '../backendHost';
import { Disposable } from '../lifecycle';
import type { Logger } from '../logger';
import { newReminderState, snooze, takeDueReminders } from './reminderPolicy';

export const SETTING_REMINDERS = 'ghl.tasks.remindersEnabled';
/** How often a focused window looks for tasks falling due: one read of the cache, no request to GHL. */
export const REMINDER_CHECK_MS = 30_000;

export interface ReminderClock {
  now(): number;
  setInterval(fn: () => void, ms: number): { dispose(): void };
}

const realClock: ReminderClock = {
  now: () => Date.now(),
  setInterval: (fn, ms) => {
    const timer = setInterval(fn, ms);
    timer.unref?.();
    return { dispose: () => clearInterval(timer) };
  },
};

/**
 * #17: while VS Code is focused and `ghl.tasks.remindersEnabled` is on, a notification when a
 * task falls due (Open Contact / Complete / Snooze 1 h): at most one per task, none for
 * completed ones (reminderPolicy.ts decides). The clock is injected, so tests need no waiting.
 */
export class TaskReminders extends Disposable {
  private readonly state;
  private checking = false;

  constructor(
    private readonly host: BackendHost,
    private readonly logger: Logger,
    private readonly onChanged: () => void,
    private readonly clock: ReminderClock = realClock,
  ) {
    super();
    this.state = newReminderState(clock.now());
    this._register(clock.setInterval(() => void this.check(), REMINDER_CHECK_MS));
    this._register(vscode.window.onDidChangeWindowState((s) => s.focused && void this.check()));
  }

  /** Looks now (the timer and focus call it; a test may too). */
  async check(): Promise<number> {
    if (this.checking || !vscode.window.state.focused) return 0;
    if (!vscode.workspace.getConfiguration().get<boolean>(SETTING_REMINDERS, true)) return 0;
    this.checking = true;
    try {
      const now = this.clock.now();
      const open = await this.host.request(EXT_GHL_IPC.TASKS_LIST, { status: 'open', dueBefore: now + 1, limit: 1000 });
      if (!open.success) return 0;
      const due = takeDueReminders(open.data.items, now, this.state);
      for (const task of due) void this.remind(task.id, task.title, task.contactId, task.contactName);
      return due.length;
    } finally {
      this.checking = false;
    }
  }

  private async remind(taskId: string, title: string, contactId: string, contactName: string | null): Promise<void> {
    const choice = await vscode.window.showInformationMessage(`Task due: "${title}"${contactName ? ` — ${contactName}` : ''}`, 'Open Contact', 'Complete', 'Snooze 1 h');
    if (choice === 'Open Contact') {
      await vscode.commands.executeCommand('ghl.tasks.openContact', contactId);
    } else if (choice === 'Complete') {
      const answer = await this.host.request(EXT_GHL_IPC.TASKS_COMPLETE, { contactId, taskId, completed: true });
      if (!answer.success) void vscode.window.showErrorMessage(`Could not complete "${title}": ${answer.error.message}`);
      else this.onChanged();
    } else if (choice === 'Snooze 1 h') {
      snooze(this.state, taskId, this.clock.now());
      this.logger.info(`Task "${title}" snoozed for an hour.`);
    }
  }
}
