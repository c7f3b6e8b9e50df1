import { groupSlotsByDay, splitFreeSlotRange } from '../calendar/slotRanges';
import { requireInstant, requireOrder, requireZone, type TimeInput } from '../calendar/instants';
import type { AgendaFilter } from '../db/agendaRepo';
import type { GhlApi } from '../ghl/api';
import { readAppointment, readCalendarEvents, readCalendars, readFreeSlotTimes } from '../ghl/liveRecords';
import { EXT_GHL_IPC as C } from '../protocol/channels';
import { ExtGhlError } from '../protocol/envelope';
import type { AgendaEvent, CalendarEvent, FreeSlots } from '../protocol/responses';
import { addCalendarDays, startOfDayIn } from '../time/dayWindows';
import { zonedIso } from '../time/zonedTimes';
import type { HandlerContext } from './context';
import type { HandlerTable } from './dispatcher';
import { ghlUnavailable, httpStatusOf } from './ghlUnavailable';
import { requireLocationId } from './settings';

/**
 * #18: free slots, booking, rescheduling, status changes and the agenda. Every time in a payload
 * is read on the location's clock when it has no offset, and checked (a real time, an end after
 * its start) before any request goes out; every time answered is ISO 8601 with the location's
 * offset. The agenda is kept in the cache (the Calendar view's first paint, offline).
 */

type CalendarChannels = typeof C.CAL_FREE_SLOTS | typeof C.APPOINTMENTS_CREATE | typeof C.APPOINTMENTS_UPDATE | typeof C.APPOINTMENTS_DELETE | typeof C.CAL_AGENDA;

/** Calendars read at once for the agenda. */
const AGENDA_FETCH_CONCURRENCY = 4;
/** Days of fresh free slots a refused booking answers with. */
const FRESH_SLOT_DAYS = 7;

export function calendarHandlers(ctx: HandlerContext, locationTimeZone: () => Promise<string>): Pick<HandlerTable, CalendarChannels> {
  const instant = async (input: TimeInput, field: string, zone?: string) => requireInstant(input, zone ?? (await locationTimeZone()), field);

  async function listFreeSlots(api: GhlApi, calendarId: string, start: number, end: number, zone: string, userId?: string): Promise<FreeSlots> {
    const pieces = splitFreeSlotRange(start, end, zone);
    const answers = await Promise.all(
      pieces.map((piece) => api.getFreeSlots(calendarId, { startDate: piece.startTime, endDate: piece.endTime, timezone: zone, ...(userId ? { userId } : {}) })),
    );
    const days = groupSlotsByDay(answers.flatMap(readFreeSlotTimes), start, end, zone);
    return { calendarId, timeZone: zone, days, requests: pieces.length };
  }

  /** GHL's answer to a booking or a move, in the location's offset, with the contact's name as the cache knows it. */
  function present(event: CalendarEvent, zone: string, calendarName?: string): AgendaEvent {
    const contactName = event.contactId ? ctx.repos().contacts.get(event.contactId)?.name ?? undefined : undefined;
    return {
      ...event,
      startTime: zonedIso(Date.parse(event.startTime), zone),
      endTime: zonedIso(Date.parse(event.endTime), zone),
      ...(contactName ? { contactName } : {}),
      ...(calendarName ? { calendarName } : {}),
    };
  }

  /**
   * A refused booking or move: when the time is no longer among the calendar's free slots, says
   * so with the free slots of the days from then on (one more request), so the caller can offer
   * them at once; any other refusal is GHL's own error.
   */
  async function explainRefusal(err: unknown, api: GhlApi, calendarId: string | undefined, start: number, zone: string): Promise<never> {
    const status = httpStatusOf(err);
    if (!(err instanceof ExtGhlError) || err.code !== 'API' || status < 400 || status >= 500 || !calendarId) throw err;
    const from = Math.max(ctx.now(), startOfDayIn(start, zone));
    let fresh: FreeSlots;
    try {
      fresh = await listFreeSlots(api, calendarId, from, addCalendarDays(startOfDayIn(start, zone), FRESH_SLOT_DAYS, zone), zone);
    } catch {
      throw err;
    }
    if (fresh.days.some((d) => d.slots.some((s) => Date.parse(s) === start))) throw err;
    const next = fresh.days.flatMap((d) => d.slots).slice(0, 3);
    const offer = next.length ? ` Free times from then on: ${next.join(', ')}.` : ` No free time in the ${FRESH_SLOT_DAYS} days from then.`;
    throw new ExtGhlError('API', `${zonedIso(start, zone)} is no longer free in this calendar (GHL: ${err.message}).${offer}`, {
      status,
      reason: 'SLOT_TAKEN',
      freeSlots: fresh,
    });
  }

  return {
    async [C.CAL_FREE_SLOTS]({ calendarId, startDate, endDate, timezone, userId }) {
      const zone = timezone ? requireZone(timezone, 'timezone') : await locationTimeZone();
      const start = await instant(startDate, 'startDate', zone);
      const end = await instant(endDate, 'endDate', zone);
      requireOrder(start, end, 'endDate', 'startDate');
      return listFreeSlots(await ctx.api(), calendarId, start, end, zone, userId);
    },

    async [C.APPOINTMENTS_CREATE]({ calendarId, contactId, startTime, endTime, title, assignedUserId, address, appointmentStatus, notes }) {
      const locationId = requireLocationId(ctx);
      const zone = await locationTimeZone();
      const start = await instant(startTime, 'startTime', zone);
      const end = endTime === undefined ? undefined : await instant(endTime, 'endTime', zone);
      if (end !== undefined) requireOrder(start, end, 'endTime', 'startTime');
      const api = await ctx.api();
      const body = {
        calendarId,
        locationId,
        contactId,
        startTime: zonedIso(start, zone),
        ...(end !== undefined ? { endTime: zonedIso(end, zone) } : {}),
        ...(title ? { title } : {}),
        ...(assignedUserId ? { assignedUserId } : {}),
        ...(address ? { address } : {}),
        ...(appointmentStatus ? { appointmentStatus } : {}),
      };
      const booked = await api.createAppointment(body).catch((err: unknown) => explainRefusal(err, api, calendarId, start, zone));
      const event = present(readAppointment(booked), zone);
      let noteError: string | undefined;
      if (notes?.trim()) {
        // The appointment stands either way; a note that did not go is said, not hidden.
        await api.addAppointmentNote(event.id, { body: notes }).catch((err: unknown) => {
          noteError = err instanceof Error ? err.message : String(err);
          ctx.log('warn', `The appointment ${event.id} is booked but its note was not added: ${noteError}`);
        });
      }
      // Through the write journal: every window's cached agenda has it, whichever window writes the file.
      await ctx.recordWrite({ kind: 'appointment', op: 'upsert', locationId, appointment: event });
      return noteError ? { ...event, noteError } : event;
    },

    async [C.APPOINTMENTS_UPDATE]({ eventId, data }) {
      const locationId = requireLocationId(ctx);
      const zone = await locationTimeZone();
      const start = data.startTime === undefined ? undefined : await instant(data.startTime, 'data.startTime', zone);
      const end = data.endTime === undefined ? undefined : await instant(data.endTime, 'data.endTime', zone);
      if (start !== undefined && end !== undefined) requireOrder(start, end, 'data.endTime', 'data.startTime');
      const api = await ctx.api();
      const body = {
        ...data,
        ...(start !== undefined ? { startTime: zonedIso(start, zone) } : {}),
        ...(end !== undefined ? { endTime: zonedIso(end, zone) } : {}),
      };
      const cached = ctx.repos().agenda.get(locationId, eventId);
      const answer = await api
        .updateAppointment(eventId, body)
        .catch((err: unknown) => (start === undefined ? Promise.reject(err) : explainRefusal(err, api, cached?.calendarId, start, zone)));
      const event = present(readAppointment(answer), zone, typeof cached?.calendarName === 'string' ? cached.calendarName : undefined);
      await ctx.recordWrite({ kind: 'appointment', op: 'upsert', locationId, appointment: event });
      return event;
    },

    async [C.APPOINTMENTS_DELETE]({ eventId }) {
      const locationId = requireLocationId(ctx);
      await (await ctx.api()).deleteCalendarEvent(eventId);
      await ctx.recordWrite({ kind: 'appointment', op: 'delete', locationId, id: eventId });
      return { eventId, deleted: true as const };
    },

    async [C.CAL_AGENDA]({ from, to, calendarIds, assignedTo, source }) {
      const locationId = requireLocationId(ctx);
      const zone = await locationTimeZone();
      const start = await instant(from, 'from', zone);
      const end = await instant(to, 'to', zone);
      requireOrder(start, end, 'to', 'from');
      const filter: AgendaFilter = { ...(calendarIds ? { calendarIds } : {}), ...(assignedTo ? { assignedTo } : {}) };
      const range = { from: zonedIso(start, zone), to: zonedIso(end, zone), timeZone: zone };
      const fromCache = (staleReason?: string) => {
        const cached = ctx.repos().agenda.read(locationId, start, end, filter);
        return { ...range, items: cached.items, total: cached.items.length, fetchedAt: cached.fetchedAt, fromCache: true, ...(staleReason ? { staleReason } : {}) };
      };
      if (source === 'cache') return fromCache();
      let items: AgendaEvent[];
      try {
        items = await fetchAgenda(await ctx.api(), locationId, start, end, filter, zone);
      } catch (err) {
        // Offline or GHL down (still 5xx after the retries): the last agenda read, marked with when, rather than nothing.
        if (ghlUnavailable(err)) return fromCache(err.message);
        throw err;
      }
      const fetchedAt = ctx.now();
      ctx.repos().agenda.replaceRange(locationId, start, end, filter, items, fetchedAt);
      ctx.markDirty();
      return { ...range, items, total: items.length, fetchedAt, fromCache: false };
    },
  };

  async function fetchAgenda(api: GhlApi, locationId: string, start: number, end: number, filter: AgendaFilter, zone: string): Promise<AgendaEvent[]> {
    const calendars = readCalendars((await api.getCalendars(locationId)).calendars);
    const names = new Map(calendars.map((c) => [c.id, c.name]));
    const ids = filter.calendarIds ?? calendars.map((c) => c.id);
    const events: CalendarEvent[] = [];
    if (filter.assignedTo && !filter.calendarIds) {
      // One request for a user's appointments across every calendar.
      events.push(...readCalendarEvents((await api.getCalendarEvents({ locationId, userId: filter.assignedTo, startTime: start, endTime: end })).events));
    } else {
      for (let i = 0; i < ids.length; i += AGENDA_FETCH_CONCURRENCY) {
        const answers = await Promise.all(ids.slice(i, i + AGENDA_FETCH_CONCURRENCY).map((calendarId) => api.getCalendarEvents({ locationId, calendarId, startTime: start, endTime: end })));
        for (const answer of answers) events.push(...readCalendarEvents(answer.events));
      }
    }
    return events
      .filter((e) => {
        const at = Date.parse(e.startTime);
        return at >= start && at < end && (!filter.assignedTo || e.assignedUserId === filter.assignedTo);
      })
      .sort((a, b) => Date.parse(a.startTime) - Date.parse(b.startTime) || a.id.localeCompare(b.id))
      .map((e) => present(e, zone, names.get(e.calendarId)));
  }
}
