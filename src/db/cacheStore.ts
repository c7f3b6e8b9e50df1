// Persistence of the sql.js cache database as `ghl-cache.sqlite` in a storage directory
// shared by every VS Code window (separate processes) of the user.
//
// - Load: open + verify (sqlite header, quick_check) + migrate. A file that does not load
//   (garbage, a schema newer than this code) is renamed to `.corrupt-<timestamp>` by the
//   writer and a fresh cache starts; a file is never overwritten after failing to load.
// - Persist: db.export() -> `<file>.tmp-<pid>` -> fsync -> rename over the file. Debounced:
//   at most one write per window however many markDirty() calls.
// - One writer: `ghl-cache.lock` ({pid, acquiredAt, token}) created with `wx`, taken over
//   when its pid is dead (or its heartbeat is long stale: pid reuse after a reboot). Other
//   processes keep their changes in memory, retry the lock on each persist attempt, and
//   poll the file to reload the writer's newer copy (onDidReload). A writer never writes
//   over a file that changed on disk since it last loaded/wrote it; it loads that instead.
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Database, SqlJsStatic } from 'sql.js';
import { exportDatabase } from './connState';
import { CURRENT_SCHEMA_VERSION, migrate, SchemaTooNewError } from './migrations';
import { tryBegin } from './sql';
import { loadSqlJs } from './sqljs';

export const CACHE_FILE_NAME = 'ghl-cache.sqlite';
export const LOCK_FILE_NAME = 'ghl-cache.lock';

export type CacheLogLevel = 'info' | 'warn' | 'error';

export interface CacheStoreOptions {
  /** Directory of the cache file (VS Code: globalStorageUri.fsPath). Created if missing. */
  storageDir: string;
  /** sql-wasm.wasm; default: beside the bundle, else node_modules. */
  wasmPath?: string;
  /** Debounce window of markDirty(), ms (default 1500). */
  debounceMs?: number;
  log?: (level: CacheLogLevel, msg: string) => void;
  /** Clock for lock stamps and `.corrupt-<timestamp>` names (default Date.now). */
  now?: () => number;
  /** How often a non-writer polls the file for a newer copy, ms (default 2000). */
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

export interface Disposable {
  dispose(): void;
}

interface FileStamp {
  mtimeMs: number;
  size: number;
  ino: number;
}

interface LockInfo {
  pid: number;
  acquiredAt: number;
  token: string;
}

/**
 * Per-connection settings, re-applied after every export. The rollback journal lives in
 * memory instead of sql.js's in-memory file system (same safety, ~2x faster writes).
 * (Not temp_store: changing it drops the TEMP schema, which connState relies on.)
 */
const PRAGMAS = 'PRAGMA journal_mode = MEMORY;';
const REQUIRED_TABLES = ['ghl_contacts', 'ghl_opportunities', 'ghl_pipelines'];

function errMsg(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function errCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : undefined;
}

function stampOf(st: fs.Stats): FileStamp {
  return { mtimeMs: st.mtimeMs, size: st.size, ino: st.ino };
}

function sameStamp(a: FileStamp | null, b: FileStamp | null): boolean {
  if (a === null || b === null) return a === b;
  return a.mtimeMs === b.mtimeMs && a.size === b.size && a.ino === b.ino;
}

function statStamp(file: string): FileStamp | null {
  try {
    return stampOf(fs.statSync(file));
  } catch (err) {
    if (errCode(err) === 'ENOENT') return null;
    throw err;
  }
}

/** Whether a process with this pid exists (EPERM: it exists but is not ours). */
export function isPidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return errCode(err) !== 'ESRCH';
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function applyPragmas(db: Database): void {
  db.exec(PRAGMAS);
}

/** Opens bytes as a cache database: throws unless it is a sound SQLite file this code can use. */
function openVerified(SQL: SqlJsStatic, bytes: Uint8Array | null): { db: Database; migratedFrom: number } {
  const db = bytes && bytes.length > 0 ? new SQL.Database(bytes) : new SQL.Database();
  try {
    // Garbage fails here with "file is not a database".
    db.exec('SELECT count(*) FROM sqlite_master');
    const check = db.exec('PRAGMA quick_check')[0]?.values[0]?.[0];
    if (check !== 'ok') throw new Error(`quick_check failed: ${String(check)}`);
    applyPragmas(db);
    const migratedFrom = migrate(db);
    const tables = new Set(
      (db.exec("SELECT name FROM sqlite_master WHERE type = 'table'")[0]?.values ?? []).map((r) => r[0]),
    );
    const missing = REQUIRED_TABLES.filter((t) => !tables.has(t));
    if (missing.length > 0) throw new Error(`missing tables: ${missing.join(', ')}`);
    return { db, migratedFrom };
  } catch (err) {
    db.close();
    throw err;
  }
}

export class CacheStore {
  readonly filePath: string;
  readonly lockPath: string;

  /** The current connection; replaced on reload. Callers only see `handle`. */
  private _db: Database;
  private readonly handle: Database;
  private _recovered: { corruptPath: string } | null = null;
  private lock: LockInfo | null = null;
  /** What the file on disk was when this process last loaded or wrote it (null: no file). */
  private stamp: FileStamp | null = null;
  /** A file version that failed to load here; not retried until the file changes. */
  private failedStamp: FileStamp | null = null;
  private dirty = false;
  private disposed = false;
  private timer: NodeJS.Timeout | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private watching = false;
  private persistChain: Promise<void> = Promise.resolve();
  private reloading: Promise<boolean> | undefined;
  private readonly reloadListeners = new Set<(db: Database) => void>();
  private readonly persistListeners = new Set<(info: PersistInfo) => void>();
  private readonly debounceMs: number;
  private readonly watchIntervalMs: number;
  private readonly heartbeatMs: number;
  private readonly staleMs: number;
  private readonly now: () => number;
  private readonly logFn: (level: CacheLogLevel, msg: string) => void;

  private constructor(
    private readonly SQL: SqlJsStatic,
    private readonly options: CacheStoreOptions,
  ) {
    this.filePath = path.join(options.storageDir, CACHE_FILE_NAME);
    this.lockPath = path.join(options.storageDir, LOCK_FILE_NAME);
    this.debounceMs = Math.max(0, options.debounceMs ?? 1500);
    this.watchIntervalMs = Math.max(10, options.watchIntervalMs ?? 2000);
    this.heartbeatMs = Math.max(10, options.lockHeartbeatMs ?? 60_000);
    this.staleMs = Math.max(this.heartbeatMs * 2, options.lockStaleMs ?? 10 * 60_000);
    this.now = options.now ?? Date.now;
    this.logFn = options.log ?? (() => undefined);
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
    return this.lock !== null;
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
      this.log('error', `final persist failed: ${errMsg(err)}`);
    }
    this.disposed = true;
    this.clearTimer();
    this.stopWatching();
    this.stopHeartbeat();
    await this.reloading?.catch(() => undefined);
    this.releaseLock();
    this._db.close();
    this.reloadListeners.clear();
    this.persistListeners.clear();
  }

  // ---- load ----------------------------------------------------------------------------

  private async init(): Promise<void> {
    try {
      await fs.promises.mkdir(this.options.storageDir, { recursive: true });
    } catch (err) {
      this.log('error', `cannot create ${this.options.storageDir}: ${errMsg(err)}; the cache stays in memory`);
    }
    this.lock = this.tryAcquireLock();
    if (this.lock) this.onBecameWriter();
    else this.logNotWriter('opened');

    let bytes: Uint8Array | null = null;
    let stamp: FileStamp | null = null;
    try {
      ({ bytes, stamp } = await this.readFile());
    } catch (err) {
      this.log('error', `cannot read ${this.filePath}: ${errMsg(err)}; starting with an empty cache`);
      this.failedStamp = statStampQuiet(this.filePath);
    }
    let loaded = false;
    if (bytes) {
      try {
        const { db, migratedFrom } = openVerified(this.SQL, bytes);
        this._db.close();
        this._db = db;
        this.stamp = stamp;
        loaded = true;
        this.log('info', `loaded ${this.filePath} (${bytes.length} bytes, schema v${migratedFrom})`);
        if (migratedFrom < CURRENT_SCHEMA_VERSION && this.lock) this.markDirty();
      } catch (err) {
        this.handleUnloadable(err, stamp);
      }
    }
    if (!loaded) {
      // Fresh cache: no file, or it did not load.
      applyPragmas(this._db);
      migrate(this._db);
    }
    if (!this.lock) this.startWatching();
  }

  /** The file did not load: the writer moves it aside; a reader leaves it alone. */
  private handleUnloadable(err: unknown, stamp: FileStamp | null): void {
    const why = err instanceof SchemaTooNewError ? err.message : `it is not a usable SQLite cache (${errMsg(err)})`;
    if (!this.lock) {
      this.failedStamp = stamp;
      this.log('warn', `cannot load ${this.filePath}: ${why}; another window owns it, so it is left alone and this window starts with an empty in-memory cache`);
      return;
    }
    const corruptPath = this.moveAside();
    if (corruptPath) {
      this._recovered = { corruptPath };
      this.stamp = null;
      this.log('warn', `cannot load ${this.filePath}: ${why}; moved it to ${corruptPath} and started a fresh cache`);
    } else {
      // Could not move it: never overwrite it either. Behave like a reader for this file.
      this.failedStamp = stamp;
      this.stamp = stamp;
      this.releaseLock();
      this.log('error', `cannot load ${this.filePath}: ${why}; could not move it aside either, so this window will not write the cache`);
    }
  }

  private moveAside(): string | null {
    const base = `${this.filePath}.corrupt-${this.now()}`;
    for (let i = 0; i < 100; i++) {
      const target = i === 0 ? base : `${base}-${i}`;
      if (fs.existsSync(target)) continue;
      try {
        fs.renameSync(this.filePath, target);
        return target;
      } catch (err) {
        this.log('error', `cannot rename ${this.filePath} to ${target}: ${errMsg(err)}`);
        return null;
      }
    }
    return null;
  }

  /** Bytes and stamp of the same version of the file (read through one descriptor). */
  private async readFile(): Promise<{ bytes: Uint8Array | null; stamp: FileStamp | null }> {
    let fh: fs.promises.FileHandle;
    try {
      fh = await fs.promises.open(this.filePath, 'r');
    } catch (err) {
      if (errCode(err) === 'ENOENT') return { bytes: null, stamp: null };
      throw err;
    }
    try {
      const st = await fh.stat();
      const bytes = await fh.readFile();
      return { bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), stamp: stampOf(st) };
    } finally {
      await fh.close();
    }
  }

  /**
   * Loads the file's current version in place of the in-memory database (dropping any
   * unsaved changes) and fires onDidReload. False if it is missing or does not load.
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
      file = await this.readFile();
    } catch (err) {
      this.log('warn', `cannot read ${this.filePath} for reload: ${errMsg(err)}`);
      return false;
    }
    if (this.disposed || !file.bytes) return false;
    if (sameStamp(file.stamp, this.stamp)) return true;
    let db: Database;
    try {
      db = openVerified(this.SQL, file.bytes).db;
    } catch (err) {
      if (!sameStamp(file.stamp, this.failedStamp)) {
        this.log('warn', `cannot load the newer ${this.filePath} (${errMsg(err)}); keeping the cache in memory`);
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
    this.log(
      'info',
      `reloaded ${this.filePath} (${file.bytes.length} bytes): ${reason}${lost ? '; unsaved changes of this window were dropped' : ''}`,
    );
    for (const listener of [...this.reloadListeners]) {
      try {
        listener(this.handle);
      } catch (err) {
        this.log('error', `an onDidReload listener failed: ${errMsg(err)}`);
      }
    }
    return true;
  }

  // ---- persist -------------------------------------------------------------------------

  private schedule(ms: number): void {
    if (this.timer || this.disposed) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.persist().catch((err: unknown) => this.log('error', `persist failed: ${errMsg(err)}`));
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
      if (await this.reload('the file changed on disk since this window last loaded it; loading it instead of overwriting it')) return;
      if (!sameStamp(disk, this.failedStamp)) {
        // Changed again while we looked: try later.
        this.schedule(this.debounceMs);
        return;
      }
      const corruptPath = this.moveAside();
      if (!corruptPath) {
        this.log('error', `${this.filePath} changed on disk and does not load; not overwriting it`);
        return;
      }
      this.log('warn', `${this.filePath} changed on disk and does not load; moved it to ${corruptPath}`);
    }
    // db.export() closes the connection: not while a caller holds a transaction open.
    if (!tryBegin(this._db)) {
      this.schedule(this.debounceMs);
      return;
    }
    this._db.exec('COMMIT');

    const t0 = performance.now();
    this.dirty = false;
    let bytes: Uint8Array;
    try {
      // export() reopens the connection: per-connection settings are back to defaults.
      bytes = exportDatabase(this.handle, applyPragmas);
    } catch (err) {
      this.dirty = true;
      throw err;
    }
    const exportMs = performance.now() - t0;
    try {
      await this.writeAtomically(bytes);
    } catch (err) {
      this.dirty = true;
      this.log('error', `writing ${this.filePath} failed: ${errMsg(err)}`);
      this.schedule(Math.max(this.debounceMs, 5_000));
      return;
    }
    this.stamp = statStamp(this.filePath);
    this.failedStamp = null;
    const info: PersistInfo = { bytes: bytes.length, ms: Math.round(performance.now() - t0), exportMs: Math.round(exportMs) };
    this.log('info', `persisted ${info.bytes} bytes in ${info.ms} ms (export ${info.exportMs} ms)`);
    for (const listener of [...this.persistListeners]) {
      try {
        listener(info);
      } catch (err) {
        this.log('error', `an onDidPersist listener failed: ${errMsg(err)}`);
      }
    }
  }

  private async writeAtomically(bytes: Uint8Array): Promise<void> {
    const tmp = `${this.filePath}.tmp-${process.pid}`;
    try {
      await fs.promises.mkdir(this.options.storageDir, { recursive: true });
      const fh = await fs.promises.open(tmp, 'w');
      try {
        await fh.writeFile(bytes);
        await fh.sync();
      } finally {
        await fh.close();
      }
      // Windows refuses to replace a file another process is reading for a moment.
      for (let attempt = 0; ; attempt++) {
        try {
          await fs.promises.rename(tmp, this.filePath);
          break;
        } catch (err) {
          if (attempt >= 4 || (errCode(err) !== 'EPERM' && errCode(err) !== 'EACCES' && errCode(err) !== 'EBUSY')) throw err;
          await sleep(50 * (attempt + 1));
        }
      }
    } catch (err) {
      await fs.promises.rm(tmp, { force: true }).catch(() => undefined);
      throw err;
    }
    // Make the rename itself durable (not possible on Windows; best effort).
    try {
      const dir = await fs.promises.open(this.options.storageDir, 'r');
      try {
        await dir.sync();
      } finally {
        await dir.close();
      }
    } catch {
      // ignore
    }
  }

  // ---- lock ----------------------------------------------------------------------------

  /** True if this process holds the lock, taking it if it is free or stale. */
  private ensureWriter(): boolean {
    if (this.lock) {
      const current = this.readLock();
      if (current?.info && current.info.pid === process.pid && current.info.token === this.lock.token) return true;
      if (current === null) {
        // Someone removed the lock file; take it again if nobody else did.
        this.lock = null;
      } else {
        this.log('warn', `lost the cache lock to pid ${current.info?.pid ?? '?'}; this window stops writing the cache`);
        this.lock = null;
        this.stopHeartbeat();
        this.startWatching();
        return false;
      }
    }
    const lock = this.tryAcquireLock();
    if (!lock) return false;
    this.lock = lock;
    this.onBecameWriter();
    return true;
  }

  private onBecameWriter(): void {
    this.stopWatching();
    this.startHeartbeat();
    this.removeStaleTmpFiles();
    this.log('info', `this window (pid ${process.pid}) writes the cache`);
  }

  private logNotWriter(what: string): void {
    const holder = this.readLock()?.info;
    this.log(
      'info',
      `${what}: another window${holder ? ` (pid ${holder.pid})` : ''} holds ${this.lockPath}; this window keeps its changes in memory and does not write the cache`,
    );
  }

  /** null: no lock file. info null: unreadable/garbage (maybe being written right now). */
  private readLock(): { raw: string; info: LockInfo | null; mtimeMs: number } | null {
    let raw: string;
    let mtimeMs: number;
    try {
      raw = fs.readFileSync(this.lockPath, 'utf8');
      mtimeMs = fs.statSync(this.lockPath).mtimeMs;
    } catch (err) {
      if (errCode(err) === 'ENOENT') return null;
      return { raw: '', info: null, mtimeMs: Date.now() };
    }
    try {
      const parsed = JSON.parse(raw) as Partial<LockInfo>;
      if (typeof parsed.pid === 'number') {
        return {
          raw,
          mtimeMs,
          info: {
            pid: parsed.pid,
            acquiredAt: typeof parsed.acquiredAt === 'number' ? parsed.acquiredAt : 0,
            token: typeof parsed.token === 'string' ? parsed.token : '',
          },
        };
      }
    } catch {
      // fall through
    }
    return { raw, info: null, mtimeMs };
  }

  private tryAcquireLock(): LockInfo | null {
    const info: LockInfo = { pid: process.pid, acquiredAt: this.now(), token: randomUUID() };
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        fs.writeFileSync(this.lockPath, JSON.stringify(info), { flag: 'wx' });
        return info;
      } catch (err) {
        if (errCode(err) === 'ENOENT' && attempt === 0) {
          // The storage directory went away (or never got created): make it and retry.
          try {
            fs.mkdirSync(this.options.storageDir, { recursive: true });
            continue;
          } catch {
            // reported below
          }
        }
        if (errCode(err) !== 'EEXIST') {
          this.log('error', `cannot create ${this.lockPath}: ${errMsg(err)}`);
          return null;
        }
      }
      const current = this.readLock();
      if (current === null) continue; // released meanwhile: try again
      const age = Date.now() - current.mtimeMs;
      if (current.info) {
        if (isPidAlive(current.info.pid) && age < this.staleMs) return null;
        this.log(
          'info',
          `taking over ${this.lockPath} from pid ${current.info.pid} (${isPidAlive(current.info.pid) ? `no heartbeat for ${Math.round(age / 1000)} s` : 'not running'})`,
        );
      } else if (age < 10_000) {
        return null; // probably being written by its creator right now
      }
      if (!this.removeStaleLock(current.raw)) return null;
    }
    return null;
  }

  /**
   * Removes the lock file only if it still holds `raw`: moves it to a unique name first
   * (atomic), checks it is the one we judged stale, and puts it back otherwise.
   */
  private removeStaleLock(raw: string): boolean {
    const aside = `${this.lockPath}.stale-${process.pid}-${randomUUID()}`;
    try {
      fs.renameSync(this.lockPath, aside);
    } catch (err) {
      return errCode(err) === 'ENOENT';
    }
    let content = '';
    try {
      content = fs.readFileSync(aside, 'utf8');
    } catch {
      // treat as different
    }
    if (content !== raw) {
      // Someone took the lock between our read and our rename: give it back.
      try {
        fs.linkSync(aside, this.lockPath);
      } catch {
        // a newer lock exists already
      }
      fs.rmSync(aside, { force: true });
      return false;
    }
    fs.rmSync(aside, { force: true });
    return true;
  }

  private releaseLock(): void {
    const held = this.lock;
    this.lock = null;
    this.stopHeartbeat();
    if (!held) return;
    const current = this.readLock();
    if (current?.info?.pid === process.pid && current.info.token === held.token) {
      try {
        fs.rmSync(this.lockPath, { force: true });
      } catch (err) {
        this.log('warn', `cannot remove ${this.lockPath}: ${errMsg(err)}`);
      }
    }
  }

  private startHeartbeat(): void {
    this.stopHeartbeat();
    this.heartbeat = setInterval(() => {
      if (!this.lock) return;
      const t = new Date();
      fs.promises.utimes(this.lockPath, t, t).catch(() => undefined);
    }, this.heartbeatMs);
    this.heartbeat.unref?.();
  }

  private stopHeartbeat(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = undefined;
  }

  /** Leftover `<file>.tmp-<pid>` of writers that died mid-write. */
  private removeStaleTmpFiles(): void {
    const prefix = `${CACHE_FILE_NAME}.tmp-`;
    let names: string[];
    try {
      names = fs.readdirSync(this.options.storageDir);
    } catch {
      return;
    }
    for (const name of names) {
      if (!name.startsWith(prefix)) continue;
      const pid = Number(name.slice(prefix.length));
      if (pid === process.pid || isPidAlive(pid)) continue;
      fs.rmSync(path.join(this.options.storageDir, name), { force: true });
    }
  }

  // ---- watch (readers) -----------------------------------------------------------------

  private readonly onWatchedChange = (curr: fs.Stats): void => {
    if (this.disposed || this.lock || curr.mtimeMs === 0) return;
    const stamp = stampOf(curr);
    if (sameStamp(stamp, this.stamp) || sameStamp(stamp, this.failedStamp)) return;
    void this.reload('another window wrote a newer copy');
  };

  private startWatching(): void {
    if (this.watching || this.disposed) return;
    this.watching = true;
    fs.watchFile(this.filePath, { interval: this.watchIntervalMs, persistent: false }, this.onWatchedChange);
  }

  private stopWatching(): void {
    if (!this.watching) return;
    this.watching = false;
    fs.unwatchFile(this.filePath, this.onWatchedChange);
  }

  private log(level: CacheLogLevel, msg: string): void {
    try {
      this.logFn(level, msg);
    } catch {
      // a broken logger must not break the cache
    }
  }
}

function statStampQuiet(file: string): FileStamp | null {
  try {
    return statStamp(file);
  } catch {
    return null;
  }
}
