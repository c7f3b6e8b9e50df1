/**
 * The ARV from sold comps (issue 19), as pure functions:
 * - each kept comp adjusted toward the subject (compAdjustments.ts) and weighted by similarity:
 *   closer, more recent and less adjusted sales weigh more;
 * - ARV = the weighted median of the adjusted prices, rounded to $1,000; the range is the weighted
 *   25th–75th percentile;
 * - confidence from the number of comps, their spread, distance and age, with the reason in words;
 * - fallbacks, labelled: too few sold comps → the listing comps × the list-to-sale ratio, at most
 *   medium confidence (`listings`); no usable listings → RentCast's AVM (`avm`);
 * - MAO = ARV × maoPercent − repairs − wholesale fee.
 */
import type { AnalysisComp, AnalysisEstimate, AnalysisMethod, ArvConfidence } from '../protocol/arv';
import { adjustComp, chooseRates, grossAdjustment, type AdjustmentRates, type ChosenRates, type SubjectFacts } from './compAdjustments';
import { cleanComps, DEFAULT_CLEANING_RULES, type CleaningRules, type SubjectIdentity } from './compCleaning';
import { confidenceFor, median, roundToThousand, selectComps } from './estimate';
import type { SoldComp } from './soldComps';
import type { Valuation } from './types';
import { weightedQuantile } from './weightedStats';

/** Fewer kept comps than this: no sold-comps ARV. */
export const MIN_SOLD_COMPS = 3;

export interface DealTerms {
  maoPercent: number;
  repairs: number;
  wholesaleFee: number;
}

export interface SoldFigure {
  arv: number;
  low: number;
  high: number;
  confidence: ArvConfidence;
  reason: string;
}

export interface SoldAnalysis {
  /** Null with fewer than MIN_SOLD_COMPS comps left after cleaning. */
  figure: SoldFigure | null;
  /** Every comp, kept or dropped (with its reason), in the order given. */
  comps: AnalysisComp[];
  rates: ChosenRates;
}

/** Similarity weight: halves at 0.5 mi, at 180 days, and at adjustments of 20 % of the price. */
export function compWeight(distance: number | null, ageDays: number, grossAdjustmentShare: number): number {
  return (1 / (1 + (distance ?? 1) / 0.5)) * (1 / (1 + ageDays / 180)) * (1 / (1 + grossAdjustmentShare / 0.2));
}

export function maximumAllowableOffer(arv: number, terms: DealTerms): number {
  return Math.round((arv * terms.maoPercent - terms.repairs - terms.wholesaleFee) * 100) / 100;
}

/** The confidence from what the estimate rests on, and that reason in words. */
export function soldConfidence(count: number, spread: number, maxDistance: number | null, oldestDays: number): { confidence: ArvConfidence; reason: string } {
  const months = Math.max(1, Math.ceil(oldestDays / 30.44));
  const where = maxDistance === null ? '' : ` within ${maxDistance.toFixed(1)} mi`;
  const reason = `${count} sale${count === 1 ? '' : 's'}${where} in ${months} month${months === 1 ? '' : 's'}, spread ${Math.round(spread * 100)} %`;
  const near = maxDistance !== null && maxDistance <= 1;
  if (count >= 5 && spread <= 0.1 && near && oldestDays <= 190) return { confidence: 'high', reason };
  if (count >= MIN_SOLD_COMPS && spread <= 0.2) return { confidence: 'medium', reason };
  return { confidence: 'low', reason };
}

export function analyzeSoldComps(
  comps: readonly SoldComp[],
  subject: SubjectFacts & SubjectIdentity,
  excludedByUser: ReadonlySet<string>,
  defaults: AdjustmentRates,
  rules: CleaningRules = DEFAULT_CLEANING_RULES,
): SoldAnalysis {
  const { kept, dropped } = cleanComps(comps, subject, excludedByUser, rules);
  const rates = chooseRates(kept, defaults);
  const rows: AnalysisComp[] = [];
  const points: { value: number; weight: number }[] = [];
  for (const comp of kept) {
    const { adjustments, adjustedPrice } = adjustComp(comp, subject, rates);
    const weight = compWeight(comp.distance, comp.ageDays, grossAdjustment(adjustments) / comp.salePrice);
    points.push({ value: adjustedPrice, weight });
    rows.push(row(comp, adjustments, adjustedPrice, weight, null));
  }
  for (const { comp, reason } of dropped) {
    const { adjustments, adjustedPrice } = adjustComp(comp, subject, rates);
    rows.push(row(comp, adjustments, adjustedPrice, 0, reason));
  }
  const total = points.reduce((sum, p) => sum + p.weight, 0);
  for (const r of rows) r.weight = total > 0 ? Math.round((r.weight / total) * 10_000) / 10_000 : 0;
  const order = new Map(comps.map((c, i) => [c.id, i]));
  rows.sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
  if (kept.length < MIN_SOLD_COMPS) return { figure: null, comps: rows, rates };

  const arv = roundToThousand(weightedQuantile(points, 0.5));
  const low = roundToThousand(weightedQuantile(points, 0.25));
  const high = roundToThousand(weightedQuantile(points, 0.75));
  const distances = kept.map((c) => c.distance).filter((d): d is number => d !== null);
  const { confidence, reason } = soldConfidence(
    kept.length,
    arv > 0 ? (high - low) / arv : 1,
    distances.length > 0 ? Math.max(...distances) : null,
    Math.max(...kept.map((c) => c.ageDays)),
  );
  return { figure: { arv, low, high, confidence, reason }, comps: rows, rates };
}

function row(comp: SoldComp, adjustments: AnalysisComp['adjustments'], adjustedPrice: number, weight: number, excludedReason: string | null): AnalysisComp {
  return {
    id: comp.id,
    address: comp.address,
    latitude: comp.latitude,
    longitude: comp.longitude,
    saleDate: comp.saleDate,
    salePrice: comp.salePrice,
    squareFootage: comp.squareFootage,
    bedrooms: comp.bedrooms,
    bathrooms: comp.bathrooms,
    yearBuilt: comp.yearBuilt,
    distance: comp.distance === null ? null : Math.round(comp.distance * 100) / 100,
    pricePerSqft: Math.round(comp.pricePerSqft * 100) / 100,
    adjustments,
    adjustedPrice,
    weight,
    excluded: excludedReason !== null,
    excludedReason,
  };
}

export interface ListingsFigure {
  arv: number;
  count: number;
  confidence: ArvConfidence;
}

/**
 * Today's listing method (median $/sq ft of the best listing comps × the subject's size) with the
 * list-to-sale haircut; null without 3 usable listings or a subject size.
 */
export function listingsFigure(valuation: Valuation, subjectSqft: number | null, minCorrelation: number, listToSaleRatio: number): ListingsFigure | null {
  const comps = selectComps(valuation.comparables, minCorrelation);
  if (comps.length < MIN_SOLD_COMPS || subjectSqft === null || !(subjectSqft > 0)) return null;
  const arv = roundToThousand(median(comps.map((c) => c.pricePerSqft)) * subjectSqft * listToSaleRatio);
  const confidence = confidenceFor(comps) === 'high' ? 'medium' : confidenceFor(comps);
  return { arv, count: comps.length, confidence };
}

export interface EstimateInputs {
  sold: SoldFigure | null;
  /** Why there is no sold-comps ARV, for the fallback's reason ("sale prices are not disclosed here"). */
  soldMissingReason: string;
  listings: ListingsFigure | null;
  avm: { price: number; low: number | null; high: number | null };
  listToSaleRatio: number;
  terms: DealTerms;
}

/** The estimate every surface shows: sold comps, else listings, else the AVM, each saying which. */
export function chooseEstimate(input: EstimateInputs): AnalysisEstimate {
  const { sold, listings, avm, terms } = input;
  let method: AnalysisMethod;
  let arv: number;
  let low: number;
  let high: number;
  let confidence: ArvConfidence;
  let reason: string;
  if (sold) {
    ({ arv, low, high, confidence, reason } = sold);
    method = 'sold';
  } else if (listings) {
    method = 'listings';
    arv = listings.arv;
    low = roundToThousand(arv * 0.95);
    high = roundToThousand(arv * 1.05);
    confidence = listings.confidence;
    reason = `${input.soldMissingReason}: ${listings.count} listings × ${input.listToSaleRatio} list-to-sale`;
  } else {
    method = 'avm';
    arv = roundToThousand(avm.price);
    low = roundToThousand(avm.low ?? avm.price);
    high = roundToThousand(avm.high ?? avm.price);
    confidence = 'low';
    reason = `${input.soldMissingReason} and too few listings: RentCast's AVM`;
  }
  return { arv, low, high, method, confidence, reason, mao: maximumAllowableOffer(arv, terms) };
}
