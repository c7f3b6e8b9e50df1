import { TZDate } from '@date-fns/tz';
import * as chrono from 'chrono-node';

/**
 * A due date typed the way people say it ("tomorrow 9am", "in 3 days", "next monday 2pm",
 * "friday"), read by chrono-node on the wall clock of the location's time zone. chrono only
 * knows fixed offsets, so it parses on a floating clock (the zone's wall time written as UTC)
 * and the components it answers are placed in the zone afterwards: "next monday 2pm" is 2 pm
 * in the location even when the clocks change before Monday.
 */

/** The hour a day-only phrase ("friday", "in 3 days") is due at: the start of a working day. */
export const DEFAULT_DUE_HOUR = 9;

export interface ParsedDueDate {
  /** The instant, epoch ms. */
  at: number;
  /** ISO 8601 with the zone's offset, e.g. 2026-12-11T09:00:00.000-05:00. */
  iso: string;
  /** The part of the text that was read as the date. */
  matched: string;
  /** False when the phrase named a day only and DEFAULT_DUE_HOUR was taken. */
  timeGiven: boolean;
}

/** The due date `text` names, seen from `now` in `zone`; null when it names none. */
export function parseDuePhrase(text: string, now: number, zone: string): ParsedDueDate | null {
  const wall = new TZDate(now, zone);
  const floating = new Date(Date.UTC(wall.getFullYear(), wall.getMonth(), wall.getDate(), wall.getHours(), wall.getMinutes(), wall.getSeconds()));
  // forwardDate: "friday" on a Saturday is the coming Friday, never the one just gone.
  const result = chrono.parse(text, { instant: floating, timezone: 0 }, { forwardDate: true })[0];
  if (!result) return null;
  const start = result.start;
  const timeGiven = start.isCertain('hour');
  const part = (name: chrono.Component, fallback: number) => start.get(name) ?? fallback;
  const due = new TZDate(
    part('year', wall.getFullYear()),
    part('month', wall.getMonth() + 1) - 1,
    part('day', wall.getDate()),
    timeGiven ? part('hour', 0) : DEFAULT_DUE_HOUR,
    timeGiven ? part('minute', 0) : 0,
    0,
    zone,
  );
  const at = due.getTime();
  return { at, iso: due.toISOString(), matched: result.text, timeGiven };
}

/**
 * A due date as the user confirms it: the day and time on the location's clock, with the zone,
 * e.g. `Tue, Dec 8, 2026, 9:00 AM CST`; the reader's own in brackets when their zone differs.
 */
export function formatDueDate(at: number, zones: { location: string; user: string }): string {
  const inZone = (zone: string) =>
    new Intl.DateTimeFormat('en-US', { weekday: 'short', month: 'short', day: 'numeric', year: 'numeric', hour: 'numeric', minute: '2-digit', timeZone: zone, timeZoneName: 'short' }).format(at);
  const location = inZone(zones.location);
  const user = inZone(zones.user);
  return location === user || zones.location === zones.user ? location : `${location} (${user} your time)`;
}
