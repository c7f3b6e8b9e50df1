import { makeContact } from '../helpers/fixtures';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { CACHE_FILE_NAME, CacheStore, JOURNAL_DIR_NAME, LOCK_FILE_NAME, type CacheStoreOptions, type PersistInfo } from '../../src/db/cacheStore';
import { ContactSearchIndex } from '../../src/db/contactIndex';
import { AgendaRepo } from '../../src/db/agendaRepo';
import { GhlContactsRepo } from '../../src/db/contactsRepo';
import { CURRENT_SCHEMA_VERSION, MIGRATIONS } from '../../src/cacheSchema';
import { loadSqlJs } from '../../src/db/sqljs';
import type { Contact } from '../../src/protocol/entities';
import { nextEvent, pollUntil } from '../helpers/waitUntil';

const dirs: string[] = [];
const stores: CacheStore[] = [];
after(async () => {
  for (const s of stores) await s.dispose();
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'ghl-cache-test-'));
  dirs.push(d);
  return d;
}

interface Opened {
  store: CacheStore;
  logs: { level: string; msg: string }[];
  persists: PersistInfo[];
}

async function open(storageDir: string, extra: Partial<CacheStoreOptions> = {}): Promise<Opened> {
  const logs: { level: string; msg: string }[] = [];
  const store = await CacheStore.open({
    storageDir,
    migrations: MIGRATIONS,
    debounceMs: 60,
    watchIntervalMs: 40,
    log: (level, msg) => logs.push({ level, msg }),
    ...extra,
  });
  stores.push(store);
  const persists: PersistInfo[] = [];
  store.onDidPersist((info) => persists.push(info));
  return { store, logs, persists };
}

function contact(id: string, name: string): Contact {
  return makeContact(id, { name, tags: ['t'] });
}

/** Files in the storage directory other than the cache, its lock and its journal. */
function strayFiles(dir: string): string[] {
  return fs.readdirSync(dir).filter((n) => ![CACHE_FILE_NAME, LOCK_FILE_NAME, JOURNAL_DIR_NAME].includes(n));
}

function fileStat(dir: string): { ino: number; mtimeMs: number; size: number } | null {
  try {
    const st = fs.statSync(path.join(dir, CACHE_FILE_NAME));
    return { ino: st.ino, mtimeMs: st.mtimeMs, size: st.size };
  } catch {
    return null;
  }
}

async function sqliteFileWith(sql: string): Promise<Uint8Array> {
  const SQL = await loadSqlJs();
  const db = new SQL.Database();
  db.exec(sql);
  const bytes = db.export();
  db.close();
  return bytes;
}

describe('CacheStore', () => {
  it('persists to ghl-cache.sqlite and survives a reopen', async () => {
    const dir = tempDir();
    const a = await open(dir);
    assert.equal(a.store.isWriter, true);
    assert.equal(a.store.recovered, null);
    new GhlContactsRepo(a.store.db).upsertMany([contact('c1', 'Ada'), contact('c2', 'Bob')]);
    a.store.markDirty();
    await a.store.dispose();
    assert.equal(fs.existsSync(path.join(dir, LOCK_FILE_NAME)), false, 'lock released');
    const header = fs.readFileSync(path.join(dir, CACHE_FILE_NAME)).subarray(0, 16).toString('latin1');
    assert.equal(header, 'SQLite format 3\0');

    const b = await open(dir);
    const repo = new GhlContactsRepo(b.store.db);
    assert.deepEqual(repo.get('c2'), contact('c2', 'Bob'));
    assert.equal(repo.count(), 2);
    assert.equal(b.store.db.exec('PRAGMA user_version')[0]!.values[0]![0], CURRENT_SCHEMA_VERSION);
  });

  it('debounces: many changes, one write; atomic write leaves no tmp file', async (t) => {
    const dir = tempDir();
    const { store, persists, logs } = await open(dir, { debounceMs: 150 });
    // The debounce timer runs on the test's clock; the write itself is real file I/O.
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const repo = new GhlContactsRepo(store.db);
    assert.equal(repo.list({ limit: 1, offset: 0 }).total, 0);
    for (let i = 0; i < 40; i++) {
      repo.upsert(contact(`c${i}`, `N${i}`));
      store.markDirty();
      if (i % 10 === 0) t.mock.timers.tick(5);
    }
    t.mock.timers.tick(149 - 20);
    const written = nextEvent<PersistInfo>('write after the debounce', (listener) => store.onDidPersist(listener));
    assert.equal(persists.length, 0, 'nothing written before the debounce window ends');
    t.mock.timers.tick(1);
    await written;
    assert.equal(persists.length, 1);
    assert.ok(persists[0]!.bytes > 0 && persists[0]!.ms >= 0);
    assert.ok(logs.some((l) => /persisted \d+ bytes in \d+ ms/.test(l.msg)));
    await store.flush();
    assert.equal(persists.length, 1, 'flush without changes writes nothing');
    assert.deepEqual(strayFiles(dir), [], 'no temporary file left behind');
    // Statements and pragmas after export (which reopens the connection) still work, and
    // the contact search index is carried over rather than rebuilt.
    const builds = ContactSearchIndex.builds;
    repo.upsert(contact('after', 'After Export'));
    assert.equal(repo.list({ query: 'after exp', limit: 5, offset: 0 }).total, 1);
    assert.equal(ContactSearchIndex.builds, builds);
    assert.equal(store.db.exec('PRAGMA journal_mode')[0]!.values[0]![0], 'memory');
    store.markDirty();
    await store.flush();
    assert.equal(persists.length, 2);
  });

  it('concurrent flushes write once, one after the other', async () => {
    const dir = tempDir();
    const { store, persists } = await open(dir);
    new GhlContactsRepo(store.db).upsert(contact('c', 'C'));
    store.markDirty();
    await Promise.all([store.flush(), store.flush(), store.flush(), store.flush()]);
    assert.equal(persists.length, 1);
    // Changes made while a write is in flight: the flushes queued behind it write once more.
    const first = store.flush();
    store.markDirty();
    const inFlight = store.flush();
    new GhlContactsRepo(store.db).upsert(contact('d', 'D'));
    // One turn of the event loop: the first write is under way when this change is marked.
    await new Promise((resolve) => setImmediate(resolve));
    store.markDirty();
    await Promise.all([first, inFlight, store.flush(), store.flush()]);
    assert.ok(persists.length <= 3, `${persists.length} writes`);
    assert.deepEqual(strayFiles(dir), [], 'no temporary file left behind');
    await store.dispose();
    const again = await open(dir);
    assert.equal(new GhlContactsRepo(again.store.db).get('d')?.name, 'D');
  });

  it('keeps writing at the debounce cadence under a steady stream of changes', async (t) => {
    const dir = tempDir();
    const { store, persists } = await open(dir, { debounceMs: 100 });
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const repo = new GhlContactsRepo(store.db);
    let n = 0;
    for (let window = 1; window <= 4; window++) {
      const written = nextEvent<PersistInfo>(`write in window ${window}`, (listener) => store.onDidPersist(listener));
      // A change every 20 ms, through the whole window: a debounce that restarted on every
      // change would never write, and `written` would never come.
      for (let elapsed = 0; elapsed < 100; elapsed += 20) {
        repo.upsert(contact(`s${n}`, `S${n++}`));
        store.markDirty();
        t.mock.timers.tick(20);
      }
      await written;
      assert.equal(persists.length, window, `one write per window (window ${window})`);
    }
  });

  it('moves a corrupt file aside and starts fresh', async () => {
    const dir = tempDir();
    const garbage = crypto.randomBytes(8192);
    fs.writeFileSync(path.join(dir, CACHE_FILE_NAME), garbage);
    const { store, logs } = await open(dir, { now: () => 1234 });
    assert.ok(store.recovered);
    assert.equal(store.recovered.corruptPath, path.join(dir, `${CACHE_FILE_NAME}.corrupt-1234`));
    assert.deepEqual(fs.readFileSync(store.recovered.corruptPath), garbage, 'kept byte for byte');
    assert.ok(logs.some((l) => l.level === 'warn' && l.msg.includes('corrupt-1234')));
    const repo = new GhlContactsRepo(store.db);
    repo.upsert(contact('c1', 'Fresh'));
    store.markDirty();
    await store.flush();
    await store.dispose();
    const again = await open(dir);
    assert.equal(again.store.recovered, null);
    assert.equal(new GhlContactsRepo(again.store.db).get('c1')?.name, 'Fresh');
  });

  it('moves a directory at the cache path aside intact and reports it like a corrupt file', async () => {
    const dir = tempDir();
    const squatter = path.join(dir, CACHE_FILE_NAME);
    fs.mkdirSync(squatter);
    fs.writeFileSync(path.join(squatter, 'inside.txt'), 'keep me');
    const { store, logs } = await open(dir, { now: () => 777 });
    assert.ok(store.recovered, 'recoveredCache is set');
    assert.equal(store.recovered.corruptPath, path.join(dir, `${CACHE_FILE_NAME}.corrupt-777`));
    assert.equal(fs.readFileSync(path.join(store.recovered.corruptPath, 'inside.txt'), 'utf8'), 'keep me');
    assert.ok(logs.some((l) => l.level === 'warn' && /not a regular file/.test(l.msg)));
    new GhlContactsRepo(store.db).upsert(contact('c1', 'Fresh'));
    store.markDirty();
    await store.flush();
    assert.ok(fs.statSync(squatter).isFile(), 'a cache file is written where the directory was');
  });

  it('sets a file from a newer schema aside instead of overwriting it', async () => {
    const dir = tempDir();
    const newer = await sqliteFileWith(`CREATE TABLE future (x); INSERT INTO future VALUES (42); PRAGMA user_version = ${CURRENT_SCHEMA_VERSION + 1};`);
    fs.writeFileSync(path.join(dir, CACHE_FILE_NAME), newer);
    const { store, logs } = await open(dir);
    assert.ok(store.recovered, 'set aside');
    assert.deepEqual(new Uint8Array(fs.readFileSync(store.recovered.corruptPath)), newer);
    assert.ok(logs.some((l) => l.level === 'warn' && /newer/.test(l.msg)));
    new GhlContactsRepo(store.db).upsert(contact('c1', 'x'));
    store.markDirty();
    await store.flush();
    assert.deepEqual(new Uint8Array(fs.readFileSync(store.recovered.corruptPath)), newer, 'still intact after a write');
  });

  it('a second store on the same directory is not the writer and never writes', async (t) => {
    const dir = tempDir();
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const a = await open(dir);
    new GhlContactsRepo(a.store.db).upsert(contact('a1', 'From A'));
    a.store.markDirty();
    await a.store.flush();
    const before = fileStat(dir);

    const b = await open(dir);
    assert.equal(a.store.isWriter, true);
    assert.equal(b.store.isWriter, false);
    const repoB = new GhlContactsRepo(b.store.db);
    assert.equal(repoB.get('a1')?.name, 'From A', 'a reader loads the file');
    repoB.upsert(contact('b1', 'From B'));
    b.store.markDirty();
    await b.store.flush();
    // The reader tries again later (10 s): that attempt does not write either.
    t.mock.timers.tick(10_000);
    await b.store.flush();
    assert.deepEqual(fileStat(dir), before, 'the file was not touched');
    assert.equal(b.persists.length, 0);
    assert.ok(b.logs.some((l) => /does not write/.test(l.msg)));
    assert.equal(repoB.get('b1')?.name, 'From B', 'its changes stay in memory');

    // The writer goes away: the reader takes the lock on its next persist attempt.
    await a.store.dispose();
    await b.store.flush();
    assert.equal(b.store.isWriter, true);
    assert.equal(b.persists.length, 1);
    await b.store.dispose();
    const c = await open(dir);
    const repoC = new GhlContactsRepo(c.store.db);
    assert.deepEqual([repoC.get('a1')?.name, repoC.get('b1')?.name], ['From A', 'From B']);
  });

  it('takes over the lock of a dead process', async () => {
    const dir = tempDir();
    const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const deadPid = Number(child.stdout);
    assert.ok(deadPid > 0);
    fs.writeFileSync(path.join(dir, LOCK_FILE_NAME), JSON.stringify({ pid: deadPid, acquiredAt: 1 }));
    fs.writeFileSync(path.join(dir, `${CACHE_FILE_NAME}.tmp-${deadPid}`), 'half a file');
    // write-file-atomic's temporary sibling of a writer that died mid-write, and a fresh one.
    const abandoned = path.join(dir, `${CACHE_FILE_NAME}.123456789`);
    const inFlight = path.join(dir, `${CACHE_FILE_NAME}.987654321`);
    fs.writeFileSync(abandoned, 'half a file');
    fs.writeFileSync(inFlight, 'being written');
    const old = new Date('2020-01-01T00:00:00Z');
    fs.utimesSync(abandoned, old, old);
    const { store } = await open(dir);
    assert.equal(store.isWriter, true);
    const lock = JSON.parse(fs.readFileSync(path.join(dir, LOCK_FILE_NAME), 'utf8'));
    assert.equal(lock.pid, process.pid);
    assert.equal(typeof lock.acquiredAt, 'number');
    assert.equal(fs.existsSync(path.join(dir, `${CACHE_FILE_NAME}.tmp-${deadPid}`)), false, 'dead writer tmp file removed');
    assert.equal(fs.existsSync(abandoned), false, 'abandoned temporary file removed');
    assert.equal(fs.existsSync(inFlight), true, 'a recent temporary file may still be in use');
  });

  it('respects the lock of a live process, unless its heartbeat is long stale (pid reuse)', async () => {
    const dir = tempDir();
    const lockPath = path.join(dir, LOCK_FILE_NAME);
    fs.writeFileSync(lockPath, JSON.stringify({ pid: process.ppid, acquiredAt: 1 }));
    const a = await open(dir);
    assert.equal(a.store.isWriter, false);
    await a.store.dispose();
    assert.equal(fs.existsSync(lockPath), true, 'a reader never removes the lock');
    const old = new Date('2020-01-01T00:00:00Z');
    fs.utimesSync(lockPath, old, old);
    const b = await open(dir);
    assert.equal(b.store.isWriter, true);
    assert.equal(JSON.parse(fs.readFileSync(lockPath, 'utf8')).pid, process.pid);
  });

  it('takes over an unreadable lock file once it is old, and recreates a deleted storage dir', async () => {
    const dir = tempDir();
    const lockPath = path.join(dir, LOCK_FILE_NAME);
    fs.writeFileSync(lockPath, '');
    const a = await open(dir);
    assert.equal(a.store.isWriter, false, 'an empty lock may be one being written right now');
    await a.store.dispose();
    const old = new Date('2020-01-01T00:00:00Z');
    fs.utimesSync(lockPath, old, old);
    const b = await open(dir);
    assert.equal(b.store.isWriter, true);
    fs.rmSync(dir, { recursive: true, force: true });
    new GhlContactsRepo(b.store.db).upsert(contact('x', 'Survivor'));
    b.store.markDirty();
    await b.store.flush();
    assert.equal(b.persists.length, 1);
    assert.equal(b.store.isWriter, true);
    assert.ok(fs.existsSync(path.join(dir, CACHE_FILE_NAME)));
    assert.ok(fs.existsSync(lockPath));
  });

  it("a reader picks up the writer's newer file (onDidReload)", async () => {
    const dir = tempDir();
    const writer = await open(dir);
    const reader = await open(dir);
    assert.equal(reader.store.isWriter, false);
    const handle = reader.store.db;
    const repoBefore = new GhlContactsRepo(reader.store.db);
    assert.equal(repoBefore.list({ limit: 5, offset: 0 }).total, 0);
    const reloaded = nextEvent<unknown>('reload of the writer\'s file', (listener) => reader.store.onDidReload(listener));
    new GhlContactsRepo(writer.store.db).upsert(contact('w1', 'Written'));
    writer.store.markDirty();
    await writer.store.flush();
    assert.equal(await reloaded, handle);
    assert.equal(reader.store.db, handle, 'a stable handle');
    assert.equal(new GhlContactsRepo(reader.store.db).get('w1')?.name, 'Written');
    // A repository made before the reload (e.g. held by a running sync) sees the new data.
    assert.equal(repoBefore.get('w1')?.name, 'Written');
    assert.equal(repoBefore.list({ query: 'writ', limit: 5, offset: 0 }).total, 1);
    repoBefore.upsert(contact('r1', 'Reader Local'));
    assert.equal(new GhlContactsRepo(reader.store.db).count(), 2);
    assert.ok(reader.logs.some((l) => l.msg.startsWith('reloaded')));
  });

  it("the journal: a reader's write reaches the writer's file and survives the reader's reloads", async () => {
    const dir = tempDir();
    const writer = await open(dir);
    const reader = await open(dir);
    assert.equal(reader.store.isWriter, false);
    await reader.store.recordWrite({ kind: 'contact', op: 'upsert', contact: contact('from-reader', 'Reader Write') });
    assert.equal(new GhlContactsRepo(reader.store.db).get('from-reader')?.name, 'Reader Write', 'visible at once in its window');
    const journal = path.join(dir, JOURNAL_DIR_NAME);
    const [entry] = fs.readdirSync(journal);
    assert.ok(entry, 'durable in the journal before it was answered');
    const entryText = fs.readFileSync(path.join(journal, entry), 'utf8');

    // The writer applies it on its next journal poll, persists, and deletes the entry.
    await pollUntil('the writer applies the entry', () => new GhlContactsRepo(writer.store.db).get('from-reader') !== undefined);
    await writer.store.flush();
    assert.deepEqual(fs.readdirSync(journal), [], 'a persisted entry is deleted');

    // Another writer's newer file holds a newer value and the entry's name, while the
    // entry is still on disk (the reader reloads between that persist and the deletion):
    // the entry must not be applied a second time over the newer value.
    await writer.store.dispose();
    const file = path.join(dir, CACHE_FILE_NAME);
    const SQL = await loadSqlJs();
    const newer = new SQL.Database(fs.readFileSync(file));
    assert.equal(newer.exec('SELECT count(*) FROM ghl_journal_applied WHERE name = ?', [entry])[0]!.values[0]![0], 1, 'the file records the entry');
    newer.run("UPDATE ghl_contacts SET name = 'Synced Later' WHERE id = 'from-reader'");
    fs.writeFileSync(`${file}.next`, newer.export());
    newer.close();
    fs.writeFileSync(path.join(journal, entry), entryText);
    fs.renameSync(`${file}.next`, file);
    // The reader may still be loading the writer's previous file: wait for the one written here.
    // Applying the entry again would leave 'Reader Write', and this gives up.
    await pollUntil('the reader to load the newer file and keep its value (an applied entry is never applied again)', () =>
      new GhlContactsRepo(reader.store.db).get('from-reader')?.name === 'Synced Later',
    );
    assert.ok(reader.logs.some((l) => l.msg.startsWith('reloaded')));
  });

  it('the journal (#18): a booking and a removal in a reader window reach the writer\'s cached agenda', async () => {
    const dir = tempDir();
    const writer = await open(dir);
    const reader = await open(dir);
    const appointment = { id: 'ev-1', calendarId: 'cal-1', title: 'Walkthrough', contactName: 'Amanda Chen', startTime: '2026-03-09T14:30:00-04:00', endTime: '2026-03-09T15:00:00-04:00' };
    await reader.store.recordWrite({ kind: 'appointment', op: 'upsert', locationId: 'loc', appointment });
    assert.equal(new AgendaRepo(reader.store.db).get('loc', 'ev-1')?.title, 'Walkthrough', 'visible at once in its window');
    await pollUntil('the writer applies the booking', () => new AgendaRepo(writer.store.db).get('loc', 'ev-1') !== undefined);
    assert.deepEqual(new AgendaRepo(writer.store.db).read('loc', Date.parse('2026-03-09T04:00:00Z'), Date.parse('2026-03-10T04:00:00Z'), {}).items.map((e) => e.contactName), ['Amanda Chen']);
    await reader.store.recordWrite({ kind: 'appointment', op: 'delete', locationId: 'loc', id: 'ev-1' });
    await pollUntil('the writer applies the removal', () => new AgendaRepo(writer.store.db).get('loc', 'ev-1') === undefined);
  });

  it('the journal: an entry that is not a cache write is moved aside, the others still apply', async () => {
    const dir = tempDir();
    const journal = path.join(dir, JOURNAL_DIR_NAME);
    fs.mkdirSync(journal, { recursive: true });
    const stamp = String(Date.parse('2026-01-05T15:00:00Z')).padStart(15, '0');
    const name = (n: number) => `${stamp}-1-${String(n).padStart(9, '0')}-0000000${n}.json`;
    fs.writeFileSync(path.join(journal, name(1)), '{"kind":"contact","op":"upsert","contact":{"name":"no id"}}');
    fs.writeFileSync(path.join(journal, name(2)), 'not json');
    fs.writeFileSync(path.join(journal, name(3)), JSON.stringify({ kind: 'contact', op: 'upsert', contact: contact('ok', 'Good Entry') }));
    fs.writeFileSync(path.join(journal, name(4)), JSON.stringify({ kind: 'contact', op: 'delete', id: 'ok' }));
    fs.writeFileSync(path.join(journal, name(5)), JSON.stringify({ kind: 'contact', op: 'upsert', contact: contact('kept', 'Kept') }));
    const { store, logs } = await open(dir);
    const repo = new GhlContactsRepo(store.db);
    assert.equal(repo.get('ok'), undefined, 'entries apply in order: the delete after the upsert wins');
    assert.equal(repo.get('kept')?.name, 'Kept');
    assert.equal(logs.filter((l) => l.level === 'warn' && /is not a cache write/.test(l.msg)).length, 2);
    assert.deepEqual(fs.readdirSync(journal).filter((n) => n.endsWith('.bad')).sort(), [`${name(1)}.bad`, `${name(2)}.bad`]);
  });

  it('a writer loads a file someone else wrote instead of overwriting it', async () => {
    const dir = tempDir();
    const w = await open(dir);
    new GhlContactsRepo(w.store.db).upsert(contact('mine', 'Mine'));
    w.store.markDirty();
    await w.store.flush();
    // Another process replaces the file behind the writer's back.
    const foreign = await sqliteFileWith('SELECT 1');
    const SQL = await loadSqlJs();
    const fdb = new SQL.Database(foreign);
    const { migrate } = await import('../../src/cacheSchema');
    migrate(fdb);
    new GhlContactsRepo(fdb).upsert(contact('theirs', 'Theirs'));
    const foreignBytes = fdb.export();
    fdb.close();
    const tmp = path.join(dir, 'elsewhere.tmp');
    fs.writeFileSync(tmp, foreignBytes);
    fs.renameSync(tmp, path.join(dir, CACHE_FILE_NAME));

    let reloads = 0;
    w.store.onDidReload(() => reloads++);
    new GhlContactsRepo(w.store.db).upsert(contact('mine2', 'Mine 2'));
    w.store.markDirty();
    await w.store.flush();
    assert.equal(reloads, 1);
    assert.deepEqual(new Uint8Array(fs.readFileSync(path.join(dir, CACHE_FILE_NAME))), foreignBytes, 'not overwritten');
    const repo = new GhlContactsRepo(w.store.db);
    assert.equal(repo.get('theirs')?.name, 'Theirs');
    assert.equal(repo.get('mine2'), undefined);
  });

  it('does not export while a caller holds a transaction open', async () => {
    const dir = tempDir();
    const { store, persists } = await open(dir);
    store.db.exec('BEGIN');
    new GhlContactsRepo(store.db).upsert(contact('t1', 'In Tx'));
    store.markDirty();
    await store.flush();
    assert.equal(persists.length, 0);
    store.db.exec('COMMIT');
    await store.flush();
    assert.equal(persists.length, 1);
    await store.dispose();
    const again = await open(dir);
    assert.equal(new GhlContactsRepo(again.store.db).get('t1')?.name, 'In Tx');
  });
});
