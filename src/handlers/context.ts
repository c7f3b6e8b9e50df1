import type { ArvAnalysesRepo } from '../arv/analysesRepo';
import type { ArvEstimatesRepo } from '../arv/estimatesRepo';
import type { AgendaRepo } from '../db/agendaRepo';
import type { GhlApi } from '../ghl/api';
import type { GhlContactsRepo } from '../db/contactsRepo';
import type { GhlOpportunitiesRepo } from '../db/opportunitiesRepo';
import type { GhlPipelinesRepo } from '../db/pipelinesRepo';
import type { GhlSyncStateRepo } from '../db/syncStateRepo';
import type { GhlTasksRepo } from '../db/tasksRepo';
import type { GhlLocationsRepo } from '../db/locationsRepo';
import type { JournalEntry } from '../db/writeJournal';
import type { PushPayloads } from '../protocol/channels';
import type { SecretStore, SettingsStore } from '../protocol/settings';

export interface Repos {
  contacts: GhlContactsRepo;
  opportunities: GhlOpportunitiesRepo;
  pipelines: GhlPipelinesRepo;
  syncState: GhlSyncStateRepo;
  arvEstimates: ArvEstimatesRepo;
  /** #18 */
  agenda: AgendaRepo;
  /** Issue 19: the deal analyzer's stored comps and exclusions. */
  arvAnalyses: ArvAnalysesRepo;
  // #17
  tasks: GhlTasksRepo;
  /** The location details GHL last gave (its time zone counts the days). */
  locations: GhlLocationsRepo;
}

export type LogFn = (level: 'debug' | 'info' | 'warn' | 'error', message: string) => void;

/** Everything the handlers use, injected so they run in plain Node and in tests. */
export interface HandlerContext {
  /** The repositories over the current cache database (rebuilt if another window reloads it). */
  repos(): Repos;
  markDirty(): void;
  /** Writes a change GHL accepted into the cache so that no window, restart or crash loses it. */
  recordWrite(entry: JournalEntry): Promise<void>;
  settings: SettingsStore;
  secrets: SecretStore;
  /** The API client for the configured token, created on first use; NOT_CONFIGURED without one. */
  api(): Promise<GhlApi>;
  /** Forgets the client so the next call picks up new settings. */
  resetApi(): void;
  push<K extends keyof PushPayloads>(channel: K, payload: PushPayloads[K]): void;
  now(): number;
  log: LogFn;
}
