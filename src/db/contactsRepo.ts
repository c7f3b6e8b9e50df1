import type { Database, SqlValue } from 'sql.js';
import type { Contact } from '../protocol/entities';
import { jsonArray, parseCustomFields, parseTags } from './rows';
import { ContactSearchIndex, normaliseTag } from './contactIndex';
import { getDerivedCache, setDerivedCache, trackedWrite } from './connState';
import {
  allRows,
  bindable,
  containsPattern,
  deleteIds,
  firstRow,
  idsNotIn,
  num,
  runChanges,
  str,
  toInt,
  tryBegin,
  withStatement,
} from './sql';

export interface ContactListOptions {
  locationId?: string;
  /** Case-insensitive substring of name, first/last name, email, phone or company name. */
  query?: string;
  /** Only contacts carrying this tag (compared as GHL keeps tags: trimmed, lower case). */
  tag?: string;
  limit: number;
  offset: number;
}

export interface ListResult<T> {
  items: T[];
  /** How many rows match the filters, ignoring limit/offset. */
  total: number;
}

const COLUMNS =
  'id, location_id, first_name, last_name, name, email, phone, company_name, address1, city, state, ' +
  'postal_code, tags, custom_fields, created_at, updated_at, synced_at';

const UPSERT_SQL = `INSERT INTO ghl_contacts (${COLUMNS})
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT(id) DO UPDATE SET
  location_id = excluded.location_id, first_name = excluded.first_name, last_name = excluded.last_name,
  name = excluded.name, email = excluded.email, phone = excluded.phone, company_name = excluded.company_name,
  address1 = excluded.address1, city = excluded.city, state = excluded.state, postal_code = excluded.postal_code,
  tags = excluded.tags, custom_fields = excluded.custom_fields, created_at = excluded.created_at,
  updated_at = excluded.updated_at, synced_at = excluded.synced_at`;

/** Contacts with a NULL name sort last; otherwise by name ignoring case, then id. */
const ORDER_BY = 'ORDER BY name IS NULL, name COLLATE NOCASE, id';

function toParams(c: Contact): SqlValue[] {
  return [
    c.id,
    c.locationId,
    bindable(c.firstName),
    bindable(c.lastName),
    bindable(c.name),
    bindable(c.email),
    bindable(c.phone),
    bindable(c.companyName),
    bindable(c.address1),
    bindable(c.city),
    bindable(c.state),
    bindable(c.postalCode),
    jsonArray(c.tags),
    jsonArray(c.customFields),
    bindable(c.createdAt),
    bindable(c.updatedAt),
    c.syncedAt,
  ];
}

function fromRow(r: SqlValue[]): Contact {
  return {
    id: str(r[0]) ?? '',
    locationId: str(r[1]) ?? '',
    firstName: str(r[2]),
    lastName: str(r[3]),
    name: str(r[4]),
    email: str(r[5]),
    phone: str(r[6]),
    companyName: str(r[7]),
    address1: str(r[8]),
    city: str(r[9]),
    state: str(r[10]),
    postalCode: str(r[11]),
    tags: parseTags(r[12]),
    customFields: parseCustomFields(r[13]),
    createdAt: str(r[14]),
    updatedAt: str(r[15]),
    syncedAt: num(r[16]),
  };
}

const INDEX_KEY = 'contacts';
/** Page rows are fetched by id in chunks of this many bound parameters. */
const FETCH_CHUNK = 200;

type Caches = ReadonlyMap<string, unknown>;

function indexOf(caches: Caches): ContactSearchIndex | undefined {
  return caches.get(INDEX_KEY) as ContactSearchIndex | undefined;
}

/**
 * The cached contacts. Every method is synchronous and atomic. `list` is served from an
 * in-memory search index (see contactIndex.ts) that is built on first use and kept in
 * step with the writes made here; any other write to the table (raw SQL, another repo
 * instance's rollback, a reload) is detected and the index is rebuilt.
 */
export interface ContactsRepoOptions {
  /**
   * Builds the search index off the caller's time: a list that finds none answers from SQL
   * (~80 ms at 50,000 contacts, against ~0.35 s to build the index first) and calls this, which
   * should run `warmUp` soon. Without it, the first list builds the index itself.
   */
  scheduleIndexBuild?: () => void;
}

export class GhlContactsRepo {
  constructor(
    private readonly db: Database,
    private readonly options: ContactsRepoOptions = {},
  ) {}

  upsert(c: Contact): void {
    trackedWrite(
      this.db,
      () => this.db.run(UPSERT_SQL, toParams(c)),
      (caches) => indexOf(caches)?.set(c),
    );
  }

  /** All or nothing: one transaction, one prepared statement; any bad row rolls back all. */
  upsertMany(contacts: Iterable<Contact>): number {
    const rows = Array.isArray(contacts) ? (contacts as readonly Contact[]) : Array.from(contacts);
    if (rows.length === 0) return 0;
    return trackedWrite(
      this.db,
      () =>
        withStatement(this.db, UPSERT_SQL, (stmt) => {
          for (const c of rows) stmt.run(toParams(c));
          return rows.length;
        }),
      (caches) => {
        const index = indexOf(caches);
        if (index) for (const c of rows) index.set(c);
      },
    );
  }

  get(id: string): Contact | undefined {
    const row = firstRow(this.db, `SELECT ${COLUMNS} FROM ghl_contacts WHERE id = ?`, [id]);
    return row ? fromRow(row) : undefined;
  }

  /**
   * One page of contacts sorted by name (case-insensitive; unnamed last) then id, and the
   * total that match. `query` matches a substring of name, first/last name, email, phone
   * or company name, ignoring case; `%` and `_` are literal characters.
   */
  list(options: ContactListOptions): ListResult<Contact> {
    const limit = toInt(options.limit, 50, 0);
    const offset = toInt(options.offset, 0, 0);
    // Inside a caller's open transaction the index could capture rows that are later
    // rolled back: answer from SQL instead (slower, always right).
    if (!tryBegin(this.db)) return this.listFromSql(options, limit, offset);
    try {
      const { scheduleIndexBuild } = this.options;
      const index = scheduleIndexBuild ? getDerivedCache<ContactSearchIndex>(this.db, INDEX_KEY) : this.index();
      if (!index) {
        scheduleIndexBuild?.();
        return this.listFromSql(options, limit, offset);
      }
      const page = index.search({ locationId: options.locationId, query: options.query, tag: options.tag, offset, limit });
      return { items: this.fetchByIds(page.ids), total: page.total };
    } finally {
      this.db.exec('COMMIT');
    }
  }

  /** The tags the location's cached contacts carry, sorted (the tag filter's choices when GHL cannot be asked). */
  tagsSeen(locationId?: string): string[] {
    if (!tryBegin(this.db)) return this.tagsSeenFromSql(locationId);
    try {
      return this.index().tagsSeen(locationId);
    } finally {
      this.db.exec('COMMIT');
    }
  }

  /** The same answer as `tagsSeen`, from SQL only (inside a caller's transaction). */
  tagsSeenFromSql(locationId?: string): string[] {
    const rows = allRows(
      this.db,
      `SELECT DISTINCT lower(trim(t.value)) FROM ghl_contacts c, json_each(CASE WHEN json_valid(c.tags) THEN c.tags ELSE '[]' END) t
       WHERE t.type = 'text' AND trim(t.value) <> '' ${locationId === undefined ? '' : 'AND c.location_id = $loc'}`,
      locationId === undefined ? {} : { $loc: locationId },
    );
    return rows.map((r) => str(r[0]) ?? '').filter(Boolean).sort((a, b) => a.localeCompare(b));
  }

  /** The search index, built from the table on first use (call inside tryBegin). */
  private index(): ContactSearchIndex {
    let index = getDerivedCache<ContactSearchIndex>(this.db, INDEX_KEY);
    if (!index) {
      index = ContactSearchIndex.build(this.db);
      setDerivedCache(this.db, INDEX_KEY, index);
    }
    return index;
  }

  /**
   * Builds the search index now if it is missing (~0.2 s for 50k contacts) so the first
   * `list` after startup or a reload is fast; cheap when the index is already there.
   */
  warmUp(): void {
    if (!tryBegin(this.db)) return;
    try {
      if (!getDerivedCache<ContactSearchIndex>(this.db, INDEX_KEY)) {
        setDerivedCache(this.db, INDEX_KEY, ContactSearchIndex.build(this.db));
      }
    } finally {
      this.db.exec('COMMIT');
    }
  }

  /** The same answer as `list`, computed with SQL only (LIKE with escaped wildcards). */
  listFromSql(options: ContactListOptions, limit = toInt(options.limit, 50, 0), offset = toInt(options.offset, 0, 0)): ListResult<Contact> {
    const where: string[] = [];
    const params: Record<string, SqlValue> = {};
    if (options.locationId !== undefined) {
      where.push('location_id = $loc');
      params.$loc = options.locationId;
    }
    const query = options.query?.trim();
    if (query) {
      where.push(
        "(name LIKE $q ESCAPE '\\' OR first_name LIKE $q ESCAPE '\\' OR last_name LIKE $q ESCAPE '\\' " +
          "OR email LIKE $q ESCAPE '\\' OR phone LIKE $q ESCAPE '\\' OR company_name LIKE $q ESCAPE '\\')",
      );
      params.$q = containsPattern(query);
    }
    const tag = normaliseTag(options.tag);
    if (tag) {
      // Bound, never spliced: a tag is CRM text.
      where.push(
        "EXISTS (SELECT 1 FROM json_each(CASE WHEN json_valid(tags) THEN tags ELSE '[]' END) t WHERE t.type = 'text' AND lower(trim(t.value)) = $tag)",
      );
      params.$tag = tag;
    }
    const whereSql = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
    const total = num(firstRow(this.db, `SELECT COUNT(*) FROM ghl_contacts ${whereSql}`, params)?.[0]);
    const rows = allRows(
      this.db,
      `SELECT ${COLUMNS} FROM ghl_contacts ${whereSql} ${ORDER_BY} LIMIT $limit OFFSET $offset`,
      { ...params, $limit: limit, $offset: offset },
    );
    return { items: rows.map(fromRow), total };
  }

  delete(id: string): boolean {
    return trackedWrite(
      this.db,
      () => runChanges(this.db, 'DELETE FROM ghl_contacts WHERE id = ?', [id]) > 0,
      (caches, deleted) => {
        if (deleted) indexOf(caches)?.remove(id);
      },
    );
  }

  /**
   * Deletes the location's contacts whose id is not in `keepIds`; returns how many. With
   * `syncedBefore`, only rows cached before then: a row written while a full pass ran (the
   * user's own write, another window's) was never in the pass's view and stays.
   */
  pruneNotIn(locationId: string, keepIds: Iterable<string>, syncedBefore?: number): number {
    let stale: string[] = [];
    return trackedWrite(
      this.db,
      () => {
        stale = idsNotIn(this.db, 'ghl_contacts', locationId, keepIds, syncedBefore);
        return deleteIds(this.db, 'ghl_contacts', stale);
      },
      (caches) => {
        const index = indexOf(caches);
        if (index) for (const id of stale) index.remove(id);
      },
    );
  }

  count(locationId?: string): number {
    const row =
      locationId === undefined
        ? firstRow(this.db, 'SELECT COUNT(*) FROM ghl_contacts')
        : firstRow(this.db, 'SELECT COUNT(*) FROM ghl_contacts WHERE location_id = ?', [locationId]);
    return num(row?.[0]);
  }

  clear(): void {
    trackedWrite(
      this.db,
      () => this.db.run('DELETE FROM ghl_contacts'),
      (caches) => indexOf(caches)?.clear(),
    );
  }

  private fetchByIds(ids: readonly string[]): Contact[] {
    if (ids.length === 0) return [];
    const byId = new Map<string, Contact>();
    for (let i = 0; i < ids.length; i += FETCH_CHUNK) {
      const chunk = ids.slice(i, i + FETCH_CHUNK);
      const sql = `SELECT ${COLUMNS} FROM ghl_contacts WHERE id IN (${chunk.map(() => '?').join(',')})`;
      for (const row of allRows(this.db, sql, chunk)) {
        const c = fromRow(row);
        byId.set(c.id, c);
      }
    }
    const out: Contact[] = [];
    for (const id of ids) {
      const c = byId.get(id);
      if (c) out.push(c);
    }
    return out;
  }
}
