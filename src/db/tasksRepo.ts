import type { Database, SqlValue } from 'sql.js';
import type { Task } from '../protocol/entities';
import type { ListResult } from './contactsRepo';
import { getDerivedCache, setDerivedCache, trackedWrite } from './connState';
import { allRows, bindable, deleteIds, firstRow, idsNotIn, num, runChanges, str, toInt, withStatement } from './sql';

export interface TaskListOptions {
  locationId?: string;
  status: 'open' | 'completed' | 'all';
  /** Epoch ms: due strictly before / at or after. Undated tasks match neither bound. */
  dueBefore?: number;
  dueAfter?: number;
  assignedTo?: string;
  contactId?: string;
  query?: string;
  limit: number;
  offset: number;
}

const COLUMNS = 'id, location_id, contact_id, title, body, assigned_to, due_at, completed, synced_at';

const UPSERT_SQL = `INSERT INTO ghl_tasks (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT(id) DO UPDATE SET
  location_id = excluded.location_id, contact_id = excluded.contact_id, title = excluded.title, body = excluded.body,
  assigned_to = excluded.assigned_to, due_at = excluded.due_at, completed = excluded.completed, synced_at = excluded.synced_at`;

/** The contact's name from the contacts cache: tasks carry only the contact's id. */
const SELECT = `SELECT t.id, t.location_id, t.contact_id, t.title, t.body, t.assigned_to, t.due_at, t.completed, t.synced_at,
  COALESCE(c.name, NULLIF(TRIM(COALESCE(c.first_name, '') || ' ' || COALESCE(c.last_name, '')), ''), c.email, c.phone)
  FROM ghl_tasks t LEFT JOIN ghl_contacts c ON c.id = t.contact_id`;

function toParams(t: Task): SqlValue[] {
  const due = t.dueDate === null ? null : Date.parse(t.dueDate);
  return [t.id, t.locationId, t.contactId, t.title, bindable(t.body), bindable(t.assignedTo), due !== null && Number.isFinite(due) ? due : null, t.completed ? 1 : 0, t.syncedAt];
}

function fromRow(r: SqlValue[]): Task {
  const due = r[6];
  return {
    id: str(r[0]) ?? '',
    locationId: str(r[1]) ?? '',
    contactId: str(r[2]) ?? '',
    title: str(r[3]) ?? '',
    body: str(r[4]),
    assignedTo: str(r[5]),
    dueDate: typeof due === 'number' ? new Date(due).toISOString() : null,
    completed: num(r[7]) === 1,
    syncedAt: num(r[8]),
    contactName: str(r[9]),
  };
}

/**
 * Each task's searchable text (title and body, lower case) and what a search filters and sorts
 * by, kept beside the database by id: a text search in SQL over 20,000 tasks took 25-40 ms in
 * sql.js, this scan about 1-2 ms. Patched by this repository's own writes, dropped by any write
 * it did not see (connState).
 */
const TEXT_CACHE = 'tasks.text';
interface TaskKey {
  text: string;
  locationId: string;
  contactId: string;
  assignedTo: string | null;
  dueAt: number | null;
  completed: boolean;
}
/** The keys by id, and their list order (undated last, by due time, id) kept until a write changes them. */
class TaskText extends Map<string, TaskKey> {
  private order: Array<[string, TaskKey]> | null = null;

  override set(id: string, key: TaskKey): this {
    this.order = null;
    return super.set(id, key);
  }

  override delete(id: string): boolean {
    this.order = null;
    return super.delete(id);
  }

  override clear(): void {
    this.order = null;
    super.clear();
  }

  inOrder(): ReadonlyArray<[string, TaskKey]> {
    this.order ??= [...this.entries()].sort(byDue);
    return this.order;
  }
}
const dueAt = (dueDate: string | null): number | null => {
  const ms = dueDate === null ? NaN : Date.parse(dueDate);
  return Number.isFinite(ms) ? ms : null;
};
const keyOf = (t: Task): TaskKey => ({
  text: `${t.title}\n${t.body ?? ''}`.toLowerCase(),
  locationId: t.locationId,
  contactId: t.contactId,
  assignedTo: t.assignedTo,
  dueAt: dueAt(t.dueDate),
  completed: t.completed,
});
/** Undated last, then by due time, then id: the order of the SQL list. */
const byDue = (a: [string, TaskKey], b: [string, TaskKey]) =>
  (a[1].dueAt === null ? 1 : 0) - (b[1].dueAt === null ? 1 : 0) || (a[1].dueAt ?? 0) - (b[1].dueAt ?? 0) || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);

/** The cached tasks (#17). Every method is synchronous and atomic. */
export class GhlTasksRepo {
  constructor(private readonly db: Database) {}

  upsert(task: Task): void {
    trackedWrite(
      this.db,
      () => this.db.run(UPSERT_SQL, toParams(task)),
      (caches) => (caches.get(TEXT_CACHE) as TaskText | undefined)?.set(task.id, keyOf(task)),
    );
  }

  /** All or nothing: one transaction, one prepared statement. */
  upsertMany(tasks: readonly Task[]): number {
    return trackedWrite(
      this.db,
      () =>
        withStatement(this.db, UPSERT_SQL, (stmt) => {
          for (const task of tasks) stmt.run(toParams(task));
          return tasks.length;
        }),
      (caches) => {
        const text = caches.get(TEXT_CACHE) as TaskText | undefined;
        if (text) for (const task of tasks) text.set(task.id, keyOf(task));
      },
    );
  }

  private searchKeys(): TaskText {
    let keys = getDerivedCache<TaskText>(this.db, TEXT_CACHE);
    if (!keys) {
      keys = new TaskText(allRows(this.db, `${SELECT}`).map((r) => { const t = fromRow(r); return [t.id, keyOf(t)]; }));
      setDerivedCache(this.db, TEXT_CACHE, keys);
    }
    return keys;
  }

  /** A text search: filtered and ordered over the kept keys, then the page's rows by id. */
  private search(options: TaskListOptions, query: string): ListResult<Task> {
    const needle = query.toLowerCase();
    const offset = toInt(options.offset, 0, 0);
    const end = offset + toInt(options.limit, 100, 0);
    const ids: string[] = [];
    let total = 0;
    // In list order already: one pass counts the matches and keeps the page's ids.
    for (const [id, k] of this.searchKeys().inOrder()) {
      if (!k.text.includes(needle)) continue;
      if (options.locationId !== undefined && k.locationId !== options.locationId) continue;
      if (options.status !== 'all' && k.completed !== (options.status === 'completed')) continue;
      if (options.dueBefore !== undefined && (k.dueAt === null || k.dueAt >= options.dueBefore)) continue;
      if (options.dueAfter !== undefined && (k.dueAt === null || k.dueAt < options.dueAfter)) continue;
      if (options.assignedTo !== undefined && k.assignedTo !== options.assignedTo) continue;
      if (options.contactId !== undefined && k.contactId !== options.contactId) continue;
      if (total >= offset && total < end) ids.push(id);
      total++;
    }
    const rows = new Map(allRows(this.db, `${SELECT} WHERE t.id IN (SELECT value FROM json_each(?))`, [JSON.stringify(ids)]).map((r) => [str(r[0]), fromRow(r)]));
    return { items: ids.map((id) => rows.get(id)).filter((t): t is Task => t !== undefined), total };
  }

  get(id: string): Task | undefined {
    const row = firstRow(this.db, `${SELECT} WHERE t.id = ?`, [id]);
    return row ? fromRow(row) : undefined;
  }

  /**
   * One page: undated last, the rest by due time ascending (for open tasks that is overdue
   * first, the longest overdue first, then the coming ones), then id; and the total.
   */
  list(options: TaskListOptions): ListResult<Task> {
    const where: string[] = [];
    const params: Record<string, SqlValue> = {};
    if (options.locationId !== undefined) {
      where.push('t.location_id = $loc');
      params.$loc = options.locationId;
    }
    if (options.status !== 'all') where.push(options.status === 'open' ? 't.completed = 0' : 't.completed = 1');
    if (options.dueBefore !== undefined) {
      where.push('t.due_at < $dueBefore');
      params.$dueBefore = options.dueBefore;
    }
    if (options.dueAfter !== undefined) {
      where.push('t.due_at >= $dueAfter');
      params.$dueAfter = options.dueAfter;
    }
    if (options.assignedTo !== undefined) {
      where.push('t.assigned_to = $assigned');
      params.$assigned = options.assignedTo;
    }
    if (options.contactId !== undefined) {
      where.push('t.contact_id = $contact');
      params.$contact = options.contactId;
    }
    const query = options.query?.trim();
    if (query) return this.search(options, query);
    const whereSql = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
    const total = num(firstRow(this.db, `SELECT COUNT(*) FROM ghl_tasks t ${whereSql}`, params)?.[0]);
    const rows = allRows(this.db, `${SELECT} ${whereSql} ORDER BY t.due_at IS NULL, t.due_at, t.id LIMIT $limit OFFSET $offset`, {
      ...params,
      $limit: toInt(options.limit, 100, 0),
      $offset: toInt(options.offset, 0, 0),
    });
    return { items: rows.map(fromRow), total };
  }

  delete(id: string): boolean {
    return trackedWrite(
      this.db,
      () => runChanges(this.db, 'DELETE FROM ghl_tasks WHERE id = ?', [id]) > 0,
      (caches) => (caches.get(TEXT_CACHE) as TaskText | undefined)?.delete(id),
    );
  }

  /** Deletes the location's tasks not in `keepIds` (cached before `syncedBefore`, when given). */
  pruneNotIn(locationId: string, keepIds: Iterable<string>, syncedBefore?: number): number {
    const gone = idsNotIn(this.db, 'ghl_tasks', locationId, keepIds, syncedBefore);
    return trackedWrite(
      this.db,
      () => deleteIds(this.db, 'ghl_tasks', gone),
      (caches) => {
        const keys = caches.get(TEXT_CACHE) as TaskText | undefined;
        if (keys) for (const id of gone) keys.delete(id);
      },
    );
  }

  clear(): void {
    trackedWrite(
      this.db,
      () => this.db.run('DELETE FROM ghl_tasks'),
      (caches) => (caches.get(TEXT_CACHE) as TaskText | undefined)?.clear(),
    );
  }

  count(locationId: string): number {
    return num(firstRow(this.db, 'SELECT COUNT(*) FROM ghl_tasks WHERE location_id = ?', [locationId])?.[0]);
  }
}
