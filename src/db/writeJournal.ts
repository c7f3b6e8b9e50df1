// The write journal: every cache write a user made (and GHL accepted) is first written
// here, one durable file per write, by whichever window made it. The cache a window sees
// is always "the cache file + every journal entry still on disk", applied in name order,
// each at most once (the names applied are kept in the database, ghl_journal_applied).
// The writer applies the entries of every window and deletes them once a persisted file
// contains them. So a write that answered success survives the window closing, a crash
// (SIGKILL) of either window, and a window that never holds the lock.
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import type { Contact, Opportunity, Task } from '../protocol/entities';
import type { AgendaEvent } from '../protocol/responses';
import { errorCode, errorMessage, fsyncDirectory } from './cacheFile';

export const JOURNAL_DIR_NAME = 'ghl-cache.journal';

export type JournalEntry =
  | { kind: 'contact'; op: 'upsert'; contact: Contact }
  | { kind: 'contact'; op: 'delete'; id: string }
  | { kind: 'opportunity'; op: 'upsert'; opportunity: Opportunity }
  | { kind: 'opportunity'; op: 'delete'; id: string }
  // #17
  | { kind: 'task'; op: 'upsert'; task: Task }
  | { kind: 'task'; op: 'delete'; id: string }
  // #18: a booking, a move, a status change or a removal of an appointment, into the cached agenda.
  | { kind: 'appointment'; op: 'upsert'; locationId: string; appointment: AgendaEvent }
  | { kind: 'appointment'; op: 'delete'; locationId: string; id: string }
  /**
   * A feature's own write (issue 19: the deal analyzer's exclusions): src/db knows no feature, so
   * the cache store applies it with the applier the wiring registered under `feature`.
   */
  | { kind: 'feature'; op: 'upsert'; feature: string; data: unknown };

/** Applies a feature's journal entry to the database (validating `data`: entries come from disk). */
export type FeatureJournalApplier = (db: import('sql.js').Database, data: unknown) => void;

const ENTRY_SUFFIX = '.json';
/** `<ms since epoch, 15 digits>-<pid>-<sequence>-<random>.json`: sorts by time of writing. */
const ENTRY_NAME = /^\d{15}-\d+-\d{9}-[0-9a-f]{8}\.json$/;

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const hasId = (value: unknown): boolean => isRecord(value) && typeof value.id === 'string' && value.id.length > 0;

/** The entry if `value` has the shape of one; entries come from disk, so nothing is assumed. */
export function parseJournalEntry(value: unknown): JournalEntry | null {
  if (!isRecord(value)) return null;
  const { kind, op } = value;
  if (kind === 'appointment') return parseAppointmentEntry(value);
  if (kind === 'feature') {
    return op === 'upsert' && typeof value.feature === 'string' && value.feature.length > 0 ? { kind, op, feature: value.feature, data: value.data } : null;
  }
  if (kind !== 'contact' && kind !== 'opportunity' && kind !== 'task') return null;
  if (op === 'delete') return typeof value.id === 'string' && value.id.length > 0 ? ({ kind, op, id: value.id } as JournalEntry) : null;
  if (op !== 'upsert') return null;
  if (kind === 'contact') return hasId(value.contact) ? { kind, op, contact: value.contact as Contact } : null;
  if (kind === 'task') {
    const task = value.task;
    return hasId(task) && typeof (task as { locationId?: unknown }).locationId === 'string' && typeof (task as { contactId?: unknown }).contactId === 'string'
      ? { kind, op, task: task as Task }
      : null;
  }
  return hasId(value.opportunity) && typeof (value.opportunity as { locationId?: unknown }).locationId === 'string'
    ? { kind, op, opportunity: value.opportunity as Opportunity }
    : null;
}

/** #18: an appointment entry names its location and, for an upsert, an appointment with its id, calendar and times. */
function parseAppointmentEntry(value: Record<string, unknown>): JournalEntry | null {
  const { op, locationId } = value;
  if (typeof locationId !== 'string' || locationId === '') return null;
  if (op === 'delete') return typeof value.id === 'string' && value.id.length > 0 ? { kind: 'appointment', op, locationId, id: value.id } : null;
  const appointment = value.appointment;
  if (op !== 'upsert' || !hasId(appointment)) return null;
  const { calendarId, startTime, endTime } = appointment as Record<string, unknown>;
  if (typeof calendarId !== 'string' || typeof startTime !== 'string' || typeof endTime !== 'string') return null;
  return { kind: 'appointment', op, locationId, appointment: appointment as AgendaEvent };
}

export class WriteJournal {
  readonly dir: string;
  private sequence = 0;

  constructor(
    storageDir: string,
    private readonly log: (level: 'info' | 'warn' | 'error', msg: string) => void,
  ) {
    this.dir = path.join(storageDir, JOURNAL_DIR_NAME);
  }

  /** Writes the entry durably (fsync of file and directory) and returns its name. */
  async append(entry: JournalEntry): Promise<string> {
    const name = `${String(Date.now()).padStart(15, '0')}-${process.pid}-${String(++this.sequence).padStart(9, '0')}-${randomUUID().slice(0, 8)}${ENTRY_SUFFIX}`;
    await fs.promises.mkdir(this.dir, { recursive: true });
    await writeFileAtomic(path.join(this.dir, name), JSON.stringify(entry), { fsync: true });
    await fsyncDirectory(this.dir);
    return name;
  }

  /** The names of the entries on disk, oldest first. */
  list(): string[] {
    let names: string[];
    try {
      names = fs.readdirSync(this.dir);
    } catch (err) {
      if (errorCode(err) !== 'ENOENT') this.log('warn', `cannot list ${this.dir}: ${errorMessage(err)}`);
      return [];
    }
    return names.filter((n) => ENTRY_NAME.test(n)).sort();
  }

  /** The entry, or null if it is gone (applied and removed meanwhile) or unusable (moved aside). */
  read(name: string): JournalEntry | null {
    const file = path.join(this.dir, name);
    let raw: string;
    try {
      raw = fs.readFileSync(file, 'utf8');
    } catch (err) {
      if (errorCode(err) !== 'ENOENT') this.log('warn', `cannot read journal entry ${name}: ${errorMessage(err)}`);
      return null;
    }
    let entry: JournalEntry | null = null;
    try {
      entry = parseJournalEntry(JSON.parse(raw));
    } catch {
      // reported below
    }
    if (!entry) {
      this.log('warn', `journal entry ${name} is not a cache write; moved aside as ${name}.bad`);
      try {
        fs.renameSync(file, `${file}.bad`);
      } catch {
        // another window moved it already
      }
    }
    return entry;
  }

  /** Removes entries that a persisted cache file now contains. */
  remove(names: Iterable<string>): void {
    for (const name of names) {
      try {
        fs.rmSync(path.join(this.dir, name), { force: true });
      } catch (err) {
        this.log('warn', `cannot remove journal entry ${name}: ${errorMessage(err)}`);
      }
    }
  }
}
