import { EXT_GHL_IPC as C } from './channels';
import type { RequestChannel } from './requests';

/** The kinds of cached data a view can show, and so be told have changed. */
export type DataKind = 'contacts' | 'opportunities' | 'pipelines' | 'appointments' | 'tasks';

export const ALL_DATA_KINDS: readonly DataKind[] = ['contacts', 'opportunities', 'pipelines', 'appointments', 'tasks'];

/** Channels whose success changes cached data, and what they change; every other channel only reads. */
export const CHANNEL_MUTATIONS: { readonly [K in RequestChannel]?: readonly DataKind[] } = {
  [C.CONTACTS_CREATE]: ['contacts'],
  [C.CONTACTS_UPDATE]: ['contacts'],
  [C.CONTACTS_DELETE]: ['contacts'],
  [C.CONTACTS_SYNC]: ['contacts'],
  [C.OPPS_CREATE]: ['opportunities'],
  [C.OPPS_UPDATE]: ['opportunities'],
  [C.OPPS_UPDATE_STATUS]: ['opportunities'],
  [C.OPPS_DELETE]: ['opportunities'],
  [C.OPPS_SYNC]: ['opportunities', 'pipelines'],
  // Another location shows other rows.
  [C.SETTINGS_SET]: ALL_DATA_KINDS,
  // #18 calendar: the cached agenda (the Calendar view's first paint) holds the appointment.
  [C.APPOINTMENTS_CREATE]: ['appointments'],
  [C.APPOINTMENTS_UPDATE]: ['appointments'],
  [C.APPOINTMENTS_DELETE]: ['appointments'],
  // Issue 19: the ARV (and MAO, confidence) land in the opportunity's fields.
  [C.ARV_SAVE]: ['opportunities'],
  // #17 tasks live in the cache; tags are a contact's field
  [C.TASKS_SYNC]: ['tasks'],
  [C.TASKS_CREATE]: ['tasks'],
  [C.TASKS_UPDATE]: ['tasks'],
  [C.TASKS_COMPLETE]: ['tasks'],
  [C.TASKS_DELETE]: ['tasks'],
  [C.CONTACTS_TAGS]: ['contacts'],
  [C.CONTACTS_BULK_TAGS]: ['contacts'],
};

export function dataChangedBy(channel: RequestChannel): readonly DataKind[] {
  return CHANNEL_MUTATIONS[channel] ?? [];
}
