import { toTask, wireTask } from '../ghl/followUpRecords';
import { EXT_GHL_IPC as C } from '../protocol/channels';
import type { Task } from '../protocol/entities';
import { ExtGhlError } from '../protocol/envelope';
import { SyncCoordinator } from '../sync/coordinator';
import { syncTasks } from '../sync/tasksSync';
import type { HandlerContext } from './context';
import type { HandlerTable } from './dispatcher';
import { currentLocationId, requireLocationId } from './settings';

type TaskChannels =
  | typeof C.TASKS_LIST
  | typeof C.TASKS_SYNC
  | typeof C.TASKS_CREATE
  | typeof C.TASKS_UPDATE
  | typeof C.TASKS_COMPLETE
  | typeof C.TASKS_DELETE;

/**
 * #17: tasks. The list is read from the cache (the Tasks view, the briefing and the chat ask
 * often); writes go to GHL first and reach the cache through the write journal only when GHL
 * took them, so a failed call leaves the cache as it was and a second window loses none.
 */
export function taskHandlers(ctx: HandlerContext, syncs: SyncCoordinator<'tasks'>): Pick<HandlerTable, TaskChannels> {
  const contactName = (contactId: string): string | null => {
    const contact = ctx.repos().contacts.get(contactId);
    if (!contact) return null;
    return contact.name || [contact.firstName, contact.lastName].filter(Boolean).join(' ') || contact.email || contact.phone || null;
  };

  /** The task GHL answered (it may leave the contact out: the request named it), cached. */
  const cacheAnswer = async (record: unknown, contactId: string, fallback?: Task): Promise<Task> => {
    const parsed = wireTask.safeParse(typeof record === 'object' && record !== null ? { contactId, ...record } : record);
    let task: Task;
    if (parsed.success) task = toTask(parsed.data, requireLocationId(ctx), contactName(contactId), ctx.now());
    else if (fallback) task = fallback;
    else throw new ExtGhlError('API', 'GHL accepted the change but sent back no task it can read.');
    await ctx.recordWrite({ kind: 'task', op: 'upsert', task });
    return task;
  };

  const cached = (taskId: string): Task | undefined => ctx.repos().tasks.get(taskId);

  return {
    async [C.TASKS_LIST](filter) {
      return ctx.repos().tasks.list({ ...filter, locationId: currentLocationId(ctx) });
    },
    async [C.TASKS_SYNC]() {
      return syncs.run('tasks', async (signal) => {
        const locationId = requireLocationId(ctx);
        const api = await ctx.api();
        return syncTasks({ api, locationId, tasks: ctx.repos().tasks, now: () => ctx.now(), markDirty: () => ctx.markDirty(), signal });
      });
    },
    async [C.TASKS_CREATE]({ contactId, title, body, dueDate, assignedTo }) {
      requireLocationId(ctx);
      const answer = await (await ctx.api()).createTask(contactId, {
        title,
        ...(body === undefined ? {} : { body }),
        dueDate: new Date(dueDate).toISOString(),
        completed: false,
        ...(assignedTo === undefined ? {} : { assignedTo }),
      });
      return cacheAnswer(answer.task, contactId);
    },
    async [C.TASKS_UPDATE]({ contactId, taskId, data }) {
      requireLocationId(ctx);
      const { dueDate, ...rest } = data;
      const answer = await (await ctx.api()).updateTask(contactId, taskId, {
        ...rest,
        ...(dueDate === undefined ? {} : { dueDate: new Date(dueDate).toISOString() }),
      });
      const before = cached(taskId);
      const patched = before && {
        ...before,
        ...rest,
        ...(dueDate === undefined ? {} : { dueDate: new Date(dueDate).toISOString() }),
        syncedAt: ctx.now(),
      };
      return cacheAnswer(answer.task, contactId, patched);
    },
    async [C.TASKS_COMPLETE]({ contactId, taskId, completed }) {
      requireLocationId(ctx);
      const answer = await (await ctx.api()).completeTask(contactId, taskId, completed);
      const before = cached(taskId);
      return cacheAnswer(answer.task, contactId, before && { ...before, completed, syncedAt: ctx.now() });
    },
    async [C.TASKS_DELETE]({ contactId, taskId }) {
      requireLocationId(ctx);
      await (await ctx.api()).deleteTask(contactId, taskId);
      await ctx.recordWrite({ kind: 'task', op: 'delete', id: taskId });
      return { contactId, taskId };
    },
  };
}
