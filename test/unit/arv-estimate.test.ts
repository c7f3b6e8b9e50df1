import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { customFieldNumber, customFieldText, normalizeCustomFields, readCustomFieldValue } from '../../src/ghl/customFieldValues';
import {
  chooseAddress,
  coefficientOfVariation,
  estimateArv,
  formatPostalAddress,
  maximumAllowableOffer,
  median,
  roundToThousand,
  selectComps,
} from '../../src/arv/estimate';
import { missingArvFieldMessage, resolveArvField, resolveFieldRef, type CustomFieldDefinition } from '../../src/arv/fieldRefs';
import { parseRentcastAnswer } from '../../src/arv/rentcastAnswer';
import { DEFAULT_ESTIMATE_SETTINGS, type Valuation } from '../../src/arv/types';
import type { Comparable } from '../../src/protocol/arv';

function comp(price: number | null, squareFootage: number | null, correlation: number | null, formattedAddress = `${price}/${squareFootage}`): Comparable {
  return { formattedAddress, price, squareFootage, correlation, bedrooms: 3, bathrooms: 2, distance: 0.5, daysOld: 30 };
}

/** Five comps at $190–210 per sqft (CV 3.5 %), one weaker outlier and three that fail the filter. */
const TIGHT: Comparable[] = [
  comp(200_000, 1000, 0.95, 'a'),
  comp(205_000, 1000, 0.94, 'b'),
  comp(210_000, 1000, 0.93, 'c'),
  comp(195_000, 1000, 0.92, 'd'),
  comp(190_000, 1000, 0.91, 'e'),
  comp(500_000, 1000, 0.85, 'outlier, 6th by correlation'),
  comp(0, 1000, 0.99, 'no price'),
  comp(300_000, null, 0.99, 'no sqft'),
  comp(300_000, 1000, 0.79, 'below the floor'),
];

function valuation(over: Partial<Valuation> = {}): Valuation {
  return { price: 287_499, priceRangeLow: 260_000, priceRangeHigh: 310_000, subjectSquareFootage: 1525, comparables: TIGHT, ...over };
}

describe('ARV estimate: the comps filter', () => {
  it('keeps price > 0, sqft > 0, correlation ≥ the floor, and the 5 best by correlation', () => {
    const used = selectComps(TIGHT, 0.8);
    assert.deepEqual(
      used.map((c) => c.formattedAddress),
      ['a', 'b', 'c', 'd', 'e'],
    );
    assert.deepEqual(
      used.map((c) => c.pricePerSqft),
      [200, 205, 210, 195, 190],
    );
  });

  it('lets the outlier in when the floor drops a better comp, and honours a custom floor', () => {
    const withoutA = TIGHT.filter((c) => c.formattedAddress !== 'a');
    assert.ok(selectComps(withoutA, 0.8).some((c) => c.formattedAddress === 'outlier, 6th by correlation'));
    assert.equal(selectComps(TIGHT, 0.93).length, 3);
    assert.equal(selectComps(TIGHT, 0.7).length, 5);
    assert.ok(selectComps(TIGHT, 0.7).every((c) => c.correlation >= 0.91), 'the 0.79 comp passes 0.7 but is not among the best 5');
  });

  it('drops comps without a correlation and with non-finite numbers', () => {
    assert.equal(selectComps([comp(100_000, 1000, null), comp(Number.NaN, 1000, 0.9), comp(100_000, Number.POSITIVE_INFINITY, 0.9)], 0.8).length, 0);
  });
});

describe('ARV estimate: the formula', () => {
  it('comps method: median $/sqft × subject sqft, rounded to $1,000, high confidence', () => {
    const e = estimateArv(valuation(), { subjectSquareFootage: null, repairs: 0 }, DEFAULT_ESTIMATE_SETTINGS);
    assert.equal(e.method, 'comps');
    assert.equal(e.medianPricePerSqft, 200);
    assert.equal(e.arv, 305_000); // 200 × 1525
    assert.equal(e.confidence, 'high');
    assert.ok(Math.abs(e.pricePerSqftVariation! - Math.sqrt(50) / 200) < 1e-12);
    assert.equal(e.subjectSquareFootageSource, 'provider');
    assert.equal(e.comps.length, 5);
  });

  it('rounds to the nearest $1,000 both ways', () => {
    const at = (sqft: number) => estimateArv(valuation({ subjectSquareFootage: sqft }), { subjectSquareFootage: null, repairs: 0 }, DEFAULT_ESTIMATE_SETTINGS).arv;
    assert.equal(at(1537), 307_000); // 307,400
    assert.equal(at(1538), 308_000); // 307,600
    assert.equal(roundToThousand(287_499), 287_000);
    assert.equal(roundToThousand(287_500), 288_000);
  });

  it("the deal's sqft field wins over the provider's", () => {
    const e = estimateArv(valuation(), { subjectSquareFootage: 2000, repairs: 0 }, DEFAULT_ESTIMATE_SETTINGS);
    assert.equal(e.arv, 400_000);
    assert.equal(e.subjectSquareFootageSource, 'field');
  });

  it('medium confidence: 5 comps spread over 10 %', () => {
    const spread = [comp(150_000, 1000, 0.9), comp(200_000, 1000, 0.9), comp(250_000, 1000, 0.9), comp(200_000, 1000, 0.9), comp(200_000, 1000, 0.9)];
    const e = estimateArv(valuation({ comparables: spread }), { subjectSquareFootage: null, repairs: 0 }, DEFAULT_ESTIMATE_SETTINGS);
    assert.ok(e.pricePerSqftVariation! > 0.1);
    assert.equal(e.confidence, 'medium');
    assert.equal(e.method, 'comps');
    assert.equal(e.arv, 305_000);
  });

  it('medium confidence: 3 or 4 comps, however tight', () => {
    for (const n of [3, 4]) {
      const e = estimateArv(valuation({ comparables: TIGHT.slice(0, n) }), { subjectSquareFootage: null, repairs: 0 }, DEFAULT_ESTIMATE_SETTINGS);
      assert.equal(e.confidence, 'medium', `${n} comps`);
      assert.equal(e.method, 'comps');
    }
    // 3 comps: $200, $205, $210 → median 205 × 1525 = 312,625
    assert.equal(estimateArv(valuation({ comparables: TIGHT.slice(0, 3) }), { subjectSquareFootage: null, repairs: 0 }, DEFAULT_ESTIMATE_SETTINGS).arv, 313_000);
    // 4 comps: median of 195, 200, 205, 210 = 202.5 × 1525 = 308,812.5
    assert.equal(estimateArv(valuation({ comparables: TIGHT.slice(0, 4) }), { subjectSquareFootage: null, repairs: 0 }, DEFAULT_ESTIMATE_SETTINGS).arv, 309_000);
  });

  it('avm method and low confidence with fewer than 3 comps', () => {
    const e = estimateArv(valuation({ comparables: TIGHT.slice(0, 2) }), { subjectSquareFootage: null, repairs: 0 }, DEFAULT_ESTIMATE_SETTINGS);
    assert.equal(e.method, 'avm');
    assert.equal(e.confidence, 'low');
    assert.equal(e.arv, 287_000);
    assert.equal(e.medianPricePerSqft, null);
  });

  it('avm method when the subject sqft is unknown, confidence still from the comps', () => {
    const e = estimateArv(valuation({ subjectSquareFootage: null, price: 287_500 }), { subjectSquareFootage: null, repairs: 0 }, DEFAULT_ESTIMATE_SETTINGS);
    assert.equal(e.method, 'avm');
    assert.equal(e.arv, 288_000);
    assert.equal(e.confidence, 'high');
    assert.equal(e.subjectSquareFootage, null);
  });

  it('low confidence with no usable comps at all', () => {
    const e = estimateArv(valuation({ comparables: [] }), { subjectSquareFootage: null, repairs: 0 }, DEFAULT_ESTIMATE_SETTINGS);
    assert.deepEqual([e.method, e.confidence, e.pricePerSqftVariation], ['avm', 'low', null]);
  });

  it('MAO = ARV × maoPercent − repairs', () => {
    const settings = DEFAULT_ESTIMATE_SETTINGS;
    assert.equal(estimateArv(valuation(), { subjectSquareFootage: null, repairs: 0 }, settings).mao, 213_500);
    assert.equal(estimateArv(valuation(), { subjectSquareFootage: null, repairs: 40_000 }, settings).mao, 173_500);
    assert.equal(estimateArv(valuation(), { subjectSquareFootage: null, repairs: 0 }, { ...settings, maoPercent: 0.65 }).mao, 198_250);
    assert.equal(maximumAllowableOffer(250_000, 0.7, 12_345.67), 162_654.33);
    assert.equal(maximumAllowableOffer(100_000, 0.7, 80_000), -10_000, 'a deal that does not work shows as negative');
  });

  it('median and variation on odd, even and degenerate inputs', () => {
    assert.equal(median([3, 1, 2]), 2);
    assert.equal(median([4, 1, 3, 2]), 2.5);
    assert.throws(() => median([]));
    assert.equal(coefficientOfVariation([5, 5, 5]), 0);
    assert.ok(Math.abs(coefficientOfVariation([90, 110]) - 0.1) < 1e-12);
  });
});

describe('ARV estimate: the address', () => {
  const contact = { address1: '123 Main St', city: 'Austin', state: 'TX', postalCode: '78701' };
  it("formats the contact's address as RentCast wants it", () => {
    assert.equal(formatPostalAddress(contact), '123 Main St, Austin, TX 78701');
    assert.equal(formatPostalAddress({ ...contact, postalCode: null }), '123 Main St, Austin, TX');
    assert.equal(formatPostalAddress({ ...contact, city: null, state: null }), '123 Main St, 78701');
    assert.equal(formatPostalAddress({ ...contact, address1: '  ' }), null);
    assert.equal(formatPostalAddress({ ...contact, state: null, postalCode: null }), null);
  });

  it('prefers the filled address field, else the contact, else says why not', () => {
    assert.deepEqual(chooseAddress(' 9 Elm St,  Dallas, TX 75201 ', contact), { address: '9 Elm St, Dallas, TX 75201', source: 'field' });
    assert.deepEqual(chooseAddress('   ', contact), { address: '123 Main St, Austin, TX 78701', source: 'contact' });
    const none = chooseAddress(null, null);
    assert.equal(none.address, null);
    assert.match(none.address === null ? none.reason : '', /no contact/);
    const incomplete = chooseAddress(null, { ...contact, address1: null });
    assert.match(incomplete.address === null ? incomplete.reason : '', /incomplete/);
  });
});

describe('custom field values in every GHL shape', () => {
  it('reads value, field_value, fieldValue and the typed fieldValue* variants', () => {
    assert.equal(readCustomFieldValue({ id: 'a', value: 'x' }), 'x');
    assert.equal(readCustomFieldValue({ id: 'a', field_value: 250000 }), 250000);
    assert.equal(readCustomFieldValue({ id: 'a', fieldValue: '12' }), '12');
    assert.equal(readCustomFieldValue({ id: 'a', type: 'string', fieldValueString: '1 Main St' }), '1 Main St');
    assert.equal(readCustomFieldValue({ id: 'a', type: 'number', fieldValueNumber: 1850 }), 1850);
    assert.deepEqual(readCustomFieldValue({ id: 'a', type: 'array', fieldValueArray: ['a', 'b'] }), ['a', 'b']);
    assert.equal(readCustomFieldValue({ id: 'a', fieldValueBoolean: false }), false);
    assert.equal(readCustomFieldValue({ id: 'a', type: 'string', fieldValueDate: 1700000000000 }), 1700000000000, 'a variant other than the type named');
    assert.equal(readCustomFieldValue({ id: 'a' }), null);
    assert.equal(readCustomFieldValue(null), null);
    assert.equal(readCustomFieldValue('text'), null);
  });

  it('normalizes a wire list and drops entries without an id', () => {
    assert.deepEqual(
      normalizeCustomFields([{ id: 'a', value: 1 }, { id: 'b', type: 'string', fieldValueString: 's' }, { value: 'orphan' }, { id: '' }, 42]),
      [
        { id: 'a', value: 1 },
        { id: 'b', value: 's' },
      ],
    );
    assert.deepEqual(normalizeCustomFields({ not: 'a list' }), []);
  });

  it('reads text and numbers leniently', () => {
    const fields = [
      { id: 'money', fieldValueString: '$250,000.00' },
      { id: 'sqft', value: '1 850 sqft' },
      { id: 'num', fieldValue: 42 },
      { id: 'blank', value: '   ' },
      { id: 'words', value: 'call me' },
      { id: 'list', value: ['a', 'b'] },
    ];
    assert.equal(customFieldNumber(fields, 'money'), 250_000);
    assert.equal(customFieldNumber(fields, 'sqft'), 1850);
    assert.equal(customFieldNumber(fields, 'num'), 42);
    assert.equal(customFieldNumber(fields, 'words'), null);
    assert.equal(customFieldNumber(fields, 'missing'), null);
    assert.equal(customFieldText(fields, 'blank'), null);
    assert.equal(customFieldText(fields, 'num'), '42');
    assert.equal(customFieldText(fields, 'list'), 'a, b');
  });
});

describe('ARV field references', () => {
  const defs: CustomFieldDefinition[] = [
    { id: 'cf1', name: 'ARV', fieldKey: 'contact.arv', model: 'contact' },
    { id: 'cf2', name: 'After Repair Value', fieldKey: 'opportunity.arv', model: 'opportunity' },
    { id: 'cf3', name: 'Sqft', fieldKey: 'opportunity.sqft', model: 'opportunity' },
  ];
  it('resolves by id, fieldKey and short key, only within the model', () => {
    assert.equal(resolveFieldRef(defs, 'cf3')?.id, 'cf3');
    assert.equal(resolveFieldRef(defs, 'opportunity.sqft')?.id, 'cf3');
    assert.equal(resolveFieldRef(defs, 'sqft')?.id, 'cf3');
    assert.equal(resolveFieldRef(defs, 'cf1'), undefined, 'a contact field is not an opportunity field');
    assert.equal(resolveFieldRef(defs, ''), undefined);
  });
  it('defaults to opportunity.arv, then to the opportunity field named ARV', () => {
    assert.equal(resolveArvField(defs, '')?.id, 'cf2');
    assert.equal(resolveArvField([{ id: 'x', name: 'arv ', fieldKey: 'opportunity.value', model: 'opportunity' }], undefined)?.id, 'x');
    assert.equal(resolveArvField(defs.slice(0, 1), undefined), undefined);
    assert.match(missingArvFieldMessage(undefined), /Custom Fields → Opportunity/);
    assert.match(missingArvFieldMessage('opportunity.nope'), /opportunity\.nope/);
  });
});

describe("RentCast's answer", () => {
  const good = { price: 300_000, priceRangeLow: 270_000, priceRangeHigh: 330_000, subjectProperty: { squareFootage: 1500 }, comparables: [{ price: 290_000, squareFootage: 1450, correlation: 0.9, extra: 'kept' }] };
  it('maps a good answer, filling unknown comp fields with null', () => {
    const parsed = parseRentcastAnswer(good);
    assert.ok(parsed.ok);
    assert.equal(parsed.valuation.subjectSquareFootage, 1500);
    assert.deepEqual(parsed.valuation.comparables[0], { formattedAddress: null, price: 290_000, squareFootage: 1450, bedrooms: null, bathrooms: null, distance: null, daysOld: null, correlation: 0.9 });
  });
  it('rejects broken and partial answers as a whole', () => {
    for (const bad of [
      { ...good, price: 'n/a' },
      { ...good, price: 0 },
      { subjectProperty: {} },
      { ...good, comparables: undefined },
      { ...good, comparables: [{ price: '290000' }] },
      { ...good, comparables: [{ correlation: 1.5 }] },
      null,
      [],
      'text',
    ]) {
      const parsed = parseRentcastAnswer(bad);
      assert.equal(parsed.ok, false, JSON.stringify(bad));
    }
    const partial = parseRentcastAnswer({ subjectProperty: {} });
    assert.match(partial.ok ? '' : partial.problem, /price/);
  });
});
