import { before } from 'node:test';
import type { Database, SqlJsStatic } from 'sql.js';
import { migrate } from '../../src/cacheSchema';
import { loadSqlJs } from '../../src/db/sqljs';

/** Registers a before() that loads sql.js once; answers a factory of empty databases at the cache's schema. */
export function migratedDbs(): () => Database {
  let SQL: SqlJsStatic | undefined;
  before(async () => {
    SQL = await loadSqlJs();
  });
  return () => {
    if (!SQL) throw new Error('sql.js is not loaded yet: call the factory inside a test');
    const db = new SQL.Database();
    migrate(db);
    return db;
  };
}
