// Polling watches for the cache store: fs.watchFile rather than fs.watch, because the
// writer replaces the file by rename (fs.watch would follow the old inode) and network
// or synced folders do not deliver change events reliably.
import * as fs from 'node:fs';
import { stampOf, type FileStamp } from './cacheFile';

export interface Disposable {
  dispose(): void;
}

/** Calls `onChange` with the file's new stamp whenever it changes (not when it disappears). */
export function watchFileStamp(file: string, intervalMs: number, onChange: (stamp: FileStamp) => void): Disposable {
  const listener = (curr: fs.Stats): void => {
    if (curr.mtimeMs !== 0) onChange(stampOf(curr));
  };
  fs.watchFile(file, { interval: intervalMs, persistent: false }, listener);
  return { dispose: () => fs.unwatchFile(file, listener) };
}

/** Runs `tick` every `intervalMs` without keeping the process alive. */
export function every(intervalMs: number, tick: () => void): Disposable {
  const timer = setInterval(tick, intervalMs);
  timer.unref?.();
  return { dispose: () => clearInterval(timer) };
}
