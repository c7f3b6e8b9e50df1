import { tz, TZDate } from '@date-fns/tz';
import { addDays, differenceInDays, startOfDay } from 'date-fns';

/**
 * Calendar days in a named IANA time zone. A day is midnight to the next midnight on the wall
 * clock of that zone, so it lasts 23 or 25 hours when the clocks change; adding 24 hours to a
 * midnight would land an hour off on those days. The zone is always passed in (the location's,
 * read from GHL): the process's own zone is only the fallback, so nothing here depends on where
 * the code happens to run.
 */

/** A half-open span of instants, epoch ms: `startTime <= t < endTime`. */
export interface TimeWindow {
  startTime: number;
  endTime: number;
}

/** The zone days are counted in (the location's) and the one the reader's clock shows. */
export interface DisplayZones {
  location: string;
  user: string;
}

/** The zone of the machine the code runs on (the user's, for an extension), UTC if Intl cannot tell. */
export function machineTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** True for a zone name Intl knows (IANA names and their legacy aliases such as GHL's "US/Central"). */
export function isTimeZone(zone: unknown): zone is string {
  if (typeof zone !== 'string' || zone.trim() === '') return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/**
 * The zone to count days in: `zone` when it is a known zone, else the machine's. `onFallback`
 * hears why when a zone was given but is unknown (an absent one is no news).
 */
export function zoneOrMachine(zone: string | null | undefined, onFallback?: (message: string) => void): string {
  if (isTimeZone(zone)) return zone;
  const machine = machineTimeZone();
  if (zone) onFallback?.(`"${zone}" is not a known time zone; days are counted in the machine's zone (${machine}).`);
  return machine;
}

const inZone = (zone: string) => ({ in: tz(zone) });

/** Midnight at the start of the calendar day that holds `at`, in `zone`. */
export function startOfDayIn(at: number, zone: string): number {
  return startOfDay(at, inZone(zone)).getTime();
}

/** The same wall-clock time `days` calendar days later (earlier when negative), in `zone`. */
export function addCalendarDays(at: number, days: number, zone: string): number {
  return addDays(at, days, inZone(zone)).getTime();
}

/** `days` whole calendar days starting with the day that holds `at`. */
export function calendarDays(at: number, days: number, zone: string): TimeWindow {
  const startTime = startOfDayIn(at, zone);
  // startOfDay again: where a clock change falls at midnight, the later day starts at 01:00.
  return { startTime, endTime: startOfDayIn(addCalendarDays(startTime, days, zone), zone) };
}

/** Today in `zone`: 23, 24 or 25 hours. */
export function todayWindow(now: number, zone: string): TimeWindow {
  return calendarDays(now, 1, zone);
}

export function tomorrowWindow(now: number, zone: string): TimeWindow {
  return calendarDays(addCalendarDays(now, 1, zone), 1, zone);
}

/** Today and the `days - 1` calendar days after it. */
export function nextDaysWindow(now: number, days: number, zone: string): TimeWindow {
  return calendarDays(now, days, zone);
}

/**
 * `days` calendar days from the date `YYYY-MM-DD` in `zone`; null when the text is not a real
 * date (2026-02-30 included, which Date would roll over into March).
 */
export function calendarDateWindow(isoDate: string, days: number, zone: string): TimeWindow | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate.trim());
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const midnight = new TZDate(year, month - 1, day, zone);
  if (Number.isNaN(midnight.getTime()) || midnight.getFullYear() !== year || midnight.getMonth() !== month - 1 || midnight.getDate() !== day) return null;
  return calendarDays(midnight.getTime(), days, zone);
}

/** The calendar date that holds `at` in `zone`, as `YYYY-MM-DD`. */
export function calendarDate(at: number, zone: string): string {
  return new Intl.DateTimeFormat('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit', timeZone: zone }).format(at);
}

/**
 * Whole days from `from` to `to` on the wall clock of `zone` (a day is the same time on the next
 * calendar day, so 23 or 25 elapsed hours across a clock change still count as one).
 */
export function wholeDaysBetween(from: number, to: number, zone: string): number {
  return differenceInDays(to, from, inZone(zone));
}

const clockFormats = new Map<string, Intl.DateTimeFormat>();
function clock(zone: string, withWeekday: boolean): Intl.DateTimeFormat {
  const key = `${zone}|${withWeekday}`;
  let format = clockFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { hour: 'numeric', minute: '2-digit', timeZone: zone, ...(withWeekday ? { weekday: 'short' } : {}) });
    clockFormats.set(key, format);
  }
  return format;
}

/**
 * A time on the location's clock, with the reader's in brackets when their zone differs:
 * `9:00 AM`, or `9:00 AM (11:30 PM your time)`, with the weekday when the reader is on
 * another calendar day: `9:00 AM (Sun 11:00 PM your time)`.
 */
export function formatTime(at: number, zones: DisplayZones): string {
  if (!Number.isFinite(at)) return '—';
  const location = clock(zones.location, false).format(at);
  if (sameClock(zones)) return location;
  const otherDay = calendarDate(at, zones.location) !== calendarDate(at, zones.user);
  return `${location} (${clock(zones.user, otherDay).format(at)} your time)`;
}

/** `9:00 AM–9:30 AM` (`—` for a time that is not one), with the reader's span in brackets when their zone differs. */
export function formatSpan(start: number, end: number, zones: DisplayZones): string {
  if (!Number.isFinite(start) || !Number.isFinite(end)) return '—';
  const location = `${clock(zones.location, false).format(start)}–${clock(zones.location, false).format(end)}`;
  if (sameClock(zones)) return location;
  const otherDay = calendarDate(start, zones.location) !== calendarDate(start, zones.user);
  return `${location} (${clock(zones.user, otherDay).format(start)}–${clock(zones.user, false).format(end)} your time)`;
}

/** A line saying which clock the times are on, for the top of a list of times. */
export function zonesNote(zones: DisplayZones): string {
  return sameClock(zones) ? `Times in ${zones.location}.` : `Times in the location's zone (${zones.location}); yours (${zones.user}) in brackets.`;
}

function sameClock(zones: DisplayZones): boolean {
  return zones.location === zones.user;
}
