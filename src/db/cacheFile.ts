// The cache file on disk: reading one version of it, checking it is a cache this code can
// use, writing a new version atomically, and moving an unusable one aside. No policy here:
// who may write and when is the CacheStore's business.
import { randomInt } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { promisify } from 'node:util';
import type { Database, SqlJsStatic } from 'sql.js';
import { applyMigrations, type Migration } from './migrations';

/** Identifies one version of the file: a rename over it changes the inode, a write the mtime/size. */
export interface FileStamp {
  mtimeMs: number;
  size: number;
  ino: number;
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export function errorCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : undefined;
}

export function stampOf(st: fs.Stats): FileStamp {
  return { mtimeMs: st.mtimeMs, size: st.size, ino: st.ino };
}

export function sameStamp(a: FileStamp | null, b: FileStamp | null): boolean {
  if (a === null || b === null) return a === b;
  return a.mtimeMs === b.mtimeMs && a.size === b.size && a.ino === b.ino;
}

/** The stamp of `file`, null when it does not exist. */
export function statStamp(file: string): FileStamp | null {
  try {
    return stampOf(fs.statSync(file));
  } catch (err) {
    if (errorCode(err) === 'ENOENT') return null;
    throw err;
  }
}

export function statStampQuiet(file: string): FileStamp | null {
  try {
    return statStamp(file);
  } catch {
    return null;
  }
}

/** Thrown when the cache path exists but is not a regular file (a directory, a socket). */
export class NotAFileError extends Error {
  constructor(file: string) {
    super(`${file} is not a regular file`);
    this.name = 'NotAFileError';
  }
}

/** Bytes and stamp of the same version of the file (read through one descriptor). */
export async function readCacheFile(file: string): Promise<{ bytes: Uint8Array | null; stamp: FileStamp | null }> {
  let fh: fs.promises.FileHandle;
  try {
    fh = await fs.promises.open(file, 'r');
  } catch (err) {
    if (errorCode(err) === 'ENOENT') return { bytes: null, stamp: null };
    if (errorCode(err) === 'EISDIR') throw new NotAFileError(file);
    throw err;
  }
  try {
    const st = await fh.stat();
    if (!st.isFile()) throw new NotAFileError(file);
    const bytes = await fh.readFile();
    return { bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), stamp: stampOf(st) };
  } finally {
    await fh.close();
  }
}

/**
 * Per-connection settings, re-applied after every export. The rollback journal lives in
 * memory instead of sql.js's in-memory file system (same safety, ~2x faster writes).
 * (Not temp_store: changing it drops the TEMP schema, which connState relies on.)
 */
const PRAGMAS = 'PRAGMA journal_mode = MEMORY;';
const REQUIRED_TABLES = ['ghl_contacts', 'ghl_opportunities', 'ghl_pipelines'];

export function applyPragmas(db: Database): void {
  db.exec(PRAGMAS);
}

/** Opens bytes as a cache database: throws unless it is a sound SQLite file this code can use. */
export function openVerified(SQL: SqlJsStatic, bytes: Uint8Array | null, migrations: readonly Migration[]): { db: Database; migratedFrom: number } {
  const db = bytes && bytes.length > 0 ? new SQL.Database(bytes) : new SQL.Database();
  try {
    // Garbage fails here with "file is not a database".
    db.exec('SELECT count(*) FROM sqlite_master');
    const check = db.exec('PRAGMA quick_check')[0]?.values[0]?.[0];
    if (check !== 'ok') throw new Error(`quick_check failed: ${String(check)}`);
    applyPragmas(db);
    const migratedFrom = applyMigrations(db, migrations);
    const tables = new Set((db.exec("SELECT name FROM sqlite_master WHERE type = 'table'")[0]?.values ?? []).map((r) => r[0]));
    const missing = REQUIRED_TABLES.filter((t) => !tables.has(t));
    if (missing.length > 0) throw new Error(`missing tables: ${missing.join(', ')}`);
    return { db, migratedFrom };
  } catch (err) {
    db.close();
    throw err;
  }
}

/**
 * Renames `file` to `<file>.corrupt-<stamp>` (a directory moves whole). Returns the new
 * path, or null when it could not be moved (then it must not be overwritten either).
 */
export function moveAside(file: string, stamp: number, log: (msg: string) => void): string | null {
  const base = `${file}.corrupt-${stamp}`;
  for (let i = 0; i < 100; i++) {
    const target = i === 0 ? base : `${base}-${i}`;
    if (fs.existsSync(target)) continue;
    try {
      fs.renameSync(file, target);
      return target;
    } catch (err) {
      log(`cannot rename ${file} to ${target}: ${errorMessage(err)}`);
      return null;
    }
  }
  return null;
}


const fsync = promisify(fs.fsync);
const close = promisify(fs.close);

/**
 * Replaces `file` with `bytes` so that a crash at any moment leaves either the old or the
 * new version: a temporary sibling is written, fsynced and renamed over it; the directory
 * is fsynced after so the rename itself is durable.
 *
 * The bytes reach the temporary file synchronously, before this returns (into the OS's
 * page cache: tens of ms for tens of MB), and are not referenced after: the caller can
 * drop its copy of the database at once instead of holding it (the size of the whole
 * cache) through the slow fsync, while a sync keeps growing the database beside it.
 *
 * Why not write-file-atomic, which the journal uses for its small entries: it takes the data
 * into an async write (the whole database held until it is done), gives up at once when Windows
 * refuses the rename because another window is reading the file (EPERM, EACCES, EBUSY: retried
 * here), and does not fsync the directory.
 */
export function writeFileDurably(file: string, bytes: Uint8Array): Promise<void> {
  let temporary: { path: string; fd: number };
  try {
    temporary = writeTemporarySibling(file, bytes);
  } catch (err) {
    return Promise.reject(err);
  }
  return commitTemporary(temporary, file);
}

function writeTemporarySibling(file: string, bytes: Uint8Array): { path: string; fd: number } {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  // The name isTemporarySibling recognises, so a writer that dies here leaves nothing for good.
  const tmp = `${file}.${randomInt(0, 2 ** 32)}`;
  const fd = fs.openSync(tmp, 'wx');
  try {
    for (let offset = 0; offset < bytes.byteLength; ) offset += fs.writeSync(fd, bytes, offset, bytes.byteLength - offset);
  } catch (err) {
    fs.closeSync(fd);
    fs.rmSync(tmp, { force: true });
    throw err;
  }
  return { path: tmp, fd };
}

async function commitTemporary(temporary: { path: string; fd: number }, file: string): Promise<void> {
  try {
    try {
      await fsync(temporary.fd);
    } finally {
      await close(temporary.fd);
    }
    // Windows refuses to replace a file another process is reading for a moment.
    for (let attempt = 0; ; attempt++) {
      try {
        await fs.promises.rename(temporary.path, file);
        break;
      } catch (err) {
        const code = errorCode(err);
        if (attempt >= 4 || (code !== 'EPERM' && code !== 'EACCES' && code !== 'EBUSY')) throw err;
        await delay(50 * (attempt + 1));
      }
    }
  } catch (err) {
    await fs.promises.rm(temporary.path, { force: true }).catch(() => undefined);
    throw err;
  }
  await fsyncDirectory(path.dirname(file));
}

export async function fsyncDirectory(dir: string): Promise<void> {
  // Not possible on Windows; best effort everywhere.
  try {
    const handle = await fs.promises.open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // ignore
  }
}

/** Temporary siblings (ours and write-file-atomic's, which the journal uses) are `<file>.<uint32>`. */
export function isTemporarySibling(name: string, fileName: string): boolean {
  return name.startsWith(`${fileName}.`) && /^\d+$/.test(name.slice(fileName.length + 1));
}
