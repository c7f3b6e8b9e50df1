import type { ArvEstimatesRepo } from '../arv/estimatesRepo';
import type { GhlApi } from '../ghl/api';
import type { GhlContactsRepo } from '../db/contactsRepo';
import type { GhlOpportunitiesRepo } from '../db/opportunitiesRepo';
import type { GhlPipelinesRepo } from '../db/pipelinesRepo';
import type { GhlSyncStateRepo } from '../db/syncStateRepo';
import type { JournalEntry } from '../db/writeJournal';
import type { PushPayloads } from '../protocol/channels';

export const SECRET_TOKEN_KEY = 'ghl.api-token';
/** Setting keys are the VS Code configuration keys the extension contributes: one spelling everywhere. */
export const SETTING_LOCATION_ID = 'ghl.locationId';
export const SETTING_DEFAULT_PIPELINE = 'ghl.defaultPipeline';
export const SETTING_API_BASE_URL = 'ghl.apiBaseUrl';
/** The RentCast key, in SecretStorage beside the token (ARV settings: src/handlers/arvSettings.ts). */
export const SECRET_RENTCAST_KEY = 'ghl.rentcast-api-key';

/** Hosts whose values change outside settings-set (the worker's copy of the host's) say so here. */
export interface ChangeSource {
  onDidChange?(listener: () => void): { dispose(): void };
}

export interface SecretStore extends ChangeSource {
  get(key: string): Promise<string | undefined>;
  store(key: string, value: string): Promise<void>;
  delete(key: string): Promise<void>;
}

export interface SettingsStore extends ChangeSource {
  get(key: string): unknown;
  update(key: string, value: unknown): Promise<void>;
}

/** Where the token and the settings are kept. */
export interface SettingsStores {
  secrets: SecretStore;
  settings: SettingsStore;
}

export interface Repos {
  contacts: GhlContactsRepo;
  opportunities: GhlOpportunitiesRepo;
  pipelines: GhlPipelinesRepo;
  syncState: GhlSyncStateRepo;
  arvEstimates: ArvEstimatesRepo;
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
