import type { GhlTasksRepo } from '../db/tasksRepo';
import type { GhlApi } from '../ghl/api';
import { readTasks, toTask } from '../ghl/followUpRecords';
import type { Task } from '../protocol/entities';
import { ExtGhlError } from '../protocol/envelope';
import { throwIfCancelled, yieldToEventLoop } from './paging';

/** Tasks per page of POST /locations/{id}/tasks/search. */
export const TASK_PAGE_SIZE = 100;
/**
 * Pages asked for at once. The search pages by `skip` and says nothing of its total, so the
 * pages ahead are asked before the last one is known: a window of them keeps GHL's rate
 * window busy at 400 ms an answer (the RateBudget paces them at sync priority, leaving the
 * user's headroom), and costs at most this many minus one empty pages at the end.
 */
export const TASK_PAGES_IN_FLIGHT = 8;
/** A location with more tasks than this is a runaway page loop, not a real location. */
const MAX_TASK_PAGES = 5_000;

export interface TasksSyncDeps {
  api: GhlApi;
  locationId: string;
  tasks: GhlTasksRepo;
  now(): number;
  markDirty(): void;
  signal?: AbortSignal;
}

export interface TasksSyncResult {
  synced: number;
  requests: number;
  pruned: number;
}

/**
 * Every task of the location into the cache, replacing what was there: pages in a window of
 * TASK_PAGES_IN_FLIGHT, stored as they come, then the tasks GHL no longer has are pruned
 * (those written while the pass ran are kept: the pass never saw them).
 */
export async function syncTasks(deps: TasksSyncDeps): Promise<TasksSyncResult> {
  const startedAt = deps.now();
  const seen = new Set<string>();
  let requests = 0;
  let nextPage = 0;
  /** The first page that came back short: no page after it is asked for or kept. */
  let lastPage = Infinity;

  const fetchPage = async (page: number): Promise<void> => {
    requests++;
    const answer = await deps.api.searchTasks(deps.locationId, { limit: TASK_PAGE_SIZE, skip: page * TASK_PAGE_SIZE }, deps.signal, 'sync');
    const wire = readTasks(answer.tasks);
    if (wire.length < TASK_PAGE_SIZE) lastPage = Math.min(lastPage, page);
    if (page > lastPage) return;
    const syncedAt = deps.now();
    const tasks: Task[] = wire.map((t) => toTask(t, deps.locationId, null, syncedAt));
    for (const task of tasks) seen.add(task.id);
    deps.tasks.upsertMany(tasks);
  };

  let failed = false;
  const worker = async (): Promise<void> => {
    for (;;) {
      throwIfCancelled(deps.signal);
      if (failed) return;
      if (nextPage > lastPage) return;
      const page = nextPage++;
      if (page >= MAX_TASK_PAGES) throw new ExtGhlError('API', `GHL kept answering full pages of tasks past ${MAX_TASK_PAGES * TASK_PAGE_SIZE}; the sync stopped.`);
      try {
        await fetchPage(page);
      } catch (err) {
        failed = true;
        throw err;
      }
      await yieldToEventLoop();
    }
  };

  // Settled, not raced: on a failure the call returns only once no page can still be stored.
  const outcomes = await Promise.allSettled(Array.from({ length: TASK_PAGES_IN_FLIGHT }, worker));
  const failure = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
  if (failure) throw failure.reason;
  const pruned = deps.tasks.pruneNotIn(deps.locationId, seen, startedAt);
  deps.markDirty();
  return { synced: seen.size, requests, pruned };
}
