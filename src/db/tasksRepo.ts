import type { Database, SqlValue } from 'sql.js';
import type { Task } from '../protocol/entities';
import type { ListResult } from './contactsRepo';
import { trackedWrite } from './connState';
import { allRows, bindable, containsPattern, deleteIds, firstRow, idsNotIn, num, runChanges, str, toInt, withStatement } from './sql';

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

/** The cached tasks (#17). Every method is synchronous and atomic. */
export class GhlTasksRepo {
  constructor(private readonly db: Database) {}

  upsert(task: Task): void {
    trackedWrite(this.db, () => this.db.run(UPSERT_SQL, toParams(task)));
  }

  /** All or nothing: one transaction, one prepared statement. */
  upsertMany(tasks: Iterable<Task>): number {
    return trackedWrite(this.db, () =>
      withStatement(this.db, UPSERT_SQL, (stmt) => {
        let n = 0;
        for (const task of tasks) {
          stmt.run(toParams(task));
          n++;
        }
        return n;
      }),
    );
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
    if (query) {
      where.push("(t.title LIKE $q ESCAPE '\\' OR t.body LIKE $q ESCAPE '\\')");
      params.$q = containsPattern(query);
    }
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
    return trackedWrite(this.db, () => runChanges(this.db, 'DELETE FROM ghl_tasks WHERE id = ?', [id]) > 0);
  }

  /** Deletes the location's tasks not in `keepIds` (cached before `syncedBefore`, when given). */
  pruneNotIn(locationId: string, keepIds: Iterable<string>, syncedBefore?: number): number {
    return trackedWrite(this.db, () => deleteIds(this.db, 'ghl_tasks', idsNotIn(this.db, 'ghl_tasks', locationId, keepIds, syncedBefore)));
  }

  clear(): void {
    trackedWrite(this.db, () => this.db.run('DELETE FROM ghl_tasks'));
  }

  count(locationId: string): number {
    return num(firstRow(this.db, 'SELECT COUNT(*) FROM ghl_tasks WHERE location_id = ?', [locationId])?.[0]);
  }
}
