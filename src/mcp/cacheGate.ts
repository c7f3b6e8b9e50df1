import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Envelope } from '../protocol/envelope';

/** Where a `--sync` of a missing cache stands. */
export type FirstSyncState = { state: 'running' } | { state: 'done' } | { state: 'failed'; error: string };

export interface CacheGateOptions {
  cacheFile: string;
  /** The backend's channels (a contacts-list of one row tells whether anything was synced). */
  request(channel: string, payload: unknown): Promise<Envelope>;
  /** Set when the cache file could not be read and was moved aside (as the extension does). */
  recovered(): { corruptPath: string } | null;
  firstSync(): FirstSyncState | null;
}

/**
 * Whether the tools can answer from the cache, and if not, what the user does about it. A cache
 * is there once its file exists and holds a synced contact; that is checked until it is true,
 * then never again (VS Code may sync after this server started: the cache follows its newer file).
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
    const exists = existsSync(this.options.cacheFile);
    if (exists) {
      const probe = await this.options.request('ext-ghl:contacts-list', { limit: 1 });
      if (probe.success && typeof probe.data === 'object' && probe.data !== null && 'total' in probe.data && Number(probe.data.total) > 0) {
        this.ready = true;
        return null;
      }
    }
    const recovered = this.options.recovered();
    if (recovered) return `The GHL cache in ${folder} could not be read and was moved to ${recovered.corruptPath}; the new one is empty: ${next}`;
    if (!exists) return `There is no GHL cache in ${folder}: ${next}`;
    return `The GHL cache in ${folder} holds no contacts yet: ${next}`;
  }
}
