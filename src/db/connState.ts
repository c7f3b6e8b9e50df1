// Keeps JS-side derived caches (the contacts search index) coherent with a sql.js
// connection without trusting that every write goes through a repository.
//
// A cache is valid while the connection is the same one it was built on and nothing
// untracked has written since:
//   - SQLite's total_changes() counts every row this connection ever changed, including
//     rolled-back ones, and never goes down. Tracked writers (the repos) update the
//     expected count after they patch the caches; any other write makes it differ.
//   - db.export() (and anything else that reopens the connection) resets total_changes
//     and wipes the TEMP schema, so a random token kept in `PRAGMA temp.user_version`
//     tells a reopened connection apart. exportDatabase() carries valid caches across
//     the CacheStore's own exports.
//   - Writes inside a caller's open transaction might still be rolled back by the caller,
//     so they drop the caches instead of patching them (see trackedWrite).
import type { Database } from 'sql.js';
import { firstRow, inTransaction } from './sql';

interface ConnState {
  token: number;
  expected: number;
  readonly caches: Map<string, unknown>;
}

const states = new WeakMap<Database, ConnState>();

function scalar(db: Database, sql: string): number {
  const v = firstRow(db, sql)?.[0];
  return typeof v === 'number' ? v : 0;
}

function currentToken(db: Database): number {
  return scalar(db, 'PRAGMA temp.user_version');
}

function totalChanges(db: Database): number {
  return scalar(db, 'SELECT total_changes()');
}

function newToken(): number {
  return 1 + Math.floor(Math.random() * 0x7ffffffe);
}

function ensureToken(db: Database): number {
  let token = currentToken(db);
  if (token === 0) {
    token = newToken();
    db.exec(`PRAGMA temp.user_version = ${token}`);
  }
  return token;
}

function isCoherent(db: Database, st: ConnState): boolean {
  return currentToken(db) === st.token && totalChanges(db) === st.expected;
}

/** The state if it is still valid; an invalid one is dropped with all its caches. */
function validState(db: Database): ConnState | undefined {
  const st = states.get(db);
  if (!st) return undefined;
  if (isCoherent(db, st)) return st;
  states.delete(db);
  return undefined;
}

/** A derived cache of `db`, if there is one and nothing untracked has written since. */
export function getDerivedCache<T>(db: Database, key: string): T | undefined {
  return validState(db)?.caches.get(key) as T | undefined;
}

/**
 * Registers a cache just built from the current content of `db`. Call it outside any
 * caller's transaction (see tryBegin): a cache built from uncommitted rows could outlive
 * their rollback.
 */
export function setDerivedCache(db: Database, key: string, value: unknown): void {
  let st = validState(db);
  if (!st) {
    st = { token: ensureToken(db), expected: totalChanges(db), caches: new Map() };
    states.set(db, st);
  }
  st.caches.set(key, value);
}

/**
 * Runs a repository write atomically and keeps the derived caches coherent: when they were
 * valid before and the write committed on its own, `patch` updates them and they stay
 * valid; otherwise they are dropped. A throwing `fn` rolls back and rethrows.
 */
export function trackedWrite<T>(
  db: Database,
  fn: () => T,
  patch?: (caches: ReadonlyMap<string, unknown>, result: T) => void,
): T {
  const st = validState(db);
  let outcome: { result: T; nested: boolean };
  try {
    outcome = inTransaction(db, fn);
  } catch (err) {
    states.delete(db);
    throw err;
  }
  if (!st || outcome.nested) {
    states.delete(db);
    return outcome.result;
  }
  try {
    patch?.(st.caches, outcome.result);
    st.expected = totalChanges(db);
  } catch {
    states.delete(db);
  }
  return outcome.result;
}

/**
 * db.export() for the CacheStore: returns the file bytes and carries valid derived caches
 * over the reopen that export() does internally. `afterReopen` re-applies per-connection
 * settings (pragmas) before the caches are re-stamped. Must not run inside a transaction
 * (export would close the connection under it); the caller checks with tryBegin.
 */
export function exportDatabase(db: Database, afterReopen?: (db: Database) => void): Uint8Array {
  const st = validState(db);
  let bytes: Uint8Array;
  try {
    bytes = db.export();
  } finally {
    afterReopen?.(db);
  }
  if (st) {
    st.token = ensureToken(db);
    st.expected = totalChanges(db);
  }
  return bytes;
}
