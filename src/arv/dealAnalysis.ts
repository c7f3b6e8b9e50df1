/**
 * One deal's analysis in two halves: `fetchDealComps` spends the lookups (the AVM answer for the
 * subject's facts and its listings, then the sold-comps search with its widenings) and returns
 * everything worth keeping; `analyzeFetched` turns that, the user's exclusions and the settings
 * into the ARV, with no lookup, so an exclusion or a changed setting recomputes at once.
 */
import type { AnalysisSubject, ArvAnalysis, Comparable } from '../protocol/arv';
import type { AdjustmentRates } from './compAdjustments';
import { findSoldComps, type WideningStep } from './compSearch';
import type { SubjectHints, ValuationProvider } from './provider';
import type { SoldComp } from './soldComps';
import { analyzeSoldComps, chooseEstimate, listingsFigure, type DealTerms } from './soldEstimate';

/** What one fetch found: stored per opportunity, reused until a refresh. */
export interface FetchedComps {
  subject: AnalysisSubject;
  subjectRecordId: string | null;
  comps: SoldComp[];
  listingComps: Comparable[];
  avm: { price: number; low: number | null; high: number | null };
  search: WideningStep & { undisclosed: boolean };
  lookups: number;
  fetchedAt: number;
}

export interface AnalysisSettings {
  minCorrelation: number;
  listToSaleRatio: number;
  adjustments: AdjustmentRates;
}

/** The deal's own facts win over RentCast's record (an investor knows the house after the addition). */
export interface DealFacts {
  address: string;
  squareFootage: number | null;
}

/** `onLookup` is told before each billable request, so a run that fails half-way still counts what it spent. */
export async function fetchDealComps(
  provider: ValuationProvider,
  deal: DealFacts,
  asOf: number,
  signal?: AbortSignal,
  onLookup: () => void = () => undefined,
): Promise<FetchedComps> {
  const hints: SubjectHints = deal.squareFootage !== null ? { squareFootage: deal.squareFootage } : {};
  onLookup();
  const valuation = await provider.lookup(deal.address, hints, signal);
  let lookups = 1;
  const record = valuation.subjectRecord ?? null;
  const subject: AnalysisSubject = {
    address: deal.address,
    latitude: record?.latitude ?? null,
    longitude: record?.longitude ?? null,
    propertyType: record?.propertyType ?? null,
    squareFootage: deal.squareFootage ?? record?.squareFootage ?? valuation.subjectSquareFootage,
    bedrooms: record?.bedrooms ?? null,
    bathrooms: record?.bathrooms ?? null,
    yearBuilt: record?.yearBuilt ?? null,
  };
  let comps: SoldComp[] = [];
  let search: FetchedComps['search'] = { radiusMiles: 0, saleWithinDays: 0, undisclosed: false };
  if (provider.searchProperties) {
    const search_ = provider.searchProperties.bind(provider);
    const found = await findSoldComps(
      (s) => {
        onLookup();
        return search_(s, signal);
      },
      { address: deal.address, recordId: record?.id ?? null, latitude: subject.latitude, longitude: subject.longitude, propertyType: subject.propertyType, squareFootage: subject.squareFootage, bedrooms: subject.bedrooms },
      asOf,
    );
    lookups += found.lookups;
    comps = found.comps;
    search = { ...found.step, undisclosed: found.undisclosed };
  }
  return {
    subject,
    subjectRecordId: record?.id ?? null,
    comps,
    listingComps: valuation.comparables,
    avm: { price: valuation.price, low: valuation.priceRangeLow, high: valuation.priceRangeHigh },
    search,
    lookups,
    fetchedAt: asOf,
  };
}

export function analyzeFetched(opportunityId: string, fetched: FetchedComps, excluded: ReadonlySet<string>, settings: AnalysisSettings, terms: DealTerms): ArvAnalysis {
  const { subject } = fetched;
  const sold = analyzeSoldComps(fetched.comps, { ...subject, id: fetched.subjectRecordId }, excluded, settings.adjustments);
  const listings = listingsFigure(
    { price: fetched.avm.price, priceRangeLow: fetched.avm.low, priceRangeHigh: fetched.avm.high, subjectSquareFootage: subject.squareFootage, comparables: fetched.listingComps },
    subject.squareFootage,
    settings.minCorrelation,
    settings.listToSaleRatio,
  );
  const soldMissingReason = fetched.search.undisclosed
    ? 'No sold comps: sale prices are not disclosed in this area'
    : fetched.search.radiusMiles === 0
      ? 'No sold comps from this provider'
      : `Too few sold comps within ${fetched.search.radiusMiles} mi in ${Math.round(fetched.search.saleWithinDays / 30.44)} months`;
  const estimate = chooseEstimate({ sold: sold.figure, listings, avm: fetched.avm, listToSaleRatio: settings.listToSaleRatio, terms, soldMissingReason });
  return {
    opportunityId,
    estimate,
    subject,
    // Shown even when too few to use, each with why it is out: the user sees what the search found.
    comps: sold.comps,
    avm: fetched.avm,
    listings: listings && { arv: listings.arv, count: listings.count },
    lookups: fetched.lookups,
    search: fetched.search,
    fetchedAt: fetched.fetchedAt,
    terms,
  };
}
