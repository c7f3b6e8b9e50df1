import { EXT_GHL_IPC as C } from './channels';
import type { RequestChannel } from './requests';

/**
 * What a request channel does to the user's world. `write`: it changes GHL, the settings or the
 * user's own session (their chat, a run they started); other extensions may call it only when
 * the user allowed it. `read`: it changes none of these (a sync only copies GHL into the cache).
 */
export type ChannelAccess = 'read' | 'write';

/** Every request channel, classified: a new channel is a compile error here until it is. */
export const CHANNEL_ACCESS: Readonly<Record<RequestChannel, ChannelAccess>> = {
  [C.SETTINGS_GET]: 'read',
  [C.SETTINGS_SET]: 'write',
  [C.CONNECTION_TEST]: 'read',
  [C.LOCATION_GET]: 'read',
  [C.CONTACTS_LIST]: 'read',
  [C.CONTACTS_GET]: 'read',
  [C.CONTACTS_CREATE]: 'write',
  [C.CONTACTS_UPDATE]: 'write',
  [C.CONTACTS_DELETE]: 'write',
  [C.CONTACTS_SYNC]: 'read',
  [C.PIPELINES_LIST]: 'read',
  [C.OPPS_LIST]: 'read',
  [C.OPPS_GET]: 'read',
  [C.OPPS_CREATE]: 'write',
  [C.OPPS_UPDATE]: 'write',
  [C.OPPS_UPDATE_STATUS]: 'write',
  [C.OPPS_DELETE]: 'write',
  [C.OPPS_SYNC]: 'read',
  [C.OPPS_STAGE_SUMMARY]: 'read',
  [C.CONVS_LIST]: 'read',
  [C.CONVS_GET]: 'read',
  [C.CONVS_MESSAGES]: 'read',
  [C.CONVS_SEND]: 'write',
  [C.CONVS_MARK_READ]: 'write',
  [C.CONVS_STAR]: 'write',
  [C.CONVS_POLL]: 'read',
  [C.USERS_LIST]: 'read',
  [C.CALS_LIST]: 'read',
  [C.CAL_EVENTS_LIST]: 'read',
  // A turn spends the user's model and lands in their chat, so it is theirs to start; VS Code
  // asks before an extension uses a model, and this must not be the way around that.
  [C.CHAT_SEND]: 'write',
  [C.CHAT_CLEAR]: 'write',
  [C.CHAT_CONFIRM]: 'write',
  [C.CHAT_STOP]: 'write',
  [C.CHAT_HISTORY]: 'read',
  // Opens a record in an editor: nothing changes.
  [C.CHAT_OPEN]: 'read',
  // Writes each estimate into the deal's custom field in GHL.
  [C.ARV_ENRICH_START]: 'write',
  [C.ARV_ENRICH_STATUS]: 'read',
  [C.ARV_ENRICH_PLAN]: 'read',
  [C.ARV_ENRICH_CANCEL]: 'write',
  [C.ARV_ESTIMATES_LIST]: 'read',
  [C.ARV_FIELD_CREATE]: 'write',
  [C.CUSTOM_FIELDS_LIST]: 'read',
  // #18 calendar: booking, changing and removing an appointment change GHL.
  [C.CAL_FREE_SLOTS]: 'read',
  [C.APPOINTMENTS_CREATE]: 'write',
  [C.APPOINTMENTS_UPDATE]: 'write',
  [C.APPOINTMENTS_DELETE]: 'write',
  [C.CAL_AGENDA]: 'read',
  // Issue 19. Analyze's first run of a deal, or a refresh, spends lookups the user pays RentCast for
  // (as a chat turn spends their model), so it is theirs to start; a comp's exclusion is the user's
  // choice; save writes into GHL's fields.
  [C.ARV_ANALYZE]: 'write',
  [C.ARV_COMPS_SET]: 'write',
  [C.ARV_SAVE]: 'write',
  // #17 notes, tasks, tags and workflows: every change to GHL is a write; the cancel stops a write the user started.
  [C.NOTES_LIST]: 'read',
  [C.NOTES_CREATE]: 'write',
  [C.NOTES_UPDATE]: 'write',
  [C.NOTES_DELETE]: 'write',
  [C.TASKS_LIST]: 'read',
  [C.TASKS_SYNC]: 'read',
  [C.TASKS_CREATE]: 'write',
  [C.TASKS_UPDATE]: 'write',
  [C.TASKS_COMPLETE]: 'write',
  [C.TASKS_DELETE]: 'write',
  [C.TAGS_LIST]: 'read',
  [C.CONTACTS_TAGS]: 'write',
  [C.CONTACTS_BULK_TAGS]: 'write',
  [C.CONTACTS_BULK_TAGS_CANCEL]: 'write',
  [C.WORKFLOWS_LIST]: 'read',
  [C.CONTACTS_WORKFLOW]: 'write',
};

export function isWriteChannel(channel: RequestChannel): boolean {
  return CHANNEL_ACCESS[channel] === 'write';
}
