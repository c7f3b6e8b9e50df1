// SIGKILL at random moments while a process persists the cache: the next open always
// finds a sound cache (never a moved-aside or half-written file) holding at least what the
// last completed persist held, and every acknowledged journal write.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { after, describe, it } from 'node:test';
import { MIGRATIONS } from '../../src/cacheSchema';
import { CacheStore } from '../../src/db/cacheStore';
import { GhlContactsRepo } from '../../src/db/contactsRepo';

const loopScript = path.join(import.meta.dirname, '../helpers/persistLoop.ts');
const storageDir = mkdtempSync(path.join(tmpdir(), 'ghl-crash-'));
after(() => rmSync(storageDir, { recursive: true, force: true }));

/** Runs the persist loop until it has started (plus a random delay), SIGKILLs it, returns the last persisted count. */
async function runAndKill(delayMs: number): Promise<number> {
  const child = spawn(process.execPath, ['--import', 'tsx', loopScript], { env: { ...process.env, GHL_STORAGE_DIR: storageDir }, stdio: ['ignore', 'pipe', 'inherit'] });
  let persisted = -1;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      const [what, count] = line.split(' ');
      if (what === 'start') {
        persisted = Number(count);
        setTimeout(() => {
          child.kill('SIGKILL');
          resolve();
        }, delayMs);
      } else if (what === 'persisted') persisted = Number(count);
    });
  });
  await exited;
  return persisted;
}

describe('SIGKILL during persist', () => {
  it('every kill leaves a cache that opens, with at least what was last persisted', async () => {
    const kills = 12;
    const persistsSeen: number[] = [];
    for (let i = 0; i < kills; i++) {
      const persisted = await runAndKill(40 + Math.floor(Math.random() * 400));
      const logs: string[] = [];
      const store = await CacheStore.open({ storageDir, migrations: MIGRATIONS, log: (level, msg) => logs.push(`${level} ${msg}`) });
      try {
        assert.equal(store.recovered, null, `kill ${i}: the file opened (${logs.join(' | ')})`);
        assert.equal(store.db.exec('PRAGMA quick_check')[0]!.values[0]![0], 'ok');
        const count = new GhlContactsRepo(store.db).count();
        assert.ok(count >= persisted, `kill ${i}: ${count} contacts, the last completed persist had ${persisted}`);
        persistsSeen.push(persisted);
      } finally {
        await store.dispose();
      }
    }
    assert.ok(persistsSeen.some((n) => n > 0), 'some persists completed before a kill');
    const strays = readdirSync(storageDir).filter((n) => n.includes('.corrupt-'));
    assert.deepEqual(strays, [], 'no file was ever moved aside as corrupt');
    console.log(`SIGKILL during persist: ${kills} kills, last persisted counts ${persistsSeen.join(', ')}`);
  });
});
