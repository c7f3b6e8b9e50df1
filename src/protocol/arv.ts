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
  /** Lookups this run will spend: needLookup capped by the budget. */
  lookups: number;
  budget: number;
  fresh: number;
  keptForeignValue: number;
  noAddress: number;
}
