import type { ReminderClock } from './taskReminders';

/**
 * #17: the task reminders' clock while VS Code runs the extension's tests (ExtensionMode.Test):
 * no timer of its own; the suite sets the time and runs a check through the Test-mode handle,
 * so a reminder test neither sleeps nor depends on the wall clock.
 */
export class ManualReminderClock implements ReminderClock {
  constructor(private time: number) {}

  now(): number {
    return this.time;
  }

  set(time: number): void {
    this.time = time;
  }

  /** No timer: the suite runs each check itself (TaskReminders.check through the handle). */
  setInterval(): { dispose(): void } {
    return { dispose: () => undefined };
  }
}
