import { EXT_GHL_IPC as C } from '../protocol/channels';
import { ExtGhlError } from '../protocol/envelope';
import type { Calendar, CalendarEvent, Conversation, CustomField, Message } from '../protocol/responses';
import type { HandlerContext } from './context';
import type { HandlerTable } from './dispatcher';
import { requireLocationId } from './settings';

type LiveChannels =
  | typeof C.CONVS_LIST
  | typeof C.CONVS_GET
  | typeof C.CONVS_MESSAGES
  | typeof C.CONVS_SEND
  | typeof C.CALS_LIST
  | typeof C.CAL_EVENTS_LIST
  | typeof C.CUSTOM_FIELDS_LIST;

const DAY_MS = 24 * 60 * 60 * 1000;
/** Calendars fetched at once when events of every calendar are asked for. */
const EVENT_FETCH_CONCURRENCY = 4;

function records<T extends { id: string }>(value: unknown): T[] {
  if (!Array.isArray(value)) return [];
  return value.filter((r): r is T => typeof r === 'object' && r !== null && typeof (r as { id?: unknown }).id === 'string');
}

/** Conversations, calendars and custom fields are live: always read from GHL. */
export function liveHandlers(ctx: HandlerContext): Pick<HandlerTable, LiveChannels> {
  return {
    async [C.CONVS_LIST]({ limit, contactId }) {
      const locationId = requireLocationId(ctx);
      const response = await (await ctx.api()).searchConversations({ locationId, limit, contactId });
      const items = records<Conversation>(response.conversations);
      return { items, total: typeof response.total === 'number' ? response.total : items.length };
    },
    async [C.CONVS_GET]({ id }) {
      requireLocationId(ctx);
      const response = await (await ctx.api()).getConversation(id);
      const conversation = (response as { conversation?: unknown }).conversation ?? response;
      const [valid] = records<Conversation>([conversation]);
      if (!valid) throw new ExtGhlError('API', `GHL sent no conversation for ${id}.`);
      return valid;
    },
    async [C.CONVS_MESSAGES]({ conversationId, limit, lastMessageId }) {
      requireLocationId(ctx);
      const response = await (await ctx.api()).getMessages(conversationId, { limit, lastMessageId });
      // Really nested ({ messages: { messages, lastMessageId, nextPage } }); accept the spec's flat shape too.
      const page = Array.isArray(response.messages) ? { ...response, messages: response.messages } : (response.messages ?? {});
      const items = records<Message>(page.messages);
      return { items, lastMessageId: page.lastMessageId ?? items.at(-1)?.id ?? null, nextPage: page.nextPage === true };
    },
    async [C.CONVS_SEND]({ conversationId, type, message, subject }) {
      requireLocationId(ctx);
      if (type === 'Email' && !subject) {
        throw new ExtGhlError('VALIDATION', 'An Email needs a subject.', { fields: [{ field: 'subject', message: 'required for Email' }] });
      }
      const api = await ctx.api();
      const conversation = await api.getConversation(conversationId);
      const contactId = (conversation as { contactId?: unknown }).contactId;
      if (typeof contactId !== 'string' || !contactId) {
        throw new ExtGhlError('API', `Conversation ${conversationId} has no contact to send to.`);
      }
      const sent = await api.sendMessage({ type, contactId, message, ...(subject ? { subject } : {}) });
      if (!sent.messageId) throw new ExtGhlError('API', 'GHL did not confirm the message.');
      return { conversationId: sent.conversationId ?? conversationId, messageId: sent.messageId };
    },
    async [C.CALS_LIST]() {
      const locationId = requireLocationId(ctx);
      const items = records<Calendar>((await (await ctx.api()).getCalendars(locationId)).calendars);
      return { items, total: items.length };
    },
    async [C.CAL_EVENTS_LIST]({ calendarId, startTime, endTime }) {
      const locationId = requireLocationId(ctx);
      const api = await ctx.api();
      const start = startTime ?? ctx.now();
      const end = endTime ?? start + 7 * DAY_MS;
      if (end <= start) throw new ExtGhlError('VALIDATION', 'endTime must be after startTime.', { fields: [{ field: 'endTime', message: 'must be after startTime' }] });
      const calendarIds = calendarId ? [calendarId] : records<Calendar>((await api.getCalendars(locationId)).calendars).map((c) => c.id);
      const items: CalendarEvent[] = [];
      for (let i = 0; i < calendarIds.length; i += EVENT_FETCH_CONCURRENCY) {
        const batch = calendarIds.slice(i, i + EVENT_FETCH_CONCURRENCY);
        const responses = await Promise.all(
          batch.map((id) => api.getCalendarEvents({ locationId, calendarId: id, startTime: start, endTime: end })),
        );
        for (const response of responses) items.push(...records<CalendarEvent>(response.events));
      }
      items.sort((a, b) => Date.parse(a.startTime) - Date.parse(b.startTime));
      return { items, total: items.length };
    },
    async [C.CUSTOM_FIELDS_LIST]() {
      const locationId = requireLocationId(ctx);
      const items = records<CustomField>((await (await ctx.api()).getCustomFields(locationId)).customFields);
      return { items, total: items.length };
    },
  };
}
