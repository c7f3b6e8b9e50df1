import { ExtGhlError } from '../protocol/envelope';
import type { GhlClient } from './client';
import type { RequestPriority } from './rateBudget';

/** GHL API v2 endpoints the extension uses, with the request and response shapes of the
 * published specs (and the known spec-vs-reality gaps noted where they matter). */

export interface ContactsSearchBody {
  locationId: string;
  pageLimit: number;
  searchAfter?: Array<string | number>;
  query?: string;
  filters?: unknown[];
  sort?: Array<{ field: string; direction: 'asc' | 'desc' }>;
}

export interface OpportunitiesSearchQuery {
  location_id: string;
  limit: number;
  pipeline_id?: string;
  pipeline_stage_id?: string;
  status?: string;
  startAfter?: string | number;
  startAfterId?: string;
  order?: string;
}

export interface OpportunitiesSearchMeta {
  total?: number;
  startAfter?: number | string | null;
  startAfterId?: string | null;
  nextPage?: number | null;
  nextPageUrl?: string | null;
}

export interface ConversationsSearchQuery {
  locationId: string;
  limit: number;
  contactId?: string;
  status?: 'all' | 'read' | 'unread' | 'starred';
  lastMessageType?: string;
  /** A user id (GHL also takes several, comma-separated, or "unassigned"). */
  assignedTo?: string;
  sortBy?: 'last_message_date';
  sort?: 'asc' | 'desc';
  /** The `sort[0]` of the previous page's last conversation. */
  startAfterDate?: number;
}

export class GhlApi {
  constructor(readonly client: GhlClient) {}

  getLocation(locationId: string) {
    return this.client.call<{ location?: { id?: string; name?: string } }>('GET', `/locations/${enc(locationId)}`);
  }

  /** Without `model`, GHL answers the contact fields. */
  getCustomFields(locationId: string, model?: 'contact' | 'opportunity' | 'all') {
    return this.client.call<{ customFields: unknown[] }>('GET', `/locations/${enc(locationId)}/customFields`, {
      ...(model ? { query: { model } } : {}),
      listField: 'customFields',
    });
  }

  createCustomField(locationId: string, body: { name: string; dataType: string; model: string }) {
    return this.client.call<{ customField?: unknown }>('POST', `/locations/${enc(locationId)}/customFields`, { body });
  }

  searchContacts(body: ContactsSearchBody, signal?: AbortSignal, priority?: RequestPriority) {
    return this.client.call<{ contacts: unknown[]; total?: number }>('POST', '/contacts/search', {
      body,
      signal,
      priority,
      idempotent: true,
      listField: 'contacts',
    });
  }

  getContact(id: string) {
    return this.client.call<{ contact?: unknown }>('GET', `/contacts/${enc(id)}`);
  }

  createContact(body: Record<string, unknown>) {
    return this.client.call<{ contact?: unknown }>('POST', '/contacts/', { body });
  }

  updateContact(id: string, body: Record<string, unknown>) {
    return this.client.call<{ contact?: unknown }>('PUT', `/contacts/${enc(id)}`, { body });
  }

  deleteContact(id: string) {
    return this.client.call<unknown>('DELETE', `/contacts/${enc(id)}`);
  }

  getPipelines(locationId: string, signal?: AbortSignal, priority?: RequestPriority) {
    return this.client.call<{ pipelines: unknown[] }>('GET', '/opportunities/pipelines', {
      query: { locationId },
      signal,
      priority,
      listField: 'pipelines',
    });
  }

  searchOpportunities(query: OpportunitiesSearchQuery, signal?: AbortSignal, priority?: RequestPriority) {
    return this.client.call<{ opportunities: unknown[]; meta?: OpportunitiesSearchMeta }>('GET', '/opportunities/search', {
      query: { ...query },
      signal,
      priority,
      listField: 'opportunities',
    });
  }

  getOpportunity(id: string) {
    return this.client.call<{ opportunity?: unknown }>('GET', `/opportunities/${enc(id)}`);
  }

  createOpportunity(body: Record<string, unknown>) {
    return this.client.call<{ opportunity?: unknown }>('POST', '/opportunities/', { body });
  }

  /** `priority` 'sync' for background writes (the ARV write-back) that must not crowd out the user's. */
  updateOpportunity(id: string, body: Record<string, unknown>, options: { signal?: AbortSignal; priority?: RequestPriority } = {}) {
    return this.client.call<{ opportunity?: unknown }>('PUT', `/opportunities/${enc(id)}`, { body, ...options });
  }

  updateOpportunityStatus(id: string, status: string) {
    return this.client.call<unknown>('PUT', `/opportunities/${enc(id)}/status`, { body: { status } });
  }

  deleteOpportunity(id: string) {
    return this.client.call<unknown>('DELETE', `/opportunities/${enc(id)}`);
  }

  /** Newest first with `sortBy: 'last_message_date', sort: 'desc'`; the next page starts after the last item's `sort[0]`. */
  searchConversations(query: ConversationsSearchQuery, priority?: RequestPriority) {
    return this.client.call<{ conversations: unknown[]; total?: number }>('GET', '/conversations/search', {
      query: { ...query },
      priority,
      listField: 'conversations',
    });
  }

  /** GHL requires the locationId in the body; it answers `{ success, conversation }`. */
  updateConversation(id: string, body: { locationId: string; unreadCount?: number; starred?: boolean }) {
    return this.client.call<{ success?: boolean; conversation?: unknown }>('PUT', `/conversations/${enc(id)}`, { body });
  }

  getConversation(id: string) {
    return this.client.call<Record<string, unknown>>('GET', `/conversations/${enc(id)}`);
  }

  /** Really nested: `{ messages: { lastMessageId, nextPage, messages: [...] } }` (the spec shows it flat). */
  getMessages(conversationId: string, query: { limit: number; lastMessageId?: string }) {
    return this.client.call<{
      messages?: { lastMessageId?: string | null; nextPage?: boolean; messages?: unknown[] } | unknown[];
      lastMessageId?: string | null;
      nextPage?: boolean;
    }>('GET', `/conversations/${enc(conversationId)}/messages`, { query });
  }

  sendMessage(body: { type: string; contactId: string; message: string; subject?: string; conversationId?: string }) {
    return this.client.call<{ conversationId?: string; messageId?: string; msg?: string }>('POST', '/conversations/messages', {
      body,
    });
  }

  /** The location's users (GHL's Users API, Version 2021-07-28). */
  getUsers(locationId: string) {
    return this.client.call<{ users: unknown[] }>('GET', '/users/', { query: { locationId }, listField: 'users' });
  }

  getCalendars(locationId: string) {
    return this.client.call<{ calendars: unknown[] }>('GET', '/calendars/', { query: { locationId }, listField: 'calendars' });
  }

  getCalendarEvents(query: { locationId: string; calendarId: string; startTime: number; endTime: number }) {
    return this.client.call<{ events: unknown[] }>('GET', '/calendars/events', { query, listField: 'events' });
  }
}

function enc(id: string): string {
  if (!id) throw new ExtGhlError('VALIDATION', 'An id is required.');
  // encodeURIComponent throws "URI malformed" on a lone surrogate; that is bad input, not a crash.
  if (LONE_SURROGATE.test(id)) throw new ExtGhlError('VALIDATION', 'An id must be well-formed Unicode text.');
  return encodeURIComponent(id);
}

const LONE_SURROGATE = /\p{Cs}/u;
