import { addCalendarDays, calendarDate } from '../time/dayWindows';
import { zonedIso } from '../time/zonedTimes';
import type { TimeWindow } from '../time/dayWindows';

/** GHL answers free slots for at most 31 days a request. */
export const FREE_SLOTS_MAX_DAYS = 31;
const MAX_RANGE_MS = FREE_SLOTS_MAX_DAYS * 86_400_000;

/**
 * #18: [start, end] in pieces GHL accepts: 31 calendar days each, never more than 31 × 24 h (a
 * month with the fall-back day is 31 days and an hour, which GHL would refuse). The pieces touch,
 * so a slot at a seam is listed twice at most, and `groupSlotsByDay` keeps it once.
 */
export function splitFreeSlotRange(start: number, end: number, zone: string): TimeWindow[] {
  const pieces: TimeWindow[] = [];
  let from = start;
  for (;;) {
    const to = Math.min(addCalendarDays(from, FREE_SLOTS_MAX_DAYS, zone), from + MAX_RANGE_MS, end);
    pieces.push({ startTime: from, endTime: to });
    if (to >= end) return pieces;
    from = to;
  }
}

/** The slots in [start, end], once each, by calendar day of `zone`, as ISO with that zone's offset. */
export function groupSlotsByDay(times: Iterable<number>, start: number, end: number, zone: string): Array<{ date: string; slots: string[] }> {
  const unique = [...new Set(times)].filter((t) => Number.isFinite(t) && t >= start && t <= end).sort((a, b) => a - b);
  const days: Array<{ date: string; slots: string[] }> = [];
  for (const at of unique) {
    const date = calendarDate(at, zone);
    const last = days[days.length - 1];
    if (last?.date === date) last.slots.push(zonedIso(at, zone));
    else days.push({ date, slots: [zonedIso(at, zone)] });
  }
  return days;
}
