import { z } from 'zod';
import { EXT_GHL_IPC as C } from './channels';
import { OPPORTUNITY_STATUSES } from './entities';
import { pushJsonSchema } from './pushes';
import { ISO_TIME_PATTERN } from './timeInput';

/** Request payload schemas, one per request channel. Objects are strict: unknown keys are
 * a VALIDATION error, so a typo in a webview never silently does nothing. */

/** A lone surrogate is not text: it cannot be put in a URL (encodeURIComponent throws) or sent as UTF-8. */
const wellFormed = (text: string) => !/\p{Cs}/u.test(text);
const WELL_FORMED = 'must be well-formed Unicode text (it has a lone surrogate)';
const id = z.string().trim().min(1, 'must be a non-empty id').max(128).refine(wellFormed, WELL_FORMED);
const limit = (max: number, fallback: number) => z.number().int().min(1).max(max).default(fallback);
const offset = z.number().int().min(0).default(0);
const empty = z.strictObject({});
const shortText = z.string().max(500);
const epochMs = z.number().int().min(0);

export const opportunityStatus = z.enum(OPPORTUNITY_STATUSES);

/** #18: GHL's appointmentStatus values. */
export const APPOINTMENT_STATUSES = ['new', 'confirmed', 'cancelled', 'showed', 'noshow', 'invalid'] as const;
export type AppointmentStatus = (typeof APPOINTMENT_STATUSES)[number];
/** #18: epoch ms, or ISO 8601 (`2026-03-12`, `2026-03-12T14:00`, with or without an offset: see timeInput.ts). */
const timeInput = z.union([
  epochMs.max(8_640_000_000_000),
  z.string().trim().regex(ISO_TIME_PATTERN, 'must be epoch ms or ISO 8601 (2026-03-12T14:00:00-05:00; without an offset it is read in the location\'s zone)'),
]);
/** An IANA zone name; whether Intl knows it is checked by the handler (src/time is not the protocol's to import). */
const timeZoneName = z.string().trim().min(1).max(64);

/** The message types GHL's POST /conversations/messages accepts. */
export const MESSAGE_TYPES = ['SMS', 'RCS', 'Email', 'WhatsApp', 'IG', 'FB', 'Custom', 'Live_Chat', 'TIKTOK'] as const;

/** What GET /conversations/search filters by (`status`). */
export const CONVERSATION_STATUSES = ['all', 'read', 'unread', 'starred'] as const;

/** The channel of a conversation's last message, as GET /conversations/search takes and answers it. */
export const LAST_MESSAGE_TYPES = [
  'TYPE_CALL', 'TYPE_SMS', 'TYPE_RCS', 'TYPE_EMAIL', 'TYPE_SMS_REVIEW_REQUEST', 'TYPE_WEBCHAT', 'TYPE_SMS_NO_SHOW_REQUEST',
  'TYPE_CAMPAIGN_SMS', 'TYPE_CAMPAIGN_CALL', 'TYPE_CAMPAIGN_EMAIL', 'TYPE_CAMPAIGN_VOICEMAIL', 'TYPE_FACEBOOK',
  'TYPE_CAMPAIGN_FACEBOOK', 'TYPE_CAMPAIGN_MANUAL_CALL', 'TYPE_CAMPAIGN_MANUAL_SMS', 'TYPE_GMB', 'TYPE_CAMPAIGN_GMB',
  'TYPE_REVIEW', 'TYPE_INSTAGRAM', 'TYPE_WHATSAPP', 'TYPE_CUSTOM_SMS', 'TYPE_CUSTOM_EMAIL', 'TYPE_CUSTOM_PROVIDER_SMS',
  'TYPE_CUSTOM_PROVIDER_EMAIL', 'TYPE_IVR_CALL', 'TYPE_ACTIVITY_CONTACT', 'TYPE_ACTIVITY_INVOICE', 'TYPE_ACTIVITY_PAYMENT',
  'TYPE_ACTIVITY_OPPORTUNITY', 'TYPE_LIVE_CHAT', 'TYPE_LIVE_CHAT_INFO_MESSAGE', 'TYPE_ACTIVITY_APPOINTMENT',
  'TYPE_FACEBOOK_COMMENT', 'TYPE_INSTAGRAM_COMMENT', 'TYPE_CUSTOM_CALL', 'TYPE_INTERNAL_COMMENT',
  'TYPE_ACTIVITY_EMPLOYEE_ACTION_LOG', 'TYPE_TIKTOK', 'TYPE_TIKTOK_COMMENT', 'TYPE_ACTIVITY_WHATSAPP',
  'TYPE_FORM_SUBMISSION', 'TYPE_SMS_REACTION',
] as const;

const fieldText = z.string().max(10_000);
const fieldScalar = z.union([fieldText, z.number(), z.boolean()]);
/** Keys of a custom field's object value (a file upload's metadata, an address). */
const MAX_FIELD_OBJECT_KEYS = 50;
/**
 * What a GHL custom field holds: text, a number, a checkbox, a multi-select's options, or a
 * shallow object of scalars. Nothing nests deeper, so a cycle or deep nesting is refused
 * here instead of failing later on the wire.
 */
const customFieldValue = z.union([
  fieldScalar,
  z.array(z.string().max(1000)).max(500),
  z
    .record(z.string().max(100), z.union([fieldScalar, z.null()]))
    .refine((value) => Object.keys(value).length <= MAX_FIELD_OBJECT_KEYS, `an object value has at most ${MAX_FIELD_OBJECT_KEYS} keys`),
]);
const customFieldInput = z.strictObject({ id, value: customFieldValue });

const contactFields = {
  firstName: shortText.optional(),
  lastName: shortText.optional(),
  name: shortText.optional(),
  email: z.email().max(320).optional(),
  phone: z.string().min(3).max(40).optional(),
  companyName: shortText.optional(),
  address1: shortText.optional(),
  city: shortText.optional(),
  state: shortText.optional(),
  postalCode: z.string().max(20).optional(),
  tags: z.array(z.string().min(1).max(100)).max(100).optional(),
  customFields: z.array(customFieldInput).max(200).optional(),
};

export const contactInput = z
  .strictObject(contactFields)
  .refine((c) => Boolean(c.firstName || c.lastName || c.name || c.email || c.phone), {
    message: 'a contact needs a name, an email or a phone',
  });

const contactPatch = z
  .strictObject(contactFields)
  .refine((c) => Object.keys(c).length > 0, { message: 'nothing to update' });

export const opportunityInput = z.strictObject({
  name: z.string().trim().min(1).max(500),
  pipelineId: id,
  pipelineStageId: id.optional(),
  status: opportunityStatus.default('open'),
  contactId: id,
  monetaryValue: z.number().min(0).max(1e12).optional(),
  assignedTo: id.optional(),
  source: shortText.optional(),
});

const opportunityPatch = z
  .strictObject({
    name: z.string().trim().min(1).max(500).optional(),
    pipelineId: id.optional(),
    pipelineStageId: id.optional(),
    status: opportunityStatus.optional(),
    monetaryValue: z.number().min(0).max(1e12).optional(),
    assignedTo: id.optional(),
  })
  .refine((o) => Object.keys(o).length > 0, { message: 'nothing to update' });

/** A pipeline's name or id (default: ghl.defaultPipeline); force replaces fresh and foreign values. */
const arvRunInput = z.strictObject({ pipelineName: z.string().max(200).refine(wellFormed, WELL_FORMED).optional(), force: z.boolean().optional() });

// #17 notes, tasks, tags and workflows ------------------------------------------------------

/** An instant as ISO 8601 with an offset (or Z) or as epoch ms; handlers get epoch ms. */
const instant = z
  .union([z.iso.datetime({ offset: true, message: 'must be ISO 8601 with an offset, or epoch ms' }), epochMs])
  .transform((v) => (typeof v === 'number' ? v : Date.parse(v)));
const noteBody = z.string().trim().min(1, 'the note is empty').max(50_000).refine(wellFormed, WELL_FORMED);
const taskTitle = z.string().trim().min(1, 'the task needs a title').max(500).refine(wellFormed, WELL_FORMED);
const taskBody = z.string().max(10_000).refine(wellFormed, WELL_FORMED);
const tagName = z.string().trim().min(1, 'a tag is not empty').max(100).refine(wellFormed, WELL_FORMED);
const tagList = z.array(tagName).max(100);
/** Contacts one bulk tag run takes; more is a VALIDATION error, not a silent cut. */
export const MAX_BULK_TAG_CONTACTS = 1000;
export const TASK_STATUSES = ['open', 'completed', 'all'] as const;
const hasTagChange = (r: { add?: string[]; remove?: string[] }) => (r.add?.length ?? 0) + (r.remove?.length ?? 0) > 0;
const TAG_CHANGE_NEEDED = { message: 'add or remove at least one tag', path: ['add'] };

const taskPatch = z
  .strictObject({
    title: taskTitle.optional(),
    body: taskBody.optional(),
    dueDate: instant.optional(),
    assignedTo: id.optional(),
    completed: z.boolean().optional(),
  })
  .refine((t) => Object.keys(t).length > 0, { message: 'nothing to update' });

export const requestSchemas = {
  [C.SETTINGS_GET]: empty,
  [C.SETTINGS_SET]: z.strictObject({
    token: z.string().trim().min(8, 'token looks too short').max(4096).optional(),
    locationId: z.string().trim().min(1).max(128).refine(wellFormed, WELL_FORMED).optional(),
    defaultPipeline: z.string().trim().max(128).refine(wellFormed, WELL_FORMED).optional(),
    /** Kept in SecretStorage like the token; answered masked. */
    rentcastApiKey: z.string().trim().min(8, 'key looks too short').max(256).refine(wellFormed, WELL_FORMED).optional(),
  }),
  [C.CONNECTION_TEST]: empty,
  [C.CONTACTS_LIST]: z.strictObject({
    query: z.string().max(200).optional(),
    // #17: only contacts carrying this tag (GHL keeps tags trimmed, lower case; compared so).
    tag: z.string().trim().min(1, 'The tag filter is empty.').max(100).optional(),
    limit: limit(500, 50),
    offset,
  }),
  [C.CONTACTS_GET]: z.strictObject({ id }),
  [C.CONTACTS_CREATE]: z.strictObject({ contact: contactInput }),
  [C.CONTACTS_UPDATE]: z.strictObject({ id, data: contactPatch }),
  [C.CONTACTS_DELETE]: z.strictObject({ id }),
  [C.CONTACTS_SYNC]: z.strictObject({ full: z.boolean().optional() }),
  [C.PIPELINES_LIST]: empty,
  [C.OPPS_LIST]: z.strictObject({
    pipelineId: id.optional(),
    contactId: id.optional(),
    status: opportunityStatus.optional(),
    stageId: id.optional(),
    minValue: z.number().min(0).optional(),
    maxValue: z.number().min(0).optional(),
    /** Epoch ms: only those last updated at or before it (deals that have not moved since). */
    updatedBefore: epochMs.optional(),
    // #17: only deals whose (cached) contact carries this tag — the board's tag filter.
    contactTag: z.string().trim().min(1, 'The tag filter is empty.').max(100).optional(),
    sort: z.enum(['updated', 'value', 'stale', 'created']).default('updated'),
    limit: limit(500, 50),
    offset,
  }).refine((r) => r.minValue === undefined || r.maxValue === undefined || r.minValue <= r.maxValue, {
    message: 'minValue must not be above maxValue',
    path: ['maxValue'],
  }),
  [C.OPPS_STAGE_SUMMARY]: z.strictObject({ pipelineId: id, status: opportunityStatus.optional() }),
  [C.OPPS_GET]: z.strictObject({ id }),
  [C.OPPS_CREATE]: z.strictObject({ opportunity: opportunityInput }),
  [C.OPPS_UPDATE]: z.strictObject({ id, data: opportunityPatch }),
  [C.OPPS_UPDATE_STATUS]: z.strictObject({ id, status: opportunityStatus }),
  [C.OPPS_DELETE]: z.strictObject({ id }),
  [C.OPPS_SYNC]: z.strictObject({ full: z.boolean().optional() }),
  /** Newest first (sortBy last_message_date, desc); the next page starts after `nextStartAfterDate` of this one. */
  [C.CONVS_LIST]: z.strictObject({
    limit: limit(100, 20),
    contactId: id.optional(),
    status: z.enum(CONVERSATION_STATUSES).optional(),
    lastMessageType: z.enum(LAST_MESSAGE_TYPES).optional(),
    /** A GHL user id ("assigned to me" is the host's setting ghl.inbox.userId). */
    assignedTo: id.optional(),
    startAfterDate: epochMs.optional(),
  }),
  [C.CONVS_GET]: z.strictObject({ id }),
  [C.CONVS_MESSAGES]: z.strictObject({
    conversationId: id,
    limit: limit(100, 20),
    lastMessageId: id.optional(),
  }),
  [C.CONVS_SEND]: z.strictObject({
    conversationId: id,
    type: z.enum(MESSAGE_TYPES),
    message: z.string().trim().min(1, 'message is empty').max(10_000),
    subject: z.string().max(500).optional(),
    /**
     * The sender's id for this one message (the webview's bubble). A second send with the same
     * id answers the first one's result instead of sending again: a retry is never a double send.
     */
    clientMessageId: id.optional(),
  }).refine((r) => r.subject === undefined || r.type === 'Email', { message: 'subject is for Email only', path: ['subject'] }),
  /** PUT /conversations/{id} { unreadCount: 0 }. */
  [C.CONVS_MARK_READ]: z.strictObject({ id }),
  [C.CONVS_STAR]: z.strictObject({ id, starred: z.boolean() }),
  /**
   * One request: the newest unread conversations (status unread, newest first). `changed` holds
   * those whose last message is after `since`. Skipped, with no request, while a sync runs.
   */
  [C.CONVS_POLL]: z.strictObject({ since: epochMs.optional(), limit: limit(100, 50) }),
  [C.USERS_LIST]: empty,
  [C.CALS_LIST]: empty,
  [C.CAL_EVENTS_LIST]: z
    .strictObject({ calendarId: id.optional(), startTime: epochMs.optional(), endTime: epochMs.optional() })
    .refine((r) => r.startTime === undefined || r.endTime === undefined || r.startTime < r.endTime, {
      message: 'startTime must be before endTime',
      path: ['endTime'],
    }),
  [C.CHAT_SEND]: z.strictObject({ message: z.string().trim().min(1, 'message is empty').max(10_000) }),
  [C.CHAT_CLEAR]: empty,
  [C.CHAT_CONFIRM]: z.strictObject({ actionId: id, approve: z.boolean() }),
  [C.CHAT_STOP]: empty,
  [C.CHAT_HISTORY]: empty,
  [C.CHAT_OPEN]: z.strictObject({ kind: z.enum(['contact', 'opportunity', 'conversation']), id }),
  [C.ARV_ENRICH_START]: arvRunInput,
  [C.ARV_ENRICH_STATUS]: empty,
  [C.ARV_ENRICH_PLAN]: arvRunInput,
  [C.ARV_ENRICH_CANCEL]: empty,
  [C.ARV_ESTIMATES_LIST]: z.strictObject({ opportunityIds: z.array(id).max(2000) }),
  [C.ARV_FIELD_CREATE]: empty,
  [C.CUSTOM_FIELDS_LIST]: empty,
  [C.LOCATION_GET]: empty,
  // #18 calendar: times are epoch ms or ISO 8601; one without an offset is read on the
  // location's clock by the handler, which also refuses an end before its start before any request.
  /** Live. A range over GHL's 31 days is asked in several requests, never refused. */
  [C.CAL_FREE_SLOTS]: z.strictObject({
    calendarId: id,
    startDate: timeInput,
    endDate: timeInput,
    /** The zone the slots are listed in (days and offsets); the location's by default. */
    timezone: timeZoneName.optional(),
    userId: id.optional(),
  }),
  [C.APPOINTMENTS_CREATE]: z.strictObject({
    calendarId: id,
    contactId: id,
    startTime: timeInput,
    /** The calendar's slot length after the start when absent (GHL's default). */
    endTime: timeInput.optional(),
    title: shortText.optional(),
    assignedUserId: id.optional(),
    address: shortText.optional(),
    appointmentStatus: z.enum(APPOINTMENT_STATUSES).optional(),
    /** Added as the appointment's note once it is booked. */
    notes: z.string().max(5_000).optional(),
  }),
  [C.APPOINTMENTS_UPDATE]: z.strictObject({
    eventId: id,
    data: z
      .strictObject({
        startTime: timeInput.optional(),
        endTime: timeInput.optional(),
        title: shortText.optional(),
        appointmentStatus: z.enum(APPOINTMENT_STATUSES).optional(),
        assignedUserId: id.optional(),
        address: shortText.optional(),
      })
      .refine((d) => Object.values(d).some((v) => v !== undefined), { message: 'nothing to change' }),
  }),
  [C.APPOINTMENTS_DELETE]: z.strictObject({ eventId: id }),
  /** Every calendar's events in [from, to), merged and sorted; `source: 'cache'` answers the last fetch, offline, without a request. */
  [C.CAL_AGENDA]: z.strictObject({
    from: timeInput,
    to: timeInput,
    calendarIds: z.array(id).min(1).max(100).optional(),
    /** A GHL user id: only the appointments assigned to them. */
    assignedTo: id.optional(),
    source: z.enum(['live', 'cache']).default('live'),
  }),
  // Issue 19: the deal analyzer.
  [C.ARV_ANALYZE]: z.strictObject({ opportunityId: id, refresh: z.boolean().optional() }),
  [C.ARV_COMPS_SET]: z.strictObject({ opportunityId: id, compId: z.string().min(1).max(300).refine(wellFormed, WELL_FORMED), excluded: z.boolean() }),
  [C.ARV_SAVE]: z.strictObject({ opportunityId: id }),
  // #17 notes, tasks, tags and workflows
  [C.NOTES_LIST]: z.strictObject({ contactId: id }),
  [C.NOTES_CREATE]: z.strictObject({ contactId: id, body: noteBody }),
  [C.NOTES_UPDATE]: z.strictObject({ contactId: id, noteId: id, body: noteBody }),
  [C.NOTES_DELETE]: z.strictObject({ contactId: id, noteId: id }),
  /** From the cache: overdue first (longest overdue first), then by due date, undated last. */
  [C.TASKS_LIST]: z
    .strictObject({
      status: z.enum(TASK_STATUSES).default('open'),
      dueBefore: instant.optional(),
      dueAfter: instant.optional(),
      assignedTo: id.optional(),
      contactId: id.optional(),
      query: z.string().max(200).optional(),
      limit: limit(1000, 100),
      offset,
    })
    .refine((r) => r.dueBefore === undefined || r.dueAfter === undefined || r.dueAfter < r.dueBefore, {
      message: 'dueAfter must be before dueBefore',
      path: ['dueBefore'],
    }),
  [C.TASKS_SYNC]: empty,
  [C.TASKS_CREATE]: z.strictObject({ contactId: id, title: taskTitle, body: taskBody.optional(), dueDate: instant, assignedTo: id.optional() }),
  [C.TASKS_UPDATE]: z.strictObject({ contactId: id, taskId: id, data: taskPatch }),
  [C.TASKS_COMPLETE]: z.strictObject({ contactId: id, taskId: id, completed: z.boolean() }),
  [C.TASKS_DELETE]: z.strictObject({ contactId: id, taskId: id }),
  [C.TAGS_LIST]: empty,
  [C.CONTACTS_TAGS]: z.strictObject({ id, add: tagList.optional(), remove: tagList.optional() }).refine(hasTagChange, TAG_CHANGE_NEEDED),
  [C.CONTACTS_BULK_TAGS]: z
    .strictObject({ ids: z.array(id).min(1).max(MAX_BULK_TAG_CONTACTS, `at most ${MAX_BULK_TAG_CONTACTS} contacts at once`), add: tagList.optional(), remove: tagList.optional() })
    .refine(hasTagChange, TAG_CHANGE_NEEDED),
  [C.CONTACTS_BULK_TAGS_CANCEL]: empty,
  [C.WORKFLOWS_LIST]: empty,
  [C.CONTACTS_WORKFLOW]: z.strictObject({ id, workflowId: id, action: z.enum(['add', 'remove']) }),
} as const;

export type RequestSchemas = typeof requestSchemas;
export type RequestChannel = keyof RequestSchemas;
/** What a caller sends (defaults optional). */
export type RequestInput<K extends RequestChannel> = z.input<RequestSchemas[K]>;
/** What a handler receives (defaults applied). */
export type RequestPayload<K extends RequestChannel> = z.output<RequestSchemas[K]>;

export const REQUEST_CHANNELS = Object.keys(requestSchemas) as RequestChannel[];

export function isRequestChannel(channel: unknown): channel is RequestChannel {
  return typeof channel === 'string' && Object.hasOwn(requestSchemas, channel);
}

/**
 * The JSON Schema of every request (`channels`, what a caller sends) and of every push
 * (`pushes`, what a listener receives), keyed by channel (written to dist/protocol.schema.json).
 */
export function protocolJsonSchema(): Record<string, unknown> {
  const channels: Record<string, unknown> = {};
  for (const channel of REQUEST_CHANNELS) {
    channels[channel] = z.toJSONSchema(requestSchemas[channel], { io: 'input', unrepresentable: 'any' });
  }
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: 'ext-ghl protocol requests and pushes',
    channels,
    pushes: pushJsonSchema(),
  };
}
