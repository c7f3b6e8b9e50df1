import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { adjustComp, chooseRates, DEFAULT_ADJUSTMENT_RATES, MIN_COMPS_FOR_DERIVED_RATES } from '../../src/arv/compAdjustments';
import { cleanComps } from '../../src/arv/compCleaning';
import { ENOUGH_SOLD_COMPS, findSoldComps, LOOKUPS_PER_DEAL, PAGE_LIMIT, searchFor, WIDENING_STEPS } from '../../src/arv/compSearch';
import { analyzeSoldComps, chooseEstimate, compWeight, listingsFigure, maximumAllowableOffer, soldConfidence } from '../../src/arv/soldEstimate';
import { distanceMiles, latestPricedSale, salePricesUndisclosed, soldCompsFrom, type SoldComp } from '../../src/arv/soldComps';
import type { PropertyRecord, PropertySearch, Valuation } from '../../src/arv/types';
import { leastSquares, median, scaledMad, weightedQuantile } from '../../src/arv/weightedStats';

const AS_OF = Date.parse('2026-12-01T12:00:00Z');
const daysAgo = (n: number) => new Date(AS_OF - n * 86_400_000).toISOString().slice(0, 10);
const SUBJECT_POINT = { latitude: 33.45, longitude: -112.07 };
/** About `miles` north of the subject (1° of latitude ≈ 69.1 mi). */
const north = (miles: number) => ({ latitude: 33.45 + miles / 69.09, longitude: -112.07 });

function record(id: string, over: Partial<PropertyRecord> = {}): PropertyRecord {
  return {
    id,
    formattedAddress: `${id} Main St, Phoenix, AZ 85004`,
    ...north(0.2),
    propertyType: 'Single Family',
    bedrooms: 3,
    bathrooms: 2,
    squareFootage: 1500,
    yearBuilt: 1990,
    sales: [{ date: daysAgo(30), price: 300_000 }],
    ...over,
  };
}

function comp(id: string, salePrice: number, over: Partial<SoldComp> = {}): SoldComp {
  const squareFootage = over.squareFootage ?? 1500;
  return {
    id,
    address: `${id} Main St`,
    latitude: null,
    longitude: null,
    saleDate: daysAgo(30),
    salePrice,
    squareFootage,
    bedrooms: 3,
    bathrooms: 2,
    yearBuilt: 1990,
    distance: 0.3,
    ageDays: 30,
    pricePerSqft: salePrice / squareFootage,
    ...over,
  };
}

const SUBJECT = { id: 'subject', address: '1 Subject Rd', squareFootage: 1500, bedrooms: 3, bathrooms: 2, yearBuilt: 1990 };

describe('sold comps from property records', () => {
  it('measures distance in miles', () => {
    const d = distanceMiles(SUBJECT_POINT, north(1));
    assert.ok(d !== null && Math.abs(d - 1) < 0.01, String(d));
    assert.equal(distanceMiles(SUBJECT_POINT, { latitude: null, longitude: 1 }), null);
  });

  it('counts a sale only inside the window and with a known price', () => {
    assert.equal(latestPricedSale([{ date: daysAgo(200), price: 1 }], AS_OF, 180), null);
    assert.equal(latestPricedSale([{ date: daysAgo(20), price: null }], AS_OF, 180), null);
    assert.equal(latestPricedSale([{ date: daysAgo(-3), price: 250_000 }], AS_OF, 180), null, 'a future date is no sale');
    assert.equal(latestPricedSale([{ date: daysAgo(20), price: 250_000 }], AS_OF, 180)?.ageDays, 20);
  });

  it("counts a flip with its latest sale", () => {
    const flip = record('flip', { sales: [{ date: daysAgo(150), price: 150_000 }, { date: daysAgo(20), price: 320_000 }] });
    const [only, ...rest] = soldCompsFrom([flip], SUBJECT_POINT, AS_OF, 180);
    assert.equal(rest.length, 0);
    assert.equal(only?.salePrice, 320_000);
    assert.equal(only?.saleDate, daysAgo(20));
  });

  it('sorts the records itself (nearest first), one comp per record, none without a size', () => {
    const records = [record('far', north(1.5)), record('near', north(0.1)), record('near', north(0.1)), record('nosize', { squareFootage: null })];
    assert.deepEqual(
      soldCompsFrom(records, SUBJECT_POINT, AS_OF, 180).map((c) => c.id),
      ['near', 'far'],
    );
  });

  it('tells a non-disclosure area (sales dated, no prices) from an area without sales', () => {
    const undisclosed = [record('a', { sales: [{ date: daysAgo(10), price: null }] })];
    assert.equal(salePricesUndisclosed(undisclosed, AS_OF, 180), true);
    assert.equal(salePricesUndisclosed([], AS_OF, 180), false);
    assert.equal(salePricesUndisclosed([...undisclosed, record('b')], AS_OF, 180), false);
  });
});

describe('cleaning the comps', () => {
  const base = ['a', 'b', 'c', 'd', 'e', 'f'].map((id, i) => comp(id, 300_000 + i * 3_000));

  it('drops the subject itself, by record id or by address', () => {
    const { kept, dropped } = cleanComps([...base, comp('subject', 300_000), comp('x', 301_000, { address: '1 subject rd.' })], SUBJECT, new Set());
    assert.equal(kept.length, base.length);
    assert.deepEqual(dropped.map((d) => [d.comp.id, d.rule]), [['subject', 'subject'], ['x', 'subject']]);
  });

  it("drops sales that are not arm's length: under $10,000 or under a third of the median", () => {
    const { dropped } = cleanComps([...base, comp('gift', 5_000), comp('auction', 90_000)], SUBJECT, new Set());
    assert.deepEqual(dropped.map((d) => [d.comp.id, d.rule]), [['gift', 'not-arms-length'], ['auction', 'not-arms-length']]);
    assert.match(dropped[0]!.reason, /under \$10,000/);
    assert.match(dropped[1]!.reason, /third of the comps' median/);
  });

  it('drops outliers in price per square foot by median ± k × MAD, each with its reason', () => {
    const { kept, dropped } = cleanComps([...base, comp('distressed', 200_000), comp('luxury', 420_000)], SUBJECT, new Set());
    assert.deepEqual(dropped.map((d) => d.comp.id).sort(), ['distressed', 'luxury']);
    assert.ok(dropped.every((d) => d.rule === 'outlier' && /outside .* MAD/.test(d.reason)));
    assert.equal(kept.length, base.length);
  });

  it("leaves out the comps the user excluded, saying so", () => {
    const { kept, dropped } = cleanComps(base, SUBJECT, new Set(['c']));
    assert.equal(kept.length, base.length - 1);
    assert.deepEqual(dropped.map((d) => [d.comp.id, d.reason]), [['c', 'excluded by you']]);
  });
});

describe('adjustments toward the subject', () => {
  it('prices size below the average $/sq ft, and bedrooms, bathrooms and age at their rates', () => {
    const comps = [comp('a', 300_000), comp('b', 300_000)];
    const rates = chooseRates(comps, DEFAULT_ADJUSTMENT_RATES);
    assert.equal(rates.medianPricePerSqft, 200);
    const smaller = comp('s', 260_000, { squareFootage: 1300, bedrooms: 2, bathrooms: 1, yearBuilt: 1980 });
    const { adjustments, adjustedPrice } = adjustComp(smaller, SUBJECT, rates);
    assert.deepEqual(adjustments, { size: 200 * 0.5 * 200, bedrooms: 5_000, bathrooms: 7_500, age: 4_000 });
    assert.equal(adjustedPrice, 260_000 + 20_000 + 5_000 + 7_500 + 4_000);
    assert.ok(adjustments.size < 200 * 200, 'the added square feet are worth less than the average');
  });

  it('adjusts nothing for a fact unknown on either side', () => {
    const rates = chooseRates([comp('a', 300_000)], DEFAULT_ADJUSTMENT_RATES);
    const { adjustments } = adjustComp(comp('x', 300_000, { bedrooms: null, yearBuilt: null }), SUBJECT, rates);
    assert.equal(adjustments.bedrooms, 0);
    assert.equal(adjustments.age, 0);
  });

  it('derives the rates from the comps by regression when there are enough, the defaults otherwise', () => {
    // A market priced exactly: 120 $/sqft + 8,000 a bedroom + 6,000 a bathroom + 900 a year + 20,000.
    const comps: SoldComp[] = [];
    for (let i = 0; i < MIN_COMPS_FOR_DERIVED_RATES; i++) {
      const sqft = 1200 + ((i * 137) % 900);
      const beds = 2 + (i % 3);
      const baths = 1 + ((i * 7) % 4) / 2;
      const year = 1960 + ((i * 11) % 50);
      comps.push(comp(`c${i}`, 120 * sqft + 8_000 * beds + 6_000 * baths + 900 * (year - 1900) + 20_000, { squareFootage: sqft, bedrooms: beds, bathrooms: baths, yearBuilt: year }));
    }
    const derived = chooseRates(comps, DEFAULT_ADJUSTMENT_RATES);
    assert.deepEqual(derived.sources, { sizeFactor: 'comps', bedroom: 'comps', bathroom: 'comps', perYearOfAge: 'comps' });
    assert.ok(Math.abs(derived.rates.sizeFactor * derived.medianPricePerSqft - 120) < 0.01);
    assert.ok(Math.abs(derived.rates.bedroom - 8_000) < 1);
    assert.ok(Math.abs(derived.rates.perYearOfAge - 900) < 1);
    const few = chooseRates(comps.slice(0, MIN_COMPS_FOR_DERIVED_RATES - 1), DEFAULT_ADJUSTMENT_RATES);
    assert.deepEqual(few.rates, DEFAULT_ADJUSTMENT_RATES);
  });

  it('keeps the default for an implausible derived rate (a negative bedroom value)', () => {
    const comps: SoldComp[] = [];
    for (let i = 0; i < MIN_COMPS_FOR_DERIVED_RATES; i++) {
      const sqft = 1200 + ((i * 137) % 900);
      const beds = 2 + (i % 3);
      comps.push(comp(`c${i}`, 150 * sqft - 10_000 * beds + 1_000 * (i % 2), { squareFootage: sqft, bedrooms: beds, bathrooms: 2 + (i % 2), yearBuilt: 1950 + i }));
    }
    const derived = chooseRates(comps, DEFAULT_ADJUSTMENT_RATES);
    assert.equal(derived.sources.bedroom, 'default');
    assert.equal(derived.rates.bedroom, DEFAULT_ADJUSTMENT_RATES.bedroom);
  });
});

describe('statistics', () => {
  it('median, MAD, least squares', () => {
    assert.equal(median([3, 1, 2]), 2);
    assert.ok(Math.abs(scaledMad([1, 2, 3, 4, 100]) - 1.4826) < 1e-9);
    const fit = leastSquares([[1], [2], [3], [4]], [3, 5, 7, 9]);
    assert.ok(fit && Math.abs(fit[0]! - 2) < 1e-9 && Math.abs(fit[1]! - 1) < 1e-9);
    assert.equal(leastSquares([[1], [1], [1]], [1, 2, 3]), null, 'a constant predictor is singular');
  });

  it('weighted quantiles: equal weights give the median, a heavy value pulls the median to it', () => {
    const equal = [1, 2, 3, 4, 5].map((value) => ({ value, weight: 1 }));
    assert.equal(weightedQuantile(equal, 0.5), 3);
    // Each value sits at the centre of its weight (Hazen's rule): 2 at 0.3, 4 at 0.7, interpolated between.
    assert.equal(weightedQuantile(equal, 0.3), 2);
    assert.equal(weightedQuantile(equal, 0.7), 4);
    assert.equal(weightedQuantile(equal, 0.25), 1.75);
    const pulled = weightedQuantile([{ value: 1, weight: 1 }, { value: 2, weight: 1 }, { value: 9, weight: 10 }], 0.5);
    assert.ok(pulled > 7 && pulled < 9, String(pulled));
    assert.equal(weightedQuantile([{ value: 1, weight: 1 }, { value: 9, weight: 0 }], 0.5), 1, 'a zero weight does not count');
  });

  it('weights closer, more recent, less adjusted sales more', () => {
    assert.ok(compWeight(0.2, 30, 0.02) > compWeight(1.5, 30, 0.02));
    assert.ok(compWeight(0.2, 30, 0.02) > compWeight(0.2, 300, 0.02));
    assert.ok(compWeight(0.2, 30, 0.02) > compWeight(0.2, 30, 0.25));
  });
});

describe('the sold-comps ARV', () => {
  const comps = [comp('a', 290_000), comp('b', 300_000, { distance: 0.1 }), comp('c', 305_000), comp('d', 310_000), comp('e', 298_000), comp('gift', 4_000)];

  it('is the weighted median of the adjusted prices rounded to $1,000, with the weighted 25th–75th range', () => {
    const analysis = analyzeSoldComps(comps, SUBJECT, new Set(), DEFAULT_ADJUSTMENT_RATES);
    const figure = analysis.figure;
    assert.ok(figure);
    assert.equal(figure.arv % 1000, 0);
    assert.ok(figure.arv >= 298_000 && figure.arv <= 305_000, String(figure.arv));
    assert.ok(figure.low <= figure.arv && figure.arv <= figure.high);
    const gift = analysis.comps.find((c) => c.id === 'gift');
    assert.equal(gift?.excluded, true);
    assert.equal(gift?.weight, 0);
    const weights = analysis.comps.filter((c) => !c.excluded).map((c) => c.weight);
    assert.ok(Math.abs(weights.reduce((a, b) => a + b, 0) - 1) < 0.001);
    assert.ok(analysis.comps.find((c) => c.id === 'b')!.weight > analysis.comps.find((c) => c.id === 'a')!.weight, 'the nearest weighs most');
  });

  it('changes when the user excludes a comp, and is null with fewer than 3 comps left', () => {
    const all = analyzeSoldComps(comps, SUBJECT, new Set(), DEFAULT_ADJUSTMENT_RATES).figure!;
    const without = analyzeSoldComps(comps, SUBJECT, new Set(['b', 'e']), DEFAULT_ADJUSTMENT_RATES).figure!;
    assert.notEqual(without.arv, all.arv);
    const two = analyzeSoldComps(comps.slice(0, 2), SUBJECT, new Set(), DEFAULT_ADJUSTMENT_RATES);
    assert.equal(two.figure, null);
    assert.equal(two.comps.length, 2, 'the comps still show');
  });

  it('says its confidence in words', () => {
    assert.deepEqual(soldConfidence(7, 0.06, 0.6, 150), { confidence: 'high', reason: '7 sales within 0.6 mi in 5 months, spread 6 %' });
    assert.equal(soldConfidence(7, 0.06, 1.8, 150).confidence, 'medium', 'far comps are not high');
    assert.equal(soldConfidence(4, 0.15, 0.4, 60).confidence, 'medium');
    assert.equal(soldConfidence(3, 0.3, 0.4, 60).confidence, 'low');
  });
});

describe('fallbacks and MAO', () => {
  const valuation: Valuation = {
    price: 333_000,
    priceRangeLow: 300_000,
    priceRangeHigh: 360_000,
    subjectSquareFootage: 1500,
    comparables: [210, 220, 230, 240].map((ppsf, i) => ({
      formattedAddress: `l${i}`,
      price: ppsf * 1000,
      squareFootage: 1000,
      bedrooms: 3,
      bathrooms: 2,
      distance: 0.5,
      daysOld: 10,
      correlation: 0.95,
    })),
  };
  const terms = { maoPercent: 0.7, repairs: 40_000, wholesaleFee: 10_000 };

  it('listings: median list $/sq ft × size × list-to-sale ratio, at most medium confidence', () => {
    const figure = listingsFigure(valuation, 1500, 0.8, 0.97);
    assert.deepEqual(figure, { arv: Math.round((225 * 1500 * 0.97) / 1000) * 1000, count: 4, confidence: 'medium' });
    assert.equal(listingsFigure(valuation, null, 0.8, 0.97), null);
  });

  it('chooses sold, else listings, else the AVM, each labelled', () => {
    const listings = listingsFigure(valuation, 1500, 0.8, 0.97);
    const sold = analyzeSoldComps([300_000, 301_000, 302_000].map((p, i) => comp(`s${i}`, p)), SUBJECT, new Set(), DEFAULT_ADJUSTMENT_RATES).figure;
    const avm = { price: valuation.price, low: valuation.priceRangeLow, high: valuation.priceRangeHigh };
    const base = { avm, listToSaleRatio: 0.97, terms, soldMissingReason: 'sale prices are not disclosed here' };
    assert.equal(chooseEstimate({ ...base, sold, listings }).method, 'sold');
    const fromListings = chooseEstimate({ ...base, sold: null, listings });
    assert.equal(fromListings.method, 'listings');
    assert.match(fromListings.reason, /not disclosed.*4 listings × 0.97/);
    const fromAvm = chooseEstimate({ ...base, sold: null, listings: null });
    assert.deepEqual([fromAvm.method, fromAvm.arv, fromAvm.confidence], ['avm', 333_000, 'low']);
  });

  it('MAO = ARV × percent − repairs − wholesale fee', () => {
    assert.equal(maximumAllowableOffer(300_000, terms), 300_000 * 0.7 - 40_000 - 10_000);
  });
});

describe('widening the search', () => {
  const subject = { address: '1 Subject Rd, Phoenix, AZ 85004', recordId: 'subject', ...SUBJECT_POINT, propertyType: 'Single Family', squareFootage: 1500, bedrooms: 3 };

  /** A fake /v1/properties over `records`: the radius and sale window applied, paged. */
  function fakeSearch(records: PropertyRecord[]) {
    const calls: PropertySearch[] = [];
    const fetchPage = async (search: PropertySearch) => {
      calls.push(search);
      const inArea = records.filter((r) => (distanceMiles(SUBJECT_POINT, r) ?? 99) <= search.radiusMiles && r.sales.some((s) => AS_OF - Date.parse(s.date) <= search.saleWithinDays * 86_400_000));
      return inArea.slice(search.offset, search.offset + search.limit);
    };
    return { calls, fetchPage };
  }

  it('asks for the subject type, ±30 % size and ±1 bedroom', () => {
    const s = searchFor(subject, WIDENING_STEPS[0]!, 0);
    assert.deepEqual([s.squareFootage, s.bedrooms, s.propertyType, s.limit], [{ min: 1050, max: 1950 }, { min: 2, max: 4 }, 'Single Family', PAGE_LIMIT]);
  });

  it('stops at the first step with enough comps', async () => {
    const near = Array.from({ length: ENOUGH_SOLD_COMPS + 1 }, (_, i) => record(`n${i}`, { ...north(0.3), sales: [{ date: daysAgo(20 + i), price: 300_000 + i * 1000 }] }));
    const { calls, fetchPage } = fakeSearch(near);
    const result = await findSoldComps(fetchPage, subject, AS_OF);
    assert.equal(calls.length, 1);
    assert.equal(result.lookups, 1);
    assert.equal(result.step.radiusMiles, 0.5);
  });

  it('widens 0.5 → 1 → 2 mi, then 180 → 365 days, one lookup each', async () => {
    const old = Array.from({ length: 6 }, (_, i) => record(`o${i}`, { ...north(1.5), sales: [{ date: daysAgo(250 + i), price: 300_000 + i * 1000 }] }));
    const { calls, fetchPage } = fakeSearch(old);
    const result = await findSoldComps(fetchPage, subject, AS_OF);
    assert.deepEqual(calls.map((c) => [c.radiusMiles, c.saleWithinDays]), [[0.5, 180], [1, 180], [2, 180], [2, 365]]);
    assert.equal(result.lookups, LOOKUPS_PER_DEAL.max - 1);
    assert.equal(result.comps.length, 6);
  });

  it('reads every page before sorting', async () => {
    const many = Array.from({ length: PAGE_LIMIT + 3 }, (_, i) => record(`m${i}`, { ...north(0.4 - i / 10_000), sales: [{ date: daysAgo(10), price: 300_000 }] }));
    const { calls, fetchPage } = fakeSearch(many);
    const result = await findSoldComps(fetchPage, subject, AS_OF);
    assert.deepEqual(calls.map((c) => c.offset), [0, PAGE_LIMIT]);
    assert.equal(result.comps[0]?.id, `m${PAGE_LIMIT + 2}`, 'the nearest, from the last page');
  });

  it('falls back at once in a non-disclosure area', async () => {
    const undisclosed = Array.from({ length: 8 }, (_, i) => record(`u${i}`, { sales: [{ date: daysAgo(30 + i), price: null }] }));
    const { calls, fetchPage } = fakeSearch(undisclosed);
    const result = await findSoldComps(fetchPage, subject, AS_OF);
    assert.equal(calls.length, 1);
    assert.equal(result.undisclosed, true);
    assert.equal(result.comps.length, 0);
  });
});

describe("RentCast's /v1/properties answer", () => {
  it('reads every sale of a record (history and the last sale, once per day) and rejects a broken record', async () => {
    const { parsePropertiesAnswer } = await import('../../src/arv/rentcastAnswer');
    const parsed = parsePropertiesAnswer([
      {
        id: 'r1',
        formattedAddress: '1 A St',
        latitude: 33.4,
        longitude: -112,
        squareFootage: 1500,
        lastSaleDate: '2026-10-01T00:00:00.000Z',
        lastSalePrice: 320_000,
        history: {
          '2026-05-01': { event: 'Sale', date: '2026-05-01T00:00:00.000Z', price: 150_000 },
          '2026-10-01': { event: 'Sale', date: '2026-10-01T00:00:00.000Z', price: 320_000 },
          '2026-04-01': { event: 'Listing', date: '2026-04-01T00:00:00.000Z', price: 999_999 },
        },
      },
      { id: 'r2', lastSaleDate: '2026-09-01T00:00:00.000Z' },
    ]);
    assert.ok(parsed.ok);
    const [flip, undisclosed] = parsed.records;
    assert.deepEqual(flip!.sales.map((s) => [s.date.slice(0, 10), s.price]).sort(), [['2026-05-01', 150_000], ['2026-10-01', 320_000]]);
    assert.deepEqual(undisclosed!.sales, [{ date: '2026-09-01T00:00:00.000Z', price: null }]);
    assert.equal(parsePropertiesAnswer([{ id: 'x', squareFootage: 'big' }]).ok, false);
    assert.equal(parsePropertiesAnswer({ not: 'an array' }).ok, false);
  });
});
