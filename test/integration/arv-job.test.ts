import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { SqlJsStatic } from 'sql.js';
import { InMemoryArvEstimateStore } from '../../src/arv/estimateStore';
import { ArvEstimatesRepo } from '../../src/arv/estimatesRepo';
import { ArvEnrichmentJob } from '../../src/arv/jobRunner';
import { ArvRunInProgressError, jobSettings, type ArvDeal, type ArvJobPorts, type ArvJobSettings } from '../../src/arv/jobTypes';
import type { ArvProgress, Comparable } from '../../src/protocol/arv';
import { ValuationError, type SubjectHints, type ValuationProvider } from '../../src/arv/provider';
import { RentcastProvider } from '../../src/arv/rentcast';
import type { Valuation } from '../../src/arv/types';
import { ExtGhlError } from '../../src/protocol/envelope';
import { migrate } from '../../src/cacheSchema';
import { loadSqlJs } from '../../src/db/sqljs';
import { generateStore } from '../sandbox/data';
import { contactAddresses, startRentcastSandbox } from '../sandbox/rentcast';
import { virtualClock } from '../helpers/virtualClock';

const DAY = 86_400_000;
const ARV_FIELD = 'cf_arv';
const ADDRESS_FIELD = 'cf_address';
const SQFT_FIELD = 'cf_sqft';
const REPAIRS_FIELD = 'cf_repairs';

const comps: Comparable[] = [200, 205, 210, 195, 190].map((ppsf, i) => ({
  formattedAddress: `${i} Comp St`,
  price: ppsf * 1000,
  squareFootage: 1000,
  correlation: 0.95 - i / 100,
  bedrooms: 3,
  bathrooms: 2,
  distance: 0.3,
  daysOld: 20,
}));
const GOOD: Valuation = { price: 280_000, priceRangeLow: 250_000, priceRangeHigh: 300_000, subjectSquareFootage: 1500, comparables: comps };

/** A provider that answers from a script per address and records every call. */
class ScriptedProvider implements ValuationProvider {
  readonly name = 'scripted';
  readonly calls: { address: string; hints: SubjectHints }[] = [];
  private markStarted!: () => void;
  /** Settles when the first lookup is under way (and, when held, waiting). */
  readonly lookupStarted = new Promise<void>((resolve) => (this.markStarted = resolve));
  /**
   * @param held every lookup waits for this (or its abort signal) before it answers: the test
   *   decides when an answer comes, instead of a delay.
   */
  constructor(
    private readonly script: (address: string, call: number) => Valuation | ValuationError = () => GOOD,
    private readonly held?: Promise<void>,
  ) {}
  async lookup(address: string, hints: SubjectHints, signal?: AbortSignal): Promise<Valuation> {
    this.calls.push({ address, hints });
    if (this.held) {
      const held = this.held;
      await new Promise<void>((resolve, reject) => {
        signal?.addEventListener('abort', () => reject(new ValuationError('cancelled', 'cancelled')), { once: true });
        void held.then(resolve);
        this.markStarted();
      });
    }
    this.markStarted();
    if (signal?.aborted) throw new ValuationError('cancelled', 'cancelled');
    const answer = this.script(address, this.calls.length);
    if (answer instanceof ValuationError) throw answer;
    return answer;
  }
}

interface World {
  deals: ArvDeal[];
  contacts: Map<string, { address1: string | null; city: string | null; state: string | null; postalCode: string | null }>;
  writes: { id: string; arv: number }[];
  progress: ArvProgress[];
  store: InMemoryArvEstimateStore;
  clock: { now: number };
  ports: ArvJobPorts;
  failWrite?: (id: string) => Error | undefined;
}

function world(n: number, provider: ValuationProvider, over: Partial<ArvJobPorts> = {}): World {
  const w: World = {
    deals: [],
    contacts: new Map(),
    writes: [],
    progress: [],
    store: new InMemoryArvEstimateStore(),
    clock: { now: Date.UTC(2026, 11, 1) },
    ports: undefined as unknown as ArvJobPorts,
  };
  for (let i = 1; i <= n; i++) {
    w.contacts.set(`c${i}`, { address1: `${i} Main St`, city: 'Austin', state: 'TX', postalCode: '78701' });
    w.deals.push({ id: `o${i}`, name: `Deal ${i}`, contactId: `c${i}`, status: 'open', customFields: [] });
  }
  w.ports = {
    listOpenOpportunities: async () => w.deals,
    contactFor: async (id) => w.contacts.get(id) ?? null,
    writeArv: async (id, arv) => {
      const err = w.failWrite?.(id);
      if (err) throw err;
      w.writes.push({ id, arv });
      // As the wiring does: the cache gets the value GHL now holds.
      const deal = w.deals.find((d) => d.id === id)!;
      deal.customFields = [...deal.customFields.filter((f) => (f as { id: string }).id !== ARV_FIELD), { id: ARV_FIELD, type: 'string', fieldValueString: String(arv) }];
    },
    estimates: w.store,
    provider,
    onProgress: (p) => w.progress.push(p),
    now: () => w.clock.now,
    ...over,
  };
  return w;
}

const settings = (over: Partial<ArvJobSettings> = {}): ArvJobSettings => jobSettings({ locationId: 'loc1', arvFieldId: ARV_FIELD, ...over });

describe('ARV job runner', () => {
  it('enriches every open deal: estimate stored, ARV written, progress after each deal', async () => {
    const provider = new ScriptedProvider();
    const w = world(3, provider);
    w.deals.push({ id: 'won', name: 'Closed deal', contactId: 'c1', status: 'won', customFields: [] });
    const job = new ArvEnrichmentJob(w.ports);
    assert.equal(job.status().status, 'idle');
    const s = await job.run({ pipelineId: 'p1', settings: settings() });
    assert.deepEqual(
      { status: s.status, total: s.total, processed: s.processed, enriched: s.enriched, skipped: s.skipped, failed: s.failed, lookups: s.lookups },
      { status: 'done', total: 3, processed: 3, enriched: 3, skipped: 0, failed: 0, lookups: 3 },
    );
    assert.ok(s.startedAt !== null && s.finishedAt !== null && s.runId);
    assert.deepEqual(w.writes, [
      { id: 'o1', arv: 300_000 },
      { id: 'o2', arv: 300_000 },
      { id: 'o3', arv: 300_000 },
    ]);
    assert.deepEqual(provider.calls.map((c) => c.address), ['1 Main St, Austin, TX 78701', '2 Main St, Austin, TX 78701', '3 Main St, Austin, TX 78701']);
    const row = w.store.get('o2')!;
    assert.deepEqual([row.arv, row.mao, row.method, row.confidence, row.writtenValue, row.comps.length, row.provider], [300_000, 210_000, 'comps', 'high', 300_000, 5, 'scripted']);
    const perDeal = w.progress.filter((p) => p.deal !== null);
    assert.deepEqual(perDeal.map((p) => [p.processed, p.deal!.opportunityId, p.deal!.outcome]), [
      [1, 'o1', 'enriched'],
      [2, 'o2', 'enriched'],
      [3, 'o3', 'enriched'],
    ]);
    assert.equal(w.progress.at(-1)!.deal, null);
    assert.equal(w.progress.at(-1)!.status, 'done');
    assert.equal(job.status().status, 'done');
  });

  it('uses the address, sqft and repairs fields in GHL’s shapes when set', async () => {
    const provider = new ScriptedProvider();
    const w = world(1, provider);
    w.deals[0]!.customFields = [
      { id: ADDRESS_FIELD, type: 'string', fieldValueString: '9 Field Rd, Dallas, TX 75201' },
      { id: SQFT_FIELD, fieldValue: '2,000' },
      { id: REPAIRS_FIELD, field_value: '$35,000' },
    ];
    await new ArvEnrichmentJob(w.ports).run({ pipelineId: 'p1', settings: settings({ addressFieldId: ADDRESS_FIELD, sqftFieldId: SQFT_FIELD, repairsFieldId: REPAIRS_FIELD }) });
    assert.deepEqual(provider.calls, [{ address: '9 Field Rd, Dallas, TX 75201', hints: { squareFootage: 2000 } }]);
    const row = w.store.get('o1')!;
    assert.deepEqual([row.arv, row.repairs, row.mao, row.subjectSquareFootage], [400_000, 35_000, 245_000, 2000]);
  });

  it('skips deals estimated within maxAgeDays; force looks them up again; stale ones are redone', async () => {
    const provider = new ScriptedProvider();
    const w = world(3, provider);
    const job = new ArvEnrichmentJob(w.ports);
    await job.run({ pipelineId: 'p1', settings: settings() });
    w.clock.now += 10 * DAY;
    const second = await job.run({ pipelineId: 'p1', settings: settings() });
    assert.deepEqual([second.skipped, second.lookups, second.enriched], [3, 0, 0]);
    assert.match(w.progress.at(-2)!.deal!.reason!, /estimated 10 days ago/);
    assert.equal(provider.calls.length, 3);
    const forced = await job.run({ pipelineId: 'p1', force: true, settings: settings() });
    assert.deepEqual([forced.enriched, forced.lookups], [3, 3]);
    w.clock.now += 31 * DAY;
    const stale = await job.run({ pipelineId: 'p1', settings: settings() });
    assert.deepEqual([stale.enriched, stale.lookups], [3, 3], 'our own value in the field is not "foreign"');
    assert.equal(provider.calls.length, 9);
  });

  it('cancel keeps what was done and the next run resumes where it stopped', async () => {
    const provider = new ScriptedProvider();
    const w = world(6, provider);
    const job = new ArvEnrichmentJob({ ...w.ports, onProgress: (p) => { w.progress.push(p); if (p.processed === 2 && p.deal) job.cancel(); } });
    const s = await job.run({ pipelineId: 'p1', settings: settings() });
    assert.equal(s.status, 'cancelled');
    assert.equal(s.processed, 2);
    assert.match(s.message!, /Cancelled after 2 of 6/);
    assert.deepEqual(w.writes.map((x) => x.id), ['o1', 'o2']);
    assert.equal(job.cancel(), false, 'nothing runs any more');

    const resumed = await new ArvEnrichmentJob(w.ports).run({ pipelineId: 'p1', settings: settings() });
    assert.deepEqual([resumed.status, resumed.skipped, resumed.enriched], ['done', 2, 4]);
    assert.deepEqual(w.writes.map((x) => x.id), ['o1', 'o2', 'o3', 'o4', 'o5', 'o6']);
    // Cancelled between deals: no lookup is wasted, each address was looked up once.
    assert.deepEqual(provider.calls.map((c) => c.address.split(' ')[0]), ['1', '2', '3', '4', '5', '6']);
  });

  it('cancel through the caller’s AbortSignal, mid-lookup', async () => {
    const provider = new ScriptedProvider(() => GOOD, new Promise<void>(() => undefined));
    const w = world(3, provider);
    const controller = new AbortController();
    const run = new ArvEnrichmentJob(w.ports).run({ pipelineId: 'p1', settings: settings() }, controller.signal);
    await provider.lookupStarted;
    controller.abort();
    const s = await run;
    assert.deepEqual([s.status, s.processed, w.writes.length], ['cancelled', 0, 0]);
  });

  it('stops cleanly at maxLookupsPerRun and says so; the next run continues', async () => {
    const provider = new ScriptedProvider();
    const w = world(5, provider);
    const job = new ArvEnrichmentJob(w.ports);
    const s = await job.run({ pipelineId: 'p1', settings: settings({ maxLookupsPerRun: 2 }) });
    assert.deepEqual([s.status, s.budgetReached, s.lookups, s.processed, s.enriched], ['done', true, 2, 2, 2]);
    assert.match(s.message!, /budget of 2 lookups.*3 of 5 deals are left/);
    assert.equal(provider.calls.length, 2);
    const next = await job.run({ pipelineId: 'p1', settings: settings({ maxLookupsPerRun: 2 }) });
    assert.deepEqual([next.lookups, next.enriched, next.skipped, next.budgetReached], [2, 2, 2, true]);
    const last = await job.run({ pipelineId: 'p1', settings: settings({ maxLookupsPerRun: 2 }) });
    assert.deepEqual([last.lookups, last.enriched, last.skipped, last.budgetReached], [1, 1, 4, false]);
  });

  it('plan tells what a run will cost, capped by the budget, spending nothing', async () => {
    const provider = new ScriptedProvider();
    const w = world(6, provider);
    w.contacts.set('c6', { address1: null, city: null, state: null, postalCode: null });
    w.deals[4]!.customFields = [{ id: ARV_FIELD, value: '199000' }];
    const job = new ArvEnrichmentJob(w.ports);
    const plan = await job.plan({ pipelineId: 'p1', settings: settings({ maxLookupsPerRun: 3 }) });
    // A provider without property records: the listing method, one lookup a deal.
    assert.deepEqual(plan, { total: 6, needLookup: 4, lookups: 3, lookupsMax: 3, lookupsPerDeal: { min: 1, max: 1 }, budget: 3, fresh: 0, keptForeignValue: 1, noAddress: 1 });
    assert.equal(provider.calls.length, 0);
  });

  it('one deal’s failure is recorded and the run goes on; a per-deal failure is not retried soon', async () => {
    const provider = new ScriptedProvider((address) =>
      address.startsWith('2 ') ? new ValuationError('not-found', 'RentCast has no valuation for this address: No property data found', 404)
      : address.startsWith('3 ') ? new ValuationError('network', 'Could not reach RentCast: ECONNRESET')
      : GOOD,
    );
    const w = world(4, provider);
    const job = new ArvEnrichmentJob(w.ports);
    const s = await job.run({ pipelineId: 'p1', settings: settings() });
    assert.deepEqual([s.status, s.enriched, s.failed, s.processed, s.lookups], ['done', 2, 2, 4, 4]);
    assert.match(s.lastError!, /^Deal 3: Could not reach RentCast/);
    assert.deepEqual([w.store.get('o2')!.errorKind, w.store.get('o2')!.arv], ['not-found', null]);
    assert.deepEqual(w.writes.map((x) => x.id), ['o1', 'o4']);
    const again = await job.run({ pipelineId: 'p1', settings: settings() });
    assert.deepEqual(provider.calls.slice(4).map((c) => c.address[0]), ['3'], 'only the network failure is retried');
    assert.equal(again.skipped, 3);
  });

  it('a rejected RentCast key (401) stops the run with a clear message', async () => {
    const provider = new ScriptedProvider((_a, call) => (call === 2 ? new ValuationError('unauthorized', 'RentCast rejected the API key: Invalid API key', 401) : GOOD));
    const w = world(4, provider);
    const s = await new ArvEnrichmentJob(w.ports).run({ pipelineId: 'p1', settings: settings() });
    assert.equal(s.status, 'failed');
    assert.match(s.lastError!, /RentCast rejected the API key.*GHL: Set RentCast API Key/);
    assert.deepEqual([s.processed, s.enriched, provider.calls.length], [1, 1, 2]);
    assert.equal(w.store.get('o2'), undefined, 'a key problem is not the deal’s failure');
  });

  it('keeps a value in the ARV field that it did not write, unless forced', async () => {
    const provider = new ScriptedProvider();
    const w = world(2, provider);
    w.deals[0]!.customFields = [{ id: ARV_FIELD, type: 'string', fieldValueString: '$199,000.00' }];
    const job = new ArvEnrichmentJob(w.ports);
    const s = await job.run({ pipelineId: 'p1', settings: settings() });
    assert.deepEqual([s.skipped, s.enriched, s.lookups], [1, 1, 1]);
    assert.match(w.progress.find((p) => p.deal?.opportunityId === 'o1')!.deal!.reason!, /already holds \$199,000\.00.*force/);
    assert.deepEqual(w.writes.map((x) => x.id), ['o2']);
    // A user who overwrites our value later is kept too.
    w.deals[1]!.customFields = [{ id: ARV_FIELD, value: '320000' }];
    w.clock.now += 40 * DAY;
    const later = await job.run({ pipelineId: 'p1', settings: settings() });
    assert.deepEqual([later.skipped, later.lookups], [2, 0]);
    const forced = await job.run({ pipelineId: 'p1', force: true, settings: settings() });
    assert.deepEqual([forced.enriched, forced.lookups], [2, 2]);
    assert.deepEqual(w.writes.map((x) => x.id), ['o2', 'o1', 'o2']);
  });

  it('skips a deal without an address with the reason, without a lookup', async () => {
    const provider = new ScriptedProvider();
    const w = world(2, provider);
    w.deals[0]!.contactId = null;
    w.contacts.set('c2', { address1: '2 Main St', city: null, state: null, postalCode: null });
    const s = await new ArvEnrichmentJob(w.ports).run({ pipelineId: 'p1', settings: settings() });
    assert.deepEqual([s.skipped, s.lookups], [2, 0]);
    const reasons = w.progress.filter((p) => p.deal).map((p) => p.deal!.reason);
    assert.match(reasons[0]!, /no contact/);
    assert.match(reasons[1]!, /incomplete/);
  });

  it('a failed GHL write keeps the paid-for estimate; the next run only writes it', async () => {
    const provider = new ScriptedProvider();
    const w = world(2, provider);
    w.failWrite = (id) => (id === 'o1' ? new ExtGhlError('API', 'GHL answered 500: oops') : undefined);
    const job = new ArvEnrichmentJob(w.ports);
    const s = await job.run({ pipelineId: 'p1', settings: settings() });
    assert.deepEqual([s.failed, s.enriched], [1, 1]);
    assert.match(s.lastError!, /estimated but not written to GHL: GHL answered 500/);
    assert.deepEqual([w.store.get('o1')!.arv, w.store.get('o1')!.writtenValue], [300_000, null]);
    w.failWrite = undefined;
    const next = await job.run({ pipelineId: 'p1', settings: settings() });
    assert.deepEqual([next.enriched, next.skipped, next.lookups], [1, 1, 0]);
    assert.equal(provider.calls.length, 2);
    assert.equal(w.store.get('o1')!.writtenValue, 300_000);
  });

  it('a rejected GHL token while writing stops the run', async () => {
    const provider = new ScriptedProvider();
    const w = world(3, provider);
    w.failWrite = () => new ExtGhlError('AUTH', 'GHL rejected the API token: Invalid JWT');
    const s = await new ArvEnrichmentJob(w.ports).run({ pipelineId: 'p1', settings: settings() });
    assert.equal(s.status, 'failed');
    assert.match(s.lastError!, /GHL rejected the API token/);
    assert.equal(provider.calls.length, 1);
  });

  it('start answers at once with the run id and planned lookups; a second start is refused', async () => {
    let answer!: () => void;
    const provider = new ScriptedProvider(() => GOOD, new Promise<void>((resolve) => (answer = resolve)));
    const w = world(4, provider);
    const job = new ArvEnrichmentJob({ ...w.ports, newRunId: () => 'run-1' });
    const started = await job.start({ pipelineId: 'p1', settings: settings() });
    assert.deepEqual(started, { runId: 'run-1', total: 4, lookups: 4 });
    assert.equal(job.status().status, 'running');
    assert.equal(job.status().processed, 0, 'answered before the first lookup did');
    await assert.rejects(job.start({ pipelineId: 'p1', settings: settings() }), ArvRunInProgressError);
    answer();
    const done = await job.whenIdle();
    assert.deepEqual([done.status, done.enriched, done.runId], ['done', 4, 'run-1']);
  });

  it('a failing deal list fails the run with its reason; a broken progress listener does not', async () => {
    const w = world(2, new ScriptedProvider());
    const broken = new ArvEnrichmentJob({ ...w.ports, listOpenOpportunities: async () => { throw new Error('cache is locked'); } });
    const s = await broken.run({ pipelineId: 'p1', settings: settings() });
    assert.equal(s.status, 'failed');
    assert.match(s.lastError!, /cache is locked/);
    const noisy = new ArvEnrichmentJob({ ...w.ports, onProgress: () => { throw new Error('listener bug'); } });
    assert.equal((await noisy.run({ pipelineId: 'p1', settings: settings() })).enriched, 2);
  });
});

describe('ARV job end to end: RentCast stand-in + sql.js store', () => {
  let SQL: SqlJsStatic;
  before(async () => {
    SQL = await loadSqlJs();
  });

  it('enriches 100 sandbox deals at 20/s with zero 429s; the key appears nowhere', async () => {
    const key = 'rc_live_e2e_SECRET_4242';
    const store = generateStore({ contacts: 400, opportunities: 200, seed: 3 });
    // The stand-in's limiter and the provider's pacing share a virtual clock: the windows are exact and cost no wall time.
    const clock = virtualClock();
    const rc = await startRentcastSandbox({ apiKey: key, addresses: contactAddresses(store.contacts.values()), now: clock.now });
    const db = new SQL.Database();
    try {
      migrate(db);
      const repo = new ArvEstimatesRepo(db);
      const opps = [...store.opportunities.values()].filter((o) => o.status === 'open').slice(0, 100);
      assert.equal(opps.length, 100);
      const deals: ArvDeal[] = opps.map((o) => ({ id: o.id, name: o.name, contactId: o.contactId, status: o.status, customFields: [] }));
      const progress: ArvProgress[] = [];
      const writes: [string, number][] = [];
      const job = new ArvEnrichmentJob({
        listOpenOpportunities: async () => deals,
        contactFor: async (id) => store.contacts.get(id) ?? null,
        writeArv: async (id, arv) => void writes.push([id, arv]),
        estimates: repo,
        provider: new RentcastProvider({ apiKey: key, baseUrl: rc.url, now: clock.now, sleep: clock.sleep }),
        onProgress: (p) => progress.push(p),
      });
      const started = clock.now();
      const s = await job.run({ pipelineId: 'p', settings: settings() });
      const seconds = (clock.now() - started) / 1000;
      assert.equal(s.status, 'done');
      assert.equal(s.enriched + s.skipped, deals.length);
      assert.equal(s.failed, 0);
      assert.equal(rc.stats.rateLimited, 0);
      assert.equal(rc.stats.ok, s.lookups);
      assert.equal(writes.length, s.enriched);
      assert.ok(s.lookups >= 80, `${s.lookups} lookups`);
      assert.ok(seconds >= 3, `${s.lookups} lookups at 20/s need at least 3 full windows, took ${seconds} s`);
      const rows = repo.listForLocation('loc1');
      assert.equal(rows.length, s.lookups);
      assert.ok(rows.every((r) => r.arv! > 0 && r.arv! % 1000 === 0 && r.writtenValue === r.arv));
      assert.ok(new Set(rows.map((r) => r.confidence)).size >= 2, 'the stand-in’s comps give more than one confidence');
      const everything = JSON.stringify([progress, rows, s]) + Buffer.from(db.export()).toString('latin1');
      assert.ok(!everything.includes(key), 'the key is in no push, row or db byte');
      console.log(`figure: job over ${deals.length} sandbox deals: ${s.lookups} lookups, ${writes.length} writes, ${seconds.toFixed(2)} s, ${rc.stats.rateLimited} × 429`);
    } finally {
      db.close();
      await rc.close();
    }
  });
});
