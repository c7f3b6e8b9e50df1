import { ExtGhlError } from '../protocol/envelope';
import { ISO_TIME_PATTERN } from '../protocol/timeInput';
import { isTimeZone } from '../time/dayWindows';
import { wallClockInstant } from '../time/zonedTimes';

/**
 * #18: the times of the calendar channels as instants. A caller may send epoch ms, ISO 8601 with
 * an offset (an instant already), or without one: a wall-clock time or a date, read on the
 * location's clock as a person in that office means it ("Thursday 2 PM" is 2 PM there).
 */

export type TimeInput = number | string;

/** The instant `input` names, or null when it names none (a 2026-02-30, a 25:00). */
export function readInstant(input: TimeInput, zone: string): number | null {
  if (typeof input === 'number') return Number.isSafeInteger(input) && input >= 0 ? input : null;
  const text = input.trim();
  const match = ISO_TIME_PATTERN.exec(text);
  if (!match) return null;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map((part) => (part === undefined ? 0 : Number(part)));
  const ms = match[7] ? Number(match[7].padEnd(3, '0')) : 0;
  const wall = { year: year!, month: month!, day: day!, hour: hour!, minute: minute!, second: second!, ms };
  // Validates the date and the clock fields whatever the zone; with an offset the zone is the offset's.
  const local = wallClockInstant(wall, 'UTC');
  if (local === null) return null;
  const offset = match[8];
  if (!offset) return wallClockInstant(wall, zone);
  if (offset === 'Z') return local;
  const sign = offset.startsWith('-') ? -1 : 1;
  const digits = offset.slice(1).replace(':', '');
  const minutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4));
  if (minutes > 18 * 60) return null;
  return local - sign * minutes * 60_000;
}

/** The instant of a payload's time, or a VALIDATION error naming the field. */
export function requireInstant(input: TimeInput, zone: string, field: string): number {
  const at = readInstant(input, zone);
  if (at === null) throw validation(field, 'is not a time (epoch ms or ISO 8601, e.g. 2026-03-12T14:00:00-05:00)');
  return at;
}

/** `end` after `start`, or a VALIDATION error on `endField` (no request goes out). */
export function requireOrder(start: number, end: number, endField: string, startField: string): void {
  if (end <= start) throw validation(endField, `must be after ${startField}`);
}

/** A zone Intl knows, or a VALIDATION error. */
export function requireZone(zone: string, field: string): string {
  if (!isTimeZone(zone)) throw validation(field, 'is not a known time zone (an IANA name such as America/Chicago)');
  return zone;
}

export function validation(field: string, message: string): ExtGhlError {
  return new ExtGhlError('VALIDATION', `${field} ${message}.`, { fields: [{ field, message }] });
}
