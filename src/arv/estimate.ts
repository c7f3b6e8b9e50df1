/**
 * The ARV estimate, exactly as documented for users (issue 12), as pure functions:
 * - comps: `price > 0`, `squareFootage > 0`, `correlation ≥ minCorrelation`; the 5 with the
 *   highest correlation;
 * - ARV = median comp price per sqft × subject sqft, rounded to the nearest $1,000 (method
 *   `comps`) with ≥ 3 comps and a known subject sqft; else the AVM price rounded (method `avm`);
 * - confidence: `high` with 5 comps whose price-per-sqft coefficient of variation ≤ 10 %,
 *   `medium` with ≥ 3 comps, else `low`;
 * - MAO = ARV × maoPercent − repairs.
 */
import type { ArvConfidence, Comparable, UsedComparable } from '../protocol/arv';
import type { ArvEstimate, EstimateSettings, Valuation } from './types';

export const MAX_COMPS = 5;
export const MIN_COMPS_FOR_COMPS_METHOD = 3;
export const HIGH_CONFIDENCE_MAX_VARIATION = 0.1;

/** The postal parts of a contact, as the cache holds them. */
export interface PostalAddress {
  address1: string | null;
  city: string | null;
  state: string | null;
  postalCode: string | null;
}

/**
 * "Street, City, State Zip", the form RentCast expects. Null when the street is missing or
 * neither the city with its state nor the postal code is there to place it.
 */
export function formatPostalAddress(contact: PostalAddress): string | null {
  const street = clean(contact.address1);
  const city = clean(contact.city);
  const state = clean(contact.state);
  const zip = clean(contact.postalCode);
  if (!street || (!zip && !(city && state))) return null;
  const region = [state, zip].filter(Boolean).join(' ');
  return [street, city, region].filter(Boolean).join(', ');
}

export type AddressChoice = { address: string; source: 'field' | 'contact' } | { address: null; reason: string };

/** The opportunity's address field when filled, else its contact's postal address. */
export function chooseAddress(fieldValue: string | null, contact: PostalAddress | null): AddressChoice {
  const fromField = clean(fieldValue);
  if (fromField) return { address: fromField, source: 'field' };
  if (!contact) return { address: null, reason: 'no address: the address field is empty and the deal has no contact' };
  const fromContact = formatPostalAddress(contact);
  if (fromContact) return { address: fromContact, source: 'contact' };
  return { address: null, reason: "no address: the address field is empty and the contact's address is incomplete" };
}

/** The comparables the estimate uses: valid ones above the correlation floor, best 5. */
export function selectComps(comparables: readonly Comparable[], minCorrelation: number): UsedComparable[] {
  const usable: UsedComparable[] = [];
  for (const c of comparables) {
    if (!positive(c.price) || !positive(c.squareFootage)) continue;
    if (typeof c.correlation !== 'number' || !Number.isFinite(c.correlation) || c.correlation < minCorrelation) continue;
    usable.push({ ...c, price: c.price, squareFootage: c.squareFootage, correlation: c.correlation, pricePerSqft: c.price / c.squareFootage });
  }
  // Array#sort is stable, so equal correlations keep the provider's order (nearest first on RentCast).
  return usable.sort((a, b) => b.correlation - a.correlation).slice(0, MAX_COMPS);
}

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Population standard deviation over the mean (0.1 = 10 %). */
export function coefficientOfVariation(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('variation of no values');
  const mean = values.reduce((sum, v) => sum + v, 0) / values.length;
  if (mean === 0) return 0;
  const variance = values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / values.length;
  return Math.sqrt(variance) / mean;
}

export function roundToThousand(value: number): number {
  return Math.round(value / 1000) * 1000;
}

export function confidenceFor(comps: readonly UsedComparable[]): ArvConfidence {
  if (comps.length >= MAX_COMPS && coefficientOfVariation(comps.map((c) => c.pricePerSqft)) <= HIGH_CONFIDENCE_MAX_VARIATION) return 'high';
  if (comps.length >= MIN_COMPS_FOR_COMPS_METHOD) return 'medium';
  return 'low';
}

/** MAO = ARV × maoPercent − repairs, in whole cents (so 0.7 × ARV has no float dust). */
export function maximumAllowableOffer(arv: number, maoPercent: number, repairs: number): number {
  return Math.round((arv * maoPercent - repairs) * 100) / 100;
}

export interface DealInputs {
  /** The opportunity's square-footage field, when set and filled. */
  subjectSquareFootage: number | null;
  /** The opportunity's repairs field, when set and filled; else 0. */
  repairs: number;
}

export function estimateArv(valuation: Valuation, deal: DealInputs, settings: EstimateSettings): ArvEstimate {
  const fromField = positive(deal.subjectSquareFootage) ? deal.subjectSquareFootage : null;
  const fromProvider = positive(valuation.subjectSquareFootage) ? valuation.subjectSquareFootage : null;
  const sqft = fromField ?? fromProvider;
  const comps = selectComps(valuation.comparables, settings.minCorrelation);
  const enough = comps.length >= MIN_COMPS_FOR_COMPS_METHOD;
  const medianPricePerSqft = enough ? median(comps.map((c) => c.pricePerSqft)) : null;
  const byComps = medianPricePerSqft !== null && sqft !== null;
  const arv = roundToThousand(byComps ? medianPricePerSqft * sqft : valuation.price);
  const repairs = Number.isFinite(deal.repairs) ? deal.repairs : 0;
  return {
    arv,
    method: byComps ? 'comps' : 'avm',
    confidence: confidenceFor(comps),
    subjectSquareFootage: sqft,
    subjectSquareFootageSource: fromField !== null ? 'field' : fromProvider !== null ? 'provider' : null,
    comps,
    medianPricePerSqft,
    pricePerSqftVariation: comps.length > 0 ? coefficientOfVariation(comps.map((c) => c.pricePerSqft)) : null,
    avmPrice: valuation.price,
    avmLow: valuation.priceRangeLow,
    avmHigh: valuation.priceRangeHigh,
    repairs,
    mao: maximumAllowableOffer(arv, settings.maoPercent, repairs),
  };
}

function positive(value: number | null | undefined): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0;
}

function clean(value: string | null | undefined): string {
  return typeof value === 'string' ? value.replace(/\s+/g, ' ').trim() : '';
}
