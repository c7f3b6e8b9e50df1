/** What the ARV job remembers per opportunity, and the store interface it needs. */
import type { ArvConfidence, ArvMethod, UsedComparable } from './types';
import type { ValuationErrorKind } from './provider';

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

export interface ArvEstimateStore {
  get(opportunityId: string): StoredArvEstimate | undefined;
  put(estimate: StoredArvEstimate): void;
}

/** A Map-backed store, for tests and for running without a cache. */
export class InMemoryArvEstimateStore implements ArvEstimateStore {
  readonly rows = new Map<string, StoredArvEstimate>();
  get(opportunityId: string): StoredArvEstimate | undefined {
    const row = this.rows.get(opportunityId);
    return row ? structuredClone(row) : undefined;
  }
  put(estimate: StoredArvEstimate): void {
    this.rows.set(estimate.opportunityId, structuredClone(estimate));
  }
}
