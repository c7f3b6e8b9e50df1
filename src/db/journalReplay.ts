// Applies write-journal entries to a cache database, each at most once: the entry's name
// is recorded in ghl_journal_applied by the same synchronous step, so every exported file
// either contains an entry and its name or neither.
import type { Database } from 'sql.js';
import { trackedWrite } from './connState';
import { AgendaRepo } from './agendaRepo';
import { GhlContactsRepo } from './contactsRepo';
import { GhlOpportunitiesRepo } from './opportunitiesRepo';
import { GhlTasksRepo } from './tasksRepo';
import { allRows, firstRow, withStatement } from './sql';
import type { FeatureJournalApplier, JournalEntry } from './writeJournal';

export function appliedJournalNames(db: Database): Set<string> {
  return new Set(allRows(db, 'SELECT name FROM ghl_journal_applied').map((row) => String(row[0])));
}

/** Applies `entry`; with a name, records it as applied (skips it if it already was). */
export function applyJournalEntry(
  db: Database,
  name: string | null,
  entry: JournalEntry,
  now: number,
  features: Readonly<Record<string, FeatureJournalApplier>> = {},
): boolean {
  if (name !== null && isApplied(db, name)) return false;
  // Through the repositories, so the contact search index stays in step (no rebuild).
  if (entry.kind === 'feature') {
    const apply = features[entry.feature];
    if (!apply) throw new Error(`no applier for the feature "${entry.feature.slice(0, 50)}"`);
    trackedWrite(db, () => apply(db, entry.data));
  } else if (entry.kind === 'contact') {
    const repo = new GhlContactsRepo(db);
    if (entry.op === 'upsert') repo.upsert(entry.contact);
    else repo.delete(entry.id);
  } else if (entry.kind === 'appointment') {
    // #18: the cached agenda; a journal written before this table existed has no such entry.
    const repo = new AgendaRepo(db);
    if (entry.op === 'upsert') repo.upsert(entry.locationId, entry.appointment, now);
    else repo.remove(entry.locationId, entry.id);
  } else if (entry.kind === 'task') {
    const repo = new GhlTasksRepo(db);
    if (entry.op === 'upsert') repo.upsert(entry.task);
    else repo.delete(entry.id);
  } else {
    const repo = new GhlOpportunitiesRepo(db);
    if (entry.op === 'upsert') repo.upsert(entry.opportunity);
    else repo.delete(entry.id);
  }
  if (name !== null) trackedWrite(db, () => db.run('INSERT OR IGNORE INTO ghl_journal_applied (name, applied_at) VALUES (?, ?)', [name, now]));
  return true;
}

/** Drops the records of entries whose files are gone (a persisted file contains them). */
export function forgetJournalNames(db: Database, names: Iterable<string>): void {
  const list = [...names];
  if (list.length === 0) return;
  trackedWrite(db, () =>
    withStatement(db, 'DELETE FROM ghl_journal_applied WHERE name = ?', (stmt) => {
      for (const name of list) stmt.run([name]);
    }),
  );
}

function isApplied(db: Database, name: string): boolean {
  return firstRow(db, 'SELECT 1 FROM ghl_journal_applied WHERE name = ?', [name]) !== undefined;
}
