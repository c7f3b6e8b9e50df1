// A process that writes the cache as fast as it can, for the SIGKILL-during-persist test:
// each round records a journal write and upserts a batch of contacts, then flushes. After
// every completed persist it prints how many contacts that file holds.
// Env: GHL_STORAGE_DIR.
import { MIGRATIONS } from '../../src/cacheSchema';
import { CacheStore } from '../../src/db/cacheStore';
import { GhlContactsRepo } from '../../src/db/contactsRepo';
import { makeContact } from './fixtures';

async function main(): Promise<void> {
  const store = await CacheStore.open({ storageDir: process.env.GHL_STORAGE_DIR!, migrations: MIGRATIONS, debounceMs: 0, watchIntervalMs: 20 });
  const repo = new GhlContactsRepo(store.db);
  let next = repo.count();
  process.stdout.write(`start ${next}\n`);
  for (;;) {
    const batch = Array.from({ length: 2000 }, (_, i) => makeContact(`crash-${next + i}`, { name: `Crash ${next + i}`, tags: ['x'] }));
    repo.upsertMany(batch);
    next += batch.length;
    await store.recordWrite({ kind: 'contact', op: 'upsert', contact: makeContact(`journal-${next}`, { name: 'Journal' }) });
    await store.flush();
    process.stdout.write(`persisted ${repo.count()}\n`);
  }
}

void main();
