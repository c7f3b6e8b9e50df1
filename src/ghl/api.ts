import type { RequestPriority } from '../http/rateBudget';
import { ExtGhlError } from '../protocol/envelope';
import * as answers from './answers';
import type { GhlClient } from './client';

export type { OpportunitiesSearchMeta } from './answers';

/** GHL API v2 endpoints the extension uses, with the request shapes of the published specs; each
 * answer is checked against its shape in answers.ts (known spec-vs-reality gaps noted there). */

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

/** POST /locations/{locationId}/tasks/search (TaskSearchParamsDto). */
export interface TasksSearchBody {
  limit: number;
  skip: number;
  completed?: boolean;
  assignedTo?: string[];
  contactId?: string[];
  query?: string;
}

export class GhlApi {
  constructor(readonly client: GhlClient) {}

  getLocation(locationId: string) {
    return this.client.call('GET', `/locations/${enc(locationId)}`, answers.locationAnswer);
  }

  /** Without `model`, GHL answers the contact fields. */
  getCustomFields(locationId: string, model?: 'contact' | 'opportunity' | 'all') {
    return this.client.call('GET', `/locations/${enc(locationId)}/customFields`, answers.customFieldsAnswer, {
      ...(model ? { query: { model } } : {}),
      listField: 'customFields',
    });
  }

  createCustomField(locationId: string, body: { name: string; dataType: string; model: string }) {
    return this.client.call('POST', `/locations/${enc(locationId)}/customFields`, answers.customFieldAnswer, { body });
  }

  searchContacts(body: ContactsSearchBody, signal?: AbortSignal, priority?: RequestPriority) {
    return this.client.call('POST', '/contacts/search', answers.contactsSearchAnswer, {
      body,
      signal,
      priority,
      idempotent: true,
      listField: 'contacts',
    });
  }

  getContact(id: string) {
    return this.client.call('GET', `/contacts/${enc(id)}`, answers.contactAnswer);
  }

  createContact(body: Record<string, unknown>) {
    return this.client.call('POST', '/contacts/', answers.contactAnswer, { body });
  }

  updateContact(id: string, body: Record<string, unknown>) {
    return this.client.call('PUT', `/contacts/${enc(id)}`, answers.contactAnswer, { body });
  }

  deleteContact(id: string) {
    return this.client.call('DELETE', `/contacts/${enc(id)}`, answers.anyAnswer);
  }

  getPipelines(locationId: string, signal?: AbortSignal, priority?: RequestPriority) {
    return this.client.call('GET', '/opportunities/pipelines', answers.pipelinesAnswer, {
      query: { locationId },
      signal,
      priority,
      listField: 'pipelines',
    });
  }

  searchOpportunities(query: OpportunitiesSearchQuery, signal?: AbortSignal, priority?: RequestPriority) {
    return this.client.call('GET', '/opportunities/search', answers.opportunitiesSearchAnswer, {
      query: { ...query },
      signal,
      priority,
      listField: 'opportunities',
    });
  }

  getOpportunity(id: string) {
    return this.client.call('GET', `/opportunities/${enc(id)}`, answers.opportunityAnswer);
  }

  createOpportunity(body: Record<string, unknown>) {
    return this.client.call('POST', '/opportunities/', answers.opportunityAnswer, { body });
  }

  /** `priority` 'sync' for background writes (the ARV write-back) that must not crowd out the user's. */
  updateOpportunity(id: string, body: Record<string, unknown>, options: { signal?: AbortSignal; priority?: RequestPriority } = {}) {
    return this.client.call('PUT', `/opportunities/${enc(id)}`, answers.opportunityAnswer, { body, ...options });
  }

  updateOpportunityStatus(id: string, status: string) {
    return this.client.call('PUT', `/opportunities/${enc(id)}/status`, answers.anyAnswer, { body: { status } });
  }

  deleteOpportunity(id: string) {
    return this.client.call('DELETE', `/opportunities/${enc(id)}`, answers.anyAnswer);
  }

  /** Newest first with `sortBy: 'last_message_date', sort: 'desc'`; the next page starts after the last item's `sort[0]`. */
  searchConversations(query: ConversationsSearchQuery, priority?: RequestPriority) {
    return this.client.call('GET', '/conversations/search', answers.conversationsSearchAnswer, {
      query: { ...query },
      priority,
      listField: 'conversations',
    });
  }

  /** GHL requires the locationId in the body; it answers `{ success, conversation }`. */
  updateConversation(id: string, body: { locationId: string; unreadCount?: number; starred?: boolean }) {
    return this.client.call('PUT', `/conversations/${enc(id)}`, answers.conversationUpdateAnswer, { body });
  }

  getConversation(id: string) {
    return this.client.call('GET', `/conversations/${enc(id)}`, answers.conversationAnswer);
  }

  /** Really nested: `{ messages: { lastMessageId, nextPage, messages: [...] } }` (answers.messagesAnswer). */
  getMessages(conversationId: string, query: { limit: number; lastMessageId?: string }) {
    return this.client.call('GET', `/conversations/${enc(conversationId)}/messages`, answers.messagesAnswer, { query });
  }

  sendMessage(body: { type: string; contactId: string; message: string; subject?: string; conversationId?: string }) {
    return this.client.call('POST', '/conversations/messages', answers.messageSentAnswer, {
      body,
    });
  }

  /** The location's users (GHL's Users API, Version 2021-07-28). */
  getUsers(locationId: string) {
    return this.client.call('GET', '/users/', answers.usersAnswer, { query: { locationId }, listField: 'users' });
  }

  getCalendars(locationId: string) {
    return this.client.call('GET', '/calendars/', answers.calendarsAnswer, { query: { locationId }, listField: 'calendars' });
  }

  /** One of calendarId, userId (#18: a user's appointments across calendars) or groupId. */
  getCalendarEvents(query: { locationId: string; calendarId?: string; userId?: string; startTime: number; endTime: number }) {
    return this.client.call('GET', '/calendars/events', answers.calendarEventsAnswer, { query, listField: 'events' });
  }

  // #18 free slots and appointments
  /** At most 31 days from startDate to endDate (epoch ms); the answer is keyed by date in `timezone`. */
  getFreeSlots(calendarId: string, query: { startDate: number; endDate: number; timezone?: string; userId?: string }) {
    return this.client.call('GET', `/calendars/${enc(calendarId)}/free-slots`, answers.freeSlotsAnswer, { query: { ...query } });
  }

  /** Without ignoreFreeSlotValidation GHL refuses (4xx) a time that is not a free slot: no double booking. */
  createAppointment(body: Record<string, unknown>) {
    return this.client.call('POST', '/calendars/events/appointments', answers.appointmentAnswer, { body });
  }

  updateAppointment(eventId: string, body: Record<string, unknown>) {
    return this.client.call('PUT', `/calendars/events/appointments/${enc(eventId)}`, answers.appointmentAnswer, { body });
  }

  deleteCalendarEvent(eventId: string) {
    return this.client.call('DELETE', `/calendars/events/${enc(eventId)}`, answers.anyAnswer);
  }

  addAppointmentNote(appointmentId: string, body: { body: string; userId?: string }) {
    return this.client.call('POST', `/calendars/appointments/${enc(appointmentId)}/notes`, answers.anyAnswer, { body });
  }

  // #17 notes, tasks, tags and workflows

  getNotes(contactId: string) {
    return this.client.call('GET', `/contacts/${enc(contactId)}/notes`, answers.notesAnswer, { listField: 'notes' });
  }

  createNote(contactId: string, body: { body: string; userId?: string }) {
    return this.client.call('POST', `/contacts/${enc(contactId)}/notes`, answers.noteAnswer, { body });
  }

  updateNote(contactId: string, noteId: string, body: { body: string }) {
    return this.client.call('PUT', `/contacts/${enc(contactId)}/notes/${enc(noteId)}`, answers.noteAnswer, { body });
  }

  deleteNote(contactId: string, noteId: string) {
    return this.client.call('DELETE', `/contacts/${enc(contactId)}/notes/${enc(noteId)}`, answers.anyAnswer);
  }

  /** The location's tasks, a page at a time (`skip`); a search, so it may be asked again. */
  searchTasks(locationId: string, body: TasksSearchBody, signal?: AbortSignal, priority?: RequestPriority) {
    return this.client.call('POST', `/locations/${enc(locationId)}/tasks/search`, answers.tasksSearchAnswer, {
      body,
      signal,
      priority,
      idempotent: true,
      listField: 'tasks',
    });
  }

  createTask(contactId: string, body: { title: string; body?: string; dueDate: string; completed: boolean; assignedTo?: string }) {
    return this.client.call('POST', `/contacts/${enc(contactId)}/tasks`, answers.taskAnswer, { body });
  }

  updateTask(contactId: string, taskId: string, body: Record<string, unknown>) {
    return this.client.call('PUT', `/contacts/${enc(contactId)}/tasks/${enc(taskId)}`, answers.taskAnswer, { body });
  }

  completeTask(contactId: string, taskId: string, completed: boolean) {
    return this.client.call('PUT', `/contacts/${enc(contactId)}/tasks/${enc(taskId)}/completed`, answers.taskAnswer, { body: { completed } });
  }

  deleteTask(contactId: string, taskId: string) {
    return this.client.call('DELETE', `/contacts/${enc(contactId)}/tasks/${enc(taskId)}`, answers.anyAnswer);
  }

  getLocationTags(locationId: string) {
    return this.client.call('GET', `/locations/${enc(locationId)}/tags`, answers.locationTagsAnswer, { listField: 'tags' });
  }

  /** `priority` 'sync' for a bulk run, so the user's own clicks go first. */
  addContactTags(contactId: string, tags: string[], options: { signal?: AbortSignal; priority?: RequestPriority } = {}) {
    return this.client.call('POST', `/contacts/${enc(contactId)}/tags`, answers.contactTagsAnswer, { body: { tags }, ...options });
  }

  removeContactTags(contactId: string, tags: string[], options: { signal?: AbortSignal; priority?: RequestPriority } = {}) {
    return this.client.call('DELETE', `/contacts/${enc(contactId)}/tags`, answers.contactTagsAnswer, { body: { tags }, ...options });
  }

  getWorkflows(locationId: string) {
    return this.client.call('GET', '/workflows/', answers.workflowsAnswer, { query: { locationId }, listField: 'workflows' });
  }

  addContactToWorkflow(contactId: string, workflowId: string) {
    return this.client.call('POST', `/contacts/${enc(contactId)}/workflow/${enc(workflowId)}`, answers.anyAnswer, { body: {} });
  }

  removeContactFromWorkflow(contactId: string, workflowId: string) {
    return this.client.call('DELETE', `/contacts/${enc(contactId)}/workflow/${enc(workflowId)}`, answers.anyAnswer, { body: {} });
  }
}

function enc(id: string): string {
  if (!id) throw new ExtGhlError('VALIDATION', 'An id is required.');
  // encodeURIComponent throws "URI malformed" on a lone surrogate; that is bad input, not a crash.
  if (LONE_SURROGATE.test(id)) throw new ExtGhlError('VALIDATION', 'An id must be well-formed Unicode text.');
  return encodeURIComponent(id);
}

const LONE_SURROGATE = /\p{Cs}/u;
