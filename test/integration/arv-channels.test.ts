import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { customFieldText } from '../../src/ghl/customFieldValues';
import { SANDBOX_ARV_FIELD_KEYS } from '../sandbox/data';
import { RENTCAST_SANDBOX_KEY } from '../sandbox/rentcast';
import { startHarness, type Harness } from '../helpers/backendHarness';
import { pollUntil } from '../helpers/waitUntil';

const RENTCAST_KEY_SECRET = 'ghl.rentcast-api-key';

/** The ARV channels end to end: createBackend → the GHL sandbox with the RentCast stand-in mounted on it. */
async function arvHarness(rentcast: { ratePerSecond?: number } = {}): Promise<Harness & { pipelineId: string; arvFieldId: string }> {
  const h = await startHarness({ sandbox: { contacts: 300, opportunities: 120, rentcast } });
  await h.restart({ rentcastBaseUrl: h.sandbox.url });
  h.secrets.values.set(RENTCAST_KEY_SECRET, RENTCAST_SANDBOX_KEY);
  h.settings.values.set('ghl.arv.sqftField', SANDBOX_ARV_FIELD_KEYS.sqft);
  h.settings.values.set('ghl.arv.repairsField', SANDBOX_ARV_FIELD_KEYS.repairs);
  // Sold comps cost 2–5 lookups a deal: a budget no run here reaches unless a test sets one.
  h.settings.values.set('ghl.arv.maxLookupsPerRun', 10_000);
  await h.data('ext-ghl:contacts-sync');
  await h.data('ext-ghl:opps-sync');
  const pipeline = h.sandbox.store.pipelines.find((p) => p.name === 'Acquisitions')!;
  const arvField = h.sandbox.store.customFields.find((f) => f.fieldKey === SANDBOX_ARV_FIELD_KEYS.arv)!;
  return Object.assign(h, { pipelineId: pipeline.id, arvFieldId: arvField.id });
}

async function runToEnd(h: Harness, payload: Record<string, unknown> = { pipelineName: 'Acquisitions' }): Promise<any> {
  await h.data('ext-ghl:arv-enrich-start', payload);
  return waitIdle(h);
}

async function waitIdle(h: Harness): Promise<any> {
  let status: any;
  await pollUntil('the ARV run to end', async () => (status = await h.data('ext-ghl:arv-enrich-status')).status !== 'running', { checks: 1500, intervalMs: 20 });
  return status;
}

function openDeals(h: Harness & { pipelineId: string }) {
  return [...h.sandbox.store.opportunities.values()].filter((o) => o.pipelineId === h.pipelineId && o.status === 'open');
}

function sandboxArv(h: Harness & { arvFieldId: string }, opportunityId: string): unknown {
  return h.sandbox.store.opportunities.get(opportunityId)!.customFields.find((f) => f.id === h.arvFieldId)?.value;
}

describe('ARV enrichment channels against the sandbox', () => {
  let h: Awaited<ReturnType<typeof arvHarness>>;
  before(async () => {
    h = await arvHarness();
  });
  after(async () => h.close());

  it('plans the run: deals, lookups and the budget, without spending a lookup', async () => {
    const plan = await h.data('ext-ghl:arv-enrich-plan', { pipelineName: 'acquisitions' });
    assert.equal(plan.pipelineId, h.pipelineId);
    assert.equal(plan.total, openDeals(h).length);
    assert.ok(plan.total >= 10, `${plan.total} open deals`);
    // Sold comps: the AVM and one search per deal at least, up to every widening.
    assert.deepEqual(plan.lookupsPerDeal, { min: 2, max: 5 });
    assert.equal(plan.lookups, plan.needLookup * 2);
    assert.equal(plan.lookupsMax, plan.needLookup * 5);
    assert.equal(h.sandbox.rentcast!.stats.requests, 0);
  });

  it('start answers at once; the run writes each ARV to GHL and the cache and pushes progress after every deal', async () => {
    h.pushes.length = 0;
    h.sandbox.resetStats();
    const started = await h.data('ext-ghl:arv-enrich-start', { pipelineName: h.pipelineId });
    assert.equal(typeof started.runId, 'string');
    assert.equal(started.total, openDeals(h).length);
    const status = await waitIdle(h);
    assert.equal(status.status, 'done', status.message);
    assert.equal(status.runId, started.runId);
    assert.equal(status.enriched, started.total);
    assert.ok(status.lookups >= started.lookups && status.lookups <= started.total * 5, `${status.lookups} lookups for ${started.total} deals`);
    assert.equal(h.sandbox.rentcast!.stats.ok, status.lookups, 'every request counted');
    assert.equal(h.sandbox.stats.byRoute['PUT /opportunities/{id}'], started.total, 'one GHL write per deal');

    const progress = h.pushes.filter((p) => p.channel === 'ext-ghl:arv-enrich-progress').map((p) => p.payload as any);
    assert.equal(progress.length, started.total + 1, 'one push per deal and a closing one');
    assert.deepEqual(progress.slice(0, -1).map((p) => p.processed), progress.slice(0, -1).map((_p, i) => i + 1));
    assert.equal(progress.at(-1).deal, null);
    assert.equal(progress.at(-1).status, 'done');

    const ids = openDeals(h).map((o) => o.id);
    const { items } = await h.data('ext-ghl:arv-estimates-list', { opportunityIds: ids });
    assert.equal(items.length, ids.length);
    for (const estimate of items) {
      assert.ok(estimate.arv > 0 && estimate.arv % 1000 === 0, `ARV ${estimate.arv} rounded to $1,000`);
      assert.equal(estimate.writtenValue, estimate.arv);
      assert.equal(Number(sandboxArv(h, estimate.opportunityId)), estimate.arv, 'the sandbox field holds the ARV');
      const cached = await h.data('ext-ghl:opps-get', { id: estimate.opportunityId });
      assert.equal(customFieldText(cached.customFields, h.arvFieldId), String(estimate.arv), 'the cache holds it too');
      assert.ok(Math.abs(estimate.mao - (estimate.arv * 0.7 - estimate.repairs)) < 0.01, 'MAO = ARV × 70 % − repairs');
      assert.ok(['high', 'medium', 'low'].includes(estimate.confidence));
    }
    assert.ok(items.some((e: any) => e.repairs > 0), 'the repairs field is read');

    const above = items.filter((e: any) => h.sandbox.store.opportunities.get(e.opportunityId)!.monetaryValue > e.mao);
    assert.ok(above.length > 0, 'the seed has deals priced above their MAO');
    const briefing = await h.backend.dailyBriefing({ since: null });
    assert.match(briefing, /## Open deals above their MAO/);
    assert.match(briefing, new RegExp(`\\*\\*${above.length}\\*\\* of ${items.length} estimated open deals are valued above`));
  });

  it('a second run skips the fresh deals; force looks every one up again', async () => {
    h.sandbox.rentcast!.resetStats();
    const again = await runToEnd(h);
    assert.equal(again.status, 'done');
    assert.equal(again.lookups, 0);
    assert.equal(again.skipped, again.total);
    assert.equal(h.sandbox.rentcast!.stats.requests, 0);
    const forced = await runToEnd(h, { pipelineName: 'Acquisitions', force: true });
    assert.ok(forced.lookups >= forced.total * 2);
    assert.equal(forced.enriched, forced.total);
  });

  it('keeps a value in the ARV field that the extension did not write, unless forced', async () => {
    const deal = openDeals(h)[0]!;
    const field = deal.customFields.find((f) => f.id === h.arvFieldId)!;
    field.value = '123456';
    await h.data('ext-ghl:opps-sync');
    const kept = await runToEnd(h);
    assert.equal(sandboxArv(h, deal.id), '123456');
    assert.equal(kept.lookups, 0);
    const forced = await runToEnd(h, { pipelineName: 'Acquisitions', force: true });
    assert.equal(forced.status, 'done');
    assert.notEqual(sandboxArv(h, deal.id), '123456');
  });

  it('cancel stops the run after the deal in flight; the next run resumes where it stopped', async () => {
    h.sandbox.rentcast!.latencyMs = 30;
    h.pushes.length = 0;
    const started = await h.data('ext-ghl:arv-enrich-start', { pipelineName: 'Acquisitions', force: true });
    await pollUntil('the first progress push', () => h.pushes.some((p) => p.channel === 'ext-ghl:arv-enrich-progress'), { intervalMs: 5 });
    const cancel = await h.data('ext-ghl:arv-enrich-cancel');
    assert.equal(cancel.cancelled, true);
    assert.equal(cancel.status.status, 'cancelled');
    assert.ok(cancel.status.processed < started.total, `${cancel.status.processed} of ${started.total}`);
    assert.match(cancel.status.message, /resumes/);
    assert.equal((await h.data('ext-ghl:arv-enrich-cancel')).cancelled, false, 'nothing left to cancel');
    h.sandbox.rentcast!.latencyMs = 0;
    // Everything not yet re-estimated in the forced run is still fresh from before: resume means nothing is redone.
    const resumed = await runToEnd(h);
    assert.equal(resumed.lookups, 0);
    assert.equal(resumed.enriched + resumed.skipped, resumed.total);
  });

  it('stops at the lookup budget and says so', async () => {
    h.settings.values.set('ghl.arv.maxLookupsPerRun', 3);
    try {
      const plan = await h.data('ext-ghl:arv-enrich-plan', { pipelineName: 'Acquisitions', force: true });
      assert.equal(plan.lookups, 3);
      const status = await runToEnd(h, { pipelineName: 'Acquisitions', force: true });
      assert.equal(status.status, 'done');
      assert.equal(status.budgetReached, true);
      // One deal fits (2 lookups at least), its widenings may take it past; the next does not start.
      assert.equal(status.enriched, 1);
      assert.ok(status.lookups >= 2 && status.lookups <= 5, `${status.lookups} lookups`);
      assert.match(status.message, /budget of 3 lookups/);
    } finally {
      h.settings.values.delete('ghl.arv.maxLookupsPerRun');
    }
  });

  it('records a 404 (unknown address) and goes on with the other deals', async () => {
    const contact = await h.data('ext-ghl:contacts-create', {
      contact: { firstName: 'Nowhere', address1: '1 Nowhere Rd', city: 'Atlantis', state: 'ZZ', postalCode: '00000' },
    });
    const opp = await h.data('ext-ghl:opps-create', { opportunity: { name: 'Lost city deal', pipelineId: h.pipelineId, contactId: contact.id } });
    const status = await runToEnd(h);
    assert.equal(status.status, 'done');
    assert.equal(status.failed, 1);
    assert.match(status.lastError, /Lost city deal/);
    const { items } = await h.data('ext-ghl:arv-estimates-list', { opportunityIds: [opp.id] });
    assert.equal(items[0].errorKind, 'not-found');
    assert.equal(sandboxArv(h, opp.id), undefined, 'nothing written for it');
    const next = await runToEnd(h);
    assert.equal(next.lookups, 0, 'a not-found address is not looked up again within maxAgeDays');
  });

  it('a wrong RentCast key stops the run with a clear message, and no key is ever in a file, log, push or setting', async () => {
    const wrongKey = 'rc_wrong_key_which_is_secret_42';
    h.secrets.values.set(RENTCAST_KEY_SECRET, wrongKey);
    h.pushes.length = 0;
    try {
      const status = await runToEnd(h, { pipelineName: 'Acquisitions', force: true });
      assert.equal(status.status, 'failed');
      assert.equal(status.lookups, 1, 'stops at the first 401');
      assert.match(status.message, /Set RentCast API Key/);
    } finally {
      h.secrets.values.set(RENTCAST_KEY_SECRET, RENTCAST_SANDBOX_KEY);
    }
    const view = await h.data('ext-ghl:settings-get');
    assert.equal(view.rentcastApiKey, `${RENTCAST_SANDBOX_KEY.slice(0, 4)}…${RENTCAST_SANDBOX_KEY.slice(-4)}`);
    await h.backend.flush();
    const files = readdirSync(h.storageDir, { recursive: true, withFileTypes: true }).filter((d) => d.isFile());
    assert.ok(files.length > 0);
    for (const key of [wrongKey, RENTCAST_SANDBOX_KEY]) {
      for (const file of files) assert.ok(!readFileSync(path.join(file.parentPath, file.name)).includes(key), `${file.name} holds no key`);
      assert.ok(!h.logs.join('\n').includes(key), 'no key in the log');
      assert.ok(!JSON.stringify(h.pushes).includes(key), 'no key in a push');
      assert.ok(![...h.settings.values.values()].some((v) => JSON.stringify(v).includes(key)), 'no key in the settings');
    }
  });

  it('settings-set stores the key in the secret store and answers it masked', async () => {
    const view = await h.data('ext-ghl:settings-set', { rentcastApiKey: 'rc_new_key_000000001' });
    assert.equal(view.rentcastApiKey, 'rc_n…0001');
    assert.equal(h.secrets.values.get(RENTCAST_KEY_SECRET), 'rc_new_key_000000001');
    h.secrets.values.set(RENTCAST_KEY_SECRET, RENTCAST_SANDBOX_KEY);
  });

  it('says what is missing: no key, no ARV field, an unknown pipeline, a second run', async () => {
    h.secrets.values.delete(RENTCAST_KEY_SECRET);
    const noKey = await h.backend.request('ext-ghl:arv-enrich-start', { pipelineName: 'Acquisitions' });
    assert.equal(!noKey.success && noKey.error.code, 'NOT_CONFIGURED');
    h.secrets.values.set(RENTCAST_KEY_SECRET, RENTCAST_SANDBOX_KEY);
    h.settings.values.set('ghl.arv.field', 'opportunity.no_such_field');
    const noField = await h.backend.request('ext-ghl:arv-enrich-plan', { pipelineName: 'Acquisitions' });
    h.settings.values.delete('ghl.arv.field');
    assert.equal(!noField.success && noField.error.code, 'NOT_FOUND');
    assert.match(!noField.success ? noField.error.message : '', /ghl\.arv\.field/);
    const noPipeline = await h.backend.request('ext-ghl:arv-enrich-plan', { pipelineName: 'Flips' });
    assert.equal(!noPipeline.success && noPipeline.error.code, 'NOT_FOUND');
    h.sandbox.rentcast!.latencyMs = 30;
    await h.data('ext-ghl:arv-enrich-start', { pipelineName: 'Acquisitions', force: true });
    const second = await h.backend.request('ext-ghl:arv-enrich-start', { pipelineName: 'Acquisitions' });
    assert.equal(!second.success && second.error.code, 'VALIDATION');
    assert.match(!second.success ? second.error.message : '', /already in progress/);
    await h.data('ext-ghl:arv-enrich-cancel');
    h.sandbox.rentcast!.latencyMs = 0;
  });

  it('without an ARV field, says how to make one, and arv-create-field makes it (MONETORY, model opportunity)', async () => {
    const existing = await h.data('ext-ghl:arv-create-field');
    assert.deepEqual([existing.existed, existing.field.id], [true, h.arvFieldId], 'an existing field is not created twice');
    h.sandbox.store.customFields.splice(h.sandbox.store.customFields.findIndex((f) => f.id === h.arvFieldId), 1);
    const missing = await h.backend.request('ext-ghl:arv-enrich-plan', { pipelineName: 'Acquisitions' });
    assert.equal(!missing.success && missing.error.code, 'NOT_FOUND');
    assert.match(!missing.success ? missing.error.message : '', /Custom Fields → Opportunity \(type Monetary, name "ARV"\)/);
    assert.deepEqual(!missing.success && missing.error.details, { setting: 'ghl.arv.field', canCreate: true });
    const created = await h.data('ext-ghl:arv-create-field');
    assert.equal(created.existed, false);
    const inSandbox = h.sandbox.store.customFields.find((f) => f.id === created.field.id)!;
    assert.deepEqual([inSandbox.name, inSandbox.dataType, inSandbox.model], ['ARV', 'MONETORY', 'opportunity']);
    const plan = await h.data('ext-ghl:arv-enrich-plan', { pipelineName: 'Acquisitions' });
    assert.equal(plan.total, openDeals(h).length, 'plans again, against the new field');
  });
});

describe('ARV enrichment against RentCast\'s rate limit', () => {
  it('waits out 429s and estimates every deal', async () => {
    // The stand-in allows 5/s while the client paces at RentCast's 20/s: 429s are certain.
    const h = await arvHarness({ ratePerSecond: 5 });
    try {
      h.settings.values.set('ghl.arv.maxLookupsPerRun', 12);
      const status = await runToEnd(h);
      assert.equal(status.status, 'done', status.message);
      assert.ok(status.lookups >= 11 && status.lookups <= 15, `${status.lookups} lookups`);
      assert.equal(status.failed, 0);
      assert.ok(h.sandbox.rentcast!.stats.rateLimited > 0, 'the stand-in answered 429s');
      assert.equal(h.sandbox.rentcast!.stats.ok, status.lookups);
    } finally {
      await h.close();
    }
  });
});
