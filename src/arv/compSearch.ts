/**
 * Finding the sold comps with as few lookups as will do: the tightest circle and window first,
 * widened only while too few comps survive cleaning (0.5 → 1 → 2 mi, then 180 → 365 days), each
 * page a counted lookup. RentCast's order of results is not promised, so every page of a step is
 * read (limit/offset) before the records are sorted. When the area's records carry sale dates
 * but no prices (a non-disclosure state), widening cannot help: the search stops at once and
 * says so.
 */
import { cleanComps } from './compCleaning';
import { soldCompsFrom, salePricesUndisclosed, type SoldComp } from './soldComps';
import type { PropertyRecord, PropertySearch } from './types';

export interface WideningStep {
  radiusMiles: number;
  saleWithinDays: number;
}

export const WIDENING_STEPS: readonly WideningStep[] = [
  { radiusMiles: 0.5, saleWithinDays: 180 },
  { radiusMiles: 1, saleWithinDays: 180 },
  { radiusMiles: 2, saleWithinDays: 180 },
  { radiusMiles: 2, saleWithinDays: 365 },
];

/** Comps left after cleaning at which the search stops widening. */
export const ENOUGH_SOLD_COMPS = 5;
export const PAGE_LIMIT = 500;
/** Pages read per step at most (500 records each is far beyond any comp set). */
export const MAX_PAGES_PER_STEP = 3;

/** Lookups one deal costs: the AVM plus the first search, up to every widening. */
export const LOOKUPS_PER_DEAL = { min: 2, max: 1 + WIDENING_STEPS.length } as const;

export interface CompSearchSubject {
  address: string;
  recordId: string | null;
  latitude: number | null;
  longitude: number | null;
  propertyType: string | null;
  squareFootage: number | null;
  bedrooms: number | null;
}

export interface CompSearchResult {
  comps: SoldComp[];
  step: WideningStep;
  lookups: number;
  /** The area's records show sales without prices. */
  undisclosed: boolean;
}

/** The query of one step: the subject's type, ±30 % of its size, ±1 bedroom. */
export function searchFor(subject: CompSearchSubject, step: WideningStep, offset: number): PropertySearch {
  const sqft = subject.squareFootage;
  const beds = subject.bedrooms;
  return {
    address: subject.address,
    radiusMiles: step.radiusMiles,
    saleWithinDays: step.saleWithinDays,
    ...(subject.propertyType ? { propertyType: subject.propertyType } : {}),
    ...(sqft !== null && sqft > 0 ? { squareFootage: { min: Math.floor(sqft * 0.7), max: Math.ceil(sqft * 1.3) } } : {}),
    ...(beds !== null && beds > 0 ? { bedrooms: { min: Math.max(0, beds - 1), max: beds + 1 } } : {}),
    limit: PAGE_LIMIT,
    offset,
  };
}

export async function findSoldComps(
  fetchPage: (search: PropertySearch) => Promise<PropertyRecord[]>,
  subject: CompSearchSubject,
  asOf: number,
  steps: readonly WideningStep[] = WIDENING_STEPS,
): Promise<CompSearchResult> {
  let lookups = 0;
  let result: CompSearchResult | null = null;
  for (const step of steps) {
    const records: PropertyRecord[] = [];
    for (let page = 0; page < MAX_PAGES_PER_STEP; page++) {
      const got = await fetchPage(searchFor(subject, step, page * PAGE_LIMIT));
      lookups++;
      records.push(...got);
      if (got.length < PAGE_LIMIT) break;
    }
    const comps = soldCompsFrom(records, subject, asOf, step.saleWithinDays);
    const undisclosed = comps.length === 0 && salePricesUndisclosed(records, asOf, step.saleWithinDays);
    result = { comps, step, lookups, undisclosed };
    if (undisclosed) break;
    const { kept } = cleanComps(comps, { id: subject.recordId, address: subject.address }, new Set());
    if (kept.length >= ENOUGH_SOLD_COMPS) break;
  }
  if (!result) throw new RangeError('no widening steps');
  return { ...result, lookups };
}
