// The local cache: sql.js database, schema, repositories and file persistence.
// Plain Node only (never imports `vscode`).
export { loadSqlJs, defaultWasmPath } from './sqljs';
export type { Database, SqlJsStatic } from './sqljs';
export { CURRENT_SCHEMA_VERSION, MIGRATIONS, migrate, getUserVersion, SchemaTooNewError, type Migration } from './migrations';
export { GhlContactsRepo, type ContactListOptions, type ListResult } from './contactsRepo';
export { GhlOpportunitiesRepo, type OpportunityListOptions, type StageSummary, type StageSummaryOptions } from './opportunitiesRepo';
export { GhlPipelinesRepo } from './pipelinesRepo';
export { GhlSyncStateRepo, type SyncKind, type SyncState } from './syncStateRepo';
export {
  CacheStore,
  CACHE_FILE_NAME,
  LOCK_FILE_NAME,
  isPidAlive,
  type CacheStoreOptions,
  type CacheLogLevel,
  type PersistInfo,
  type Disposable,
} from './cacheStore';
