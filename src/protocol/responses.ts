import type { EXT_GHL_IPC as C } from './channels';
import type { ArvAnalysis, ArvRunPlan, ArvRunStatus, StoredArvEstimate } from './arv';
import type { Contact, Opportunity, Pipeline, Task } from './entities';

/** Data of a successful response, per request channel. Live (not cached) entities keep
 * GHL's own field names; the interfaces below name the fields the UI relies on. */

export interface ListResult<T> {
  items: T[];
  total: number;
}

export interface SettingsView {
  /** Masked, e.g. "pit-…a1b2"; null when no token is stored. */
  token: string | null;
  locationId: string | null;
  defaultPipeline: string | null;
  configured: boolean;
  /** Masked like the token; null when no RentCast key is stored. */
  rentcastApiKey: string | null;
}

/** The pipeline an ARV request named (or ghl.defaultPipeline), resolved. */
export interface ArvPipelineRef {
  pipelineId: string;
  pipelineName: string;
}

export interface SyncResult {
  synced: number;
  mode: 'full' | 'delta';
  requests: number;
  pruned: number;
}

export interface Conversation {
  id: string;
  contactId: string;
  locationId: string;
  fullName?: string;
  contactName?: string;
  email?: string;
  phone?: string;
  lastMessageBody?: string;
  lastMessageType?: string;
  lastMessageDate?: number;
  unreadCount?: number;
  starred?: boolean;
  lastMessageDirection?: 'inbound' | 'outbound';
  /** The GHL user id the conversation is assigned to. */
  assignedTo?: string;
  type?: string;
  [key: string]: unknown;
}

/** A page of conversations, newest first; `nextStartAfterDate` null on the last page. */
export interface ConversationPage extends ListResult<Conversation> {
  nextStartAfterDate: number | null;
}

export type ConversationPoll =
  | {
      status: 'checked';
      checkedAt: number;
      unreadConversations: number;
      changed: Conversation[];
      /**
       * Every unread conversation of the answer, newest first. When `unreadIdsComplete` (the answer
       * held them all), a conversation not in it is read: someone read it in GHL's own app.
       */
      unreadIds: string[];
      unreadIdsComplete: boolean;
    }
  | { status: 'skipped'; reason: 'sync-running' };

export interface LocationUser {
  id: string;
  name: string;
  email?: string;
}

export interface Message {
  id: string;
  conversationId: string;
  contactId?: string;
  body?: string;
  direction?: 'inbound' | 'outbound';
  messageType?: string;
  status?: string;
  dateAdded?: string;
  /** Email only. */
  subject?: string;
  /** Links to the message's files (CRM data: shown as links, never fetched into a webview). */
  attachments?: string[];
  [key: string]: unknown;
}

export interface Calendar {
  id: string;
  name: string;
  description?: string;
  isActive?: boolean;
  [key: string]: unknown;
}

export interface CalendarEvent {
  id: string;
  title?: string;
  calendarId: string;
  contactId?: string;
  appointmentStatus?: string;
  startTime: string;
  endTime: string;
  address?: string;
  [key: string]: unknown;
}

export interface CustomField {
  id: string;
  name: string;
  fieldKey?: string;
  dataType?: string;
  model?: string;
  [key: string]: unknown;
}

export interface ChatToolCall {
  tool: string;
  input: unknown;
  ok: boolean;
  summary: string;
}

export interface ChatPendingAction {
  id: string;
  tool: string;
  summary: string;
  input: unknown;
}

export interface ChatRecordRef {
  kind: 'contact' | 'opportunity' | 'conversation';
  id: string;
  label: string;
}

/** One whole chat turn (chat-send). */
export interface ChatReply {
  turnId: string;
  reply: string;
  /** null: answered without a model (a slash command, or no model available). */
  model: { vendor: string; family: string; id: string } | null;
  toolCalls: ChatToolCall[];
  /** Writes the model asked for: nothing happens until chat-confirm approves one. */
  pendingActions: ChatPendingAction[];
  refs: ChatRecordRef[];
  stopped?: true;
  error?: { kind: string; message: string };
  /** Where the turn's time went (ms): the whole turn as the host saw it, the model's streams, the tools. */
  timings?: { totalMs: number; modelMs: number; toolMs: number };
}

export type ChatConfirmResult =
  | { status: 'done'; actionId: string; summary: string; refs: ChatRecordRef[] }
  | { status: 'cancelled'; actionId: string; summary: string }
  | { status: 'failed'; actionId: string; summary: string; message: string }
  | { status: 'unknown'; actionId: string; message: string };

export interface ChatHistoryView {
  entries: Array<{ role: 'user' | 'assistant'; text: string; at: number; toolCalls?: ChatToolCall[]; stopped?: boolean }>;
  pendingActions: ChatPendingAction[];
  /** The model a turn would use now, or why there is none. */
  model: { vendor: string; family: string; id: string; name?: string } | null;
  noModelReason?: string;
}

/** The configured location as the day windows need it (read from GHL once per location id). */
export interface LocationDetails {
  locationId: string;
  name: string;
  /** The zone "today" is counted in: the location's, or the machine's when GHL names none or one Intl does not know. */
  timeZone: string;
  timeZoneSource: 'location' | 'machine';
}

export interface StageSummaryRow {
  stageId: string;
  count: number;
  totalValue: number;
}

// #17 notes, tasks, tags and workflows

/** A contact's note, live from GHL. `body` is CRM text. */
export interface Note {
  id: string;
  contactId: string;
  body: string;
  userId: string | null;
  /** ISO 8601. */
  dateAdded: string | null;
}

export interface LocationTag {
  id: string;
  name: string;
}

export interface Workflow {
  id: string;
  name: string;
  /** GHL's: 'published' or 'draft'. */
  status: string;
}

export interface BulkTagResult {
  id: string;
  ok: boolean;
  error?: string;
}

export interface BulkTagsOutcome {
  runId: string;
  results: BulkTagResult[];
  succeeded: number;
  failed: number;
  cancelled: boolean;
}

export interface ResponseData {
  [C.SETTINGS_GET]: SettingsView;
  [C.SETTINGS_SET]: SettingsView;
  [C.CONNECTION_TEST]: { locationId: string; locationName: string };
  [C.CONTACTS_LIST]: ListResult<Contact>;
  [C.CONTACTS_GET]: Contact;
  [C.CONTACTS_CREATE]: Contact;
  [C.CONTACTS_UPDATE]: Contact;
  [C.CONTACTS_DELETE]: { id: string };
  [C.CONTACTS_SYNC]: SyncResult;
  [C.PIPELINES_LIST]: ListResult<Pipeline>;
  /** totalValue: the summed monetary value of every match, not only this page. */
  [C.OPPS_LIST]: ListResult<Opportunity> & { totalValue: number };
  [C.OPPS_GET]: Opportunity;
  [C.OPPS_CREATE]: Opportunity;
  [C.OPPS_UPDATE]: Opportunity;
  [C.OPPS_UPDATE_STATUS]: Opportunity;
  [C.OPPS_DELETE]: { id: string };
  [C.OPPS_SYNC]: SyncResult & { pipelines: number };
  [C.CONVS_LIST]: ConversationPage;
  [C.CONVS_GET]: Conversation;
  [C.CONVS_MESSAGES]: { items: Message[]; lastMessageId: string | null; nextPage: boolean };
  /** `repeated`: the clientMessageId was sent before; this is that send's answer, nothing new went out. */
  [C.CONVS_SEND]: { conversationId: string; messageId: string; clientMessageId?: string; repeated?: boolean };
  [C.CONVS_MARK_READ]: { id: string; unreadCount: 0 };
  [C.CONVS_STAR]: { id: string; starred: boolean };
  [C.CONVS_POLL]: ConversationPoll;
  [C.USERS_LIST]: ListResult<LocationUser>;
  [C.CALS_LIST]: ListResult<Calendar>;
  [C.CAL_EVENTS_LIST]: ListResult<CalendarEvent>;
  [C.CHAT_SEND]: ChatReply;
  [C.CHAT_CLEAR]: { cleared: true };
  [C.CHAT_CONFIRM]: ChatConfirmResult;
  [C.CHAT_STOP]: { stopped: boolean };
  [C.CHAT_HISTORY]: ChatHistoryView;
  [C.CHAT_OPEN]: { opened: true };
  [C.OPPS_STAGE_SUMMARY]: { pipelineId: string; stages: StageSummaryRow[] };
  [C.ARV_ENRICH_START]: ArvPipelineRef & { runId: string; total: number; lookups: number };
  [C.ARV_ENRICH_STATUS]: ArvRunStatus;
  [C.ARV_ENRICH_PLAN]: ArvPipelineRef & ArvRunPlan;
  [C.ARV_ENRICH_CANCEL]: { cancelled: boolean; status: ArvRunStatus };
  [C.ARV_ESTIMATES_LIST]: { items: StoredArvEstimate[] };
  /** `existed`: the location already had an ARV field, nothing was created. */
  [C.ARV_FIELD_CREATE]: { field: CustomField; existed: boolean };
  [C.CUSTOM_FIELDS_LIST]: ListResult<CustomField>;
  [C.LOCATION_GET]: LocationDetails;
  // #18 calendar
  [C.CAL_FREE_SLOTS]: FreeSlots;
  [C.APPOINTMENTS_CREATE]: CalendarEvent;
  [C.APPOINTMENTS_UPDATE]: CalendarEvent;
  [C.APPOINTMENTS_DELETE]: { eventId: string; deleted: true };
  [C.CAL_AGENDA]: Agenda;
  // Issue 19: the deal analyzer.
  [C.ARV_ANALYZE]: ArvAnalysis & { fromCache: boolean };
  [C.ARV_COMPS_SET]: ArvAnalysis;
  [C.ARV_SAVE]: { opportunityId: string; arv: number; mao: number; confidence: string; fields: { arv: string; mao: string | null; confidence: string | null } };
  // #17 notes, tasks, tags and workflows
  [C.NOTES_LIST]: { items: Note[] };
  [C.NOTES_CREATE]: Note;
  [C.NOTES_UPDATE]: Note;
  [C.NOTES_DELETE]: { contactId: string; noteId: string };
  [C.TASKS_LIST]: ListResult<Task>;
  [C.TASKS_SYNC]: { synced: number; requests: number; pruned: number };
  [C.TASKS_CREATE]: Task;
  [C.TASKS_UPDATE]: Task;
  [C.TASKS_COMPLETE]: Task;
  [C.TASKS_DELETE]: { contactId: string; taskId: string };
  /** `fromCache`: GHL could not be asked (`staleReason` says why); the items are the tags the cached contacts carry. */
  [C.TAGS_LIST]: ListResult<LocationTag> & { fromCache: boolean; staleReason?: string };
  /** The contact as cached after the change. */
  [C.CONTACTS_TAGS]: Contact;
  [C.CONTACTS_BULK_TAGS]: BulkTagsOutcome;
  [C.CONTACTS_BULK_TAGS_CANCEL]: { cancelled: boolean };
  [C.WORKFLOWS_LIST]: ListResult<Workflow>;
  [C.CONTACTS_WORKFLOW]: { id: string; workflowId: string; action: 'add' | 'remove' };
}

/** #18: free slots per calendar day of `timeZone`, each an ISO 8601 time with that zone's offset. */
export interface FreeSlots {
  calendarId: string;
  timeZone: string;
  days: Array<{ date: string; slots: string[] }>;
  /** GHL requests it took (GHL answers at most 31 days a request). */
  requests: number;
}

/** #18: an appointment of the agenda, with its contact's name (from the cache) and its calendar's name. */
export interface AgendaEvent extends CalendarEvent {
  contactName?: string;
  calendarName?: string;
}

/** #18: the appointments in [from, to) (ISO with the location's offset), merged and sorted. */
export interface Agenda {
  items: AgendaEvent[];
  total: number;
  from: string;
  to: string;
  timeZone: string;
  /** When GHL was read for this range (epoch ms); null when nothing was ever fetched. */
  fetchedAt: number | null;
  /** True when answered from the cache (asked for, or GHL could not be reached). */
  fromCache: boolean;
  /** Why GHL was not read, when fromCache is true because it failed. */
  staleReason?: string;
}
