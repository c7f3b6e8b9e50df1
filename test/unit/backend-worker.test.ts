import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { after, before, describe, it } from 'node:test';
import { createWorkerBackend, type WorkerBackend } from '../../src/worker/client';
import { MemorySecrets, MemorySettings } from '../helpers/backendHarness';
import { startSandbox, type Sandbox } from '../sandbox/server';

describe('backend in a worker thread', () => {
  let sandbox: Sandbox;
  let backend: WorkerBackend;
  let storageDir: string;
  const secrets = new MemorySecrets();
  const settings = new MemorySettings();
  const pushes: Array<{ channel: string; payload: any }> = [];

  before(async () => {
    sandbox = await startSandbox({ contacts: 3000, opportunities: 120 });
    storageDir = mkdtempSync(path.join(tmpdir(), 'ghl-worker-'));
    backend = await createWorkerBackend({
      workerPath: path.join(__dirname, '../helpers/worker-bootstrap.cjs'),
      storageDir,
      secrets,
      settings,
      apiBaseUrl: sandbox.url,
      persistDebounceMs: 50,
      onPush: (channel, payload) => pushes.push({ channel, payload }),
    });
  });
  after(async () => {
    await backend.dispose();
    await sandbox.close();
    rmSync(storageDir, { recursive: true, force: true });
  });

  it('reads and writes secrets and settings on the host side', async () => {
    const view = await backend.request('ext-ghl:settings-set', { token: sandbox.token, locationId: sandbox.locationId });
    assert.equal(view.success, true);
    assert.equal(secrets.values.get('ghl.api-token'), sandbox.token);
    assert.equal(settings.get('ghl.location-id'), sandbox.locationId);
    const test = await backend.request('ext-ghl:connection-test', {});
    assert.equal(test.success && (test.data as any).locationName, 'Sandbox Realty');
  });

  it('syncs with progress pushes while the host event loop stays free', async () => {
    const delay = monitorEventLoopDelay({ resolution: 5 });
    delay.enable();
    const result = await backend.request('ext-ghl:contacts-sync', {});
    await backend.flush();
    delay.disable();
    assert.equal(result.success && (result.data as any).synced, 3000);
    assert.ok(pushes.filter((p) => p.channel === 'ext-ghl:sync-progress').length >= 6);
    const list = await backend.request('ext-ghl:contacts-list', { query: 'a', limit: 5 });
    assert.ok(list.success && (list.data as any).total > 0);
    const diagnostics = await backend.diagnostics();
    assert.ok(diagnostics.persists.length >= 1, 'the cache was written');
    assert.ok((diagnostics.cacheFileBytes ?? 0) > 100_000);
    // Everything heavy ran in the worker: the host never waited long.
    assert.ok(delay.max / 1e6 < 100, `host stall ${delay.max / 1e6} ms`);
  });

  it('picks up settings changed on the host', async () => {
    settings.values.set('ghl.location-id', 'someone-else');
    backend.refreshSettings();
    const denied = await backend.request('ext-ghl:connection-test', {});
    assert.equal(!denied.success && denied.error.code, 'FORBIDDEN');
    settings.values.set('ghl.location-id', sandbox.locationId);
    backend.refreshSettings();
    assert.equal((await backend.request('ext-ghl:connection-test', {})).success, true);
  });

  it('says when its worker has stopped, and still answers with an envelope', async () => {
    const otherDir = mkdtempSync(path.join(tmpdir(), 'ghl-worker-'));
    const other = await createWorkerBackend({
      workerPath: path.join(__dirname, '../helpers/worker-bootstrap.cjs'),
      storageDir: otherDir,
      secrets,
      settings,
      apiBaseUrl: sandbox.url,
    });
    assert.equal(other.alive, true);
    await other.dispose();
    assert.equal(other.alive, false);
    const response = await other.request('ext-ghl:settings-get', {});
    assert.equal(!response.success && response.error.code, 'INTERNAL');
    rmSync(otherDir, { recursive: true, force: true });
  });

  it('answers a bad request with an envelope, never a rejection', async () => {
    const response = await backend.request('ext-ghl:contacts-get', { id: 7 });
    assert.equal(!response.success && response.error.code, 'VALIDATION');
  });
});
