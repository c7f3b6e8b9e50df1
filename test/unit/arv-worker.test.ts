import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { after, before, describe, it } from 'node:test';
import type { ArvProgress } from '../../src/protocol/arv';
import { createWorkerBackend, type WorkerBackend } from '../../src/worker/client';
import { SANDBOX_ARV_FIELD_KEYS } from '../sandbox/data';
import { RENTCAST_SANDBOX_KEY } from '../sandbox/rentcast';
import { startSandbox, type Sandbox } from '../sandbox/server';

const workerPath = path.join(__dirname, '../helpers/worker-bootstrap.cjs');
const DEALS = 100;

/**
 * The figures for 100 deals, as the extension runs them: the backend in its worker
 * thread, the host thread only sending requests and receiving pushes, RentCast's stand-in with
 * its 20/s limiter mounted on the GHL sandbox.
 */
describe('ARV enrichment of 100 deals in the worker', () => {
  let sandbox: Sandbox;
  let backend: WorkerBackend;
  let storageDir: string;
  const pushes: Array<{ channel: string; payload: unknown }> = [];

  before(async () => {
    sandbox = await startSandbox({ contacts: 600, opportunities: 420 });
    // Exactly 100 open deals in Acquisitions: the rest of its open deals are won.
    const pipeline = sandbox.store.pipelines.find((p) => p.name === 'Acquisitions')!;
    const open = [...sandbox.store.opportunities.values()].filter((o) => o.pipelineId === pipeline.id && o.status === 'open');
    assert.ok(open.length >= DEALS, `${open.length} open deals in the seed`);
    for (const o of open.slice(DEALS)) o.status = 'won';
    storageDir = mkdtempSync(path.join(tmpdir(), 'ghl-arv-worker-'));
    backend = await createWorkerBackend({
      workerPath,
      storageDir,
      persistDebounceMs: 200,
      connection: {
        token: sandbox.token,
        locationId: sandbox.locationId,
        defaultPipeline: 'Acquisitions',
        apiBaseUrl: sandbox.url,
        rentcastApiKey: RENTCAST_SANDBOX_KEY,
        arv: { 'ghl.arv.rentcastBaseUrl': sandbox.url, 'ghl.arv.sqftField': SANDBOX_ARV_FIELD_KEYS.sqft, 'ghl.arv.repairsField': SANDBOX_ARV_FIELD_KEYS.repairs },
      },
      onPush: (event) => pushes.push(event),
    });
    for (const channel of ['ext-ghl:contacts-sync', 'ext-ghl:opps-sync']) assert.ok((await backend.request(channel, {})).success, channel);
  });
  after(async () => {
    await backend.dispose();
    await sandbox.close();
    rmSync(storageDir, { recursive: true, force: true });
  });

  it('runs at RentCast\'s 20/s with no 429, one GHL write per deal, and never stalls the host', async () => {
    sandbox.resetStats();
    sandbox.rentcast!.resetStats();
    pushes.length = 0;
    const delay = monitorEventLoopDelay({ resolution: 5 });
    delay.enable();
    const startedAt = performance.now();
    const started = await backend.request('ext-ghl:arv-enrich-start', {});
    assert.ok(started.success, JSON.stringify(started));
    const answeredMs = performance.now() - startedAt;
    const final = await new Promise<ArvProgress>((resolve) => {
      const check = setInterval(() => {
        const last = pushes.at(-1)?.payload as ArvProgress | undefined;
        if (last && last.status !== 'running') {
          clearInterval(check);
          resolve(last);
        }
      }, 10);
    });
    const wallSeconds = (performance.now() - startedAt) / 1000;
    delay.disable();
    const rc = sandbox.rentcast!.stats;
    const ghlWrites = sandbox.stats.byRoute['PUT /opportunities/{id}'] ?? 0;
    const stallMs = delay.max / 1e6;

    assert.equal(final.status, 'done', final.message ?? '');
    assert.equal(final.total, DEALS);
    assert.equal(final.enriched, DEALS);
    assert.equal(final.lookups, DEALS);
    assert.equal(rc.ok, DEALS);
    assert.equal(rc.rateLimited, 0, 'paced under the limit: no 429');
    assert.ok(rc.peakPerSecond <= 20, `peak ${rc.peakPerSecond}/s`);
    assert.equal(ghlWrites, DEALS);
    assert.ok(wallSeconds >= (DEALS - 20) / 20, `100 lookups at 20/s take at least 4 s, took ${wallSeconds.toFixed(2)} s`);
    assert.ok(answeredMs < 2000, `start answers at once (${answeredMs.toFixed(0)} ms)`);
    assert.equal(pushes.filter((p) => p.channel === 'ext-ghl:arv-enrich-progress').length, DEALS + 1);
    assert.ok(stallMs < 100, `host stall ${stallMs.toFixed(1)} ms`);
    console.log(
      `figure: ARV run over ${DEALS} deals in the worker: ${wallSeconds.toFixed(2)} s wall (start answered in ${answeredMs.toFixed(0)} ms), ` +
        `${final.lookups} lookups (${rc.requests} RentCast requests, ${rc.rateLimited} × 429, peak ${rc.peakPerSecond}/s), ${ghlWrites} GHL writes, ` +
        `host event loop: max ${stallMs.toFixed(1)} ms, p99 ${(delay.percentile(99) / 1e6).toFixed(1)} ms`,
    );
  });
});
