/**
 * The ARV shapes that cross the wire: an estimate as the cache keeps it and the protocol lists it,
 * a run's status, progress and plan. src/arv computes them; the protocol, the VS Code layer and
 * the webviews only read them, so they live here, below all of them.
 */

export type ArvMethod = 'comps' | 'avm';
export type ArvConfidence = 'high' | 'medium' | 'low';

/** One comparable sale or listing as a provider reports it. Unknown numbers are null. */
export interface Comparable {
  formattedAddress: string | null;
  price: number | null;
  squareFootage: number | null;
  bedrooms: number | null;
  bathrooms: number | null;
  /** Miles from the subject. */
  distance: number | null;
  /** Days since the comparable was last seen on the market. */
  daysOld: number | null;
  /** 0–1, how closely it matches the subject (1 = identical). */
  correlation: number | null;
}

/** A comparable chosen for the estimate, with its price per square foot. */
export interface UsedComparable extends Comparable {
  price: number;
  squareFootage: number;
  correlation: number;
  pricePerSqft: number;
}

export const VALUATION_ERROR_KINDS = ['not-found', 'unauthorized', 'rate-limited', 'bad-data', 'network', 'cancelled'] as const;
export type ValuationErrorKind = (typeof VALUATION_ERROR_KINDS)[number];

/** What the ARV job remembers per opportunity (a row of ghl_arv_estimates). */
export interface StoredArvEstimate {
  opportunityId: string;
  locationId: string;
  address: string | null;
  subjectSquareFootage: number | null;
  /** Null when the lookup failed (then `error` says why). */
  arv: number | null;
  avmPrice: number | null;
  avmLow: number | null;
  avmHigh: number | null;
  comps: UsedComparable[];
  method: ArvMethod | null;
  confidence: ArvConfidence | null;
  repairs: number | null;
  mao: number | null;
  provider: string;
  /** When the lookup was made (or failed), epoch ms. */
  estimatedAt: number;
  error: string | null;
  errorKind: ValuationErrorKind | null;
  /** The ARV this extension last wrote into the GHL field, and when; tells our value from a user's. */
  writtenValue: number | null;
  writtenAt: number | null;
}

export type ArvRunState = 'idle' | 'running' | 'done' | 'cancelled' | 'failed';

export interface ArvRunStatus {
  runId: string | null;
  pipelineId: string | null;
  status: ArvRunState;
  processed: number;
  total: number;
  enriched: number;
  skipped: number;
  failed: number;
  lookups: number;
  lastError: string | null;
  startedAt: number | null;
  finishedAt: number | null;
  /** The run stopped because it spent `maxLookupsPerRun`. */
  budgetReached: boolean;
  /** Why the run ended the way it did, in words for the user (null while running). */
  message: string | null;
}

export type ArvDealOutcomeKind = 'enriched' | 'skipped' | 'failed';

export interface ArvDealOutcome {
  opportunityId: string;
  name: string;
  outcome: ArvDealOutcomeKind;
  reason: string | null;
  arv: number | null;
  mao: number | null;
  method: ArvMethod | null;
  confidence: ArvConfidence | null;
}

export interface ArvProgress extends ArvRunStatus {
  /** The deal just finished; null on the closing push. */
  deal: ArvDealOutcome | null;
}

export interface ArvRunPlan {
  total: number;
  /** Deals that need a provider lookup. */
  needLookup: number;
  /** Lookups this run will spend at least: needLookup × the least a deal costs, capped by the budget. */
  lookups: number;
  /** Issue 19: at most (every deal widening to the limit), capped by the budget. */
  lookupsMax: number;
  /** What one deal costs: 2 with sold comps (the AVM and one search), up to 5 with every widening. */
  lookupsPerDeal: { min: number; max: number };
  budget: number;
  fresh: number;
  keptForeignValue: number;
  noAddress: number;
}

// Issue 19: the sold-comps estimate and the deal analyzer.

/** How an analysis reached its ARV: adjusted closed sales, listings with a haircut, or the AVM. */
export type AnalysisMethod = 'sold' | 'listings' | 'avm';

export interface CompAdjustments {
  size: number;
  bedrooms: number;
  bathrooms: number;
  age: number;
}

/** The subject of an analysis: the deal's fields where set, else RentCast's public record. */
export interface AnalysisSubject {
  address: string;
  latitude: number | null;
  longitude: number | null;
  propertyType: string | null;
  squareFootage: number | null;
  bedrooms: number | null;
  bathrooms: number | null;
  yearBuilt: number | null;
}

/** A closed sale near the subject, as read from property records: what every comp starts from. */
export interface CompSale {
  id: string;
  address: string | null;
  latitude: number | null;
  longitude: number | null;
  saleDate: string;
  salePrice: number;
  squareFootage: number;
  bedrooms: number | null;
  bathrooms: number | null;
  yearBuilt: number | null;
  /** Miles from the subject (null without coordinates). */
  distance: number | null;
  pricePerSqft: number;
}

/** One sold comp as the analyzer shows it: its sale, the adjustments toward the subject, its weight. */
export interface AnalysisComp extends CompSale {
  adjustments: CompAdjustments;
  adjustedPrice: number;
  /** Share of the weighted median, 0–1 (0 for an excluded comp). */
  weight: number;
  excluded: boolean;
  /** Why it is left out, in words ("excluded by you", "not arm's length: …", "outlier: …"). */
  excludedReason: string | null;
}

export interface AnalysisEstimate {
  arv: number;
  low: number;
  high: number;
  method: AnalysisMethod;
  confidence: ArvConfidence;
  /** The confidence in words: "7 sales within 0.6 mi in 5 months, spread 6 %". */
  reason: string;
  mao: number;
}

/** What `arv-analyze` answers and the analyzer shows (and the cache keeps per opportunity). */
export interface ArvAnalysis {
  opportunityId: string;
  estimate: AnalysisEstimate;
  subject: AnalysisSubject;
  comps: AnalysisComp[];
  avm: { price: number; low: number | null; high: number | null };
  /** The listing-based figure beside the ARV (null without enough listings). */
  listings: { arv: number; count: number } | null;
  /** Lookups the comps cost when they were fetched. */
  lookups: number;
  /** The search that found them: radius and sale window after widening. */
  search: { radiusMiles: number; saleWithinDays: number; undisclosed: boolean };
  /** When the comps were fetched (epoch ms). */
  fetchedAt: number;
  /** The deal terms the MAO used. */
  terms: { maoPercent: number; repairs: number; wholesaleFee: number };
}
