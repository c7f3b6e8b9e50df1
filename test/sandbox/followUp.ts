/**
 * #17: the sandbox's notes, tasks, tags and workflows, answered as GHL's specs describe them
 * (contacts.json, locations.json, workflows.json): `{ notes }`, `{ note }`, `{ task }`, the
 * location-wide task search paged by `skip` (its records carry `_id`, not `id`), a contact's
 * `{ tags }`, `{ workflows }`; 422 with class-validator messages for a bad body, 404 for an
 * unknown contact, note or task, 400 for a workflow that is not published. The server mounts
 * these routes behind its rate limiter and latency like every other.
 */
import { Rng, type SandboxStore } from './data';

export interface SandboxNote {
  id: string;
  contactId: string;
  body: string;
  userId: string | null;
  dateAdded: string;
}

export interface SandboxTask {
  id: string;
  contactId: string;
  title: string;
  body: string;
  assignedTo: string | null;
  /** ISO 8601. */
  dueDate: string;
  completed: boolean;
  dateAdded: string;
}

export interface SandboxWorkflow {
  id: string;
  name: string;
  status: 'published' | 'draft';
  version: number;
  createdAt: string;
  updatedAt: string;
  locationId: string;
}

/** What the follow-up routes keep; tests may read and change it. */
export interface SandboxFollowUpStore {
  notes: Map<string, SandboxNote[]>;
  tasks: Map<string, SandboxTask>;
  /** Location tags by name (lower case). */
  tags: Map<string, { id: string; name: string }>;
  workflows: SandboxWorkflow[];
  /** Contact ids per workflow id. */
  enrolled: Map<string, Set<string>>;
}

export interface FollowUpSeed {
  seed: number;
  now: number;
  /** Seeded tasks (default 40): about a quarter done, a third overdue, spread over three users. */
  tasks?: number;
}

const DAY = 86_400_000;
const TASK_TITLES = ['Call back about the offer', 'Send comps', 'Follow up on walkthrough', 'Ask for proof of funds', 'Check title report', 'Schedule showing', 'Text the seller'];
const NOTE_BODIES = [
  'Seller is motivated: relocating for work, wants to close in 30 days.',
  'Left voicemail. Prefers texts after 5pm.',
  'Roof is 20 years old; asked for repair estimate.',
  'Spoke with spouse, both on title. Call Thursday.',
];
const SEED_TAGS = ['motivated', 'follow-up', 'cash-buyer', 'hot-lead', 'do-not-call'];

export function seedFollowUp(store: SandboxStore, seed: FollowUpSeed): SandboxFollowUpStore {
  const rng = new Rng((seed.seed * 31 + 0x17) >>> 0);
  const contacts = [...store.contacts.values()];
  const followUp: SandboxFollowUpStore = { notes: new Map(), tasks: new Map(), tags: new Map(), workflows: [], enrolled: new Map() };
  const iso = (ms: number) => new Date(ms).toISOString();
  for (const c of contacts.slice(0, 60)) {
    const count = rng.int(4);
    const notes: SandboxNote[] = [];
    for (let i = 0; i < count; i++) {
      notes.push({ id: rng.id(), contactId: c.id, body: rng.pick(NOTE_BODIES), userId: rng.pick(store.users), dateAdded: iso(seed.now - rng.range(1, 30 * 24) * 3_600_000) });
    }
    if (notes.length > 0) followUp.notes.set(c.id, notes);
  }
  const taskCount = contacts.length === 0 ? 0 : (seed.tasks ?? 40);
  for (let i = 0; i < taskCount; i++) {
    const c = contacts[i % Math.min(contacts.length, 200)]!;
    // A third overdue (up to 10 days), the rest over the next two weeks, at whole quarter hours.
    const offset = i % 3 === 0 ? -rng.range(1, 10 * 24 * 4) : rng.range(1, 14 * 24 * 4);
    const due = Math.floor(seed.now / 900_000) * 900_000 + offset * 900_000;
    const task: SandboxTask = {
      id: rng.id(),
      contactId: c.id,
      title: rng.pick(TASK_TITLES),
      body: rng.chance(0.5) ? rng.pick(NOTE_BODIES) : '',
      assignedTo: rng.chance(0.9) ? store.users[i % store.users.length]! : null,
      dueDate: iso(due),
      completed: i % 4 === 1,
      dateAdded: iso(seed.now - rng.range(1, 20) * DAY),
    };
    followUp.tasks.set(task.id, task);
  }
  for (const name of SEED_TAGS) followUp.tags.set(name, { id: rng.id(), name });
  for (const c of contacts) for (const t of c.tags) if (!followUp.tags.has(t)) followUp.tags.set(t, { id: rng.id(), name: t });
  const workflow = (name: string, status: SandboxWorkflow['status']): SandboxWorkflow => ({
    id: rng.uuid(),
    name,
    status,
    version: 1 + rng.int(4),
    createdAt: iso(seed.now - 90 * DAY),
    updatedAt: iso(seed.now - rng.range(1, 30) * DAY),
    locationId: store.location.id,
  });
  followUp.workflows.push(workflow('Seller follow-up (7 touches)', 'published'), workflow('New lead nurture', 'published'), workflow('Appointment reminders', 'published'), workflow('Cash buyer blast (draft)', 'draft'));
  for (const w of followUp.workflows) followUp.enrolled.set(w.id, new Set());
  return followUp;
}

export interface FollowUpRouteDeps {
  store: SandboxStore;
  followUp: SandboxFollowUpStore;
  now(): number;
  newId(): string;
  requireLocation(value: unknown, key: string): void;
  errors: {
    unprocessable(...messages: string[]): Error;
    badRequest(message: string): Error;
    notFound(message: string): Error;
  };
}

export interface FollowUpCtx {
  params: Record<string, string>;
  query: URLSearchParams;
  body: Record<string, unknown>;
}

export interface FollowUpRoute {
  method: string;
  template: string;
  handler(ctx: FollowUpCtx): { status?: number; body: unknown };
}

/** The routes, for the server's route table (all of them Version 2021-07-28). */
export function followUpRoutes(deps: FollowUpRouteDeps): FollowUpRoute[] {
  const { store, followUp, errors } = deps;
  const iso = () => new Date(deps.now()).toISOString();

  const contact = (id: string) => {
    const c = store.contacts.get(id);
    if (!c) throw errors.notFound('Contact not found');
    return c;
  };
  const rejectUnknown = (body: Record<string, unknown>, allowed: readonly string[]) => {
    const extra = Object.keys(body).filter((k) => !allowed.includes(k));
    if (extra.length) throw errors.unprocessable(...extra.map((k) => `property ${k} should not exist`));
  };
  const stringField = (body: Record<string, unknown>, key: string, required: boolean, problems: string[]): string | undefined => {
    const v = body[key];
    if (v === undefined || v === null) {
      if (required) problems.push(`${key} must be a string`, `${key} should not be empty`);
      return undefined;
    }
    if (typeof v !== 'string') problems.push(`${key} must be a string`);
    else if (required && v.trim() === '') problems.push(`${key} should not be empty`);
    return typeof v === 'string' ? v : undefined;
  };
  const dateField = (body: Record<string, unknown>, key: string, required: boolean, problems: string[]): string | undefined => {
    const v = stringField(body, key, required, problems);
    if (v === undefined) return undefined;
    const ms = Date.parse(v);
    if (!Number.isFinite(ms)) {
      problems.push(`${key} must be a valid ISO 8601 date string`);
      return undefined;
    }
    return new Date(ms).toISOString();
  };
  const boolField = (body: Record<string, unknown>, key: string, required: boolean, problems: string[]): boolean | undefined => {
    const v = body[key];
    if (v === undefined) {
      if (required) problems.push(`${key} must be a boolean value`);
      return undefined;
    }
    if (typeof v !== 'boolean') problems.push(`${key} must be a boolean value`);
    return typeof v === 'boolean' ? v : undefined;
  };
  const throwIf = (problems: string[]) => {
    if (problems.length) throw errors.unprocessable(...problems);
  };

  // --- notes
  const NOTE_KEYS = ['userId', 'body', 'title', 'color', 'pinned'];
  const notesOf = (contactId: string) => {
    contact(contactId);
    let notes = followUp.notes.get(contactId);
    if (!notes) followUp.notes.set(contactId, (notes = []));
    return notes;
  };
  const note = (contactId: string, id: string) => {
    const n = notesOf(contactId).find((x) => x.id === id);
    if (!n) throw errors.notFound('Note not found');
    return n;
  };

  // --- tasks
  const TASK_KEYS = ['title', 'body', 'dueDate', 'completed', 'assignedTo'];
  const task = (contactId: string, id: string) => {
    contact(contactId);
    const t = followUp.tasks.get(id);
    if (!t || t.contactId !== contactId) throw errors.notFound('Task not found');
    return t;
  };
  const taskOut = (t: SandboxTask) => ({ id: t.id, title: t.title, body: t.body, assignedTo: t.assignedTo ?? undefined, dueDate: t.dueDate, completed: t.completed, contactId: t.contactId });
  const SEARCH_KEYS = ['contactId', 'completed', 'assignedTo', 'query', 'limit', 'skip', 'businessId'];

  // --- tags
  const tagsBody = (body: Record<string, unknown>): string[] => {
    rejectUnknown(body, ['tags']);
    const tags = body.tags;
    if (!Array.isArray(tags) || tags.some((t) => typeof t !== 'string')) throw errors.unprocessable('each value in tags must be a string', 'tags must be an array');
    return [...new Set(tags.map((t: string) => t.trim().toLowerCase()).filter(Boolean))];
  };

  // --- workflows
  const workflow = (id: string) => {
    const w = followUp.workflows.find((x) => x.id === id);
    if (!w) throw errors.notFound('Workflow not found');
    return w;
  };

  return [
    {
      method: 'GET',
      template: '/contacts/{contactId}/notes',
      handler: (ctx) => ({ body: { notes: [...notesOf(ctx.params.contactId!)].sort((a, b) => b.dateAdded.localeCompare(a.dateAdded)) } }),
    },
    {
      method: 'POST',
      template: '/contacts/{contactId}/notes',
      handler: (ctx) => {
        const notes = notesOf(ctx.params.contactId!);
        rejectUnknown(ctx.body, NOTE_KEYS);
        const problems: string[] = [];
        const body = stringField(ctx.body, 'body', true, problems);
        const userId = stringField(ctx.body, 'userId', false, problems);
        throwIf(problems);
        const n: SandboxNote = { id: deps.newId(), contactId: ctx.params.contactId!, body: body!, userId: userId ?? null, dateAdded: iso() };
        notes.push(n);
        return { status: 201, body: { note: n } };
      },
    },
    { method: 'GET', template: '/contacts/{contactId}/notes/{id}', handler: (ctx) => ({ body: { note: note(ctx.params.contactId!, ctx.params.id!) } }) },
    {
      method: 'PUT',
      template: '/contacts/{contactId}/notes/{id}',
      handler: (ctx) => {
        const n = note(ctx.params.contactId!, ctx.params.id!);
        rejectUnknown(ctx.body, NOTE_KEYS);
        const problems: string[] = [];
        const body = stringField(ctx.body, 'body', false, problems);
        throwIf(problems);
        if (body !== undefined) n.body = body;
        return { body: { note: n } };
      },
    },
    {
      method: 'DELETE',
      template: '/contacts/{contactId}/notes/{id}',
      handler: (ctx) => {
        const n = note(ctx.params.contactId!, ctx.params.id!);
        const notes = notesOf(n.contactId);
        notes.splice(notes.indexOf(n), 1);
        return { body: { succeded: true } };
      },
    },
    {
      method: 'GET',
      template: '/contacts/{contactId}/tasks',
      handler: (ctx) => {
        contact(ctx.params.contactId!);
        return { body: { tasks: [...followUp.tasks.values()].filter((t) => t.contactId === ctx.params.contactId).map(taskOut) } };
      },
    },
    {
      method: 'POST',
      template: '/contacts/{contactId}/tasks',
      handler: (ctx) => {
        contact(ctx.params.contactId!);
        rejectUnknown(ctx.body, TASK_KEYS);
        const problems: string[] = [];
        const title = stringField(ctx.body, 'title', true, problems);
        const body = stringField(ctx.body, 'body', false, problems);
        const dueDate = dateField(ctx.body, 'dueDate', true, problems);
        const completed = boolField(ctx.body, 'completed', true, problems);
        const assignedTo = stringField(ctx.body, 'assignedTo', false, problems);
        throwIf(problems);
        const t: SandboxTask = { id: deps.newId(), contactId: ctx.params.contactId!, title: title!, body: body ?? '', assignedTo: assignedTo ?? null, dueDate: dueDate!, completed: completed!, dateAdded: iso() };
        followUp.tasks.set(t.id, t);
        return { status: 201, body: { task: taskOut(t) } };
      },
    },
    { method: 'GET', template: '/contacts/{contactId}/tasks/{taskId}', handler: (ctx) => ({ body: { task: taskOut(task(ctx.params.contactId!, ctx.params.taskId!)) } }) },
    {
      method: 'PUT',
      template: '/contacts/{contactId}/tasks/{taskId}/completed',
      handler: (ctx) => {
        const t = task(ctx.params.contactId!, ctx.params.taskId!);
        rejectUnknown(ctx.body, ['completed']);
        const problems: string[] = [];
        const completed = boolField(ctx.body, 'completed', true, problems);
        throwIf(problems);
        t.completed = completed!;
        return { body: { task: taskOut(t) } };
      },
    },
    {
      method: 'PUT',
      template: '/contacts/{contactId}/tasks/{taskId}',
      handler: (ctx) => {
        const t = task(ctx.params.contactId!, ctx.params.taskId!);
        rejectUnknown(ctx.body, TASK_KEYS);
        const problems: string[] = [];
        const title = stringField(ctx.body, 'title', false, problems);
        const body = stringField(ctx.body, 'body', false, problems);
        const dueDate = dateField(ctx.body, 'dueDate', false, problems);
        const completed = boolField(ctx.body, 'completed', false, problems);
        const assignedTo = stringField(ctx.body, 'assignedTo', false, problems);
        if (title !== undefined && title.trim() === '') problems.push('title should not be empty');
        throwIf(problems);
        if (title !== undefined) t.title = title;
        if (body !== undefined) t.body = body;
        if (dueDate !== undefined) t.dueDate = dueDate;
        if (completed !== undefined) t.completed = completed;
        if (assignedTo !== undefined) t.assignedTo = assignedTo;
        return { body: { task: taskOut(t) } };
      },
    },
    {
      method: 'DELETE',
      template: '/contacts/{contactId}/tasks/{taskId}',
      handler: (ctx) => {
        const t = task(ctx.params.contactId!, ctx.params.taskId!);
        followUp.tasks.delete(t.id);
        return { body: { succeded: true } };
      },
    },
    {
      method: 'POST',
      template: '/locations/{locationId}/tasks/search',
      handler: (ctx) => {
        deps.requireLocation(ctx.params.locationId, 'locationId');
        rejectUnknown(ctx.body, SEARCH_KEYS);
        const b = ctx.body;
        const problems: string[] = [];
        const limit = b.limit === undefined ? 25 : b.limit;
        const skip = b.skip === undefined ? 0 : b.skip;
        if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > 100) problems.push('limit must not be greater than 100', 'limit must be a positive integer');
        if (typeof skip !== 'number' || !Number.isInteger(skip) || skip < 0) problems.push('skip must not be less than 0');
        const completed = boolField(b, 'completed', false, problems);
        const ids = (key: string) => {
          const v = b[key];
          if (v === undefined) return undefined;
          if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) problems.push(`each value in ${key} must be a string`);
          return Array.isArray(v) ? new Set(v as string[]) : undefined;
        };
        const assignedTo = ids('assignedTo');
        const contactIds = ids('contactId');
        const query = stringField(b, 'query', false, problems)?.trim().toLowerCase();
        throwIf(problems);
        const matches = [...followUp.tasks.values()]
          .filter(
            (t) =>
              (completed === undefined || t.completed === completed) &&
              (!assignedTo || (t.assignedTo !== null && assignedTo.has(t.assignedTo))) &&
              (!contactIds || contactIds.has(t.contactId)) &&
              (!query || t.title.toLowerCase().includes(query) || t.body.toLowerCase().includes(query)),
          )
          .sort((a, b2) => a.dueDate.localeCompare(b2.dueDate) || a.id.localeCompare(b2.id));
        const page = matches.slice(Number(skip), Number(skip) + Number(limit)).map((t) => {
          const c = store.contacts.get(t.contactId);
          const { id, ...rest } = taskOut(t);
          return { _id: id, ...rest, contactDetails: c ? { id: c.id, firstName: c.firstName, lastName: c.lastName } : undefined };
        });
        return { body: { tasks: page } };
      },
    },
    {
      method: 'GET',
      template: '/locations/{locationId}/tags',
      handler: (ctx) => {
        deps.requireLocation(ctx.params.locationId, 'locationId');
        const tags = [...followUp.tags.values()].map((t) => ({ ...t, locationId: store.location.id }));
        return { body: { tags } };
      },
    },
    {
      method: 'POST',
      template: '/contacts/{contactId}/tags',
      handler: (ctx) => {
        const c = contact(ctx.params.contactId!);
        const tags = tagsBody(ctx.body);
        for (const t of tags) {
          if (!c.tags.includes(t)) c.tags.push(t);
          if (!followUp.tags.has(t)) followUp.tags.set(t, { id: deps.newId(), name: t });
        }
        c.dateUpdated = iso();
        return { status: 201, body: { tags: c.tags } };
      },
    },
    {
      method: 'DELETE',
      template: '/contacts/{contactId}/tags',
      handler: (ctx) => {
        const c = contact(ctx.params.contactId!);
        const tags = new Set(tagsBody(ctx.body));
        c.tags = c.tags.filter((t) => !tags.has(t));
        c.dateUpdated = iso();
        return { body: { tags: c.tags } };
      },
    },
    {
      method: 'GET',
      template: '/workflows/',
      handler: (ctx) => {
        deps.requireLocation(ctx.query.get('locationId') ?? undefined, 'locationId');
        return { body: { workflows: followUp.workflows } };
      },
    },
    {
      method: 'POST',
      template: '/contacts/{contactId}/workflow/{workflowId}',
      handler: (ctx) => {
        const c = contact(ctx.params.contactId!);
        const w = workflow(ctx.params.workflowId!);
        rejectUnknown(ctx.body, ['eventStartTime']);
        if (w.status !== 'published') throw errors.badRequest('Workflow is not published');
        followUp.enrolled.get(w.id)!.add(c.id);
        return { body: { succeded: true } };
      },
    },
    {
      method: 'DELETE',
      template: '/contacts/{contactId}/workflow/{workflowId}',
      handler: (ctx) => {
        const c = contact(ctx.params.contactId!);
        const w = workflow(ctx.params.workflowId!);
        rejectUnknown(ctx.body, ['eventStartTime']);
        followUp.enrolled.get(w.id)!.delete(c.id);
        return { body: { succeded: true } };
      },
    },
  ];
}
