import * as vscode from 'vscode';
import { clockLabel, dayLabel } from '../../calendar/slotLabels';
import type { AgendaEvent } from '../../protocol/responses';
import { calendarDate } from '../../time/dayWindows';
import { Disposable } from '../lifecycle';

/**
 * #18: the appointment on now, else the next one (`$(calendar) 2:30 PM Amanda Chen`), on the
 * location's clock; hidden when nothing is ahead. Click: the Calendar view.
 */
export class CalendarStatusBar extends Disposable {
  private readonly item = this._register(vscode.window.createStatusBarItem('ghl-calendar-next', vscode.StatusBarAlignment.Left, 49));
  private events: readonly AgendaEvent[] = [];
  private zone = 'UTC';

  constructor(private readonly now: () => number = Date.now) {
    super();
    this.item.name = 'GoHighLevel Next Appointment';
    this.item.command = 'ghl.calendar.focus';
    // The current one ends and the next one starts on the minute.
    const timer = setInterval(() => this.render(), 60_000);
    timer.unref?.();
    this._register({ dispose: () => clearInterval(timer) });
  }

  setAgenda(events: readonly AgendaEvent[], zone: string): void {
    this.events = events;
    this.zone = zone;
    this.render();
  }

  render(): void {
    const now = this.now();
    const live = this.events.filter((e) => e.appointmentStatus !== 'cancelled' && e.appointmentStatus !== 'invalid' && Date.parse(e.endTime) > now);
    const current = live.find((e) => Date.parse(e.startTime) <= now);
    const next = current ?? live.find((e) => Date.parse(e.startTime) > now);
    if (!next) {
      this.item.hide();
      return;
    }
    const start = Date.parse(next.startTime);
    const sameDay = calendarDate(start, this.zone) === calendarDate(now, this.zone);
    const when = `${sameDay ? '' : `${dayLabel(start, this.zone)} `}${clockLabel(start, this.zone)}`;
    const who = next.contactName ?? next.title ?? 'Appointment';
    this.item.text = `$(calendar) ${when} ${who}`;
    this.item.tooltip = `${current ? 'Now' : 'Next'}: ${next.title ?? 'Appointment'}${next.contactName ? ` with ${next.contactName}` : ''}${next.calendarName ? ` (${next.calendarName})` : ''}. Click for the calendar.`;
    this.item.show();
  }

  get text(): string {
    return this.item.text;
  }
}
