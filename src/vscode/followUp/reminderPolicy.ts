import type { Task } from '../../protocol/entities';

/**
 * #17: which tasks deserve a reminder now. Pure (no vscode, no clock of its own), so the
 * rules are tested on their own: a task is reminded once, when it falls due while VS Code
 * runs (tasks already overdue at start are the badge's job, not a burst of notifications);
 * never a completed one; a snoozed one again when its snooze ends.
 */
export interface ReminderState {
  /** When the reminders started: tasks due before then are not "falling due". */
  readonly since: number;
  /** Tasks reminded (and not snoozed since). */
  readonly reminded: Set<string>;
  /** Task id → when its snooze ends. */
  readonly snoozedUntil: Map<string, number>;
}

export const SNOOZE_MS = 60 * 60 * 1000;

export function newReminderState(since: number): ReminderState {
  return { since, reminded: new Set(), snoozedUntil: new Map() };
}

/** The tasks to remind of at `now`, marked as reminded in `state`. */
export function takeDueReminders(tasks: readonly Task[], now: number, state: ReminderState): Task[] {
  const due: Task[] = [];
  for (const task of tasks) {
    if (task.completed || task.dueDate === null) continue;
    const at = Date.parse(task.dueDate);
    if (!Number.isFinite(at) || at > now) continue;
    const snoozeEnd = state.snoozedUntil.get(task.id);
    if (snoozeEnd !== undefined) {
      if (snoozeEnd > now) continue;
      state.snoozedUntil.delete(task.id);
      state.reminded.delete(task.id);
    } else if (at < state.since) continue;
    if (state.reminded.has(task.id)) continue;
    state.reminded.add(task.id);
    due.push(task);
  }
  return due;
}

export function snooze(state: ReminderState, taskId: string, now: number): void {
  state.snoozedUntil.set(taskId, now + SNOOZE_MS);
}
