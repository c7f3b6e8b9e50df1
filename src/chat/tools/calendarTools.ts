import { z } from 'zod';
import { APPOINTMENT_STATUSES } from '../../protocol/requests';
import type { AgendaEvent, Calendar } from '../../protocol/responses';
import { addCalendarDays, calendarDateWindow, calendarDays, formatSpan, formatTime, type DisplayZones } from '../../time/dayWindows';
import { call, type ChannelClient } from '../channelClient';
import { capped, clip, compact, dataBlock, quote } from '../crmData';
import { contactLabel } from './crmQueries';
import { readTool, ToolInputError, writeTool, type ToolOutcome, type ToolRef } from './types';
import { displayZones } from './zones';

/**
 * #18: the calendar as chat and agent tools: free slots and the agenda (reads), booking and
 * changing an appointment (writes, each shown to the user with the contact, the calendar and
 * the time on the location's clock and theirs before anything is sent).
 */

const id = (what: string) => z.string().trim().min(1).max(128).describe(`The ${what} id, as an earlier tool result gave it.`);
const day = z.string().trim().regex(/^\d{4}-\d{2}-\d{2}$/, 'use YYYY-MM-DD').describe('First day, YYYY-MM-DD on the location\'s calendar; today when left out.');
const time = z
  .string()
  .trim()
  .min(10)
  .max(40)
  .describe('ISO 8601, e.g. 2026-03-12T14:00 (read on the location\'s clock) or with an offset, as ghl_free_slots lists them.');
const calendarName = z.string().trim().min(1).max(200).describe('Calendar name or id (ghl_free_slots and ghl_agenda name them); may be left out when the location has one calendar.');

async function pickCalendar(client: ChannelClient, wanted: string | undefined): Promise<Calendar> {
  const calendars = (await call(client, 'ext-ghl:cals-list', {})).items;
  if (!wanted) {
    if (calendars.length === 1) return calendars[0]!;
    throw new ToolInputError(`Name a calendar: ${calendars.map((c) => `${c.name} (${c.id})`).join(', ') || 'the location has none'}.`);
  }
  const exact = calendars.find((c) => c.id === wanted || c.name.toLowerCase() === wanted.toLowerCase());
  if (exact) return exact;
  const partial = calendars.filter((c) => c.name.toLowerCase().includes(wanted.toLowerCase()));
  if (partial.length === 1) return partial[0]!;
  throw new ToolInputError(`"${wanted}" ${partial.length ? 'matches several calendars' : 'is no calendar'}: ${calendars.map((c) => c.name).join(', ')}.`);
}

/** "Tue Mar 10, 2:30 PM–3:00 PM (3:30 PM–4:00 PM your time)": the day and the span on the location's clock, the reader's beside it. */
export function appointmentWhen(start: number, end: number | undefined, zones: DisplayZones): string {
  const date = new Intl.DateTimeFormat('en-US', { weekday: 'short', month: 'short', day: 'numeric', timeZone: zones.location }).format(start);
  return `${date}, ${end === undefined ? formatTime(start, zones) : formatSpan(start, end, zones)} (${zones.location})`;
}

function agendaRow(e: AgendaEvent, zones: DisplayZones) {
  return compact({
    id: e.id,
    title: clip(e.title, 200),
    contact: e.contactName,
    contactId: e.contactId,
    calendar: e.calendarName ?? e.calendarId,
    start: e.startTime,
    end: e.endTime,
    when: formatSpan(Date.parse(e.startTime), Date.parse(e.endTime), zones),
    status: e.appointmentStatus,
    address: clip(e.address, 200),
  });
}

/** `days` calendar days of `zone` from the date `from` (YYYY-MM-DD), or from today. */
function daysFrom(from: string | undefined, days: number, now: number, zone: string) {
  if (!from) return calendarDays(now, days, zone);
  const window = calendarDateWindow(from, days, zone);
  if (!window) throw new ToolInputError(`"${from}" is not a date; use YYYY-MM-DD.`);
  return window;
}

const contactRefOf = (e: AgendaEvent): ToolRef[] => (e.contactId ? [{ kind: 'contact', id: e.contactId, label: e.contactName ?? e.contactId }] : []);

export const freeSlots = readTool({
  name: 'ghl_free_slots',
  toolReferenceName: 'ghlFreeSlots',
  displayName: 'GHL Free Slots',
  userDescription: 'Free appointment times of a GoHighLevel calendar.',
  modelDescription:
    'Lists the free appointment slots of one GoHighLevel calendar (live from GHL) for a number of days from a day, by day on the location\'s calendar, ' +
    'each an ISO 8601 time with the location\'s offset (pass it as is to ghl_book_appointment). Use it before proposing a booking.',
  tags: ['ghl', 'crm', 'calendar', 'read'],
  icon: 'calendar',
  inputSchema: z.object({
    calendar: calendarName.optional(),
    from: day.optional(),
    days: z.number().int().min(1).max(31).optional().describe('How many days from "from" (7 when left out).'),
  }),
  async run({ calendar, from, days }, ctx) {
    const zones = await displayZones(ctx);
    const target = await pickCalendar(ctx.client, calendar);
    const window = daysFrom(from, days ?? 7, ctx.now(), zones.location);
    const startDate = Math.max(window.startTime, ctx.now());
    const slots = await call(ctx.client, 'ext-ghl:cal-free-slots', { calendarId: target.id, startDate, endDate: window.endTime });
    const total = slots.days.reduce((n, d) => n + d.slots.length, 0);
    return {
      ok: true,
      summary: `Read the free slots of ${quote(target.name)} — ${total} in ${slots.days.length} day(s)`,
      content: dataBlock('ghl_free_slots', { calendar: { id: target.id, name: target.name }, timeZone: slots.timeZone, days: slots.days.slice(0, 31) }),
      refs: [],
    };
  },
});

export const agenda = readTool({
  name: 'ghl_agenda',
  toolReferenceName: 'ghlAgenda',
  displayName: 'GHL Agenda',
  userDescription: 'The appointments of every calendar for a day or a range of days, with the contacts\' names.',
  modelDescription:
    'Lists the appointments of every GoHighLevel calendar (live, or the last agenda read when GHL cannot be reached) from the start of a day for a number of days ' +
    'on the location\'s calendar, merged and sorted, each with id, title, contact name and id, calendar, start and end (ISO with the location\'s offset), ' +
    'when (the location\'s clock, the user\'s in brackets when it differs), status and address.',
  tags: ['ghl', 'crm', 'calendar', 'read'],
  icon: 'calendar',
  inputSchema: z.object({ from: day.optional(), days: z.number().int().min(1).max(31).optional().describe('How many days from "from" (1 when left out).') }),
  async run({ from, days }, ctx) {
    const zones = await displayZones(ctx);
    const window = daysFrom(from, days ?? 1, ctx.now(), zones.location);
    const result = await call(ctx.client, 'ext-ghl:cal-agenda', { from: window.startTime, to: window.endTime });
    const rows = result.items.map((e) => agendaRow(e, zones));
    const stale = result.fromCache ? { fromCache: true, fetchedAt: result.fetchedAt === null ? null : new Date(result.fetchedAt).toISOString(), why: result.staleReason } : {};
    return {
      ok: true,
      summary: `Read the agenda from ${result.from.slice(0, 10)} — ${result.total} appointment(s)${result.fromCache ? ' (from the cache)' : ''}`,
      content: dataBlock('ghl_agenda', { range: { from: result.from, to: result.to, timeZone: result.timeZone }, ...stale, ...capped(rows, result.total) }),
      refs: result.items.slice(0, 25).flatMap(contactRefOf),
    };
  },
});

function doneOutcome(tool: string, plan: { summary: string }, event: AgendaEvent): ToolOutcome {
  return { ok: true, summary: `Done: ${plan.summary}`, content: dataBlock(tool, { done: plan.summary, appointment: { id: event.id, start: event.startTime, end: event.endTime, status: event.appointmentStatus } }), refs: contactRefOf(event) };
}

export const bookAppointment = writeTool({
  name: 'ghl_book_appointment',
  toolReferenceName: 'ghlBookAppointment',
  displayName: 'Book GHL Appointment',
  userDescription: 'Book an appointment with a contact in a free slot (asks for your confirmation first).',
  modelDescription:
    'Proposes booking an appointment for a GoHighLevel contact in a calendar at a free slot (from ghl_free_slots). Nothing is booked until the user approves ' +
    'the contact, calendar and time shown. A time that is not free is refused with the free times near it.',
  tags: ['ghl', 'crm', 'calendar', 'write'],
  icon: 'calendar',
  channel: 'ext-ghl:appointments-create',
  inputSchema: z.object({
    contactId: id('contact'),
    calendar: calendarName.optional(),
    startTime: time,
    title: z.string().trim().min(1).max(200).optional().describe('Title, e.g. "Walkthrough — 2870 Elm St".'),
    notes: z.string().trim().min(1).max(2000).optional().describe('A note added to the appointment.'),
  }),
  async plan({ contactId, calendar, startTime, title, notes }, ctx) {
    const { client } = ctx;
    const [contact, target, zones] = await Promise.all([call(client, 'ext-ghl:contacts-get', { id: contactId }), pickCalendar(client, calendar), displayZones(ctx)]);
    // The week of free slots from that day says whether the time is free now, and which instant it names on the location's clock.
    const dayOf = calendarDateWindow(startTime.slice(0, 10), 7, zones.location);
    if (!dayOf) throw new ToolInputError(`${startTime} is not a time; use ISO 8601 such as 2026-03-12T14:00.`);
    const slots = await call(client, 'ext-ghl:cal-free-slots', { calendarId: target.id, startDate: Math.max(dayOf.startTime, ctx.now()), endDate: dayOf.endTime });
    const all = slots.days.flatMap((d) => d.slots);
    const start = all.find((slot) => sameTime(slot, startTime));
    if (!start) {
      const next = all.filter((slot) => slot.slice(0, 10) >= startTime.slice(0, 10)).slice(0, 5);
      throw new ToolInputError(`${startTime} is not a free slot of ${target.name}.${next.length ? ` Free times from that day: ${next.join(', ')}.` : ' No free time that week.'}`);
    }
    const startMs = Date.parse(start);
    const length = typeof target.slotDuration === 'number' ? target.slotDuration * 60_000 : undefined;
    const label = contactLabel(contact);
    const finalTitle = title ?? `Walkthrough — ${label}`;
    return {
      summary: `Book ${quote(finalTitle)} with ${quote(label)} (${contact.id}) in ${quote(target.name)} on ${appointmentWhen(startMs, length === undefined ? undefined : startMs + length, zones)}`,
      payload: { calendarId: target.id, contactId: contact.id, startTime: start, title: finalTitle, ...(notes ? { notes } : {}) },
    };
  },
  done: (event, plan) => doneOutcome('ghl_book_appointment', plan, event),
});

/** A listed slot and the time asked for name the same instant: equal instants, or the same wall-clock minute when the time has no offset. */
function sameTime(slot: string, asked: string): boolean {
  const hasOffset = /(Z|[+-]\d{2}:?\d{2})$/.test(asked);
  return hasOffset ? Date.parse(slot) === Date.parse(asked) : slot.startsWith(asked.length === 16 ? `${asked}:00` : asked);
}

export const updateAppointment = writeTool({
  name: 'ghl_update_appointment',
  toolReferenceName: 'ghlUpdateAppointment',
  displayName: 'Update GHL Appointment',
  userDescription: 'Reschedule an appointment or mark it confirmed, showed, no-show or cancelled (asks for your confirmation first).',
  modelDescription:
    'Proposes a change to one GoHighLevel appointment (id from ghl_agenda): a new start time (a free slot from ghl_free_slots), a status ' +
    '(new, confirmed, cancelled, showed, noshow, invalid) or a title. Nothing changes until the user approves the contact, calendar and times shown.',
  tags: ['ghl', 'crm', 'calendar', 'write'],
  icon: 'calendar',
  channel: 'ext-ghl:appointments-update',
  inputSchema: z
    .object({
      eventId: id('appointment'),
      startTime: time.optional(),
      status: z.enum(APPOINTMENT_STATUSES).optional().describe('The new appointment status.'),
      title: z.string().trim().min(1).max(200).optional(),
    })
    .refine((u) => u.startTime || u.status || u.title, { message: 'give a startTime, a status or a title' }),
  async plan({ eventId, startTime, status, title }, ctx) {
    const zones = await displayZones(ctx);
    const around = { from: addCalendarDays(ctx.now(), -31, zones.location), to: addCalendarDays(ctx.now(), 62, zones.location) };
    const cached = await call(ctx.client, 'ext-ghl:cal-agenda', { ...around, source: 'cache' });
    const event = cached.items.find((e) => e.id === eventId) ?? (await call(ctx.client, 'ext-ghl:cal-agenda', around)).items.find((e) => e.id === eventId);
    if (!event) throw new ToolInputError(`No appointment ${eventId} from a month ago to two months ahead; read ghl_agenda for its id.`);
    const start = Date.parse(event.startTime);
    const end = Date.parse(event.endTime);
    const changes: string[] = [];
    if (startTime) {
      const to = Date.parse(startTime);
      const moved = Number.isFinite(to) ? appointmentWhen(to, to + (end - start), zones) : startTime;
      changes.push(`move from ${appointmentWhen(start, end, zones)} to ${moved}`);
    }
    if (status) changes.push(`status ${event.appointmentStatus ?? '(none)'} → ${status}`);
    if (title) changes.push(`title ${quote(event.title)} → ${quote(title)}`);
    const who = event.contactName ?? event.contactId ?? 'no contact';
    return {
      summary: `Update ${quote(event.title ?? 'appointment')} with ${quote(who)} in ${quote(event.calendarName ?? event.calendarId)}${startTime ? '' : ` on ${appointmentWhen(start, end, zones)}`}: ${changes.join('; ')}`,
      payload: { eventId, data: { ...(startTime ? { startTime } : {}), ...(status ? { appointmentStatus: status } : {}), ...(title ? { title } : {}) } },
    };
  },
  done: (event, plan) => doneOutcome('ghl_update_appointment', plan, event),
});

/** #18: the calendar's tools, reads first. */
export const CALENDAR_TOOLS = [freeSlots, agenda, bookAppointment, updateAppointment];
