/** The ARV job's public shapes: its ports, settings, status, progress and plan. */
import type { PostalAddress } from './estimate';
import type { ArvEstimateStore } from './estimateStore';
import type { ValuationProvider } from './provider';
import type { ArvProgress } from '../protocol/arv';
import type { StoredAnalysis } from './analysesRepo';
import type { AnalysisSettings } from './dealAnalysis';
import type { EstimateSettings } from './types';
import { DEFAULT_ESTIMATE_SETTINGS } from './types';

/** An opportunity as the job needs it; custom fields in any shape GHL or the cache uses. */
export interface ArvDeal {
  id: string;
  name: string;
  contactId: string | null;
  status?: string;
  customFields: readonly unknown[];
}

export interface ArvJobPorts {
  /** The pipeline's open opportunities (from the cache). */
  listOpenOpportunities(pipelineId: string, signal?: AbortSignal): Promise<readonly ArvDeal[]>;
  /** The deal's contact's postal address, or null when there is no such contact. */
  contactFor(contactId: string, signal?: AbortSignal): Promise<PostalAddress | null>;
  /** Writes the ARV into the opportunity's ARV field in GHL, then the cache. */
  writeArv(opportunityId: string, arv: number, signal?: AbortSignal): Promise<void>;
  estimates: ArvEstimateStore;
  /** Issue 19: where the sold comps and the user's exclusions are kept (the analyzer reads them). */
  analyses?: { get(opportunityId: string): StoredAnalysis | undefined; put(row: StoredAnalysis): void };
  provider: ValuationProvider;
  /** After each deal and when the run ends. */
  onProgress?(progress: ArvProgress): void;
  now?(): number;
  newRunId?(): string;
}

/** Settings of one run; field references already resolved to GHL custom field ids. */
export interface ArvJobSettings extends EstimateSettings {
  locationId: string;
  arvFieldId: string;
  addressFieldId?: string | null;
  sqftFieldId?: string | null;
  repairsFieldId?: string | null;
  /** A deal looked up within this many days is skipped unless forced; default 30. */
  maxAgeDays: number;
  /** Provider lookups one run may spend; default 100. */
  maxLookupsPerRun: number;
  /**
   * Issue 19: the sold-comps estimate (with a provider that has property records); without it,
   * or with a provider without records, the listing method of issue 12.
   */
  sold?: AnalysisSettings & { wholesaleFee: number; wholesaleFeeFieldId?: string | null; maoPercentFieldId?: string | null };
}

export const DEFAULT_JOB_LIMITS = { maxAgeDays: 30, maxLookupsPerRun: 100 } as const;

export function jobSettings(over: Partial<ArvJobSettings> & Pick<ArvJobSettings, 'locationId' | 'arvFieldId'>): ArvJobSettings {
  return { ...DEFAULT_ESTIMATE_SETTINGS, ...DEFAULT_JOB_LIMITS, ...over };
}

export interface ArvRunRequest {
  pipelineId: string;
  force?: boolean;
  settings: ArvJobSettings;
}

export class ArvRunInProgressError extends Error {
  constructor() {
    super('An ARV enrichment run is already in progress; cancel it or wait for it to finish.');
    this.name = 'ArvRunInProgressError';
  }
}
