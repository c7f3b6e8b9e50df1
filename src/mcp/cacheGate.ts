import { existsSync } from 'node:fs';
import path from 'node:path';

/** Where a `--sync` of a missing cache stands. */
export type FirstSyncState = { state: 'running' } | { state: 'done' } | { state: 'failed'; error: string };

export interface CacheGateOptions {
  cacheFile: string;
  /** Set when the cache file could not be read and was moved aside (as the extension does). */
  recovered(): { corruptPath: string } | null;
  firstSync(): FirstSyncState | null;
}

/**
 * Whether the tools can answer from the cache, and if not, what the user does about it. Checked
 * until the cache is there, then never again (VS Code may sync after this server started: the
 * cache follows its newer file).
 */
export class CacheGate {
  private ready = false;

  constructor(private readonly options: CacheGateOptions) {}

  async problem(): Promise<string | null> {
    if (this.ready) return null;
    const sync = this.options.firstSync();
    if (sync?.state === 'running') return 'The first sync of the cache is still running (this server was started with --sync); try again in a minute.';
    if (sync?.state === 'failed') return `The first sync failed: ${sync.error}. Check GHL_API_TOKEN and --location, then restart this server.`;
    const folder = path.dirname(this.options.cacheFile);
    const next = 'open VS Code and run "GHL: Sync All" first, or start this server with --sync.';
    // The file is written only once something was synced or written (an empty cache is never saved, a
    // recovered one neither), so its being there is the answer, without a query that would cost a first read.
    if (existsSync(this.options.cacheFile)) {
      this.ready = true;
      return null;
    }
    const recovered = this.options.recovered();
    if (recovered) return `The GHL cache in ${folder} could not be read and was moved to ${recovered.corruptPath}: ${next}`;
    return `There is no GHL cache in ${folder}: ${next}`;
  }
}
