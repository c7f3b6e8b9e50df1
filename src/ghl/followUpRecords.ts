import { z } from 'zod';
import type { Task } from '../protocol/entities';
import type { LocationTag, Note, Workflow } from '../protocol/responses';
import { readLiveRecords } from './liveRecords';

/**
 * #17: GHL's notes, tasks, location tags and workflows → the protocol's shapes. As with the other
 * live records, one record the UI cannot use (no id, a task without its contact) makes the whole
 * answer an API error: a task list that silently lost a task would look complete and be wrong.
 */

const text = z.string().nullish().catch(undefined).transform((v) => (v === null || v === '' ? undefined : v));

/** A date GHL sends (ISO text or epoch ms) as ISO 8601; absent or unreadable → null. */
const isoOrNull = z
  .unknown()
  .optional()
  .transform((v): string | null => {
    const ms = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? (/^\d+$/.test(v.trim()) ? Number(v) : Date.parse(v)) : NaN;
    return Number.isFinite(ms) ? new Date(ms).toISOString() : null;
  });

export const wireNote = z.looseObject({
  id: z.string().min(1),
  body: z.string().nullish().transform((v) => v ?? ''),
  userId: text,
  dateAdded: isoOrNull,
  contactId: text,
});

/** The task search answers `_id` where the contact's task endpoints answer `id`. */
export const wireTask = z
  .looseObject({
    id: z.string().min(1).optional(),
    _id: z.string().min(1).optional(),
    title: z.string().nullish().transform((v) => v ?? ''),
    body: text,
    assignedTo: text,
    dueDate: isoOrNull,
    completed: z.boolean().nullish().transform((v) => v ?? false),
    contactId: z.string().min(1),
  })
  .refine((t) => Boolean(t.id ?? t._id), { message: 'has no id', path: ['id'] });

export const wireLocationTag = z.looseObject({ id: z.string().min(1), name: z.string() });

export const wireWorkflow = z.looseObject({ id: z.string().min(1), name: z.string().nullish().transform((v) => v ?? ''), status: z.string().nullish().transform((v) => v ?? 'draft') });

export function toNote(wire: z.output<typeof wireNote>, contactId: string): Note {
  return { id: wire.id, contactId: wire.contactId ?? contactId, body: wire.body, userId: wire.userId ?? null, dateAdded: wire.dateAdded };
}

export function toTask(wire: z.output<typeof wireTask>, locationId: string, contactName: string | null, syncedAt: number): Task {
  return {
    id: (wire.id ?? wire._id)!,
    locationId,
    contactId: wire.contactId,
    contactName,
    title: wire.title,
    body: wire.body ?? null,
    assignedTo: wire.assignedTo ?? null,
    dueDate: wire.dueDate,
    completed: wire.completed,
    syncedAt,
  };
}

/** Newest first, as the contact details show them. */
export function readNotes(list: unknown, contactId: string): Note[] {
  return readLiveRecords(wireNote, list, 'notes')
    .map((n) => toNote(n, contactId))
    .sort((a, b) => (b.dateAdded ?? '').localeCompare(a.dateAdded ?? '') || a.id.localeCompare(b.id));
}

export function readTasks(list: unknown): Array<z.output<typeof wireTask>> {
  return readLiveRecords(wireTask, list, 'tasks');
}

export function readLocationTags(list: unknown): LocationTag[] {
  return readLiveRecords(wireLocationTag, list, 'tags')
    .map((t) => ({ id: t.id, name: t.name }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

export function readWorkflows(list: unknown): Workflow[] {
  return readLiveRecords(wireWorkflow, list, 'workflows')
    .map((w) => ({ id: w.id, name: w.name, status: w.status }))
    .sort((a, b) => a.name.localeCompare(b.name));
}
