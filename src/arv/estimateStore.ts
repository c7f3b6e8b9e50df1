/** The store the ARV job keeps what it found per opportunity in (the row: StoredArvEstimate in src/protocol/arv.ts). */
import type { StoredArvEstimate } from '../protocol/arv';

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
