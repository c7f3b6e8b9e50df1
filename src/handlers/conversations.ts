import { readConversations, readMessages, readUsers } from '../ghl/liveRecords';
import { wireContact } from '../ghl/mappers';
import { requiredContactField, type MessageType } from '../inbox/channels';
import { SendOnce } from '../inbox/sendOnce';
import { EXT_GHL_IPC as C } from '../protocol/channels';
import { ExtGhlError } from '../protocol/envelope';
import type { Conversation, ResponseData } from '../protocol/responses';
import type { HandlerContext } from './context';
import type { HandlerTable } from './dispatcher';
import { requireLocationId } from './settings';

type ConversationChannels =
  | typeof C.CONVS_LIST
  | typeof C.CONVS_GET
  | typeof C.CONVS_MESSAGES
  | typeof C.CONVS_SEND
  | typeof C.CONVS_MARK_READ
  | typeof C.CONVS_STAR
  | typeof C.CONVS_POLL
  | typeof C.USERS_LIST;

export interface ConversationHandlerDeps {
  /** True while a contacts or opportunities sync runs: the inbox poll then waits its turn. */
  syncRunning(): boolean;
}

type SendResult = ResponseData[typeof C.CONVS_SEND];

/**
 * Conversations are live: every read goes to GHL (a cached inbox would show a lead's message
 * late, the one thing an inbox must not do). Writes are never retried by the client; a
 * clientMessageId makes a retry of a send safe.
 */
export function conversationHandlers(ctx: HandlerContext, deps: ConversationHandlerDeps): Pick<HandlerTable, ConversationChannels> {
  const sends = new SendOnce<SendResult>();

  /** The contact's phone or email, from the cache, else (or if the cache lacks it) from GHL. */
  const contactHas = async (contactId: string, field: 'phone' | 'email'): Promise<boolean> => {
    const cached = ctx.repos().contacts.get(contactId);
    if (cached?.[field]) return true;
    // The cache may predate the phone or email someone just added: ask GHL before refusing.
    const response = await (await ctx.api()).getContact(contactId);
    const parsed = wireContact.safeParse(response.contact);
    if (!parsed.success) throw new ExtGhlError('API', `GHL sent no readable contact ${contactId}.`);
    return Boolean(parsed.data[field]);
  };

  const send = async (conversationId: string, type: MessageType, message: string, subject: string | undefined): Promise<SendResult> => {
    const api = await ctx.api();
    const conversation = await api.getConversation(conversationId);
    const record = (conversation as { conversation?: unknown }).conversation ?? conversation;
    const contactId = (record as { contactId?: unknown }).contactId;
    if (typeof contactId !== 'string' || !contactId) {
      throw new ExtGhlError('API', `Conversation ${conversationId} has no contact to send to.`);
    }
    const field = requiredContactField(type);
    if (field && !(await contactHas(contactId, field))) {
      const needs = field === 'phone' ? 'a phone number' : 'an email address';
      throw new ExtGhlError('VALIDATION', `The contact has no ${field === 'phone' ? 'phone number' : 'email address'}: ${type} needs ${needs}.`, {
        fields: [{ field: `contact.${field}`, message: `required for ${type}` }],
      });
    }
    const sent = await api.sendMessage({ type, contactId, message, ...(subject ? { subject } : {}) });
    if (!sent.messageId) throw new ExtGhlError('API', 'GHL did not confirm the message.');
    return { conversationId: sent.conversationId ?? conversationId, messageId: sent.messageId };
  };

  /**
   * #17: GHL leaves contactName and fullName out of some conversations; the cached contact's name
   * stands in, so no row, title or alert says "(no name)" for a contact the cache knows.
   */
  const named = (items: Conversation[]): Conversation[] => {
    const repo = ctx.repos().contacts;
    for (const conversation of items) {
      if (conversation.contactName?.trim() || conversation.fullName?.trim()) continue;
      const contact = repo.get(conversation.contactId);
      const name = contact && (contact.name?.trim() || [contact.firstName, contact.lastName].filter(Boolean).join(' '));
      if (name) conversation.contactName = name;
    }
    return items;
  };

  return {
    async [C.CONVS_LIST]({ limit, contactId, status, lastMessageType, assignedTo, startAfterDate }) {
      const locationId = requireLocationId(ctx);
      const response = await (await ctx.api()).searchConversations({
        locationId,
        limit,
        contactId,
        status,
        lastMessageType,
        assignedTo,
        sortBy: 'last_message_date',
        sort: 'desc',
        startAfterDate,
      });
      const items = named(readConversations(response.conversations, locationId));
      const total = typeof response.total === 'number' ? response.total : items.length;
      return { items, total, nextStartAfterDate: nextCursor(response.conversations as unknown[], items, limit, total) };
    },
    async [C.CONVS_GET]({ id }) {
      const locationId = requireLocationId(ctx);
      const response = await (await ctx.api()).getConversation(id);
      // The spec wraps it ({ success, conversation }); GHL answers it bare.
      const record = (response as { conversation?: unknown }).conversation ?? response;
      const [conversation] = named(readConversations([record], locationId));
      return conversation!;
    },
    async [C.CONVS_MESSAGES]({ conversationId, limit, lastMessageId }) {
      requireLocationId(ctx);
      const response = await (await ctx.api()).getMessages(conversationId, { limit, lastMessageId });
      // Really nested ({ messages: { messages, lastMessageId, nextPage } }); accept the spec's flat shape too.
      const page = Array.isArray(response.messages) ? { ...response, messages: response.messages } : (response.messages ?? {});
      if (!Array.isArray(page.messages)) throw new ExtGhlError('API', `GHL's answer has no messages list (conversation ${conversationId}).`);
      const items = readMessages(page.messages, conversationId);
      return { items, lastMessageId: page.lastMessageId ?? items.at(-1)?.id ?? null, nextPage: page.nextPage === true };
    },
    async [C.CONVS_SEND]({ conversationId, type, message, subject, clientMessageId }) {
      requireLocationId(ctx);
      if (type === 'Email' && !subject?.trim()) {
        throw new ExtGhlError('VALIDATION', 'An Email needs a subject.', { fields: [{ field: 'subject', message: 'required for Email' }] });
      }
      if (!clientMessageId) return send(conversationId, type, message, subject);
      const { result, repeated } = await sends.run(`${conversationId}\u0000${clientMessageId}`, () => send(conversationId, type, message, subject));
      return { ...result, clientMessageId, ...(repeated ? { repeated: true } : {}) };
    },
    async [C.CONVS_MARK_READ]({ id }) {
      const locationId = requireLocationId(ctx);
      await (await ctx.api()).updateConversation(id, { locationId, unreadCount: 0 });
      return { id, unreadCount: 0 };
    },
    async [C.CONVS_STAR]({ id, starred }) {
      const locationId = requireLocationId(ctx);
      await (await ctx.api()).updateConversation(id, { locationId, starred });
      return { id, starred };
    },
    async [C.CONVS_POLL]({ since, limit }) {
      const locationId = requireLocationId(ctx);
      if (deps.syncRunning()) return { status: 'skipped', reason: 'sync-running' };
      // Background priority: the poll waits behind the user's requests and leaves them their share of the window.
      const response = await (await ctx.api()).searchConversations(
        { locationId, limit, status: 'unread', sortBy: 'last_message_date', sort: 'desc' },
        'sync',
      );
      const items = named(readConversations(response.conversations, locationId));
      const changed = since === undefined ? items : items.filter((c) => (c.lastMessageDate ?? 0) > since);
      const unreadConversations = typeof response.total === 'number' ? response.total : items.length;
      return {
        status: 'checked',
        checkedAt: ctx.now(),
        unreadConversations,
        changed,
        unreadIds: items.map((c) => c.id),
        unreadIdsComplete: items.length >= unreadConversations && (typeof response.total === 'number' || items.length < limit),
      };
    },
    async [C.USERS_LIST]() {
      const locationId = requireLocationId(ctx);
      const items = readUsers((await (await ctx.api()).getUsers(locationId)).users);
      return { items, total: items.length };
    },
  };
}

/**
 * Where the next page starts: the last conversation's sort value (GHL's `sort[0]`, else its
 * lastMessageDate) when this page is full and the total says more exist; null on the last page.
 */
function nextCursor(raw: unknown[], items: Conversation[], limit: number, total: number): number | null {
  if (items.length < limit || items.length >= total) return null;
  const sort = (raw.at(-1) as { sort?: unknown } | undefined)?.sort;
  const value = Array.isArray(sort) ? Number(sort[0]) : NaN;
  if (Number.isFinite(value)) return value;
  return items.at(-1)?.lastMessageDate ?? null;
}
