import * as vscode from 'vscode';
import { dueReminders, nextReminderAt, reminderKey } from '../../calendar/reminderPlan';
import type { AgendaEvent } from '../../protocol/responses';
import { Disposable } from '../lifecycle';

/** #18: minutes before an appointment its reminder shows (0 = off). */
export const SETTING_REMINDER_MINUTES = 'ghl.calendar.reminderMinutes';
export const DEFAULT_REMINDER_MINUTES = 10;

export function reminderMinutesSetting(): number {
  const value = vscode.workspace.getConfiguration().get<unknown>(SETTING_REMINDER_MINUTES);
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? Math.min(value, 24 * 60) : DEFAULT_REMINDER_MINUTES;
}

/** The clock and the timer the reminders run on: the real ones, or a test's. */
export interface ReminderClock {
  now(): number;
  setTimer(callback: () => void, ms: number): { dispose(): void };
}

export const REAL_CLOCK: ReminderClock = {
  now: () => Date.now(),
  setTimer(callback, ms) {
    // Node's timers take at most ~24.8 days; a later reminder is planned again when the agenda reloads.
    const handle = setTimeout(callback, Math.min(Math.max(0, ms), 2_147_000_000));
    return { dispose: () => clearTimeout(handle) };
  },
};

/**
 * Reminders while VS Code is open: "In 10 min: Walkthrough with Amanda Chen — 2870 Elm St" with
 * Open Contact / Open Meeting Link, once per appointment and time. One timer, for the next one
 * due; the agenda the Calendar view loads (cached or live) is the list it plans from.
 */
export class CalendarReminders extends Disposable {
  private events: readonly AgendaEvent[] = [];
  private readonly reminded = new Set<string>();
  private timer: { dispose(): void } | undefined;
  private readonly firedEmitter = this._register(new vscode.EventEmitter<{ event: AgendaEvent; message: string }>());
  /** Fires as a reminder shows (the Test-mode handle waits on it). */
  readonly onDidRemind = this.firedEmitter.event;

  constructor(
    private readonly minutes: () => number = reminderMinutesSetting,
    private readonly clock: ReminderClock = REAL_CLOCK,
    private readonly show: (message: string, event: AgendaEvent) => void = showReminder,
  ) {
    super();
    this._register({ dispose: () => this.timer?.dispose() });
    this._register(vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration(SETTING_REMINDER_MINUTES) && this.plan()));
  }

  setAgenda(events: readonly AgendaEvent[]): void {
    this.events = events;
    this.plan();
  }

  /** Shows what is due now and sets the timer for the next one. */
  plan(): void {
    this.timer?.dispose();
    this.timer = undefined;
    const now = this.clock.now();
    const minutes = this.minutes();
    for (const event of dueReminders(this.events, now, minutes, this.reminded)) {
      this.reminded.add(reminderKey(event));
      const message = reminderText(event, Math.max(1, Math.round((Date.parse(event.startTime) - now) / 60_000)));
      this.show(message, event);
      this.firedEmitter.fire({ event, message });
    }
    const next = nextReminderAt(this.events, now, minutes, this.reminded);
    if (next !== null) this.timer = this.clock.setTimer(() => this.plan(), next - now);
  }
}

/** "In 10 min: Walkthrough with Amanda Chen — 2870 Elm St". */
export function reminderText(event: AgendaEvent, minutes: number): string {
  const who = event.contactName ? ` with ${event.contactName}` : '';
  const where = event.address?.trim() ? ` — ${event.address.trim()}` : '';
  return `In ${minutes} min: ${event.title?.trim() || 'Appointment'}${who}${where}`;
}

function showReminder(message: string, event: AgendaEvent): void {
  const actions = [...(event.contactId ? ['Open Contact'] : []), ...(/^https:\/\//i.test(event.address ?? '') ? ['Open Meeting Link'] : [])];
  void vscode.window.showInformationMessage(message, ...actions).then((choice) => {
    if (choice === 'Open Contact') void vscode.commands.executeCommand('ghl.calendar.openContact', event.contactId);
    if (choice === 'Open Meeting Link') void vscode.commands.executeCommand('ghl.calendar.openMeetingLink', event.address);
  });
}
