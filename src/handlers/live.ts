import { EXT_GHL_IPC as C } from '../protocol/channels';
import { ExtGhlError } from '../protocol/envelope';
import { readCalendarEvents, readCalendars, readCustomFields } from '../ghl/liveRecords';
import type { CalendarEvent } from '../protocol/responses';
import type { HandlerContext } from './context';
import type { HandlerTable } from './dispatcher';
import { requireLocationId } from './settings';
import { addCalendarDays } from '../time/dayWindows';

type LiveChannels =
  | typeof C.CALS_LIST
  | typeof C.CAL_EVENTS_LIST
  | typeof C.CUSTOM_FIELDS_LIST;

/** Calendar days of events listed when no end is asked for. */
const DEFAULT_EVENT_DAYS = 7;
/** Calendars fetched at once when events of every calendar are asked for. */
const EVENT_FETCH_CONCURRENCY = 4;

/**
 * Calendars and custom fields are live: always read from GHL (conversations: conversations.ts).
 * `locationTimeZone` is the zone whose calendar days the default week of events counts.
 */
export function liveHandlers(ctx: HandlerContext, locationTimeZone: () => Promise<string>): Pick<HandlerTable, LiveChannels> {
  return {
    async [C.CALS_LIST]() {
      const locationId = requireLocationId(ctx);
      const items = readCalendars((await (await ctx.api()).getCalendars(locationId)).calendars);
      return { items, total: items.length };
    },
    async [C.CAL_EVENTS_LIST]({ calendarId, startTime, endTime }) {
      const locationId = requireLocationId(ctx);
      const api = await ctx.api();
      const start = startTime ?? ctx.now();
      // A week of calendar days: 7 × 24 h ends an hour off when the clocks change in between.
      const end = endTime ?? addCalendarDays(start, DEFAULT_EVENT_DAYS, await locationTimeZone());
      if (end <= start) throw new ExtGhlError('VALIDATION', 'endTime must be after startTime.', { fields: [{ field: 'endTime', message: 'must be after startTime' }] });
      const calendarIds = calendarId ? [calendarId] : readCalendars((await api.getCalendars(locationId)).calendars).map((c) => c.id);
      const items: CalendarEvent[] = [];
      for (let i = 0; i < calendarIds.length; i += EVENT_FETCH_CONCURRENCY) {
        const batch = calendarIds.slice(i, i + EVENT_FETCH_CONCURRENCY);
        const responses = await Promise.all(
          batch.map((id) => api.getCalendarEvents({ locationId, calendarId: id, startTime: start, endTime: end })),
        );
        for (const response of responses) items.push(...readCalendarEvents(response.events));
      }
      items.sort((a, b) => Date.parse(a.startTime) - Date.parse(b.startTime));
      return { items, total: items.length };
    },
    async [C.CUSTOM_FIELDS_LIST]() {
      const locationId = requireLocationId(ctx);
      const items = readCustomFields((await (await ctx.api()).getCustomFields(locationId)).customFields);
      return { items, total: items.length };
    },
  };
}
