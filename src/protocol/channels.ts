/** Every channel name of the ext-ghl protocol. The request channels map one-to-one onto
 * the request schemas in `requests.ts` and the handlers in `src/handlers`. */
export const EXT_GHL_IPC = {
  SETTINGS_GET: 'ext-ghl:settings-get',
  SETTINGS_SET: 'ext-ghl:settings-set',
  CONNECTION_TEST: 'ext-ghl:connection-test',
  CONTACTS_LIST: 'ext-ghl:contacts-list',
  CONTACTS_GET: 'ext-ghl:contacts-get',
  CONTACTS_CREATE: 'ext-ghl:contacts-create',
  CONTACTS_UPDATE: 'ext-ghl:contacts-update',
  CONTACTS_DELETE: 'ext-ghl:contacts-delete',
  CONTACTS_SYNC: 'ext-ghl:contacts-sync',
  PIPELINES_LIST: 'ext-ghl:pipelines-list',
  OPPS_LIST: 'ext-ghl:opps-list',
  OPPS_GET: 'ext-ghl:opps-get',
  OPPS_CREATE: 'ext-ghl:opps-create',
  OPPS_UPDATE: 'ext-ghl:opps-update',
  OPPS_UPDATE_STATUS: 'ext-ghl:opps-update-status',
  OPPS_DELETE: 'ext-ghl:opps-delete',
  OPPS_SYNC: 'ext-ghl:opps-sync',
  CONVS_LIST: 'ext-ghl:convs-list',
  CONVS_GET: 'ext-ghl:convs-get',
  CONVS_MESSAGES: 'ext-ghl:convs-messages',
  CONVS_SEND: 'ext-ghl:convs-send',
  CONVS_MARK_READ: 'ext-ghl:convs-mark-read',
  CONVS_STAR: 'ext-ghl:convs-star',
  CONVS_POLL: 'ext-ghl:convs-poll',
  USERS_LIST: 'ext-ghl:users-list',
  CALS_LIST: 'ext-ghl:cals-list',
  CAL_EVENTS_LIST: 'ext-ghl:cal-events-list',
  CHAT_SEND: 'ext-ghl:chat-send',
  CHAT_CLEAR: 'ext-ghl:chat-clear',
  CHAT_CONFIRM: 'ext-ghl:chat-confirm',
  CHAT_STOP: 'ext-ghl:chat-stop',
  CHAT_HISTORY: 'ext-ghl:chat-history',
  CHAT_OPEN: 'ext-ghl:chat-open',
  OPPS_STAGE_SUMMARY: 'ext-ghl:opps-stage-summary',
  ARV_ENRICH_START: 'ext-ghl:arv-enrich-start',
  ARV_ENRICH_STATUS: 'ext-ghl:arv-enrich-status',
  ARV_ENRICH_PLAN: 'ext-ghl:arv-enrich-plan',
  ARV_ENRICH_CANCEL: 'ext-ghl:arv-enrich-cancel',
  ARV_ESTIMATES_LIST: 'ext-ghl:arv-estimates-list',
  ARV_FIELD_CREATE: 'ext-ghl:arv-create-field',
  CUSTOM_FIELDS_LIST: 'ext-ghl:custom-fields-list',
  LOCATION_GET: 'ext-ghl:location-get',
  // #18 calendar: agenda, free slots, booking
  CAL_FREE_SLOTS: 'ext-ghl:cal-free-slots',
  APPOINTMENTS_CREATE: 'ext-ghl:appointments-create',
  APPOINTMENTS_UPDATE: 'ext-ghl:appointments-update',
  APPOINTMENTS_DELETE: 'ext-ghl:appointments-delete',
  CAL_AGENDA: 'ext-ghl:cal-agenda',
  // Issue 19: the deal analyzer (sold comps).
  ARV_ANALYZE: 'ext-ghl:arv-analyze',
  ARV_COMPS_SET: 'ext-ghl:arv-comps-set',
  ARV_SAVE: 'ext-ghl:arv-save',
  // Pushes: host → listeners, never requested.
  SYNC_PROGRESS: 'ext-ghl:sync-progress',
  ARV_ENRICH_PROGRESS: 'ext-ghl:arv-enrich-progress',
  CHAT_STREAM: 'ext-ghl:chat-stream',
} as const;

/** The push channels; `pushSchemas` (pushes.ts) has a schema for each. Here, not there, so a webview can import the names without zod. */
export const PUSH_CHANNELS = [EXT_GHL_IPC.SYNC_PROGRESS, EXT_GHL_IPC.ARV_ENRICH_PROGRESS, EXT_GHL_IPC.CHAT_STREAM] as const;
export type PushChannel = (typeof PUSH_CHANNELS)[number];

// The payload of each push: the push table (pushes.ts) holds its schema and derives its type.
export type { ArvEnrichProgress, ChatStreamEvent, PushEvent, PushPayload, PushPayloads, SyncProgress } from './pushes';
