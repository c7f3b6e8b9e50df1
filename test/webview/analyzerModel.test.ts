// The deal analyzer's state in plain Node (issue 19): the stored analysis, a refresh, sorting,
// include/exclude through arv-comps-set, Save, the MAO calculator, errors as envelopes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AnalyzerModel } from '../../src/webview/analyzer/analyzerModel';
import { fakeIpc } from '../helpers/fakeIpc';

function comp(id: string, salePrice: number, weight: number, distance: number) {
  return {
    id,
    address: `${id} Main St`,
    latitude: null,
    longitude: null,
    saleDate: '2026-10-01',
    salePrice,
    squareFootage: 1000,
    bedrooms: 3,
    bathrooms: 2,
    yearBuilt: 1990,
    distance,
    pricePerSqft: salePrice / 1000,
    adjustments: { size: 0, bedrooms: 0, bathrooms: 0, age: 0 },
    adjustedPrice: salePrice,
    weight,
    excluded: false,
    excludedReason: null,
  };
}

function analysis(arv = 300_000) {
  return {
    opportunityId: 'o1',
    estimate: { arv, low: arv - 5000, high: arv + 5000, method: 'sold', confidence: 'high', reason: '3 sales', mao: arv * 0.7 },
    subject: { address: '1 Main St', latitude: null, longitude: null, propertyType: null, squareFootage: 1000, bedrooms: 3, bathrooms: 2, yearBuilt: 1990 },
    comps: [comp('a', 290_000, 0.5, 0.4), comp('b', 310_000, 0.3, 0.1), comp('c', 300_000, 0.2, 0.9)],
    avm: { price: 320_000, low: null, high: null },
    listings: null,
    lookups: 2,
    search: { radiusMiles: 0.5, saleWithinDays: 180, undisclosed: false },
    fetchedAt: 0,
    terms: { maoPercent: 0.7, repairs: 30_000, wholesaleFee: 5_000 },
  };
}

describe('AnalyzerModel', () => {
  it('loads the stored analysis, refreshes on request, and sorts', async () => {
    const { ipc, requests: calls } = fakeIpc({ 'ext-ghl:arv-analyze': () => ({ success: true, data: { ...analysis(), fromCache: true } }) });
    const m = new AnalyzerModel(ipc, 'o1');
    await m.start();
    assert.equal(m.fromCache, true);
    assert.equal(m.analysis?.estimate.arv, 300_000);
    assert.deepEqual(m.sortedComps.map((c) => c.id), ['a', 'b', 'c'], 'heaviest first');
    m.sortBy('distance');
    assert.deepEqual(m.sortedComps.map((c) => c.id), ['b', 'a', 'c'], 'nearest first');
    m.sortBy('distance');
    assert.deepEqual(m.sortedComps.map((c) => c.id), ['c', 'a', 'b']);
    await m.start(true);
    assert.deepEqual(calls.map((c) => c.payload), [{ opportunityId: 'o1' }, { opportunityId: 'o1', refresh: true }]);
  });

  it('excludes through arv-comps-set and takes the recomputed analysis; save says what it wrote', async () => {
    const { ipc, requests: calls } = fakeIpc({
      'ext-ghl:arv-analyze': () => ({ success: true, data: { ...analysis(), fromCache: false } }),
      'ext-ghl:arv-comps-set': () => ({ success: true, data: analysis(295_000) }),
      'ext-ghl:arv-save': () => ({ success: true, data: { opportunityId: 'o1', arv: 295_000, mao: 1, confidence: 'high', fields: { arv: 'f', mao: 'm', confidence: null } } }),
    });
    const m = new AnalyzerModel(ipc, 'o1');
    await m.start();
    await m.setExcluded('a', true);
    assert.deepEqual(calls.at(-1)?.payload, { opportunityId: 'o1', compId: 'a', excluded: true });
    assert.equal(m.analysis?.estimate.arv, 295_000);
    await m.save();
    assert.equal(m.notice, 'Saved ARV $295,000 (and MAO) to GoHighLevel.');
  });

  it('the calculator: ARV × percent − repairs − fee, a percent typed as 65 or 0.65', async () => {
    const { ipc } = fakeIpc({ 'ext-ghl:arv-analyze': () => ({ success: true, data: { ...analysis(), fromCache: true } }) });
    const m = new AnalyzerModel(ipc, 'o1');
    await m.start();
    assert.equal(m.mao, 300_000 * 0.7 - 30_000 - 5_000);
    m.setTerm('maoPercent', 65);
    assert.equal(m.mao, 300_000 * 0.65 - 30_000 - 5_000);
    m.setTerm('repairs', -1);
    assert.equal(m.terms?.repairs, 30_000, 'a negative amount is ignored');
  });

  it('an error answer is shown, never thrown', async () => {
    const { ipc } = fakeIpc({ 'ext-ghl:arv-analyze': () => ({ success: false, error: { code: 'NOT_CONFIGURED', message: 'No RentCast API key is set.' } }) });
    const m = new AnalyzerModel(ipc, 'o1');
    await m.start();
    assert.equal(m.analysis, null);
    assert.equal(m.error?.message, 'No RentCast API key is set.');
  });
});
