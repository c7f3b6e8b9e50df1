/**
 * The deal analyzer's state, without a DOM: the analysis (from the stored comps at once, fetched
 * on the first open), the comps' sort, the user's include/exclude (each a recompute in the core,
 * no lookup), the MAO calculator's what-if terms, and Save to GHL.
 */
import type { AnalysisComp, ArvAnalysis } from '../../protocol/arv';
import { EXT_GHL_IPC as C } from '../../protocol/channels';
import type { ErrorInfo } from '../../protocol/envelope';
import type { HostIpc } from '../shared/ipc';
import { ObservableModel } from '../shared/observableModel';

/** The ipc client (tests pass a fake answering the three analyzer channels). */
export type AnalyzerIpc = Pick<HostIpc, 'request'>;

export type SortKey = 'address' | 'saleDate' | 'salePrice' | 'squareFootage' | 'distance' | 'pricePerSqft' | 'adjustedPrice' | 'weight';

export interface Terms {
  repairs: number;
  maoPercent: number;
  wholesaleFee: number;
}

const ARV_ANALYZE = C.ARV_ANALYZE;
const ARV_COMPS_SET = C.ARV_COMPS_SET;
const ARV_SAVE = C.ARV_SAVE;

export class AnalyzerModel extends ObservableModel {
  analysis: ArvAnalysis | null = null;
  fromCache = false;
  loading = false;
  saving = false;
  error: ErrorInfo | null = null;
  /** "Saved ARV $312,000 to GoHighLevel." after a save. */
  notice: string | null = null;
  sort: { key: SortKey; descending: boolean } = { key: 'weight', descending: true };
  /** The calculator's terms; null until an analysis brings the deal's own. */
  terms: Terms | null = null;
  /** Comps whose include/exclude is on its way. */
  readonly pending = new Set<string>();

  constructor(
    private readonly ipc: AnalyzerIpc,
    readonly opportunityId: string,
  ) {
    super();
  }

  async start(refresh = false): Promise<void> {
    this.loading = true;
    this.error = null;
    this.notice = null;
    this.changed();
    const answer = await this.ipc.request(ARV_ANALYZE, refresh ? { opportunityId: this.opportunityId, refresh: true } : { opportunityId: this.opportunityId });
    this.loading = false;
    if (answer.success) {
      const { fromCache, ...analysis } = answer.data;
      this.fromCache = fromCache;
      this.take(analysis);
    } else {
      this.error = answer.error;
    }
    this.changed();
  }

  async setExcluded(compId: string, excluded: boolean): Promise<void> {
    if (this.pending.has(compId)) return;
    this.pending.add(compId);
    this.notice = null;
    this.changed();
    const answer = await this.ipc.request(ARV_COMPS_SET, { opportunityId: this.opportunityId, compId, excluded });
    this.pending.delete(compId);
    if (answer.success) this.take(answer.data);
    else this.error = answer.error;
    this.changed();
  }

  async save(): Promise<void> {
    if (this.saving || !this.analysis) return;
    this.saving = true;
    this.error = null;
    this.notice = null;
    this.changed();
    const answer = await this.ipc.request(ARV_SAVE, { opportunityId: this.opportunityId });
    this.saving = false;
    if (answer.success) {
      const also = [answer.data.fields.mao ? 'MAO' : '', answer.data.fields.confidence ? 'confidence' : ''].filter(Boolean);
      this.notice = `Saved ARV ${money(answer.data.arv)}${also.length ? ` (and ${also.join(', ')})` : ''} to GoHighLevel.`;
    } else {
      this.error = answer.error;
    }
    this.changed();
  }

  sortBy(key: SortKey): void {
    this.sort = this.sort.key === key ? { key, descending: !this.sort.descending } : { key, descending: key !== 'address' && key !== 'distance' };
    this.changed();
  }

  setTerm(name: keyof Terms, value: number): void {
    if (!this.terms || !Number.isFinite(value) || value < 0) return;
    this.terms = { ...this.terms, [name]: name === 'maoPercent' && value > 1 ? value / 100 : value };
    this.changed();
  }

  /** The calculator's MAO: ARV × percent − repairs − fee with the terms as edited. */
  get mao(): number | null {
    if (!this.analysis || !this.terms) return null;
    return Math.round(this.analysis.estimate.arv * this.terms.maoPercent - this.terms.repairs - this.terms.wholesaleFee);
  }

  get sortedComps(): AnalysisComp[] {
    const comps = [...(this.analysis?.comps ?? [])];
    const { key, descending } = this.sort;
    const value = (c: AnalysisComp): number | string => (key === 'address' ? (c.address ?? '').toLowerCase() : (c[key] ?? Number.POSITIVE_INFINITY));
    comps.sort((a, b) => {
      const x = value(a);
      const y = value(b);
      const order = x < y ? -1 : x > y ? 1 : 0;
      return descending ? -order : order;
    });
    return comps;
  }

  private take(analysis: ArvAnalysis): void {
    this.analysis = analysis;
    this.terms ??= { ...analysis.terms };
  }
}

export function money(value: number): string {
  return `$${Math.round(value).toLocaleString('en-US')}`;
}
