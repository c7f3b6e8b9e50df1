/**
 * Adjusting each sold comp toward the subject, the way an appraiser's grid does: what the comp
 * would have sold for with the subject's size, bedrooms, bathrooms and age. Size is priced at a
 * fraction of the comps' median $/sq ft (the last square feet of a house add less than the
 * first); the rest at a dollar rate each. Defaults come from the settings (`ghl.arv.adjustments.*`);
 * with enough comps, a small regression over the comps themselves supplies each rate it can
 * estimate plausibly, and the default stays for the others.
 */
import type { CompAdjustments } from '../protocol/arv';
import type { SoldComp } from './soldComps';
import { leastSquares, median } from './weightedStats';

export interface AdjustmentRates {
  /** Size adjustment per square foot as a fraction of the comps' median $/sq ft (0–1). */
  sizeFactor: number;
  /** Dollars per bedroom. */
  bedroom: number;
  /** Dollars per bathroom. */
  bathroom: number;
  /** Dollars per year of age (a newer subject adjusts comps up). */
  perYearOfAge: number;
}

export const DEFAULT_ADJUSTMENT_RATES: AdjustmentRates = { sizeFactor: 0.5, bedroom: 5_000, bathroom: 7_500, perYearOfAge: 400 };

/** Comps needed before the regression is trusted over the defaults. */
export const MIN_COMPS_FOR_DERIVED_RATES = 12;

export type RateSource = 'default' | 'comps';

export interface ChosenRates {
  rates: AdjustmentRates;
  sources: Record<keyof AdjustmentRates, RateSource>;
  /** The comps' median price per square foot the size rate multiplies. */
  medianPricePerSqft: number;
}

export interface SubjectFacts {
  squareFootage: number | null;
  bedrooms: number | null;
  bathrooms: number | null;
  yearBuilt: number | null;
}

/**
 * The defaults, each replaced by the regression's coefficient when there are enough comps with
 * every fact and the coefficient is plausible (positive and below the ceiling a sane market has).
 */
export function chooseRates(comps: readonly SoldComp[], defaults: AdjustmentRates): ChosenRates {
  const medianPricePerSqft = comps.length > 0 ? median(comps.map((c) => c.pricePerSqft)) : 0;
  const chosen: ChosenRates = {
    rates: { ...defaults },
    sources: { sizeFactor: 'default', bedroom: 'default', bathroom: 'default', perYearOfAge: 'default' },
    medianPricePerSqft,
  };
  const complete = comps.filter((c) => c.bedrooms !== null && c.bathrooms !== null && c.yearBuilt !== null);
  if (complete.length < MIN_COMPS_FOR_DERIVED_RATES) return chosen;
  const coefficients = leastSquares(
    complete.map((c) => [c.squareFootage, c.bedrooms!, c.bathrooms!, c.yearBuilt!]),
    complete.map((c) => c.salePrice),
  );
  if (!coefficients) return chosen;
  const [perSqft, bedroom, bathroom, perYear] = coefficients as [number, number, number, number];
  const sizeFactor = medianPricePerSqft > 0 ? perSqft / medianPricePerSqft : NaN;
  if (sizeFactor >= 0.1 && sizeFactor <= 1) set(chosen, 'sizeFactor', sizeFactor);
  if (bedroom >= 0 && bedroom <= 50_000) set(chosen, 'bedroom', bedroom);
  if (bathroom >= 0 && bathroom <= 50_000) set(chosen, 'bathroom', bathroom);
  if (perYear >= 0 && perYear <= 5_000) set(chosen, 'perYearOfAge', perYear);
  return chosen;
}

function set(chosen: ChosenRates, key: keyof AdjustmentRates, value: number): void {
  chosen.rates[key] = value;
  chosen.sources[key] = 'comps';
}

/** Each adjustment in whole dollars; a fact unknown on either side adjusts nothing. */
export function adjustComp(comp: SoldComp, subject: SubjectFacts, chosen: ChosenRates): { adjustments: CompAdjustments; adjustedPrice: number } {
  const diff = (a: number | null, b: number | null) => (a === null || b === null ? 0 : a - b);
  const { rates } = chosen;
  const adjustments: CompAdjustments = {
    size: Math.round(diff(subject.squareFootage, comp.squareFootage) * rates.sizeFactor * chosen.medianPricePerSqft),
    bedrooms: Math.round(diff(subject.bedrooms, comp.bedrooms) * rates.bedroom),
    bathrooms: Math.round(diff(subject.bathrooms, comp.bathrooms) * rates.bathroom),
    age: Math.round(diff(subject.yearBuilt, comp.yearBuilt) * rates.perYearOfAge),
  };
  const total = adjustments.size + adjustments.bedrooms + adjustments.bathrooms + adjustments.age;
  return { adjustments, adjustedPrice: comp.salePrice + total };
}

/** Sum of the adjustments' sizes: how far the comp had to be moved (0 = a twin of the subject). */
export function grossAdjustment(adjustments: CompAdjustments): number {
  return Math.abs(adjustments.size) + Math.abs(adjustments.bedrooms) + Math.abs(adjustments.bathrooms) + Math.abs(adjustments.age);
}
