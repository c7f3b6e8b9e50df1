/**
 * #18: how the calendar channels take a time: epoch ms, or ISO 8601 as a date (`2026-03-12`), a
 * wall-clock time (`2026-03-12T14:00`, seconds and milliseconds optional) or either with `Z` or
 * an offset (`-05:00`, `-0500`). Groups: year, month, day, hour, minute, second, ms, offset.
 * What a time without an offset means (the location's clock) is src/calendar/instants.ts's job.
 */
export const ISO_TIME_PATTERN = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
