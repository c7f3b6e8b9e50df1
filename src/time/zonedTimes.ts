import { TZDate } from '@date-fns/tz';
import { formatISO } from 'date-fns';

/** The fields of a wall-clock time, month 1-12. */
export interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  ms: number;
}

/**
 * The instant a wall-clock time names on the clock of `zone`; null for a date that does not
 * exist (2026-02-30, which Date would roll into March). A time the clocks skip (2:30 AM on the
 * spring-forward day) is the same time after the jump, 3:30 AM, as GHL's own calendar shows it;
 * a time the clocks pass twice (1:30 AM on the fall-back day) is the first of the two.
 */
export function wallClockInstant(wall: WallClock, zone: string): number | null {
  const { year, month, day, hour, minute, second, ms } = wall;
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return null;
  const probe = new Date(Date.UTC(year, month - 1, day));
  if (probe.getUTCMonth() !== month - 1 || probe.getUTCDate() !== day) return null;
  const at = new TZDate(year, month - 1, day, hour, minute, second, ms, zone).getTime();
  return Number.isFinite(at) ? at : null;
}

/** `2026-03-12T14:00:00-05:00`: the instant on the clock of `zone`, with that zone's offset at that instant. */
export function zonedIso(at: number, zone: string): string {
  return formatISO(new TZDate(at, zone));
}
