// Two VS Code windows on one cache: two real processes on one storage directory, one of
// them holding the single-writer lock. Every write GHL accepted and the backend answered
// with success must be in the cache a fresh window opens afterwards, whichever window
// made it and however the windows ended (close in either order, SIGKILL of either).
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { createBackend } from '../../src/backend';
import { JOURNAL_DIR_NAME } from '../../src/db/cacheStore';
import { EXT_GHL_IPC as C } from '../../src/protocol/channels';
import type { Envelope } from '../../src/protocol/envelope';
import { SECRET_TOKEN_KEY, SETTING_LOCATION_ID } from '../../src/protocol/settings';
import { MemorySecrets, MemorySettings } from '../helpers/backendHarness';
import { startSandbox, type Sandbox } from '../sandbox/server';

const windowScript = path.join(import.meta.dirname, '../helpers/cacheWindow.ts');

class Window {
  private nextId = 1;
  private readonly pending = new Map<number, (message: any) => void>();
  readonly exited: Promise<number | null>;
  pid = 0;

  private constructor(private readonly child: ChildProcessWithoutNullStreams) {
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    void this.exited.then(() => {
      for (const resolve of this.pending.values()) resolve({ gone: true });
      this.pending.clear();
    });
  }

  static async start(env: Record<string, string>): Promise<Window> {
    const child = spawn(process.execPath, ['--import', 'tsx', windowScript], { env: { ...process.env, ...env }, stdio: 'pipe' });
    const window = new Window(child);
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const lines = createInterface({ input: child.stdout });
    const ready = new Promise<void>((resolve, reject) => {
      lines.on('line', (line) => {
        const message = JSON.parse(line);
        if (message.ready) {
          window.pid = message.pid;
          resolve();
        } else {
          window.pending.get(message.id)?.(message);
          window.pending.delete(message.id);
        }
      });
      void window.exited.then((code) => reject(new Error(`window exited with ${code} before it was ready: ${stderr}`)));
    });
    await ready;
    return window;
  }

  private send(command: Record<string, unknown>): Promise<any> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.child.stdin.write(`${JSON.stringify({ id, ...command })}\n`);
    });
  }

  async request(channel: string, payload: unknown = {}): Promise<Envelope> {
    const answer = await this.send({ op: 'request', channel, payload });
    return answer.gone ? { success: false, error: { code: 'INTERNAL', message: 'window gone' } } : answer.envelope;
  }

  async isWriter(): Promise<boolean> {
    return (await this.send({ op: 'diagnostics' })).diagnostics.isCacheWriter;
  }

  async close(): Promise<void> {
    await this.send({ op: 'close' });
    await this.exited;
  }

  async kill(): Promise<void> {
    this.child.kill('SIGKILL');
    await this.exited;
  }
}

/** What the cache must show for each record after the windows are gone, from acknowledged writes only. */
class Ledger {
  readonly contacts = new Map<string, { company: string } | 'deleted'>();
  readonly opportunities = new Map<string, string>();
  acknowledged = 0;

  async create(window: Window, tag: string): Promise<string | undefined> {
    const company = `created ${tag}`;
    const response = await window.request(C.CONTACTS_CREATE, { contact: { firstName: 'Two', lastName: `Windows ${tag}`, companyName: company } });
    if (!response.success) return undefined;
    const id = (response.data as { id: string }).id;
    this.contacts.set(id, { company });
    this.acknowledged++;
    return id;
  }

  async update(window: Window, id: string, tag: string): Promise<void> {
    const company = `updated ${tag}`;
    const response = await window.request(C.CONTACTS_UPDATE, { id, data: { companyName: company } });
    assert.ok(response.success, JSON.stringify(response));
    this.contacts.set(id, { company });
    this.acknowledged++;
  }

  async remove(window: Window, id: string): Promise<void> {
    const response = await window.request(C.CONTACTS_DELETE, { id });
    assert.ok(response.success, JSON.stringify(response));
    this.contacts.set(id, 'deleted');
    this.acknowledged++;
  }

  async setStatus(window: Window, id: string, status: 'won' | 'lost' | 'open' | 'abandoned'): Promise<void> {
    const response = await window.request(C.OPPS_UPDATE_STATUS, { id, status });
    assert.ok(response.success, JSON.stringify(response));
    this.opportunities.set(id, status);
    this.acknowledged++;
  }
}

describe('two windows on one cache (two processes)', () => {
  let sandbox: Sandbox;
  let storageDir: string;
  const ledger = new Ledger();
  let opportunityIds: string[] = [];
  /** Distinct records that some check found missing a write (a record lost once counts once). */
  const everLost = new Set<string>();

  before(async () => {
    sandbox = await startSandbox({ contacts: 300, opportunities: 80 });
    storageDir = mkdtempSync(path.join(tmpdir(), 'ghl-two-windows-'));
    opportunityIds = [...sandbox.store.opportunities.keys()];
  });
  after(async () => {
    console.log(`two windows: ${ledger.acknowledged} acknowledged writes, ${everLost.size} records lost`);
    await sandbox.close();
    rmSync(storageDir, { recursive: true, force: true });
  });

  const open = (debounceMs = 50) =>
    Window.start({
      GHL_SANDBOX_URL: sandbox.url,
      GHL_SANDBOX_TOKEN: sandbox.token,
      GHL_LOCATION_ID: sandbox.locationId,
      GHL_STORAGE_DIR: storageDir,
      GHL_PERSIST_DEBOUNCE_MS: String(debounceMs),
    });

  /** Opens the cache as a new window would (no sync) and lists every acknowledged write it lacks. */
  async function lostWrites(): Promise<string[]> {
    const secrets = new MemorySecrets();
    secrets.values.set(SECRET_TOKEN_KEY, sandbox.token);
    const settings = new MemorySettings();
    settings.values.set(SETTING_LOCATION_ID, sandbox.locationId);
    const fresh = await createBackend({ storageDir, secrets, settings, apiBaseUrl: sandbox.url, persistDebounceMs: 50 });
    const lost: string[] = [];
    try {
      for (const [id, expected] of ledger.contacts) {
        const response = await fresh.request(C.CONTACTS_GET, { id });
        if (expected === 'deleted') {
          if (response.success) lost.push(`contact ${id}: deleted, but still cached`);
        } else if (!response.success) {
          lost.push(`contact ${id}: ${response.error.code}`);
        } else if ((response.data as { companyName: string | null }).companyName !== expected.company) {
          lost.push(`contact ${id}: company ${(response.data as { companyName: string | null }).companyName}, expected ${expected.company}`);
        }
      }
      for (const [id, status] of ledger.opportunities) {
        const response = await fresh.request(C.OPPS_GET, { id });
        if (!response.success || (response.data as { status: string }).status !== status) lost.push(`opportunity ${id}: expected ${status}`);
      }
    } finally {
      await fresh.dispose();
    }
    for (const line of lost) everLost.add(line.split(':')[0]!);
    return lost;
  }

  const myContacts = new Map<Window, string[]>();
  async function creates(window: Window, n: number, tag: string): Promise<void> {
    const mine = myContacts.get(window) ?? [];
    myContacts.set(window, mine);
    for (let i = 0; i < n; i++) {
      const id = await ledger.create(window, `${tag}-${i}`);
      if (id) mine.push(id);
    }
  }
  /** Updates the window's own latest contacts (or `ids`): no two windows update one contact at once. */
  async function updates(window: Window, n: number, tag: string, ids = myContacts.get(window) ?? []): Promise<void> {
    const targets = ids.slice(-n);
    assert.equal(targets.length, n, 'enough contacts to update');
    for (const [i, id] of targets.entries()) await ledger.update(window, id, `${tag}-${i}`);
  }
  async function deletes(window: Window, n: number): Promise<void> {
    const mine = myContacts.get(window) ?? [];
    for (let i = 0; i < n && mine.length > 0; i++) await ledger.remove(window, mine.shift()!);
  }

  it('write-only round: both windows write, the reader closes first, then the writer', async () => {
    const a = await open();
    const b = await open();
    assert.equal(await a.isWriter(), true);
    assert.equal(await b.isWriter(), false, 'the second window does not hold the lock');
    await Promise.all([
      (async () => {
        await creates(a, 20, 'r1a');
        await updates(a, 10, 'r1a');
        await deletes(a, 5);
      })(),
      (async () => {
        await creates(b, 20, 'r1b');
        await updates(b, 10, 'r1b');
        await deletes(b, 5);
      })(),
    ]);
    await b.close();
    await a.close();
    assert.deepEqual(await lostWrites(), []);
    assert.deepEqual(readdirSync(path.join(storageDir, JOURNAL_DIR_NAME)), [], 'the writer deleted every journal entry it persisted');
  });

  it('writes during syncs; the writer closes while the reader keeps writing', async () => {
    const a = await open();
    const b = await open();
    assert.ok((await a.request(C.CONTACTS_SYNC, {})).success);
    await Promise.all([
      (async () => {
        for (let i = 0; i < 3; i++) {
          assert.ok((await a.request(C.CONTACTS_SYNC, {})).success);
          assert.ok((await a.request(C.OPPS_SYNC, {})).success);
        }
        await creates(a, 10, 'r2a');
      })(),
      (async () => {
        await creates(b, 15, 'r2b');
        assert.ok((await b.request(C.CONTACTS_SYNC, {})).success);
        await updates(b, 10, 'r2b');
        for (const id of opportunityIds.slice(0, 5)) await ledger.setStatus(b, id, 'won');
      })(),
    ]);
    const closing = a.close();
    await creates(b, 10, 'r2b-after');
    await closing;
    await b.close();
    assert.deepEqual(await lostWrites(), []);
  });

  it('the writer is killed (SIGKILL) with unsaved writes while the other window has pending writes', async () => {
    const a = await open(1500);
    const b = await open();
    assert.equal(await a.isWriter(), true);
    await Promise.all([creates(a, 10, 'r3a'), creates(b, 10, 'r3b')]);
    await a.kill();
    await creates(b, 10, 'r3b-after');
    await updates(b, 5, 'r3b');
    for (const id of opportunityIds.slice(5, 10)) await ledger.setStatus(b, id, 'lost');
    await b.close();
    assert.deepEqual(await lostWrites(), []);
  });

  it('the reader is killed (SIGKILL) right after its writes were answered; the writer closes later', async () => {
    const a = await open();
    const b = await open();
    assert.equal(await b.isWriter(), false);
    await creates(b, 15, 'r4b');
    await deletes(b, 5);
    await b.kill();
    const earlier = [...ledger.contacts].filter(([, state]) => state !== 'deleted').map(([id]) => id);
    await updates(a, 10, 'r4a', earlier.slice(0, 10));
    await a.close();
    assert.deepEqual(await lostWrites(), []);
  });

  it('the second window opened first holds the lock; it closes while the other writes and syncs', async () => {
    const b = await open();
    const a = await open();
    assert.equal(await b.isWriter(), true);
    const writing = (async () => {
      await creates(a, 15, 'r5a');
      assert.ok((await a.request(C.CONTACTS_SYNC, {})).success);
      await updates(a, 5, 'r5a');
    })();
    await creates(b, 10, 'r5b');
    await b.close();
    await writing;
    await a.close();
    assert.deepEqual(await lostWrites(), []);
    assert.ok(ledger.acknowledged >= 200, `${ledger.acknowledged} acknowledged writes`);
  });
});
