// #18: the sandbox's free slots, computed the way GHL's calendars offer them: each calendar day
// (in the zone asked for, the location's by default) inside the calendar's open hours, one slot
// every slotInterval minutes that fits slotDuration before closing, minus the times an
// appointment of the calendar (not cancelled) already takes, and none in the past. Days are
// walked on the zone's wall clock, so the days the clocks change have their own hours right.
import { TZDate } from '@date-fns/tz';
import { formatISO } from 'date-fns';
import type { SandboxCalendar, SandboxCalendarEvent } from './data';

const MINUTE = 60_000;
const DAY = 86_400_000;

/** GHL's limit on one free-slots request. */
export const FREE_SLOTS_MAX_RANGE_MS = 31 * DAY;

export interface FreeSlotQuery {
  startMs: number;
  endMs: number;
  zone: string;
  now: number;
  /** The appointment being moved: its own time is not taken by itself. */
  ignoreEventId?: string;
}

/** `{ 'YYYY-MM-DD': { slots: [ISO with offset] } }`, as GHL answers; days without a slot left out. */
export function freeSlots(calendar: SandboxCalendar, events: Iterable<SandboxCalendarEvent>, query: FreeSlotQuery): Record<string, { slots: string[] }> {
  const taken = takenSpans(calendar.id, events, query.ignoreEventId);
  const out: Record<string, { slots: string[] }> = {};
  const first = new TZDate(query.startMs, query.zone);
  let day = new TZDate(first.getFullYear(), first.getMonth(), first.getDate(), query.zone);
  while (day.getTime() <= query.endMs) {
    for (const start of daySlots(calendar, day, query.zone)) {
      if (start < query.startMs || start > query.endMs || start < query.now) continue;
      const end = start + calendar.slotDuration * MINUTE;
      if (taken.some(([s, e]) => s < end && start < e)) continue;
      const key = dateKey(day);
      (out[key] ??= { slots: [] }).slots.push(formatISO(new TZDate(start, query.zone)));
    }
    day = new TZDate(day.getFullYear(), day.getMonth(), day.getDate() + 1, query.zone);
  }
  return out;
}

/** True when an appointment may start at `startMs`: a slot of the calendar that nothing takes. */
export function isFreeSlot(calendar: SandboxCalendar, events: Iterable<SandboxCalendarEvent>, startMs: number, zone: string, now: number, ignoreEventId?: string): boolean {
  const days = freeSlots(calendar, events, { startMs, endMs: startMs, zone, now, ignoreEventId });
  return Object.values(days).some((d) => d.slots.some((s) => Date.parse(s) === startMs));
}

function daySlots(calendar: SandboxCalendar, day: TZDate, zone: string): number[] {
  const starts: number[] = [];
  for (const rule of calendar.openHours) {
    if (!rule.daysOfTheWeek.includes(day.getDay())) continue;
    for (const h of rule.hours) {
      const open = h.openHour * 60 + h.openMinute;
      const close = h.closeHour * 60 + h.closeMinute;
      for (let m = open; m + calendar.slotDuration <= close; m += calendar.slotInterval) {
        const at = new TZDate(day.getFullYear(), day.getMonth(), day.getDate(), Math.floor(m / 60), m % 60, zone);
        // A wall-clock time the clocks skip does not exist that day: no slot there.
        if (at.getHours() * 60 + at.getMinutes() !== m) continue;
        starts.push(at.getTime());
      }
    }
  }
  return starts.sort((a, b) => a - b);
}

function takenSpans(calendarId: string, events: Iterable<SandboxCalendarEvent>, ignoreEventId?: string): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  for (const ev of events) {
    if (ev.calendarId !== calendarId || ev.id === ignoreEventId || ev.appointmentStatus === 'cancelled') continue;
    spans.push([Date.parse(ev.startTime), Date.parse(ev.endTime)]);
  }
  return spans;
}

function dateKey(day: TZDate): string {
  return `${day.getFullYear()}-${String(day.getMonth() + 1).padStart(2, '0')}-${String(day.getDate()).padStart(2, '0')}`;
}
