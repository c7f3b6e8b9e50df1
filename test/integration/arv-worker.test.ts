import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ArvProgress } from '../../src/protocol/arv';
import type { WorkerBackend } from '../../src/worker/client';
import { keepOpenAcquisitions, startArvWorker } from '../helpers/arvWorkerRun';
import { startSandbox, type Sandbox } from '../sandbox/server';

const workerPath = path.join(__dirname, '../helpers/worker-bootstrap.cjs');
const DEALS = 100;

/**
 * 100 deals as the extension runs them: the backend in its worker thread, the host thread only
 * sending requests and receiving pushes, RentCast's stand-in with its 20/s limiter mounted on
 * the GHL sandbox. How long it takes and how still the host stays are figures: npm run bench.
 */
describe('ARV enrichment of 100 deals in the worker', () => {
  let sandbox: Sandbox;
  let backend: WorkerBackend;
  let storageDir: string;
  const pushes: Array<{ channel: string; payload: unknown }> = [];
  let runEnded: (progress: ArvProgress) => void = () => undefined;

  before(async () => {
    sandbox = await startSandbox({ contacts: 600, opportunities: 420 });
    // Exactly 100 open deals in Acquisitions: the rest of its open deals are won.
    const open = keepOpenAcquisitions(sandbox, DEALS);
    assert.ok(open >= DEALS, `${open} open deals in the seed`);
    storageDir = mkdtempSync(path.join(tmpdir(), 'ghl-arv-worker-'));
    backend = await startArvWorker(sandbox, {
      workerPath,
      storageDir,
      onPush: (event) => {
        pushes.push(event);
        if (event.channel === 'ext-ghl:arv-enrich-progress' && event.payload.status !== 'running') runEnded(event.payload);
      },
    });
    for (const channel of ['ext-ghl:contacts-sync', 'ext-ghl:opps-sync']) assert.ok((await backend.request(channel, {})).success, channel);
  });
  after(async () => {
    await backend.dispose();
    await sandbox.close();
    rmSync(storageDir, { recursive: true, force: true });
  });

  it('runs a little below RentCast\'s 20/s with no 429, one GHL write per deal, answering start before the run ends', async () => {
    sandbox.resetStats();
    sandbox.rentcast!.resetStats();
    pushes.length = 0;
    const ended = new Promise<ArvProgress>((resolve) => (runEnded = resolve));
    const started = await backend.request('ext-ghl:arv-enrich-start', {});
    assert.ok(started.success, JSON.stringify(started));
    assert.ok(sandbox.rentcast!.stats.ok < DEALS, 'start answered while lookups were still to come');
    const final = await ended;
    const rc = sandbox.rentcast!.stats;
    const ghlWrites = sandbox.stats.byRoute['PUT /opportunities/{id}'] ?? 0;

    assert.equal(final.status, 'done', final.message ?? '');
    assert.equal(final.total, DEALS);
    assert.equal(final.enriched, DEALS);
    assert.ok(final.lookups >= 2 * DEALS && final.lookups <= 5 * DEALS, `${final.lookups} lookups`);
    assert.equal(rc.ok, final.lookups);
    assert.equal(rc.rateLimited, 0, 'paced under the limit: no 429');
    assert.ok(rc.peakPerSecond <= 18, `peak ${rc.peakPerSecond}/s: a little below RentCast's 20`);
    assert.equal(ghlWrites, DEALS);
    assert.equal(pushes.filter((p) => p.channel === 'ext-ghl:arv-enrich-progress').length, DEALS + 1);
  });
});
