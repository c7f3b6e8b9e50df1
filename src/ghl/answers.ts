import { z } from 'zod';

/**
 * The shape of each GHL answer the extension reads, checked before anything uses it (an answer
 * of another shape is an API error, not data). The records inside the lists stay `unknown`
 * here: each has its own schema where it is read (mappers.ts for the cached entities,
 * liveRecords.ts for the live ones), which decides what a broken record means.
 */

const records = z.array(z.unknown());
const record = z.unknown().optional();

/** Writes that answer with nothing the extension reads (a delete, a status change). */
export const anyAnswer = z.looseObject({});

export const locationAnswer = z.looseObject({
  location: z.looseObject({ id: z.string().optional(), name: z.string().optional() }).optional(),
});

export const customFieldsAnswer = z.looseObject({ customFields: records });
export const customFieldAnswer = z.looseObject({ customField: record });

export const contactsSearchAnswer = z.looseObject({ contacts: records, total: z.number().optional() });
export const contactAnswer = z.looseObject({ contact: record });

export const pipelinesAnswer = z.looseObject({ pipelines: records });

export const opportunitiesSearchMeta = z.looseObject({
  total: z.number().optional(),
  startAfter: z.union([z.number(), z.string()]).nullish(),
  startAfterId: z.string().nullish(),
  nextPage: z.number().nullish(),
  nextPageUrl: z.string().nullish(),
});
export type OpportunitiesSearchMeta = z.output<typeof opportunitiesSearchMeta>;
export const opportunitiesSearchAnswer = z.looseObject({ opportunities: records, meta: opportunitiesSearchMeta.optional() });
export const opportunityAnswer = z.looseObject({ opportunity: record });

export const conversationsSearchAnswer = z.looseObject({ conversations: records, total: z.number().optional() });
export const conversationUpdateAnswer = z.looseObject({ success: z.boolean().optional(), conversation: record });
/** GET /conversations/:id answers the conversation itself, at the top level. */
export const conversationAnswer = z.looseObject({});

/** Really nested: `{ messages: { lastMessageId, nextPage, messages: [...] } }` (the spec shows it flat). */
export const messagesAnswer = z.looseObject({
  messages: z.union([z.looseObject({ lastMessageId: z.string().nullish(), nextPage: z.boolean().optional(), messages: records.optional() }), records]).optional(),
  lastMessageId: z.string().nullish(),
  nextPage: z.boolean().optional(),
});
export const messageSentAnswer = z.looseObject({ conversationId: z.string().optional(), messageId: z.string().optional(), msg: z.string().optional() });

export const usersAnswer = z.looseObject({ users: records });
export const calendarsAnswer = z.looseObject({ calendars: records });
export const calendarEventsAnswer = z.looseObject({ events: records });

// #18 free slots and appointments
/** `{ 'YYYY-MM-DD': { slots: [ISO] }, traceId? }`: a map keyed by date; its days are read in liveRecords.ts. */
export const freeSlotsAnswer = z.record(z.string(), z.unknown());
/** POST and PUT /calendars/events/appointments answer the appointment itself, at the top level. */
export const appointmentAnswer = z.looseObject({ id: z.string().min(1) });
// #17 notes, tasks, tags and workflows
export const notesAnswer = z.looseObject({ notes: records });
export const noteAnswer = z.looseObject({ note: record });
/** POST /locations/{id}/tasks/search: the spec says `tasks: array[]`; GHL sends task objects. */
export const tasksSearchAnswer = z.looseObject({ tasks: records, total: z.number().optional() });
export const taskAnswer = z.looseObject({ task: record });
/** POST/DELETE /contacts/{id}/tags answer the tags of the change. */
export const contactTagsAnswer = z.looseObject({ tags: z.array(z.string()).optional() });
export const locationTagsAnswer = z.looseObject({ tags: records });
export const workflowsAnswer = z.looseObject({ workflows: records });
