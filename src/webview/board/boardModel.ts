/**
 * Everything the Opportunities board knows and does, without a DOM: the pipelines, the
 * opportunities of the shown pipeline, the filter, loading, sync progress, the error and the
 * mutations (optimistic, rolled back on failure). The components render it and call its
 * methods; it tells its listeners after every change.
 */
import { EXT_GHL_IPC as C } from '../../protocol/channels';
import type { SyncProgress } from '../../protocol/channels';
import type { Opportunity, OpportunityStatus, Pipeline, PipelineStage } from '../../protocol/entities';
import type { ErrorInfo } from '../../protocol/envelope';
import { formatCount, formatMoney } from '../../format';
import { debounce } from '../shared/debounce';
import type { HostIpc } from '../shared/ipc';
import { STATUS_LABEL, isStatus, isStatusFilter, type StatusFilter } from './status';
import { ObservableModel } from '../shared/observableModel';

/** A card's ARV line, from the stored estimate (only estimates with an ARV). */
export interface CardArv {
  arv: number;
  mao: number | null;
  confidence: 'high' | 'medium' | 'low' | null;
  method: 'comps' | 'avm' | null;
}

/** Ids per arv-estimates-list request (the channel's maximum). */
const ARV_BATCH = 2000;

/** What the board needs of the host client (a fake in unit tests). */
export type BoardIpc = Pick<HostIpc, 'request' | 'onPush'>;

/** Opportunities asked for per request. */
export const PAGE_SIZE = 500;
const RELOAD_DEBOUNCE_MS = 300;

/** What the webview state keeps (and a restored panel comes back with). */
export interface SavedBoardState {
  pipelineId?: string;
  filter?: StatusFilter;
  /** #17: only deals whose contact carries this tag (absent: all). */
  tag?: string;
}

/** A tag as GHL keeps it (trimmed, lower case); '' for anything that is not a usable tag. */
export function boardTag(value: unknown): string {
  return typeof value === 'string' && value.trim().length <= 100 ? value.trim().toLowerCase() : '';
}

/** A full-width notice shown instead of the columns (not configured, no pipelines, …). */
export interface BoardNotice {
  icon: string;
  title: string;
  detail?: string;
}

export interface BoardColumn {
  stage: PipelineStage;
  /** Newest first, filtered. */
  opportunities: Opportunity[];
  total: number;
  /** ARV estimates by opportunity id (the same map for every column). */
  arv: ReadonlyMap<string, CardArv>;
}

export interface BoardSummary {
  count: number;
  total: number;
  /** Shown opportunities whose stage the pipeline no longer has. */
  orphans: number;
}

export interface BoardModelOptions {
  /** The pipeline the host opened the board on. */
  initialPipelineId?: string;
  /** The filter of a restored board, when its page state is missing. */
  initialFilter?: string;
  /** #17: the tag filter of a restored board, when its page state is missing. */
  initialTag?: string;
  /** The webview state of an earlier page (a reload, a restored panel). */
  saved?: Partial<SavedBoardState>;
  persist?(state: SavedBoardState): void;
  reloadDebounceMs?: number;
}

type Override = { pipelineStageId?: string; status?: OpportunityStatus };

function valueOf(opp: Opportunity): number {
  return Number.isFinite(opp.monetaryValue) ? opp.monetaryValue : 0;
}

function byRecency(a: Opportunity, b: Opportunity): number {
  const ta = a.updatedAt ?? '';
  const tb = b.updatedAt ?? '';
  if (ta !== tb) return ta < tb ? 1 : -1;
  return a.name.localeCompare(b.name);
}

export class BoardModel extends ObservableModel {
  pipelines: readonly Pipeline[] = [];
  pipelineId: string | null = null;
  filter: StatusFilter;
  /** #17: only deals whose contact carries this tag ('' = all). */
  tag: string;
  /** The tag filter's choices: the location's tags (the cached contacts' when GHL cannot be asked). */
  tags: readonly string[] = [];
  /** A request is on its way. */
  loading = false;
  /** Set while a pipeline's pages are arriving. */
  loadingProgress: { loaded: number; total: number } | null = null;
  /** The last sync progress, until the sync is done. */
  sync: SyncProgress | null = null;
  /** The error banner's message; empty hides it. */
  error = '';
  notice: BoardNotice | null = null;
  /** Text for the polite live region (what a move or a status change did). */
  announcement = '';

  private opps = new Map<string, Opportunity>();
  private arv = new Map<string, CardArv>();
  /** Optimistic values of requests still in flight; re-applied over reloaded data. */
  private readonly overrides = new Map<string, Override>();
  private defaultPipeline: string | null = null;
  private loadToken = 0;
  private focusRequest: string | null = null;
  private pendingPipelineReload = false;
  private readonly unsubscribe: Array<() => void> = [];
  private readonly scheduleReload: ReturnType<typeof debounce<[]>>;

  constructor(
    private readonly ipc: BoardIpc,
    private readonly options: BoardModelOptions = {},
  ) {
    super();
    const { saved, initialFilter } = options;
    this.filter = isStatusFilter(saved?.filter) ? saved.filter : isStatusFilter(initialFilter) ? initialFilter : 'all';
    this.tag = saved && 'tag' in saved ? boardTag(saved.tag) : boardTag(options.initialTag);
    this.scheduleReload = debounce(() => {
      const pipelines = this.pendingPipelineReload;
      this.pendingPipelineReload = false;
      void (pipelines || !this.pipelineId ? this.reload() : this.loadOpportunities());
    }, options.reloadDebounceMs ?? RELOAD_DEBOUNCE_MS);
  }

  // ------------------------------------------------------------------------ listening


  /** Loads the board and follows the host's pushes. */
  async start(): Promise<void> {
    this.unsubscribe.push(
      this.ipc.onPush(C.SYNC_PROGRESS, (progress) => this.onSyncProgress(progress)),
      this.ipc.onPush('host:data-changed', ({ kinds }) => {
        if (!Array.isArray(kinds)) return;
        if (kinds.includes('pipelines')) this.requestReload(true);
        // A contact's tags changed: with a tag filter on, which deals show may have too.
        else if (kinds.includes('opportunities') || (this.tag && kinds.includes('contacts'))) this.requestReload(false);
      }),
      this.ipc.onPush('host:show-pipeline', ({ pipelineId }) => {
        if (typeof pipelineId === 'string' && pipelineId) void this.selectPipeline(pipelineId);
      }),
      this.ipc.onPush('host:configuration', () => this.requestReload(true)),
    );
    void this.loadTags();
    if (await this.loadPipelines()) {
      this.persist();
      await this.loadOpportunities();
    }
  }

  /** The tag filter's choices; a failure leaves just the active tag (the filter still works on the cache). */
  private async loadTags(): Promise<void> {
    const res = await this.ipc.request(C.TAGS_LIST, {});
    if (!res.success) return;
    this.tags = [...new Set(res.data.items.map((t) => boardTag(t.name)).filter(Boolean))].sort((a, b) => a.localeCompare(b));
    this.changed();
  }

  /** The choices with the active tag among them (a saved tag GHL no longer lists still shows as chosen). */
  get tagChoices(): string[] {
    return this.tag && !this.tags.includes(this.tag) ? [this.tag, ...this.tags] : [...this.tags];
  }

  dispose(): void {
    this.scheduleReload.cancel();
    for (const off of this.unsubscribe.splice(0)) off();
    this.forgetListeners();
  }

  // ------------------------------------------------------------------------ reading

  get pipeline(): Pipeline | undefined {
    return this.pipelines.find((p) => p.id === this.pipelineId);
  }

  /** The current pipeline's stages by position. */
  get stages(): PipelineStage[] {
    const pipeline = this.pipeline;
    return pipeline ? [...pipeline.stages].sort((a, b) => a.position - b.position) : [];
  }

  opportunity(id: string): Opportunity | undefined {
    return this.opps.get(id);
  }

  private visible(opp: Opportunity): boolean {
    return this.filter === 'all' || opp.status === this.filter;
  }

  columns(): BoardColumn[] {
    const stages = this.stages;
    const groups = new Map<string, Opportunity[]>(stages.map((s) => [s.id, []]));
    for (const opp of this.opps.values()) if (this.visible(opp)) groups.get(opp.pipelineStageId)?.push(opp);
    return stages.map((stage) => {
      const opportunities = groups.get(stage.id)!.sort(byRecency);
      return { stage, opportunities, total: opportunities.reduce((sum, o) => sum + valueOf(o), 0), arv: this.arv };
    });
  }

  summary(): BoardSummary {
    const stageIds = new Set(this.pipeline?.stages.map((s) => s.id));
    const summary: BoardSummary = { count: 0, total: 0, orphans: 0 };
    for (const opp of this.opps.values()) {
      if (!this.visible(opp)) continue;
      if (!stageIds.has(opp.pipelineStageId)) {
        summary.orphans++;
        continue;
      }
      summary.count++;
      summary.total += valueOf(opp);
    }
    return summary;
  }

  /** The card that should get keyboard focus after the next render (once). */
  takeFocusRequest(): string | null {
    const id = this.focusRequest;
    this.focusRequest = null;
    return id;
  }

  // ------------------------------------------------------------------------ loading

  private persist(): void {
    this.options.persist?.({ pipelineId: this.pipelineId ?? undefined, filter: this.filter, ...(this.tag ? { tag: this.tag } : {}) });
  }

  private showEnvelopeError(error: ErrorInfo, context: string): void {
    if (error.code === 'NOT_CONFIGURED') {
      this.notice = {
        icon: 'plug',
        title: 'Not connected to GoHighLevel',
        detail: 'Run "GHL: Set API Token" and "GHL: Set Location ID" from the Command Palette, then "GHL: Sync Opportunities".',
      };
    } else {
      this.error = `${context}: ${error.message}`;
    }
  }

  /** Loads the pipeline list and picks the pipeline to show; false when there is none to show. */
  private async loadPipelines(): Promise<boolean> {
    const token = ++this.loadToken;
    this.loading = true;
    this.changed();
    const [pipelinesRes, settingsRes] = await Promise.all([
      this.ipc.request(C.PIPELINES_LIST, {}),
      this.ipc.request(C.SETTINGS_GET, {}),
    ]);
    if (token !== this.loadToken) return false;
    this.loading = false;
    try {
      if (settingsRes.success) this.defaultPipeline = settingsRes.data.defaultPipeline;
      if (!pipelinesRes.success) {
        this.pipelines = [];
        if (pipelinesRes.error.code !== 'NOT_CONFIGURED') {
          this.notice = { icon: 'warning', title: 'Could not load pipelines', detail: pipelinesRes.error.message };
        } else {
          this.showEnvelopeError(pipelinesRes.error, 'Could not load pipelines');
        }
        return false;
      }
      if (settingsRes.success && !settingsRes.data.configured && pipelinesRes.data.items.length === 0) {
        this.showEnvelopeError({ code: 'NOT_CONFIGURED', message: 'Not configured' }, '');
        return false;
      }
      this.pipelines = pipelinesRes.data.items;
      if (this.pipelines.length === 0) {
        this.pipelineId = null;
        this.notice = {
          icon: 'project',
          title: 'No pipelines yet — run GHL: Sync Opportunities',
          detail: 'Pipelines appear here once they are in the local cache.',
        };
        return false;
      }
      this.pipelineId = this.pickPipeline();
      this.notice = null;
      return true;
    } finally {
      this.changed();
    }
  }

  /** The shown one if it still exists, else the saved one, the host's, the default, the first. */
  private pickPipeline(): string {
    const has = (id: string | null | undefined): id is string => !!id && this.pipelines.some((p) => p.id === id);
    const wanted = this.defaultPipeline?.trim().toLowerCase();
    const byDefault = this.defaultPipeline
      ? (this.pipelines.find((p) => p.id === this.defaultPipeline) ?? this.pipelines.find((p) => p.name.trim().toLowerCase() === wanted))
      : undefined;
    const { saved, initialPipelineId } = this.options;
    if (has(this.pipelineId)) return this.pipelineId;
    if (has(saved?.pipelineId)) return saved.pipelineId;
    if (has(initialPipelineId)) return initialPipelineId;
    return byDefault?.id ?? this.pipelines[0]!.id;
  }

  private applyOverrides(opp: Opportunity): Opportunity {
    const o = this.overrides.get(opp.id);
    return o ? { ...opp, ...o } : opp;
  }

  /** Loads every opportunity of the current pipeline, page by page; the first page shows at once. */
  private async loadOpportunities(): Promise<void> {
    const pipelineId = this.pipelineId;
    if (!pipelineId) return;
    const token = ++this.loadToken;
    this.loading = true;
    this.changed();
    const next = new Map<string, Opportunity>();
    let offset = 0;
    let total = Infinity;
    let firstPage = true;
    try {
      while (offset < total) {
        const res = await this.ipc.request(C.OPPS_LIST, { pipelineId, limit: PAGE_SIZE, offset, ...(this.tag ? { contactTag: this.tag } : {}) });
        if (token !== this.loadToken) return;
        if (!res.success) {
          this.showEnvelopeError(res.error, 'Could not load opportunities');
          break;
        }
        const { items } = res.data;
        total = res.data.total;
        for (const opp of items) if (opp && typeof opp.id === 'string') next.set(opp.id, this.applyOverrides(opp));
        offset += items.length;
        this.loadingProgress = { loaded: next.size, total };
        if (firstPage && items.length < total) {
          firstPage = false;
          this.opps = new Map(next);
        }
        this.changed();
        if (items.length === 0 || items.length < PAGE_SIZE) break;
      }
      this.opps = next;
      await this.loadArv(token);
    } finally {
      if (token === this.loadToken) {
        this.loading = false;
        this.loadingProgress = null;
        this.changed();
      }
    }
  }

  /** The stored ARV estimates of the loaded cards; a failure leaves the cards without them (they are extra). */
  private async loadArv(token: number): Promise<void> {
    const ids = [...this.opps.keys()];
    const found = new Map<string, CardArv>();
    for (let i = 0; i < ids.length; i += ARV_BATCH) {
      const res = await this.ipc.request(C.ARV_ESTIMATES_LIST, { opportunityIds: ids.slice(i, i + ARV_BATCH) });
      if (token !== this.loadToken || !res.success) return;
      for (const e of res.data.items) {
        if (typeof e?.arv === 'number') found.set(e.opportunityId, { arv: e.arv, mao: e.mao, confidence: e.confidence, method: e.method });
      }
    }
    this.arv = found;
  }

  /** Reloads the pipelines, then the shown pipeline's opportunities. */
  async reload(): Promise<void> {
    // On failure loadPipelines leaves a notice in place of the columns.
    if (await this.loadPipelines()) await this.loadOpportunities();
  }

  /** Debounced reload; `pipelines` also refetches the pipeline list. */
  requestReload(pipelines: boolean): void {
    this.pendingPipelineReload ||= pipelines;
    this.scheduleReload();
  }

  async selectPipeline(id: string): Promise<void> {
    if (id === this.pipelineId && this.opps.size > 0) return;
    if (!this.pipelines.some((p) => p.id === id)) {
      await this.loadPipelines();
      if (!this.pipelines.some((p) => p.id === id)) {
        this.error = 'That pipeline is not in the local cache yet — run GHL: Sync Opportunities.';
        this.changed();
        return;
      }
    }
    this.pipelineId = id;
    this.opps = new Map();
    this.notice = null;
    this.persist();
    this.changed();
    await this.loadOpportunities();
  }

  /** Ignores anything that is not a filter (the value comes from the page). */
  setFilter(filter: string): void {
    if (!isStatusFilter(filter) || filter === this.filter) return;
    this.filter = filter;
    this.persist();
    this.changed();
  }

  /** #17: shows only deals whose contact carries `tag` ('' shows all); the cache does the filtering. */
  async setTag(value: string): Promise<void> {
    const tag = boardTag(value);
    if (tag === this.tag) return;
    this.tag = tag;
    this.persist();
    this.announcement = tag ? `Showing deals whose contact is tagged ${tag}.` : 'Showing deals of every contact.';
    this.changed();
    await this.loadOpportunities();
  }

  dismissError(): void {
    this.error = '';
    this.changed();
  }

  private onSyncProgress(progress: SyncProgress): void {
    if (progress.done) {
      this.sync = null;
      if (progress.kind === 'opportunities') this.requestReload(true);
    } else {
      this.sync = progress;
    }
    this.changed();
  }

  // ------------------------------------------------------------------------ mutations

  /** Takes what the server answered, except fields with a request still in flight. */
  private mergeServer(id: string, server: Partial<Opportunity> | null | undefined): void {
    if (!server || typeof server !== 'object') return;
    const current = this.opps.get(id);
    if (!current || server.id !== id) return;
    if (typeof server.pipelineId === 'string' && server.pipelineId !== current.pipelineId) {
      this.opps.delete(id);
      this.changed();
      return;
    }
    const next: Opportunity = { ...current };
    if (typeof server.name === 'string') next.name = server.name;
    if (typeof server.monetaryValue === 'number') next.monetaryValue = server.monetaryValue;
    if (typeof server.updatedAt === 'string') next.updatedAt = server.updatedAt;
    if (server.contactName === null || typeof server.contactName === 'string') next.contactName = server.contactName;
    const o = this.overrides.get(id);
    if (typeof server.pipelineStageId === 'string' && !o?.pipelineStageId) next.pipelineStageId = server.pipelineStageId;
    if (isStatus(server.status) && !o?.status) next.status = server.status;
    this.opps.set(id, next);
    this.changed();
  }

  private setOverride(id: string, patch: Override): void {
    this.overrides.set(id, { ...this.overrides.get(id), ...patch });
  }

  private clearOverride(id: string, field: keyof Override, value: string): void {
    const o = this.overrides.get(id);
    if (!o || o[field] !== value) return;
    delete o[field];
    if (o.pipelineStageId === undefined && o.status === undefined) this.overrides.delete(id);
  }

  /** Moves a card to a stage at once, and back with an error if the host refuses. */
  async moveOpportunity(id: string, stageId: string, { focus = false } = {}): Promise<void> {
    const opp = this.opps.get(id);
    const pipeline = this.pipeline;
    const stage = pipeline?.stages.find((s) => s.id === stageId);
    if (!opp || !stage || opp.pipelineStageId === stageId) return;
    const fromStage = opp.pipelineStageId;
    const fromName = pipeline?.stages.find((s) => s.id === fromStage)?.name ?? 'its stage';
    this.opps.set(id, { ...opp, pipelineStageId: stageId, updatedAt: new Date().toISOString() });
    this.setOverride(id, { pipelineStageId: stageId });
    if (focus) this.focusRequest = id;
    this.announcement = `Moved ${opp.name} to ${stage.name}.`;
    this.changed();

    const res = await this.ipc.request(C.OPPS_UPDATE, { id, data: { pipelineStageId: stageId } });
    this.clearOverride(id, 'pipelineStageId', stageId);
    if (res.success) {
      this.mergeServer(id, res.data);
      return;
    }
    const current = this.opps.get(id);
    if (current && current.pipelineStageId === stageId) {
      this.opps.set(id, { ...current, pipelineStageId: fromStage, updatedAt: opp.updatedAt });
    }
    this.announcement = `Could not move ${opp.name}; it is back in ${fromName}.`;
    this.error = `Could not move “${opp.name}” to ${stage.name}: ${res.error.message}`;
    this.changed();
  }

  /** Moves a card one stage left (-1) or right (+1), keeping keyboard focus on it. */
  async moveBy(id: string, step: -1 | 1): Promise<void> {
    const opp = this.opps.get(id);
    if (!opp) return;
    const stages = this.stages;
    const target = stages[stages.findIndex((s) => s.id === opp.pipelineStageId) + step];
    if (target) await this.moveOpportunity(id, target.id, { focus: true });
  }

  /** Ignores anything that is not a status (the value comes from the page). */
  async setStatus(id: string, status: string): Promise<void> {
    const opp = this.opps.get(id);
    if (!opp || !isStatus(status) || opp.status === status) return;
    const previous = opp.status;
    this.opps.set(id, { ...opp, status });
    this.setOverride(id, { status });
    this.announcement = `${opp.name} is now ${STATUS_LABEL[status]}.`;
    this.changed();

    const res = await this.ipc.request(C.OPPS_UPDATE_STATUS, { id, status });
    this.clearOverride(id, 'status', status);
    if (res.success) {
      this.mergeServer(id, res.data);
      return;
    }
    const current = this.opps.get(id);
    if (current && current.status === status) this.opps.set(id, { ...current, status: previous });
    this.error = `Could not set “${opp.name}” to ${STATUS_LABEL[status]}: ${res.error.message}`;
    this.changed();
  }
}

/** "12 opportunities · $34,500", or the loading progress while pages arrive. */
export function summaryText(model: BoardModel): string {
  if (model.loadingProgress) {
    const { loaded, total } = model.loadingProgress;
    return `Loading ${formatCount(loaded)} of ${formatCount(total)}…`;
  }
  const { count, total } = model.summary();
  return `${formatCount(count)} ${count === 1 ? 'opportunity' : 'opportunities'} · ${formatMoney(total)}`;
}
