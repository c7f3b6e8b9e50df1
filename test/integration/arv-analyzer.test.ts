/**
 * Issue 19 end to end: createBackend → the GHL sandbox with the RentCast stand-in (its generated
 * market) mounted on it. Deals whose contacts live at market addresses: one in the disclosure
 * county (sold comps), one in the non-disclosure county (falls back and says so).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fetchDealComps } from '../../src/arv/dealAnalysis';
import { LOOKUPS_PER_DEAL } from '../../src/arv/compSearch';
import { RentcastProvider } from '../../src/arv/rentcast';
import { SANDBOX_ARV_FIELD_KEYS } from '../sandbox/data';
import { RENTCAST_SANDBOX_KEY, startRentcastSandbox } from '../sandbox/rentcast';
import type { MarketHome } from '../sandbox/rentcastMarket';
import { startHarness, type Harness } from '../helpers/backendHarness';
import { pollUntil } from '../helpers/waitUntil';
import { createBackend } from '../../src/backend';

const RENTCAST_KEY_SECRET = 'ghl.rentcast-api-key';

interface AnalyzerHarness extends Harness {
  sold: { opportunityId: string; home: MarketHome };
  undisclosed: { opportunityId: string; home: MarketHome };
  arvFieldId: string;
}

async function analyzerHarness(): Promise<AnalyzerHarness> {
  const h = await startHarness({ sandbox: { contacts: 200, opportunities: 60, rentcast: { ratePerSecond: 20 } } });
  await h.restart({ rentcastBaseUrl: h.sandbox.url });
  h.secrets.values.set(RENTCAST_KEY_SECRET, RENTCAST_SANDBOX_KEY);
  h.settings.values.set('ghl.arv.sqftField', SANDBOX_ARV_FIELD_KEYS.sqft);
  h.settings.values.set('ghl.arv.repairsField', SANDBOX_ARV_FIELD_KEYS.repairs);
  const market = h.sandbox.rentcast!.market;
  const deals = [...h.sandbox.store.opportunities.values()].filter((o) => o.contactId && o.status === 'open');
  // Deals with no square-footage override, so the subject's facts come from its public record.
  const sqftField = h.sandbox.store.customFields.find((f) => f.fieldKey === SANDBOX_ARV_FIELD_KEYS.sqft)!;
  const plain = deals.filter((o) => !o.customFields.some((f) => f.id === sqftField.id));
  const place = (index: number, home: MarketHome) => {
    const deal = plain[index]!;
    const contact = h.sandbox.store.contacts.get(deal.contactId!)!;
    Object.assign(contact, { address1: home.addressLine1, city: home.city, state: home.state, postalCode: home.zipCode });
    return { opportunityId: deal.id, home };
  };
  const phoenix = market.homes.filter((x) => x.city === 'Phoenix');
  const sold = place(0, phoenix[Math.floor(phoenix.length / 3)]!);
  const undisclosed = place(1, market.homes.find((x) => x.city === 'Austin')!);
  await h.data('ext-ghl:contacts-sync');
  await h.data('ext-ghl:opps-sync');
  const arvField = h.sandbox.store.customFields.find((f) => f.fieldKey === SANDBOX_ARV_FIELD_KEYS.arv)!;
  return Object.assign(h, { sold, undisclosed, arvFieldId: arvField.id });
}

describe('The deal analyzer channels against the sandbox', () => {
  let h: AnalyzerHarness;
  before(async () => {
    h = await analyzerHarness();
  });
  after(async () => h.close());

  it('analyzes a deal from sold comps: subject, comps with adjustments and weights, AVM and listings beside it', async () => {
    h.sandbox.rentcast!.resetStats();
    const a = await h.data('ext-ghl:arv-analyze', { opportunityId: h.sold.opportunityId });
    assert.equal(a.fromCache, false);
    assert.equal(a.estimate.method, 'sold');
    assert.equal(a.estimate.arv % 1000, 0);
    assert.ok(a.estimate.low <= a.estimate.arv && a.estimate.arv <= a.estimate.high);
    assert.match(a.estimate.reason, /^\d+ sales within [\d.]+ mi in \d+ months?, spread \d+ %$/);
    assert.equal(a.subject.squareFootage, h.sold.home.squareFootage);
    assert.ok(a.comps.length >= 3);
    const used = a.comps.filter((c: any) => !c.excluded);
    assert.ok(used.length >= 3);
    for (const c of a.comps) {
      assert.deepEqual(Object.keys(c.adjustments).sort(), ['age', 'bathrooms', 'bedrooms', 'size']);
      assert.equal(c.adjustedPrice, c.salePrice + c.adjustments.size + c.adjustments.bedrooms + c.adjustments.bathrooms + c.adjustments.age);
      if (c.excluded) assert.ok(c.excludedReason && c.weight === 0);
    }
    assert.ok(a.avm.price > 0);
    assert.ok(a.listings === null || a.listings.count >= 3);
    const requests = h.sandbox.rentcast!.stats.ok;
    assert.equal(a.lookups, requests, 'every request is a counted lookup');
    assert.ok(a.lookups >= LOOKUPS_PER_DEAL.min && a.lookups <= LOOKUPS_PER_DEAL.max, `${a.lookups} lookups`);
    // The truth is known here: the sold ARV lands near it.
    const error = Math.abs(a.estimate.arv - h.sold.home.trueValue) / h.sold.home.trueValue;
    assert.ok(error < 0.15, `ARV ${a.estimate.arv} vs true ${h.sold.home.trueValue}`);
  });

  it('reopens from the stored comps without a lookup; refresh looks again', async () => {
    const first = await h.data('ext-ghl:arv-analyze', { opportunityId: h.sold.opportunityId });
    h.sandbox.rentcast!.resetStats();
    const again = await h.data('ext-ghl:arv-analyze', { opportunityId: h.sold.opportunityId });
    assert.equal(again.fromCache, true);
    assert.equal(h.sandbox.rentcast!.stats.requests, 0);
    assert.deepEqual(again.estimate, first.estimate);
    const refreshed = await h.data('ext-ghl:arv-analyze', { opportunityId: h.sold.opportunityId, refresh: true });
    assert.equal(refreshed.fromCache, false);
    assert.ok(h.sandbox.rentcast!.stats.requests >= LOOKUPS_PER_DEAL.min);
  });

  it('excluding a comp recomputes without a lookup and is remembered across a restart and a refresh', async () => {
    const before = await h.data('ext-ghl:arv-analyze', { opportunityId: h.sold.opportunityId });
    // The heaviest comp moves the weighted median when it leaves.
    const heaviest = [...before.comps].filter((c: any) => !c.excluded).sort((x: any, y: any) => y.weight - x.weight)[0];
    h.sandbox.rentcast!.resetStats();
    const after = await h.data('ext-ghl:arv-comps-set', { opportunityId: h.sold.opportunityId, compId: heaviest.id, excluded: true });
    assert.equal(h.sandbox.rentcast!.stats.requests, 0);
    const row = after.comps.find((c: any) => c.id === heaviest.id);
    assert.deepEqual([row.excluded, row.excludedReason, row.weight], [true, 'excluded by you', 0]);
    assert.notDeepEqual(after.comps.map((c: any) => c.weight), before.comps.map((c: any) => c.weight));
    await h.restart({ rentcastBaseUrl: h.sandbox.url });
    const reopened = await h.data('ext-ghl:arv-analyze', { opportunityId: h.sold.opportunityId });
    assert.equal(reopened.comps.find((c: any) => c.id === heaviest.id).excluded, true);
    const refreshed = await h.data('ext-ghl:arv-analyze', { opportunityId: h.sold.opportunityId, refresh: true });
    assert.equal(refreshed.comps.find((c: any) => c.id === heaviest.id).excludedReason, 'excluded by you');
    const back = await h.data('ext-ghl:arv-comps-set', { opportunityId: h.sold.opportunityId, compId: heaviest.id, excluded: false });
    assert.equal(back.comps.find((c: any) => c.id === heaviest.id).excluded, false);
  });

  it("an exclusion made in a second window reaches the first through the write journal", async () => {
    const first = await h.data('ext-ghl:arv-analyze', { opportunityId: h.sold.opportunityId });
    const target = first.comps.find((c: any) => !c.excluded);
    await h.restart({ rentcastBaseUrl: h.sandbox.url, cacheWatchIntervalMs: 20 });
    const second = await createBackend({
      storageDir: h.storageDir,
      secrets: h.secrets,
      settings: h.settings,
      apiBaseUrl: h.sandbox.url,
      rentcastBaseUrl: h.sandbox.url,
      persistDebounceMs: 50,
      cacheWatchIntervalMs: 20,
      requestTimeoutMs: 3000,
    });
    try {
      const set = await second.request('ext-ghl:arv-comps-set', { opportunityId: h.sold.opportunityId, compId: target.id, excluded: true });
      assert.ok(set.success, JSON.stringify(set));
      await pollUntil(
        'the first window to see the exclusion',
        async () => {
          const seen = await h.data('ext-ghl:arv-analyze', { opportunityId: h.sold.opportunityId });
          return seen.comps.find((c: any) => c.id === target.id)?.excluded === true;
        },
        { checks: 500, intervalMs: 20 },
      );
    } finally {
      await second.dispose();
    }
    await h.data('ext-ghl:arv-comps-set', { opportunityId: h.sold.opportunityId, compId: target.id, excluded: false });
  });

  it('save writes the ARV into the GHL field and the cache, and the estimates list has it', async () => {
    const a = await h.data('ext-ghl:arv-analyze', { opportunityId: h.sold.opportunityId });
    const saved = await h.data('ext-ghl:arv-save', { opportunityId: h.sold.opportunityId });
    assert.equal(saved.arv, a.estimate.arv);
    const inSandbox = h.sandbox.store.opportunities.get(h.sold.opportunityId)!.customFields.find((f) => f.id === h.arvFieldId)?.value;
    assert.equal(Number(inSandbox), a.estimate.arv);
    const cached = await h.data('ext-ghl:opps-get', { id: h.sold.opportunityId });
    assert.equal(Number(cached.customFields.find((f: any) => f.id === h.arvFieldId)?.value), a.estimate.arv);
    const { items } = await h.data('ext-ghl:arv-estimates-list', { opportunityIds: [h.sold.opportunityId] });
    assert.equal(items[0].arv, a.estimate.arv);
    assert.equal(items[0].writtenValue, a.estimate.arv);
  });

  it('the wholesale fee setting lowers the MAO', async () => {
    const plain = await h.data('ext-ghl:arv-analyze', { opportunityId: h.sold.opportunityId });
    h.settings.values.set('ghl.arv.wholesaleFee', 12_500);
    try {
      const withFee = await h.data('ext-ghl:arv-analyze', { opportunityId: h.sold.opportunityId });
      assert.equal(withFee.estimate.mao, plain.estimate.mao - 12_500);
      assert.equal(withFee.terms.wholesaleFee, 12_500);
    } finally {
      h.settings.values.delete('ghl.arv.wholesaleFee');
    }
  });

  it('a non-disclosure deal falls back at once and says so', async () => {
    h.sandbox.rentcast!.resetStats();
    const a = await h.data('ext-ghl:arv-analyze', { opportunityId: h.undisclosed.opportunityId });
    assert.notEqual(a.estimate.method, 'sold');
    assert.match(a.estimate.reason, /not disclosed/);
    assert.equal(a.search.undisclosed, true);
    assert.equal(a.lookups, LOOKUPS_PER_DEAL.min, 'no widening');
    if (a.estimate.method === 'listings') assert.notEqual(a.estimate.confidence, 'high');
  });

  it('bad input: a validation error, no request sent, nothing stored', async () => {
    h.sandbox.rentcast!.resetStats();
    const bad = await h.backend.request('ext-ghl:arv-comps-set', { opportunityId: h.sold.opportunityId, compId: 'no-such-comp', excluded: true });
    assert.equal(bad.success, false);
    assert.equal(!bad.success && bad.error.code, 'VALIDATION');
    const malformed = await h.backend.request('ext-ghl:arv-analyze', { opportunityId: 42 });
    assert.equal(!malformed.success && malformed.error.code, 'VALIDATION');
    const unknown = await h.backend.request('ext-ghl:arv-save', { opportunityId: 'no-such-deal' });
    assert.equal(!unknown.success && unknown.error.code, 'NOT_FOUND');
    assert.equal(h.sandbox.rentcast!.stats.requests, 0);
  });
});

describe('RentCast /v1/properties: the stand-in and the provider', () => {
  it('filters with the range syntax, pages with limit/offset in no promised order, and paces below 20/s', async () => {
    const rc = await startRentcastSandbox();
    try {
      const home = rc.market.homes.find((x) => x.city === 'Phoenix')!;
      const provider = new RentcastProvider({ apiKey: rc.apiKey, baseUrl: rc.url });
      // A burst of deals first (nothing else in the stand-in's window): never a 429, at most 18 a second.
      const homes = rc.market.homes.filter((x) => x.city === 'Phoenix').slice(0, 12);
      await Promise.all(homes.map((x) => fetchDealComps(provider, { address: x.formattedAddress, squareFootage: null }, rc.market.asOf)));
      assert.equal(rc.stats.rateLimited, 0);
      assert.ok(rc.stats.peakPerSecond <= 18, `peak ${rc.stats.peakPerSecond}/s`);
      rc.resetStats();
      const search = { address: home.formattedAddress, radiusMiles: 2, saleWithinDays: 365, squareFootage: { min: 1200, max: 2000 }, bedrooms: { min: 2, max: 4 }, limit: 40, offset: 0 };
      const first = await provider.searchProperties(search);
      const second = await provider.searchProperties({ ...search, offset: 40 });
      assert.equal(first.length, 40);
      assert.ok(new Set([...first, ...second].map((r) => r.id)).size === first.length + second.length, 'pages do not overlap');
      for (const r of [...first, ...second]) {
        assert.ok(r.squareFootage! >= 1200 && r.squareFootage! <= 2000);
        assert.ok(r.bedrooms! >= 2 && r.bedrooms! <= 4);
        assert.ok(r.sales.length >= 1);
      }
      const query = rc.stats.queries[0]!;
      assert.deepEqual([query.get('squareFootage'), query.get('bedrooms'), query.get('saleDateRange'), query.get('radius')], ['1200:2000', '2:4', '*:365', '2']);
      const res = await fetch(`${rc.url}/v1/properties?address=${encodeURIComponent(home.formattedAddress)}&radius=1&limit=501`, { headers: { 'X-Api-Key': rc.apiKey } });
      assert.equal(res.status, 400);
      const bad = await fetch(`${rc.url}/v1/properties?address=${encodeURIComponent(home.formattedAddress)}&radius=1&bedrooms=x:`, { headers: { 'X-Api-Key': rc.apiKey } });
      assert.equal(bad.status, 400);

    } finally {
      await rc.close();
    }
  });
});
