// The sql.js cache database, persisted as `ghl-cache.sqlite` in a storage directory shared
// by every VS Code window (separate processes) of the user. The parts:
//   cacheFile.ts     read / verify / write atomically / move aside
//   writerLock.ts    one window writes the file
//   writeJournal.ts  acknowledged writes of every window, durable before they are answered
//   fileWatch.ts     readers reload the writer's newer file; the writer picks up journals
//
// - Load: open + verify (sqlite header, quick_check) + migrate, then apply the journal. A
//   file that does not load (garbage, a directory, a newer schema) is moved aside to
//   `.corrupt-<timestamp>` by the writer and a fresh cache starts; never overwritten.
// - Persist: debounced (at most one write per window however many markDirty() calls).
//   A writer never writes over a file that changed on disk since it last loaded or wrote
//   it; it loads that instead. Journal entries contained in a written file are deleted.
// - Other windows keep sync results in memory until the writer's next file replaces
//   them; their user writes are in the journal, which every load applies on top.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Database, SqlJsStatic } from 'sql.js';
import {
  applyPragmas,
  errorMessage,
  isTemporarySibling,
  moveAside,
  NotAFileError,
  openVerified,
  readCacheFile,
  sameStamp,
  statStamp,
  statStampQuiet,
  writeFileDurably,
  type FileStamp,
} from './cacheFile';
import { exportDatabase } from './connState';
import { watchFileStamp, every, type Disposable } from './fileWatch';
import { appliedJournalNames, applyJournalEntry, forgetJournalNames } from './journalReplay';
import { applyMigrations, SchemaTooNewError, schemaVersion, type Migration } from './migrations';
import { tryBegin } from './sql';
import { loadSqlJs } from './sqljs';
import { isPidAlive, WriterLock } from './writerLock';
import { WriteJournal, type FeatureJournalApplier, type JournalEntry } from './writeJournal';

export { LOCK_FILE_NAME } from './writerLock';
export { JOURNAL_DIR_NAME, type JournalEntry } from './writeJournal';
export type { Disposable } from './fileWatch';

export const CACHE_FILE_NAME = 'ghl-cache.sqlite';

export type CacheLogLevel = 'info' | 'warn' | 'error';

export interface CacheStoreOptions {
  /** Directory of the cache file (VS Code: globalStorageUri.fsPath). Created if missing. */
  storageDir: string;
  /** The cache's schema, every table's migration in version order (src/cacheSchema.ts). */
  migrations: readonly Migration[];
  /** Appliers of the features' journal entries, by feature name (src/cacheSchema.ts). */
  journalFeatures?: Readonly<Record<string, FeatureJournalApplier>>;
  /** sql-wasm.wasm; default: beside the bundle, else node_modules. */
  wasmPath?: string;
  /** Debounce window of markDirty(), ms (default 1500). */
  debounceMs?: number;
  log?: (level: CacheLogLevel, msg: string) => void;
  /** Clock for lock stamps and `.corrupt-<timestamp>` names (default Date.now). */
  now?: () => number;
  /** How often a reader polls the file for a newer copy and the writer the journal, ms (default 2000). */
  watchIntervalMs?: number;
  /** How often the writer refreshes the lock file's mtime, ms (default 60 000). */
  lockHeartbeatMs?: number;
  /**
   * A lock whose mtime is older than this is stale even if its pid exists (the pid was
   * reused after a crash or reboot), ms (default 10 min).
   */
  lockStaleMs?: number;
}

export interface PersistInfo {
  bytes: number;
  /** Whole persist: export + write + fsync + rename. */
  ms: number;
  exportMs: number;
}

/** Temporary files older than this belong to a writer that died mid-write. */
const ABANDONED_TMP_MS = 10 * 60_000;

export class CacheStore {
  readonly filePath: string;
  readonly lockPath: string;

  /** The current connection; replaced on reload. Callers only see `handle`. */
  private _db: Database;
  private readonly handle: Database;
  private _recovered: { corruptPath: string } | null = null;
  private readonly lock: WriterLock;
  private readonly journal: WriteJournal;
  /** What the file on disk was when this process last loaded or wrote it (null: no file). */
  private stamp: FileStamp | null = null;
  /** A file version that failed to load here; not retried until the file changes. */
  private failedStamp: FileStamp | null = null;
  private dirty = false;
  private disposed = false;
  private timer: NodeJS.Timeout | undefined;
  /** Readers: the file watch. Writer: the journal poll. */
  private watch: Disposable | undefined;
  private persistChain: Promise<void> = Promise.resolve();
  private reloading: Promise<boolean> | undefined;
  private readonly reloadListeners = new Set<(db: Database) => void>();
  private readonly persistListeners = new Set<(info: PersistInfo) => void>();
  private readonly debounceMs: number;
  private readonly watchIntervalMs: number;
  private readonly now: () => number;
  private readonly logFn: (level: CacheLogLevel, msg: string) => void;

  private constructor(
    private readonly SQL: SqlJsStatic,
    private readonly options: CacheStoreOptions,
  ) {
    this.filePath = path.join(options.storageDir, CACHE_FILE_NAME);
    this.debounceMs = Math.max(0, options.debounceMs ?? 1500);
    this.watchIntervalMs = Math.max(10, options.watchIntervalMs ?? 2000);
    this.now = options.now ?? Date.now;
    this.logFn = options.log ?? (() => undefined);
    const heartbeatMs = Math.max(10, options.lockHeartbeatMs ?? 60_000);
    this.lock = new WriterLock({
      storageDir: options.storageDir,
      now: this.now,
      heartbeatMs,
      staleMs: Math.max(heartbeatMs * 2, options.lockStaleMs ?? 10 * 60_000),
      log: (level, msg) => this.log(level, msg),
    });
    this.lockPath = this.lock.path;
    this.journal = new WriteJournal(options.storageDir, (level, msg) => this.log(level, msg));
    this._db = new SQL.Database();
    // A stable stand-in that forwards to whatever connection is current, so repositories
    // and in-flight work (a sync holding its repos) follow a reload instead of writing
    // into a closed database.
    this.handle = new Proxy(Object.create(null) as object, {
      get: (_target, prop) => {
        const db = this._db as unknown as Record<PropertyKey, unknown>;
        const value = db[prop];
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(db) : value;
      },
      set: (_target, prop, value) => {
        (this._db as unknown as Record<PropertyKey, unknown>)[prop] = value;
        return true;
      },
      has: (_target, prop) => prop in (this._db as object),
    }) as Database;
  }

  /** Opens (or creates) the cache. Never refuses to start: worst case an empty in-memory cache. */
  static async open(options: CacheStoreOptions): Promise<CacheStore> {
    const SQL = await loadSqlJs(options.wasmPath);
    const store = new CacheStore(SQL, options);
    await store.init();
    return store;
  }

  /**
   * The database. A stable handle: when a newer file from another window is loaded it
   * forwards to the new connection (onDidReload fires so derived state can be refreshed;
   * repositories built on this handle keep working either way).
   */
  get db(): Database {
    return this.handle;
  }

  /** Set when the file did not load and was moved aside (this process started fresh). */
  get recovered(): { corruptPath: string } | null {
    return this._recovered;
  }

  /** Whether this process holds the lock, i.e. is the one that writes the file. */
  get isWriter(): boolean {
    return this.lock.isHeld;
  }

  /** Fires (with `db`) after a newer file was loaded in place of the in-memory database. */
  onDidReload(listener: (db: Database) => void): Disposable {
    this.reloadListeners.add(listener);
    return { dispose: () => this.reloadListeners.delete(listener) };
  }

  /** Fires after each successful write of the file. */
  onDidPersist(listener: (info: PersistInfo) => void): Disposable {
    this.persistListeners.add(listener);
    return { dispose: () => this.persistListeners.delete(listener) };
  }

  /** Schedules a debounced persist: at most one write per debounce window. */
  markDirty(): void {
    if (this.disposed) return;
    this.dirty = true;
    this.schedule(this.debounceMs);
  }

  /**
   * Records a write the user made (GHL accepted it) so that no window, restart or crash
   * loses it: durable in the journal first, then applied to the database. When the
   * journal cannot be written the change still applies here, and the failure is logged.
   */
  async recordWrite(entry: JournalEntry): Promise<void> {
    if (this.disposed) return;
    let name: string | null = null;
    try {
      name = await this.journal.append(entry);
    } catch (err) {
      this.log('error', `cannot write the journal entry of a ${entry.kind} ${entry.op}: ${errorMessage(err)}; it is kept in memory only`);
    }
    if (this.disposed) return;
    applyJournalEntry(this.handle, name, entry, this.now(), this.options.journalFeatures);
    this.markDirty();
  }

  /** Persists now if there are unsaved changes (and this process may write). */
  async flush(): Promise<void> {
    this.clearTimer();
    await this.persist();
  }

  /** Flushes, releases the lock (if still held), stops watching and closes the database. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    try {
      await this.flush();
    } catch (err) {
      this.log('error', `final persist failed: ${errorMessage(err)}`);
    }
    this.disposed = true;
    this.clearTimer();
    this.stopWatching();
    await this.reloading?.catch(() => undefined);
    this.lock.release();
    this._db.close();
    this.reloadListeners.clear();
    this.persistListeners.clear();
  }

  // ---- load ----------------------------------------------------------------------------

  private async init(): Promise<void> {
    try {
      await fs.promises.mkdir(this.options.storageDir, { recursive: true });
    } catch (err) {
      this.log('error', `cannot create ${this.options.storageDir}: ${errorMessage(err)}; the cache stays in memory`);
    }
    if (this.lock.acquire()) this.onBecameWriter();
    else this.logNotWriter('opened');

    let bytes: Uint8Array | null = null;
    let stamp: FileStamp | null = null;
    let loaded = false;
    try {
      ({ bytes, stamp } = await readCacheFile(this.filePath));
    } catch (err) {
      if (err instanceof NotAFileError) {
        this.handleUnloadable(err, statStampQuiet(this.filePath));
      } else {
        this.log('error', `cannot read ${this.filePath}: ${errorMessage(err)}; starting with an empty cache`);
        this.failedStamp = statStampQuiet(this.filePath);
      }
    }
    if (bytes) {
      try {
        const { db, migratedFrom } = openVerified(this.SQL, bytes, this.options.migrations);
        this._db.close();
        this._db = db;
        this.stamp = stamp;
        loaded = true;
        this.log('info', `loaded ${this.filePath} (${bytes.length} bytes, schema v${migratedFrom})`);
        if (migratedFrom < schemaVersion(this.options.migrations) && this.isWriter) this.markDirty();
      } catch (err) {
        this.handleUnloadable(err, stamp);
      }
    }
    if (!loaded) {
      // Fresh cache: no file, or it did not load.
      applyPragmas(this._db);
      applyMigrations(this._db, this.options.migrations);
    }
    if (this.applyJournal('opened') > 0 && this.isWriter) this.markDirty();
    this.restartWatching();
  }

  /** The file did not load: the writer moves it aside; a reader leaves it alone. */
  private handleUnloadable(err: unknown, stamp: FileStamp | null): void {
    const why =
      err instanceof SchemaTooNewError ? err.message : err instanceof NotAFileError ? err.message : `it is not a usable SQLite cache (${errorMessage(err)})`;
    if (!this.isWriter) {
      this.failedStamp = stamp;
      this.log('warn', `cannot load ${this.filePath}: ${why}; another window owns it, so it is left alone and this window starts with an empty in-memory cache`);
      return;
    }
    const corruptPath = moveAside(this.filePath, this.now(), (msg) => this.log('error', msg));
    if (corruptPath) {
      this._recovered = { corruptPath };
      this.stamp = null;
      this.log('warn', `cannot load ${this.filePath}: ${why}; moved it to ${corruptPath} and started a fresh cache`);
    } else {
      // Could not move it: never overwrite it either. Behave like a reader for this file.
      this.failedStamp = stamp;
      this.stamp = stamp;
      this.lock.release();
      this.log('error', `cannot load ${this.filePath}: ${why}; could not move it aside either, so this window will not write the cache`);
    }
  }

  /**
   * Applies the journal entries this database does not contain yet, oldest first. Returns
   * how many it applied (0 also when a caller's transaction is open: the next tick retries).
   */
  private applyJournal(reason: string): number {
    const names = this.journal.list();
    if (names.length === 0) return 0;
    if (!tryBegin(this._db)) return 0;
    this._db.exec('COMMIT');
    const applied = appliedJournalNames(this.handle);
    let count = 0;
    for (const name of names) {
      if (applied.has(name)) continue;
      const entry = this.journal.read(name);
      if (!entry) continue;
      try {
        if (applyJournalEntry(this.handle, name, entry, this.now(), this.options.journalFeatures)) count++;
      } catch (err) {
        this.log('error', `cannot apply journal entry ${name}: ${errorMessage(err)}`);
      }
    }
    if (count > 0) this.log('info', `applied ${count} journal ${count === 1 ? 'entry' : 'entries'} (${reason})`);
    return count;
  }

  /**
   * Loads the file's current version in place of the in-memory database (dropping any
   * unsaved changes that are not in the journal) and fires onDidReload. False if it is
   * missing or does not load.
   */
  private reload(reason: string): Promise<boolean> {
    if (!this.reloading) {
      this.reloading = this.doReload(reason).finally(() => {
        this.reloading = undefined;
      });
    }
    return this.reloading;
  }

  private async doReload(reason: string): Promise<boolean> {
    let file: { bytes: Uint8Array | null; stamp: FileStamp | null };
    try {
      file = await readCacheFile(this.filePath);
    } catch (err) {
      this.log('warn', `cannot read ${this.filePath} for reload: ${errorMessage(err)}`);
      return false;
    }
    if (this.disposed || !file.bytes) return false;
    if (sameStamp(file.stamp, this.stamp)) return true;
    let db: Database;
    try {
      db = openVerified(this.SQL, file.bytes, this.options.migrations).db;
    } catch (err) {
      if (!sameStamp(file.stamp, this.failedStamp)) {
        this.log('warn', `cannot load the newer ${this.filePath} (${errorMessage(err)}); keeping the cache in memory`);
      }
      this.failedStamp = file.stamp;
      return false;
    }
    const old = this._db;
    const lost = this.dirty;
    this._db = db;
    this.stamp = file.stamp;
    this.failedStamp = null;
    this.dirty = false;
    old.close();
    // The journal is read after the file: an entry deleted meanwhile is in this file.
    const applied = this.applyJournal('after reload');
    if (applied > 0 && this.isWriter) this.dirty = true;
    this.log(
      'info',
      `reloaded ${this.filePath} (${file.bytes.length} bytes): ${reason}${lost ? '; sync results of this window that were not saved yet were dropped (its writes are kept in the journal)' : ''}`,
    );
    for (const listener of [...this.reloadListeners]) {
      try {
        listener(this.handle);
      } catch (err) {
        this.log('error', `an onDidReload listener failed: ${errorMessage(err)}`);
      }
    }
    return true;
  }

  // ---- persist -------------------------------------------------------------------------

  private schedule(ms: number): void {
    if (this.timer || this.disposed) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.persist().catch((err: unknown) => this.log('error', `persist failed: ${errorMessage(err)}`));
    }, ms);
    this.timer.unref?.();
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Serialised: one persist at a time, in call order; each re-checks for changes. */
  private persist(): Promise<void> {
    const next = this.persistChain.then(() => this.doPersist());
    this.persistChain = next.catch(() => undefined);
    return next;
  }

  private async doPersist(): Promise<void> {
    if (!this.dirty || this.disposed) return;
    if (this.reloading) {
      await this.reloading.catch(() => undefined);
      if (!this.dirty || this.disposed) return;
    }
    if (!this.ensureWriter()) {
      this.logNotWriter('has unsaved changes');
      // The owner may go away without anything else happening here: try again later.
      this.schedule(Math.max(this.debounceMs, 10_000));
      return;
    }
    // Someone else wrote the file since we loaded/wrote it (e.g. we were a reader that
    // missed the last change, or the lock was taken from us): never write an older copy.
    const disk = statStamp(this.filePath);
    if (disk !== null && !sameStamp(disk, this.stamp)) {
      if (await this.reload('the file changed on disk since this window last loaded it; loading it instead of overwriting it')) {
        // What the journal added on top of that file still has to be written.
        if (!this.dirty || this.disposed || !sameStamp(statStampQuiet(this.filePath), this.stamp)) {
          if (this.dirty) this.schedule(this.debounceMs);
          return;
        }
      } else if (!sameStamp(disk, this.failedStamp)) {
        // Changed again while we looked: try later.
        this.schedule(this.debounceMs);
        return;
      } else {
        const corruptPath = moveAside(this.filePath, this.now(), (msg) => this.log('error', msg));
        if (!corruptPath) {
          this.log('error', `${this.filePath} changed on disk and does not load; not overwriting it`);
          return;
        }
        this.log('warn', `${this.filePath} changed on disk and does not load; moved it to ${corruptPath}`);
      }
    }
    // db.export() closes the connection: not while a caller holds a transaction open.
    if (!tryBegin(this._db)) {
      this.schedule(this.debounceMs);
      return;
    }
    this._db.exec('COMMIT');

    const t0 = performance.now();
    this.dirty = false;
    let bytes: Uint8Array | null;
    // Read in the same synchronous step as the export: exactly the entries the file holds.
    const journalled = appliedJournalNames(this.handle);
    try {
      // export() reopens the connection: per-connection settings are back to defaults.
      bytes = exportDatabase(this.handle, applyPragmas);
    } catch (err) {
      this.dirty = true;
      throw err;
    }
    const exportMs = performance.now() - t0;
    const size = bytes.length;
    try {
      const writing = writeFileDurably(this.filePath, bytes);
      // The copy is on its way to disk: let it go rather than hold the whole cache twice.
      bytes = null;
      await writing;
    } catch (err) {
      this.dirty = true;
      this.log('error', `writing ${this.filePath} failed: ${errorMessage(err)}`);
      this.schedule(Math.max(this.debounceMs, 5_000));
      return;
    }
    this.stamp = statStamp(this.filePath);
    this.failedStamp = null;
    if (journalled.size > 0) {
      this.journal.remove(journalled);
      forgetJournalNames(this.handle, journalled);
    }
    const info: PersistInfo = { bytes: size, ms: Math.round(performance.now() - t0), exportMs: Math.round(exportMs) };
    this.log('info', `persisted ${info.bytes} bytes in ${info.ms} ms (export ${info.exportMs} ms)`);
    for (const listener of [...this.persistListeners]) {
      try {
        listener(info);
      } catch (err) {
        this.log('error', `an onDidPersist listener failed: ${errorMessage(err)}`);
      }
    }
  }

  // ---- writer role ---------------------------------------------------------------------

  /** True if this process holds the lock, taking it if it is free or stale. */
  private ensureWriter(): boolean {
    switch (this.lock.verify()) {
      case 'held':
        return true;
      case 'free-taken':
        this.onBecameWriter();
        return true;
      case 'lost':
        this.restartWatching();
        return false;
      case 'not-held':
        if (!this.lock.acquire()) return false;
        this.onBecameWriter();
        return true;
    }
  }

  private onBecameWriter(): void {
    this.restartWatching();
    this.removeAbandonedTmpFiles();
    this.log('info', `this window (pid ${process.pid}) writes the cache`);
  }

  private logNotWriter(what: string): void {
    const holder = this.lock.holderPid();
    this.log(
      'info',
      `${what}: another window${holder !== undefined ? ` (pid ${holder})` : ''} holds ${this.lockPath}; this window keeps its changes in memory and its writes in the journal, and does not write the cache`,
    );
  }

  /** Temporary files of writers that died mid-write (this version's and the previous one's). */
  private removeAbandonedTmpFiles(): void {
    const legacyPrefix = `${CACHE_FILE_NAME}.tmp-`;
    let names: string[];
    try {
      names = fs.readdirSync(this.options.storageDir);
    } catch {
      return;
    }
    for (const name of names) {
      const file = path.join(this.options.storageDir, name);
      if (name.startsWith(legacyPrefix)) {
        const pid = Number(name.slice(legacyPrefix.length));
        if (pid !== process.pid && !isPidAlive(pid)) fs.rmSync(file, { force: true });
      } else if (isTemporarySibling(name, CACHE_FILE_NAME)) {
        const age = Date.now() - (statStampQuiet(file)?.mtimeMs ?? Date.now());
        if (age > ABANDONED_TMP_MS) fs.rmSync(file, { force: true });
      }
    }
  }

  // ---- watch ---------------------------------------------------------------------------

  /** A reader watches the file for the writer's newer copy; the writer watches the journal. */
  private restartWatching(): void {
    this.stopWatching();
    if (this.disposed) return;
    if (this.isWriter) {
      this.watch = every(this.watchIntervalMs, () => {
        if (this.disposed || !this.isWriter || this.reloading) return;
        if (this.applyJournal('written by another window') > 0) this.markDirty();
      });
    } else {
      this.watch = watchFileStamp(this.filePath, this.watchIntervalMs, (stamp) => {
        if (this.disposed || this.isWriter) return;
        if (sameStamp(stamp, this.stamp) || sameStamp(stamp, this.failedStamp)) return;
        void this.reload('another window wrote a newer copy');
      });
    }
  }

  private stopWatching(): void {
    this.watch?.dispose();
    this.watch = undefined;
  }

  private log(level: CacheLogLevel, msg: string): void {
    try {
      this.logFn(level, msg);
    } catch {
      // a broken logger must not break the cache
    }
  }
}
