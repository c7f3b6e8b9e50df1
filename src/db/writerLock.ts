// The single-writer lock of the cache file: `ghl-cache.lock` = {pid, acquiredAt, token},
// created with `wx`, refreshed by a heartbeat, taken over at once when its pid is dead and
// after `staleMs` without heartbeat when the pid exists (pid reuse after a reboot).
//
// Why not proper-lockfile: it judges a lock by mtime only, so a dead writer's lock blocks
// the other window for the whole stale period, and a live writer whose event loop stalls
// longer than that loses it. The pid makes both cases exact.
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { errorCode, errorMessage } from './cacheFile';

export const LOCK_FILE_NAME = 'ghl-cache.lock';

export interface LockInfo {
  pid: number;
  acquiredAt: number;
  token: string;
}

export interface WriterLockOptions {
  storageDir: string;
  now: () => number;
  /** How often the holder refreshes the lock file's mtime, ms. */
  heartbeatMs: number;
  /** A lock whose mtime is older than this is stale even if its pid exists, ms. */
  staleMs: number;
  log: (level: 'info' | 'warn' | 'error', msg: string) => void;
}

/** Whether a process with this pid exists (EPERM: it exists but is not ours). */
export function isPidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return errorCode(err) !== 'ESRCH';
  }
}

export class WriterLock {
  readonly path: string;
  private held: LockInfo | null = null;
  private heartbeat: NodeJS.Timeout | undefined;

  constructor(private readonly options: WriterLockOptions) {
    this.path = path.join(options.storageDir, LOCK_FILE_NAME);
  }

  get isHeld(): boolean {
    return this.held !== null;
  }

  /** Takes the lock if it is free or stale. True if this process holds it afterwards. */
  acquire(): boolean {
    if (this.held) return true;
    const info = this.tryCreate();
    if (!info) return false;
    this.held = info;
    this.startHeartbeat();
    return true;
  }

  /**
   * Checks the lock file still names this process; if someone removed it, takes it again
   * if free. 'lost' when another process holds it now (this one must stop writing).
   */
  verify(): 'held' | 'lost' | 'free-taken' | 'not-held' {
    if (!this.held) return 'not-held';
    const current = this.read();
    if (current?.info && current.info.pid === process.pid && current.info.token === this.held.token) return 'held';
    this.held = null;
    this.stopHeartbeat();
    if (current === null) return this.acquire() ? 'free-taken' : 'lost';
    this.options.log('warn', `lost the cache lock to pid ${current.info?.pid ?? '?'}; this window stops writing the cache`);
    return 'lost';
  }

  /** The pid named in the lock file, if any. */
  holderPid(): number | undefined {
    return this.read()?.info?.pid;
  }

  /** Drops the lock; removes the file only if it is still ours. */
  release(): void {
    const held = this.held;
    this.held = null;
    this.stopHeartbeat();
    if (!held) return;
    const current = this.read();
    if (current?.info?.pid === process.pid && current.info.token === held.token) {
      try {
        fs.rmSync(this.path, { force: true });
      } catch (err) {
        this.options.log('warn', `cannot remove ${this.path}: ${errorMessage(err)}`);
      }
    }
  }

  /** null: no lock file. info null: unreadable/garbage (maybe being written right now). */
  private read(): { raw: string; info: LockInfo | null; mtimeMs: number } | null {
    let raw: string;
    let mtimeMs: number;
    try {
      raw = fs.readFileSync(this.path, 'utf8');
      mtimeMs = fs.statSync(this.path).mtimeMs;
    } catch (err) {
      if (errorCode(err) === 'ENOENT') return null;
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

  private tryCreate(): LockInfo | null {
    const info: LockInfo = { pid: process.pid, acquiredAt: this.options.now(), token: randomUUID() };
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        fs.writeFileSync(this.path, JSON.stringify(info), { flag: 'wx' });
        return info;
      } catch (err) {
        if (errorCode(err) === 'ENOENT' && attempt === 0) {
          // The storage directory went away (or never got created): make it and retry.
          try {
            fs.mkdirSync(this.options.storageDir, { recursive: true });
            continue;
          } catch {
            // reported below
          }
        }
        if (errorCode(err) !== 'EEXIST') {
          this.options.log('error', `cannot create ${this.path}: ${errorMessage(err)}`);
          return null;
        }
      }
      const current = this.read();
      if (current === null) continue; // released meanwhile: try again
      const age = Date.now() - current.mtimeMs;
      if (current.info) {
        const alive = isPidAlive(current.info.pid);
        if (alive && age < this.options.staleMs) return null;
        this.options.log(
          'info',
          `taking over ${this.path} from pid ${current.info.pid} (${alive ? `no heartbeat for ${Math.round(age / 1000)} s` : 'not running'})`,
        );
      } else if (age < 10_000) {
        return null; // probably being written by its creator right now
      }
      if (!this.removeStale(current.raw)) return null;
    }
    return null;
  }

  /**
   * Removes the lock file only if it still holds `raw`: moves it to a unique name first
   * (atomic), checks it is the one judged stale, and puts it back otherwise.
   */
  private removeStale(raw: string): boolean {
    const aside = `${this.path}.stale-${process.pid}-${randomUUID()}`;
    try {
      fs.renameSync(this.path, aside);
    } catch (err) {
      return errorCode(err) === 'ENOENT';
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
        fs.linkSync(aside, this.path);
      } catch {
        // a newer lock exists already
      }
      fs.rmSync(aside, { force: true });
      return false;
    }
    fs.rmSync(aside, { force: true });
    return true;
  }

  private startHeartbeat(): void {
    this.stopHeartbeat();
    this.heartbeat = setInterval(() => {
      if (!this.held) return;
      const t = new Date();
      fs.promises.utimes(this.path, t, t).catch(() => undefined);
    }, this.options.heartbeatMs);
    this.heartbeat.unref?.();
  }

  private stopHeartbeat(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = undefined;
  }
}
