import { z } from 'zod';
import { ExtGhlError } from '../protocol/envelope';
import type { Calendar, CalendarEvent, Conversation, CustomField, LocationUser, Message } from '../protocol/responses';

/**
 * GHL's live records (not cached: conversations, messages, users, calendars and their events,
 * custom fields) → the protocol's shapes. A record the UI cannot use (no id, a conversation without its contact)
 * makes the whole answer an API error rather than a shorter list: a list that silently lost
 * an unread conversation would look complete and be wrong.
 */

/** Absent, null or of the wrong type: left out (GHL omits and nulls optional fields freely). */
const text = z.string().nullish().catch(undefined).transform((v) => (v === null || v === '' ? undefined : v));

/** Epoch ms as GHL sends dates: a number, a numeric string ("1628008053263") or an ISO string. */
const epochMs = z
  .unknown()
  .transform((v): number | undefined => {
    if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
    if (typeof v !== 'string' || v.trim() === '') return undefined;
    const ms = /^\d+$/.test(v.trim()) ? Number(v) : Date.parse(v);
    return Number.isFinite(ms) ? ms : undefined;
  })
  .optional();

const isoDate = epochMs.transform((ms) => (ms === undefined ? undefined : new Date(ms).toISOString())).optional();

const direction = z.enum(['inbound', 'outbound']).optional().catch(undefined);

export const wireConversation = z.looseObject({
  id: z.string().min(1),
  contactId: z.string().min(1),
  locationId: text,
  fullName: text,
  contactName: text,
  email: text,
  phone: text,
  lastMessageBody: z.string().nullish().catch(undefined).transform((v) => v ?? undefined),
  lastMessageType: text,
  lastMessageDate: epochMs,
  unreadCount: z.number().int().min(0).optional().catch(undefined),
  starred: z.boolean().optional().catch(undefined),
  lastMessageDirection: direction,
  assignedTo: text,
  type: text,
});

export const wireMessage = z.looseObject({
  id: z.string().min(1),
  conversationId: text,
  contactId: text,
  body: z.string().nullish().catch(undefined).transform((v) => v ?? undefined),
  direction,
  messageType: text,
  status: text,
  dateAdded: isoDate,
  subject: text,
  attachments: z
    .unknown()
    .transform((v) => (Array.isArray(v) ? v.filter((a): a is string => typeof a === 'string' && a !== '') : undefined))
    .optional(),
  meta: z.unknown().optional(),
});

export const wireUser = z.looseObject({
  id: z.string().min(1),
  name: text,
  firstName: text,
  lastName: text,
  email: text,
});

/** A date GHL sends as text ("2026-03-08T10:00:00-05:00"): the day windows and the sort need it readable. */
const dateText = z.string().refine((v) => !Number.isNaN(Date.parse(v)), 'is not a date');

/** The fields the protocol names are checked; the rest passes through as GHL sent it. */
export const wireCalendar = z.looseObject({
  id: z.string().min(1),
  name: z.string(),
  description: text,
  isActive: z.boolean().optional().catch(undefined),
});

export const wireCalendarEvent = z.looseObject({
  id: z.string().min(1),
  calendarId: z.string().min(1),
  startTime: dateText,
  endTime: dateText,
  title: text,
  contactId: text,
  appointmentStatus: text,
  address: text,
});

export const wireCustomField = z.looseObject({
  id: z.string().min(1),
  name: z.string(),
  fieldKey: text,
  dataType: text,
  model: text,
});

/** Every record of `list` through `schema`, or an API error naming how many could not be read and why. */
export function readLiveRecords<S extends z.ZodType>(schema: S, list: unknown, what: string): Array<z.output<S>> {
  if (!Array.isArray(list)) throw new ExtGhlError('API', `GHL's answer has no ${what} list.`);
  const valid: Array<z.output<S>> = [];
  let broken = 0;
  let firstProblem = '';
  list.forEach((record, index) => {
    const parsed = schema.safeParse(record);
    if (parsed.success) {
      valid.push(parsed.data);
      return;
    }
    broken++;
    if (!firstProblem) firstProblem = `#${index + 1}: ${problemText(record, parsed.error.issues[0])}`;
  });
  if (broken > 0) {
    throw new ExtGhlError('API', `GHL sent ${broken} of ${list.length} ${what} that cannot be read (${firstProblem}).`, { broken, total: list.length });
  }
  return valid;
}

function problemText(record: unknown, issue: z.core.$ZodIssue | undefined): string {
  if (typeof record !== 'object' || record === null || Array.isArray(record)) return 'not an object';
  if (!issue) return 'unreadable';
  const field = issue.path.map(String).join('.');
  const value = field ? (record as Record<string, unknown>)[field] : record;
  if (value === undefined || value === null) return `no ${field}`;
  return `${field} ${issue.message}`;
}


/** Drops the keys whose value is undefined, so the answer says only what GHL said. */
function defined<T extends object>(record: T): T {
  for (const key of Object.keys(record) as Array<keyof T>) if (record[key] === undefined) delete record[key];
  return record;
}

export function toConversation(wire: z.output<typeof wireConversation>, locationId: string): Conversation {
  return defined({ ...wire, locationId: wire.locationId ?? locationId });
}

export function toMessage(wire: z.output<typeof wireMessage>, conversationId: string): Message {
  const { meta, ...rest } = wire;
  // Emails carry the subject in meta.email.subject in some answers, at the top in others.
  const metaSubject = (meta as { email?: { subject?: unknown } } | undefined)?.email?.subject;
  const subject = wire.subject ?? (typeof metaSubject === 'string' && metaSubject !== '' ? metaSubject : undefined);
  return defined({ ...rest, ...(meta === undefined ? {} : { meta }), conversationId: wire.conversationId ?? conversationId, subject });
}

export function toLocationUser(wire: z.output<typeof wireUser>): LocationUser {
  const composed = [wire.firstName, wire.lastName].filter(Boolean).join(' ');
  return defined({ id: wire.id, name: wire.name ?? (composed || wire.email || wire.id), email: wire.email });
}

export function readConversations(list: unknown, locationId: string): Conversation[] {
  return readLiveRecords(wireConversation, list, 'conversations').map((c) => toConversation(c, locationId));
}

export function readMessages(list: unknown, conversationId: string): Message[] {
  return readLiveRecords(wireMessage, list, 'messages').map((m) => toMessage(m, conversationId));
}

export function readUsers(list: unknown): LocationUser[] {
  return readLiveRecords(wireUser, list, 'users').map(toLocationUser);
}

export function readCalendars(list: unknown): Calendar[] {
  return readLiveRecords(wireCalendar, list, 'calendars').map(defined);
}

export function readCalendarEvents(list: unknown): CalendarEvent[] {
  return readLiveRecords(wireCalendarEvent, list, 'calendar events').map(defined);
}

export function readCustomFields(list: unknown): CustomField[] {
  return readLiveRecords(wireCustomField, list, 'custom fields').map(defined);
}

/** #18: a single appointment as GHL answers a create or an update. */
export function readAppointment(record: unknown): CalendarEvent {
  return readCalendarEvents([record])[0]!;
}

const freeSlotDay = z.looseObject({ slots: z.array(dateText) });

/**
 * #18: GHL's free-slots map, `{ 'YYYY-MM-DD': { slots } }`, as its slots (epoch ms). Keys that are
 * not dates (GHL adds a `traceId`) are not days; a day whose slots cannot be read makes the answer an error.
 */
export function readFreeSlotTimes(answer: Record<string, unknown>): number[] {
  const times: number[] = [];
  for (const [key, value] of Object.entries(answer)) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(key)) continue;
    const day = freeSlotDay.safeParse(value);
    if (!day.success) throw new ExtGhlError('API', `GHL sent free slots for ${key} that cannot be read.`);
    for (const slot of day.data.slots) times.push(Date.parse(slot));
  }
  return times;
}
