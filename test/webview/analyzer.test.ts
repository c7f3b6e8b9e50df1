// The deal analyzer (issue 19), built and run in headless Chromium behind the host's CSP with a
// fake host: the figures and the reason as text (a hostile address included), the charts drawn
// without any network, sorting, a comp excluded through arv-comps-set with the ARV following,
// Save to GHL, the MAO calculator.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertCleanPage, inChromium, screenshot, type OpenedPage } from './harness';

const shared = inChromium();

const HOSTILE = '<img src=x onerror="window.__xss=1">12 Elm St';

function comp(id: string, salePrice: number, weight: number, over: Record<string, unknown> = {}) {
  return {
    id,
    address: `${id} Saguaro St, Phoenix, AZ 85004`,
    latitude: 33.45 + weight / 100,
    longitude: -112.07 + weight / 200,
    saleDate: `2026-0${Math.max(1, Math.round(weight * 9))}-15`,
    salePrice,
    squareFootage: 1500,
    bedrooms: 3,
    bathrooms: 2,
    yearBuilt: 1990,
    distance: 0.3,
    pricePerSqft: salePrice / 1500,
    adjustments: { size: 0, bedrooms: 0, bathrooms: 0, age: 1000 },
    adjustedPrice: salePrice + 1000,
    weight,
    excluded: false,
    excludedReason: null,
    ...over,
  };
}

function fixtures() {
  return {
    analyzer: {
      arvWithout: 295_000,
      analysis: {
        opportunityId: 'opp-1',
        estimate: { arv: 301_000, low: 296_000, high: 306_000, method: 'sold', confidence: 'high', reason: '4 sales within 0.5 mi in 3 months, spread 3 %', mao: 210_700 },
        subject: { address: HOSTILE, latitude: 33.45, longitude: -112.07, propertyType: 'Single Family', squareFootage: 1500, bedrooms: 3, bathrooms: 2, yearBuilt: 1990 },
        comps: [
          comp('a', 300_000, 0.4),
          comp('b', 305_000, 0.3, { address: HOSTILE }),
          comp('c', 296_000, 0.2),
          comp('d', 310_000, 0.1),
          comp('gift', 4_000, 0, { excluded: true, excludedReason: "not arm's length: sold for $4,000, under $10,000" }),
        ],
        avm: { price: 320_000, low: 290_000, high: 350_000 },
        listings: { arv: 312_000, count: 5 },
        lookups: 2,
        search: { radiusMiles: 0.5, saleWithinDays: 180, undisclosed: false },
        fetchedAt: Date.parse('2026-12-01T00:00:00Z'),
        terms: { maoPercent: 0.7, repairs: 0, wholesaleFee: 0 },
      },
    },
  };
}

async function open(): Promise<OpenedPage> {
  const app = await shared.open({ app: 'analyzer', fixtures: fixtures(), initialState: { opportunityId: 'opp-1' }, viewport: { width: 1000, height: 900 } });
  await app.page.locator('[data-testid=comp-row]').first().waitFor();
  return app;
}

describe('deal analyzer webview', () => {
  it('shows the ARV, range, confidence and reason, the AVM and listings beside it, the comps and both charts; CRM text stays text', async () => {
    const app = await open();
    try {
      const text = (id: string) => app.page.locator(`[data-testid=${id}]`).first().textContent();
      assert.equal(await text('analyzer-arv'), '$301,000');
      assert.equal((await text('analyzer-range'))?.trim(), '$296,000 – $306,000');
      assert.equal(await text('analyzer-reason'), '4 sales within 0.5 mi in 3 months, spread 3 %');
      assert.equal(await text('analyzer-avm'), '$320,000');
      assert.equal(await text('analyzer-listings'), '$312,000');
      assert.equal(await text('subject-address'), HOSTILE);
      assert.equal(await app.page.locator('img').count(), 0, 'the hostile address made no element');
      assert.equal(await app.page.locator('[data-testid=comp-row]').count(), 5);
      assert.equal(await app.page.locator('[data-testid=chart-ppsf] circle').count(), 5);
      assert.equal(await app.page.locator('[data-testid=chart-position] circle.dot').count(), 5);
      const gift = app.page.locator('[data-testid=comp-row][data-comp-id=gift]');
      assert.match((await gift.getAttribute('class')) ?? '', /excluded/);
      assert.match((await gift.locator('[data-testid=comp-reason]').textContent()) ?? '', /not arm's length/);
      assert.equal(await gift.locator('[data-testid=comp-include]').isDisabled(), true, 'the cleaning rules decide it');
      await screenshot(app.page, 'webview-analyzer.png');
      await assertCleanPage(app);
    } finally {
      await app.close();
    }
  });

  it('sorts by a column from the keyboard', async () => {
    const app = await open();
    try {
      const ids = () => app.page.$$eval('[data-testid=comp-row]', (rows) => rows.map((r) => (r as HTMLElement).dataset.compId));
      assert.deepEqual(await ids(), ['a', 'b', 'c', 'd', 'gift'], 'heaviest first');
      await app.page.locator('[data-testid=sort-salePrice]').focus();
      await app.page.keyboard.press('Enter');
      assert.deepEqual(await ids(), ['d', 'b', 'a', 'c', 'gift']);
      await app.page.keyboard.press('Enter');
      assert.deepEqual(await ids(), ['gift', 'c', 'a', 'b', 'd']);
      await assertCleanPage(app);
    } finally {
      await app.close();
    }
  });

  it('excluding a comp asks arv-comps-set and shows the new ARV; Save asks arv-save; the calculator follows its terms', async () => {
    const app = await open();
    try {
      await app.page.locator('[data-testid=comp-row][data-comp-id=a] [data-testid=comp-include]').uncheck();
      await app.page.locator('[data-testid=analyzer-arv]', { hasText: '$295,000' }).waitFor();
      const row = app.page.locator('[data-testid=comp-row][data-comp-id=a]');
      assert.equal(await row.locator('[data-testid=comp-reason]').textContent(), 'excluded by you');
      const sets = (await app.posted()).filter((m) => m.channel === 'ext-ghl:arv-comps-set');
      assert.deepEqual(sets.map((m) => m.payload), [{ opportunityId: 'opp-1', compId: 'a', excluded: true }]);

      await app.page.locator('[data-testid=analyzer-save]').click();
      await app.page.locator('[data-testid=analyzer-notice]', { hasText: 'Saved ARV $295,000' }).waitFor();
      assert.deepEqual((await app.posted()).filter((m) => m.channel === 'ext-ghl:arv-save').map((m) => m.payload), [{ opportunityId: 'opp-1' }]);

      // 295,000 × 70 % − 20,000 − 5,000
      await app.page.locator('[data-testid=mao-repairs]').fill('20000');
      await app.page.locator('[data-testid=mao-repairs]').dispatchEvent('change');
      await app.page.locator('[data-testid=mao-wholesaleFee]').fill('5000');
      await app.page.locator('[data-testid=mao-wholesaleFee]').dispatchEvent('change');
      await app.page.locator('[data-testid=mao-value]', { hasText: '$181,500' }).waitFor();
      await assertCleanPage(app);
    } finally {
      await app.close();
    }
  });
});
