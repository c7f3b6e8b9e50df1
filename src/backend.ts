import { BriefingQueries } from './briefing/briefingQueries';
import { collectDailyBriefing } from './briefing/collect';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { AgendaRepo } from './db/agendaRepo';
import { ArvAnalysesRepo } from './arv/analysesRepo';
import { ArvEstimatesRepo } from './arv/estimatesRepo';
import { JOURNAL_FEATURES, MIGRATIONS } from './cacheSchema';
import { CACHE_FILE_NAME, CacheStore, type PersistInfo } from './db/cacheStore';
import { GhlContactsRepo } from './db/contactsRepo';
import { GhlOpportunitiesRepo } from './db/opportunitiesRepo';
import { GhlPipelinesRepo } from './db/pipelinesRepo';
import { GhlSyncStateRepo } from './db/syncStateRepo';
import { GhlTasksRepo } from './db/tasksRepo';
import { GhlLocationsRepo } from './db/locationsRepo';
import { GhlApi } from './ghl/api';
import { GhlClient, type ApiCallLog } from './ghl/client';
import { registerExtGhlHandlers, type HandlerContext, type LogFn, type Repos } from './handlers';
import { SECRET_TOKEN_KEY, SETTING_API_BASE_URL, settingText, type SecretStore, type SettingsStore } from './protocol/settings';
import { ExtGhlError, fail, type Envelope } from './protocol/envelope';
import { parsePush, type PushEvent } from './protocol/pushes';

export { protocolJsonSchema } from './protocol/requests';
export { EXT_GHL_IPC } from './protocol/channels';

/**
 * The one entry of the core: the VS Code layer and the tests both talk to the extension
 * through `request(channel, payload)`. Nothing here imports `vscode`.
 */
export interface BackendOptions {
  storageDir: string;
  /** Where the token is kept; a store with `onDidChange` makes the backend pick up a new token. */
  secrets: SecretStore;
  /** Where the settings are kept (keys as VS Code's configuration spells them: ghl.locationId, ghl.apiBaseUrl, …). */
  settings: SettingsStore;
  /** The API base URL when the settings store has no `ghl.apiBaseUrl`. */
  apiBaseUrl?: string;
  /** RentCast's base URL when the settings store has no `ghl.arv.rentcastBaseUrl` (a proxy, the sandbox). */
  rentcastBaseUrl?: string;
  /** Every push, checked against the push table: one that does not match it is logged and dropped. */
  onPush?: (event: PushEvent) => void;
  log?: LogFn;
  /** Every GHL request as it ends; the host writes the log's API-call lines from these. */
  onApiCall?: (entry: ApiCallLog) => void;
  requestTimeoutMs?: number;
  /** Retries after a 429, a 5xx or a network error (reads only for the last two). */
  maxRetries?: number;
  /** The share of each GHL rate window a sync leaves to user requests (default 10 %; the bench compares 0). */
  userHeadroomShare?: number;
  /** Where dist/sql-wasm.wasm is when the caller is not the bundle itself. */
  wasmPath?: string;
  persistDebounceMs?: number;
  /** How often the cache looks for another window's newer file or journal entries, ms. */
  cacheWatchIntervalMs?: number;
  now?: () => number;
  /** How the GHL client waits (rate windows, backoff); a test passes a virtual clock's with its `now`. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export interface BackendDiagnostics {
  /** The latest cache writes, newest last. */
  persists: PersistInfo[];
  /** Requests sent to GHL by the current client. */
  apiRequests: number;
  cacheFileBytes: number | null;
  isCacheWriter: boolean;
}

export interface Backend {
  request(channel: string, payload?: unknown): Promise<Envelope>;
  /** Stops running syncs after the page in flight; the cache stays consistent. */
  cancelSync(kind?: 'contacts' | 'opportunities'): void;
  /** Set when the cache file did not open and was moved aside. */
  readonly recoveredCache: { corruptPath: string } | null;
  /** Persists pending cache changes now. */
  flush(): Promise<void>;
  /** The daily briefing as Markdown: new contacts since `since`, open deals per stage, today's appointments. */
  dailyBriefing(options: { since: number | null; timeZone?: string }): Promise<string>;
  diagnostics(): Promise<BackendDiagnostics>;
  /** Empties the local cache (GHL is not touched); the next sync fills it again. */
  clearCache(): Promise<void>;
  dispose(): Promise<void>;
}

export async function createBackend(options: BackendOptions): Promise<Backend> {
  const log: LogFn = options.log ?? (() => undefined);
  const now = options.now ?? Date.now;
  const cache = await CacheStore.open({
    storageDir: options.storageDir,
    migrations: MIGRATIONS,
    journalFeatures: JOURNAL_FEATURES,
    wasmPath: options.wasmPath,
    debounceMs: options.persistDebounceMs,
    watchIntervalMs: options.cacheWatchIntervalMs,
    log: (level, message) => log(level, `[cache] ${message}`),
    now,
  });
  if (cache.recovered) log('warn', `[cache] The cache file could not be read and was moved to ${cache.recovered.corruptPath}; starting with an empty cache.`);

  const persists: PersistInfo[] = [];
  cache.onDidPersist((info) => {
    persists.push(info);
    if (persists.length > 20) persists.shift();
  });

  let repos: Repos | undefined;
  cache.onDidReload(() => {
    repos = undefined;
  });
  let indexBuild: NodeJS.Timeout | undefined;
  const scheduleIndexBuild = () => {
    if (indexBuild || disposed) return;
    indexBuild = setTimeout(() => {
      indexBuild = undefined;
      try {
        ctx.repos().contacts.warmUp();
      } catch (err) {
        log('warn', `[cache] Could not prepare the contact search index: ${err instanceof Error ? err.message : String(err)}`);
      }
    }, 50);
    indexBuild.unref?.();
  };
  let api: Promise<GhlApi> | undefined;

  const ctx: HandlerContext = {
    repos: () =>
      (repos ??= {
        contacts: new GhlContactsRepo(cache.db, { scheduleIndexBuild }),
        opportunities: new GhlOpportunitiesRepo(cache.db),
        pipelines: new GhlPipelinesRepo(cache.db),
        syncState: new GhlSyncStateRepo(cache.db),
        arvEstimates: new ArvEstimatesRepo(cache.db),
        agenda: new AgendaRepo(cache.db),
        arvAnalyses: new ArvAnalysesRepo(cache.db),
        tasks: new GhlTasksRepo(cache.db),
        locations: new GhlLocationsRepo(cache.db),
      }),
    markDirty: () => cache.markDirty(),
    recordWrite: (entry) => cache.recordWrite(entry),
    settings: options.settings,
    secrets: options.secrets,
    api: () => {
      api ??= (async () => {
        const token = await options.secrets.get(SECRET_TOKEN_KEY);
        if (!token) {
          throw new ExtGhlError('NOT_CONFIGURED', 'No GHL API token is set. Run "GHL: Set API Token" first.');
        }
        return new GhlApi(
          new GhlClient({
            token,
            baseUrl: settingText(options.settings.get(SETTING_API_BASE_URL)) ?? options.apiBaseUrl,
            timeoutMs: options.requestTimeoutMs,
            maxRetries: options.maxRetries,
            userHeadroomShare: options.userHeadroomShare,
            now,
            sleep: options.sleep,
            onCall: options.onApiCall,
          }),
        );
      })();
      // A failed creation (no token yet) must not stick: the next call tries again.
      api.catch(() => {
        api = undefined;
      });
      return api;
    },
    resetApi: () => {
      api = undefined;
    },
    push: (channel, payload) => {
      // Typed at compile time; checked here too, so no consumer ever sees a push the table does not describe.
      const parsed = parsePush(channel, payload);
      if (!parsed.ok) {
        log('error', `Dropped a push that does not match the protocol: ${parsed.reason}`);
        return;
      }
      try {
        options.onPush?.(parsed.event);
      } catch (err) {
        log('warn', `A push listener failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    },
    now,
    log,
  };

  const handlers = registerExtGhlHandlers(ctx, { rentcastBaseUrl: options.rentcastBaseUrl });
  // A token or base URL changed by the host: the next call builds a client for it.
  const storeSubscriptions = [options.secrets.onDidChange?.(ctx.resetApi), options.settings.onDidChange?.(ctx.resetApi)];
  let disposed = false;
  // Build the contact search index while nobody waits (now, and whenever a list finds it gone:
  // another window's file, a rebuild), so searches meanwhile answer from SQL instead of waiting.
  scheduleIndexBuild();

  return {
    async request(channel, payload) {
      if (disposed) return fail('INTERNAL', 'The GHL backend has been shut down.');
      return handlers.dispatch(channel, payload);
    },
    cancelSync: (kind) => {
      handlers.syncs.cancel(kind);
      // #17: Cancel Sync stops the tasks sync too.
      if (kind === undefined) handlers.taskSyncs.cancel();
    },
    get recoveredCache() {
      return cache.recovered;
    },
    flush: () => cache.flush(),
    async diagnostics() {
      const client = api ? await api.catch(() => undefined) : undefined;
      let cacheFileBytes: number | null = null;
      try {
        cacheFileBytes = (await stat(path.join(options.storageDir, CACHE_FILE_NAME))).size;
      } catch {
        // not written yet
      }
      return { persists: [...persists], apiRequests: client?.client.requestCount ?? 0, cacheFileBytes, isCacheWriter: cache.isWriter };
    },
    async dailyBriefing(briefingOptions) {
      const repos = ctx.repos();
      return collectDailyBriefing(ctx, handlers, new BriefingQueries(cache.db, repos.contacts, repos.opportunities), briefingOptions);
    },
    async clearCache() {
      handlers.syncs.cancel();
      handlers.taskSyncs.cancel();
      await Promise.all([handlers.syncs.idle(), handlers.taskSyncs.idle()]);
      const { contacts, opportunities, pipelines, syncState, tasks } = ctx.repos();
      tasks.clear();
      contacts.clear();
      opportunities.clear();
      pipelines.clear();
      // Without this, the next sync would be a delta and never bring the old rows back.
      syncState.clear();
      cache.markDirty();
      await cache.flush();
    },
    async dispose() {
      if (disposed) return;
      disposed = true;
      clearTimeout(indexBuild);
      for (const subscription of storeSubscriptions) subscription?.dispose();
      handlers.syncs.cancel();
      handlers.taskSyncs.cancel();
      handlers.arv.cancel();
      await Promise.all([handlers.syncs.idle(), handlers.taskSyncs.idle(), handlers.arv.whenIdle()]);
      await cache.dispose();
    },
  };
}
