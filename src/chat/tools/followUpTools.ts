import { z } from 'zod';
import type { Task } from '../../protocol/entities';
import { MAX_BULK_TAG_CONTACTS } from '../../protocol/requests';
import { formatDueDate, parseDuePhrase } from '../../time/datePhrase';
import { todayWindow, type DisplayZones } from '../../time/dayWindows';
import { call } from '../channelClient';
import { capped, clip, compact, dataBlock, MAX_ROWS, quote } from '../crmData';
import { contactLabel } from './crmQueries';
import { readTool, ToolInputError, writeTool, type ToolOutcome, type ToolRef } from './types';
import { displayZones } from './zones';

/**
 * #17: the follow-up loop as tools: tasks and notes to read, and the writes a rep makes after
 * a call (a note, a task, a completed task, tags, a workflow), each proposed with exactly what
 * changes and run only on the user's click.
 */

const id = (what: string) => z.string().trim().min(1).max(128).describe(`The ${what} id, as an earlier tool result gave it.`);
const found = (n: number, one: string, many: string) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

export type TaskScope = 'open' | 'today' | 'overdue' | 'completed' | 'all';

/** The tasks-list payload for a scope: "today" and "overdue" are calendar days in the location's zone. */
export function taskScopePayload(scope: TaskScope, now: number, zone: string): { status: 'open' | 'completed' | 'all'; dueBefore?: number; dueAfter?: number } {
  if (scope === 'overdue') return { status: 'open', dueBefore: now };
  if (scope === 'today') {
    const { startTime, endTime } = todayWindow(now, zone);
    return { status: 'open', dueAfter: startTime, dueBefore: endTime };
  }
  return { status: scope };
}

export function taskRow(t: Task, zones: DisplayZones, now: number) {
  const due = t.dueDate === null ? null : Date.parse(t.dueDate);
  return compact({
    id: t.id,
    title: clip(t.title, 200),
    contactId: t.contactId,
    contact: clip(t.contactName, 120),
    due: t.dueDate,
    when: due === null ? null : formatDueDate(due, zones),
    overdue: due !== null && !t.completed && due < now ? true : undefined,
    completed: t.completed || undefined,
    assignedTo: t.assignedTo,
    body: clip(t.body, 300),
  });
}

const contactRef = (contactId: string, label: string): ToolRef => ({ kind: 'contact', id: contactId, label });

export const listTasks = readTool({
  name: 'ghl_list_tasks',
  toolReferenceName: 'ghlTasks',
  displayName: 'GHL Tasks',
  userDescription: 'Tasks from the GoHighLevel cache: open, due today, overdue, done; for a contact or a user.',
  modelDescription:
    'Lists GoHighLevel tasks from the local cache, overdue first (longest overdue first), then by due date. scope: "open" (default), "today" (due today on the ' +
    'location\'s calendar), "overdue", "completed" or "all". Optional contactId, assignedTo (a user id) and query (words of the title or body). Returns up to 25 ' +
    'tasks with id, title, contact, due (ISO) and when (the location\'s clock), overdue, assignedTo. Use the id and contactId with ghl_complete_task.',
  tags: ['ghl', 'crm', 'tasks', 'read'],
  icon: 'checklist',
  inputSchema: z.object({
    scope: z.enum(['open', 'today', 'overdue', 'completed', 'all']).optional().describe('Which tasks; "open" when left out.'),
    contactId: id('contact').optional(),
    assignedTo: id('user').optional(),
    query: z.string().trim().min(1).max(200).optional().describe('Words of the task title or body.'),
    limit: z.number().int().min(1).max(MAX_ROWS).optional().describe(`How many rows to return (at most ${MAX_ROWS}).`),
  }),
  async run({ scope = 'open', contactId, assignedTo, query, limit }, ctx) {
    const zones = await displayZones(ctx);
    const now = ctx.now();
    const page = await call(ctx.client, 'ext-ghl:tasks-list', {
      ...taskScopePayload(scope, now, zones.location),
      ...(contactId ? { contactId } : {}),
      ...(assignedTo ? { assignedTo } : {}),
      ...(query ? { query } : {}),
      limit: limit ?? MAX_ROWS,
    });
    const refs = new Map<string, ToolRef>();
    for (const t of page.items) if (!refs.has(t.contactId)) refs.set(t.contactId, contactRef(t.contactId, t.contactName ?? t.contactId));
    return {
      ok: true,
      summary: `Listed ${scope} tasks — ${found(page.total, 'task', 'tasks')}`,
      content: dataBlock('ghl_list_tasks', { scope, timeZone: zones.location, ...capped(page.items.map((t) => taskRow(t, zones, now)), page.total, limit ?? MAX_ROWS) }),
      refs: [...refs.values()],
    };
  },
});

export const getNotes = readTool({
  name: 'ghl_get_notes',
  toolReferenceName: 'ghlNotes',
  displayName: 'GHL Contact Notes',
  userDescription: "A contact's notes, newest first, live from GoHighLevel.",
  modelDescription: "Reads a GoHighLevel contact's notes (live from GHL), newest first: id, body, author (user id) and when it was added. Needs the contact id.",
  tags: ['ghl', 'crm', 'notes', 'read'],
  icon: 'note',
  inputSchema: z.object({ contactId: id('contact'), limit: z.number().int().min(1).max(MAX_ROWS).optional().describe(`How many notes (at most ${MAX_ROWS}).`) }),
  async run({ contactId, limit }, { client }) {
    const notes = await call(client, 'ext-ghl:notes-list', { contactId });
    const rows = notes.items.map((n) => compact({ id: n.id, body: clip(n.body, 2000), userId: n.userId, added: n.dateAdded }));
    return {
      ok: true,
      summary: `Read the notes of contact ${contactId} — ${found(notes.items.length, 'note', 'notes')}`,
      content: dataBlock('ghl_get_notes', capped(rows, rows.length, limit ?? MAX_ROWS)),
      refs: [],
    };
  },
});

function done(tool: string, summary: string, record: unknown, refs: ToolRef[]): ToolOutcome {
  return { ok: true, summary: `Done: ${summary}`, content: dataBlock(tool, { done: summary, record }), refs };
}

export const addNote = writeTool({
  name: 'ghl_add_note',
  toolReferenceName: 'ghlAddNote',
  displayName: 'Add GHL Note',
  userDescription: 'Add a note to a contact (asks for your confirmation first, showing the exact text).',
  modelDescription: 'Proposes adding a note to a GoHighLevel contact (for example what a seller said on a call). Nothing is written until the user approves the exact text.',
  tags: ['ghl', 'crm', 'notes', 'write'],
  icon: 'note',
  channel: 'ext-ghl:notes-create',
  inputSchema: z.object({ contactId: id('contact'), body: z.string().trim().min(1).max(10_000).describe('The exact text of the note.') }),
  async plan({ contactId, body }, { client }) {
    const contact = await call(client, 'ext-ghl:contacts-get', { id: contactId });
    return { summary: `Add a note to ${quote(contactLabel(contact))} (${contact.id}):\n${body}`, payload: { contactId: contact.id, body } };
  },
  done: (note, plan) => done('ghl_add_note', plan.summary, { id: note.id, contactId: note.contactId }, [contactRef(note.contactId, 'contact')]),
});

export const createTask = writeTool({
  name: 'ghl_create_task',
  toolReferenceName: 'ghlCreateTask',
  displayName: 'Create GHL Task',
  userDescription: 'Create a follow-up task on a contact (asks for your confirmation first, showing the exact due date).',
  modelDescription:
    'Proposes a GoHighLevel task on a contact: a title, a due date and an optional note. "due" may be ISO 8601 with an offset or a phrase as people say it ' +
    '("tomorrow 9am", "in 3 days", "next monday 2pm", "friday"), read on the location\'s calendar; the user sees the exact date before approving.',
  tags: ['ghl', 'crm', 'tasks', 'write'],
  icon: 'add',
  channel: 'ext-ghl:tasks-create',
  inputSchema: z.object({
    contactId: id('contact'),
    title: z.string().trim().min(1).max(500).describe('What to do, e.g. "Call back about the offer".'),
    due: z.string().trim().min(1).max(100).describe('When it is due: ISO 8601 with an offset, or a phrase like "tomorrow 9am".'),
    body: z.string().trim().max(5000).optional().describe('An optional note on the task.'),
    assignedTo: id('user').optional(),
  }),
  async plan({ contactId, title, due, body, assignedTo }, ctx) {
    const [contact, zones] = await Promise.all([call(ctx.client, 'ext-ghl:contacts-get', { id: contactId }), displayZones(ctx)]);
    const isoWithOffset = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(due);
    const at = isoWithOffset ? Date.parse(due) : parseDuePhrase(due, ctx.now(), zones.location)?.at;
    if (at === undefined || !Number.isFinite(at)) throw new ToolInputError(`"${due}" is not a date; give ISO 8601 with an offset or a phrase like "tomorrow 9am".`);
    return {
      summary: `Create task ${quote(title)} on ${quote(contactLabel(contact))} (${contact.id}), due ${formatDueDate(at, zones)}${body ? `, note ${quote(body, 200)}` : ''}${assignedTo ? `, assigned to ${assignedTo}` : ''}`,
      payload: { contactId: contact.id, title, dueDate: new Date(at).toISOString(), ...(body ? { body } : {}), ...(assignedTo ? { assignedTo } : {}) },
    };
  },
  done: (task, plan) => done('ghl_create_task', plan.summary, { id: task.id, contactId: task.contactId, due: task.dueDate }, [contactRef(task.contactId, task.contactName ?? 'contact')]),
});

export const completeTask = writeTool({
  name: 'ghl_complete_task',
  toolReferenceName: 'ghlCompleteTask',
  displayName: 'Complete GHL Task',
  userDescription: 'Mark a task done (asks for your confirmation first).',
  modelDescription: 'Proposes marking a GoHighLevel task completed (or open again with completed: false). Needs the task id and its contactId from ghl_list_tasks.',
  tags: ['ghl', 'crm', 'tasks', 'write'],
  icon: 'check',
  channel: 'ext-ghl:tasks-complete',
  inputSchema: z.object({ taskId: id('task'), contactId: id('contact'), completed: z.boolean().optional().describe('true (default) marks it done, false opens it again.') }),
  async plan({ taskId, contactId, completed = true }, { client }) {
    const tasks = await call(client, 'ext-ghl:tasks-list', { status: 'all', contactId, limit: 1000 });
    const task = tasks.items.find((t) => t.id === taskId);
    if (!task) throw new ToolInputError(`Contact ${contactId} has no task ${taskId} in the cache; list the tasks first.`);
    if (task.completed === completed) throw new ToolInputError(`Task ${quote(task.title)} is already ${completed ? 'done' : 'open'}.`);
    return {
      summary: `Mark task ${quote(task.title)} of ${quote(task.contactName ?? contactId)} as ${completed ? 'done' : 'open again'}`,
      payload: { contactId, taskId, completed },
    };
  },
  done: (task, plan) => done('ghl_complete_task', plan.summary, { id: task.id, completed: task.completed }, [contactRef(task.contactId, task.contactName ?? 'contact')]),
});

const tagNames = z.array(z.string().trim().min(1).max(100)).max(50);

export const tagContacts = writeTool({
  name: 'ghl_tag_contacts',
  toolReferenceName: 'ghlTagContacts',
  displayName: 'Tag GHL Contacts',
  userDescription: 'Add or remove tags on one or many contacts (asks for your confirmation first, naming the contacts).',
  modelDescription: `Proposes adding and/or removing tags on up to ${MAX_BULK_TAG_CONTACTS} GoHighLevel contacts by id. Nothing changes until the user approves the exact tags and contacts.`,
  tags: ['ghl', 'crm', 'tags', 'write'],
  icon: 'tag',
  channel: 'ext-ghl:contacts-bulk-tags',
  inputSchema: z
    .object({
      contactIds: z.array(id('contact')).min(1).max(MAX_BULK_TAG_CONTACTS).describe('The contacts to change.'),
      add: tagNames.optional().describe('Tags to add.'),
      remove: tagNames.optional().describe('Tags to remove.'),
    })
    .refine((r) => (r.add?.length ?? 0) + (r.remove?.length ?? 0) > 0, { message: 'add or remove at least one tag' }),
  async plan({ contactIds, add = [], remove = [] }, { client }) {
    const ids = [...new Set(contactIds)];
    const names: string[] = [];
    for (const contactId of ids.slice(0, 5)) {
      const contact = await call(client, 'ext-ghl:contacts-get', { id: contactId }).catch(() => null);
      names.push(contact ? `${quote(contactLabel(contact))} (${contactId})` : contactId);
    }
    const who = ids.length <= 5 ? names.join(', ') : `${names.join(', ')} and ${ids.length - 5} more`;
    const change = [add.length ? `add ${add.map((t) => quote(t)).join(', ')}` : '', remove.length ? `remove ${remove.map((t) => quote(t)).join(', ')}` : ''].filter(Boolean).join(' and ');
    return { summary: `Tags: ${change} on ${found(ids.length, 'contact', 'contacts')}: ${who}`, payload: { ids, ...(add.length ? { add } : {}), ...(remove.length ? { remove } : {}) } };
  },
  done(outcome, plan) {
    const failed = outcome.results.filter((r) => !r.ok).slice(0, 10);
    return {
      ok: outcome.failed === 0,
      summary: `${outcome.failed === 0 ? 'Done' : 'Partly done'}: ${plan.summary} — ${outcome.succeeded} changed, ${outcome.failed} failed`,
      content: dataBlock('ghl_tag_contacts', { done: plan.summary, succeeded: outcome.succeeded, failed: outcome.failed, failures: failed }),
      refs: [],
    };
  },
});

export const addToWorkflow = writeTool({
  name: 'ghl_add_to_workflow',
  toolReferenceName: 'ghlAddToWorkflow',
  displayName: 'Add to GHL Workflow',
  userDescription: 'Add a contact to a published workflow, or remove them (asks for your confirmation first).',
  modelDescription: 'Proposes adding a GoHighLevel contact to a published workflow by the workflow\'s name or id (or removing them with action "remove"). The user approves the contact and workflow first.',
  tags: ['ghl', 'crm', 'workflows', 'write'],
  icon: 'run-all',
  channel: 'ext-ghl:contacts-workflow',
  inputSchema: z.object({
    contactId: id('contact'),
    workflow: z.string().trim().min(1).max(200).describe('The workflow name or id.'),
    action: z.enum(['add', 'remove']).optional().describe('"add" (default) or "remove".'),
  }),
  async plan({ contactId, workflow, action = 'add' }, { client }) {
    const [contact, workflows] = await Promise.all([call(client, 'ext-ghl:contacts-get', { id: contactId }), call(client, 'ext-ghl:workflows-list', {})]);
    const wanted = workflow.toLowerCase();
    const exact = workflows.items.filter((w) => w.id === workflow || w.name.toLowerCase() === wanted);
    const matches = exact.length > 0 ? exact : workflows.items.filter((w) => w.name.toLowerCase().includes(wanted));
    if (matches.length !== 1) {
      throw new ToolInputError(
        matches.length === 0
          ? `No workflow matches ${quote(workflow)}. Workflows: ${workflows.items.map((w) => w.name).join(', ')}.`
          : `${quote(workflow)} matches several workflows: ${matches.map((w) => w.name).join(', ')}. Name one exactly.`,
      );
    }
    const target = matches[0]!;
    if (action === 'add' && target.status !== 'published') throw new ToolInputError(`Workflow ${quote(target.name)} is ${target.status}, not published: GHL enrolls contacts only in published workflows.`);
    return {
      summary: `${action === 'add' ? 'Add' : 'Remove'} ${quote(contactLabel(contact))} (${contact.id}) ${action === 'add' ? 'to' : 'from'} workflow ${quote(target.name)}`,
      payload: { id: contact.id, workflowId: target.id, action },
    };
  },
  done: (result, plan) => done('ghl_add_to_workflow', plan.summary, result, [contactRef(result.id, 'contact')]),
});

export const FOLLOW_UP_READ_TOOLS = [listTasks, getNotes];
export const FOLLOW_UP_WRITE_TOOLS = [addNote, createTask, completeTask, tagContacts, addToWorkflow];
