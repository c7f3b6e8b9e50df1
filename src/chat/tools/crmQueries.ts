import type { Opportunity, OpportunityStatus, Pipeline, PipelineStage } from '../../protocol/entities';
import { call, type ChannelClient } from '../channelClient';
import { addCalendarDays, wholeDaysBetween } from '../../time/dayWindows';
import { ToolInputError } from './types';
import type { DayClock } from './zones';

const PAGE = 500;
/** A safety stop for a cache far bigger than any real location. */
const MAX_SCANNED = 50_000;

export async function loadPipelines(client: ChannelClient): Promise<Pipeline[]> {
  return (await call(client, 'ext-ghl:pipelines-list', {})).items;
}

const norm = (s: string) => s.trim().toLowerCase();

/** Pipelines matching a name or id (exact first, then a substring of the name); all when none given. */
export function matchPipelines(pipelines: Pipeline[], ref: string | undefined): Pipeline[] {
  if (!ref) return pipelines;
  const key = norm(ref);
  const exact = pipelines.filter((p) => p.id === ref || norm(p.name) === key);
  if (exact.length > 0) return exact;
  const partial = pipelines.filter((p) => norm(p.name).includes(key));
  if (partial.length > 0) return partial;
  throw new ToolInputError(`No pipeline matches "${ref}". Pipelines: ${pipelines.map((p) => `${p.name} (${p.id})`).join(', ') || 'none cached'}.`);
}

export interface StageMatch {
  pipeline: Pipeline;
  stage: PipelineStage;
}

/** Stages matching a name or id across the given pipelines (exact first, then a substring). */
export function matchStages(pipelines: Pipeline[], ref: string): StageMatch[] {
  const all = pipelines.flatMap((pipeline) => pipeline.stages.map((stage) => ({ pipeline, stage })));
  const key = norm(ref);
  const exact = all.filter((m) => m.stage.id === ref || norm(m.stage.name) === key);
  if (exact.length > 0) return exact;
  const partial = all.filter((m) => norm(m.stage.name).includes(key));
  if (partial.length > 0) return partial;
  const names = [...new Set(all.map((m) => m.stage.name))];
  throw new ToolInputError(`No stage matches "${ref}". Stages: ${names.join(', ') || 'none cached'}.`);
}

export interface StageNames {
  pipeline(id: string): string;
  stage(pipelineId: string, stageId: string): string;
  position(pipelineId: string, stageId: string): number;
}

export function stageNames(pipelines: Pipeline[]): StageNames {
  const byId = new Map(pipelines.map((p) => [p.id, { name: p.name, stages: new Map(p.stages.map((s) => [s.id, s])) }]));
  return {
    pipeline: (id) => byId.get(id)?.name ?? id,
    stage: (pipelineId, stageId) => byId.get(pipelineId)?.stages.get(stageId)?.name ?? stageId,
    position: (pipelineId, stageId) => byId.get(pipelineId)?.stages.get(stageId)?.position ?? Number.MAX_SAFE_INTEGER,
  };
}

export interface OpportunityFilter {
  pipelineId?: string;
  stageId?: string;
  status?: OpportunityStatus;
  contactId?: string;
  minValue?: number;
  maxValue?: number;
  updatedBefore?: number;
  sort?: 'updated' | 'value' | 'stale' | 'created';
}

/** Every cached opportunity matching the channel's filters (filtered and sorted in SQL), page by page. */
export async function loadOpportunities(client: ChannelClient, filter: OpportunityFilter): Promise<Opportunity[]> {
  const out: Opportunity[] = [];
  for (let offset = 0; offset < MAX_SCANNED; offset += PAGE) {
    const page = await call(client, 'ext-ghl:opps-list', { ...filter, limit: PAGE, offset });
    out.push(...page.items);
    if (page.items.length < PAGE || out.length >= page.total) break;
  }
  return out;
}

/** Whole calendar days since the opportunity last changed (GHL's updatedAt; the cache keeps no stage-change date). */
export function daysSinceChange(o: Opportunity, clock: DayClock): number | null {
  const at = o.updatedAt ? Date.parse(o.updatedAt) : NaN;
  return Number.isFinite(at) ? wholeDaysBetween(at, clock.now, clock.timeZone) : null;
}

export function contactLabel(c: { name: string | null; firstName: string | null; lastName: string | null; email: string | null; phone: string | null; id: string }): string {
  return c.name || [c.firstName, c.lastName].filter(Boolean).join(' ') || c.email || c.phone || c.id;
}

export interface OpportunityQuery {
  pipeline?: string;
  stage?: string;
  status?: OpportunityStatus | 'all';
  minValue?: number;
  maxValue?: number;
  /** Only those unchanged for at least this many days. */
  staleDays?: number;
  contactId?: string;
  sort?: 'value' | 'updated' | 'stale' | 'created';
}

export interface OpportunityMatches {
  /** The first `rows` matches, in order. */
  items: Opportunity[];
  /** Every match, counted and summed by the channel. */
  total: number;
  totalValue: number;
  names: StageNames;
}

/** The cached opportunities matching a query, filtered and sorted by the channel (merged here when several stages match). */
export async function findOpportunities(client: ChannelClient, query: OpportunityQuery, clock: DayClock, rows = PAGE): Promise<OpportunityMatches> {
  const pipelines = await loadPipelines(client);
  const names = stageNames(pipelines);
  const inPipelines = query.pipeline ? matchPipelines(pipelines, query.pipeline) : null;
  const stages = query.stage ? matchStages(inPipelines ?? pipelines, query.stage) : null;
  const status = query.status === 'all' ? undefined : (query.status ?? 'open');
  // The stages narrow the pipelines too; when one pipeline is left the channel filters it, else it is done here.
  const pipelineIds = stages ? new Set(stages.map((m) => m.pipeline.id)) : inPipelines ? new Set(inPipelines.map((p) => p.id)) : null;
  const pipelineId = pipelineIds?.size === 1 ? [...pipelineIds][0] : undefined;
  // The same wall-clock time staleDays calendar days ago, so the filter agrees with daysSinceChange.
  const staleBefore = query.staleDays === undefined ? undefined : addCalendarDays(clock.now, -query.staleDays, clock.timeZone);
  const sort = query.sort ?? (query.staleDays !== undefined ? 'stale' : 'value');
  const filter: OpportunityFilter = { status, contactId: query.contactId, minValue: query.minValue, maxValue: query.maxValue, updatedBefore: staleBefore, sort };
  // The channel filters, sorts, counts and sums in SQL: one page per matched stage (usually one), else one for the pipelines.
  const limit = Math.max(1, Math.min(rows, PAGE));
  const pages = stages
    ? await Promise.all(stages.map((m) => call(client, 'ext-ghl:opps-list', { ...filter, pipelineId: m.pipeline.id, stageId: m.stage.id, limit })))
    : pipelineIds && pipelineIds.size > 1
      ? await Promise.all([...pipelineIds].map((id) => call(client, 'ext-ghl:opps-list', { ...filter, pipelineId: id, limit })))
      : [await call(client, 'ext-ghl:opps-list', { ...filter, pipelineId, limit })];
  const items = pages.flatMap((p) => p.items);
  const total = pages.reduce((n, p) => n + p.total, 0);
  const totalValue = pages.reduce((n, p) => n + p.totalValue, 0);
  const time = (iso: string | null) => (iso ? Date.parse(iso) || 0 : 0);
  const by: Record<NonNullable<OpportunityQuery['sort']>, (a: Opportunity, b: Opportunity) => number> = {
    value: (a, b) => b.monetaryValue - a.monetaryValue,
    updated: (a, b) => time(b.updatedAt) - time(a.updatedAt),
    stale: (a, b) => time(a.updatedAt) - time(b.updatedAt),
    created: (a, b) => time(b.createdAt) - time(a.createdAt),
  };
  // Several pages are merged in the same order the channel used.
  items.sort((a, b) => by[sort](a, b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { items: items.slice(0, limit), total, totalValue, names };
}

export interface StageTotals {
  pipelineId: string;
  pipeline: string;
  stages: Array<{ stageId: string; stage: string; count: number; value: number }>;
  count: number;
  value: number;
}

/** Count and summed value per stage, in the pipeline's stage order (empty stages included). */
export async function pipelineSummary(client: ChannelClient, query: { pipeline?: string; status?: OpportunityStatus | 'all' }): Promise<StageTotals[]> {
  const pipelines = matchPipelines(await loadPipelines(client), query.pipeline);
  const status = query.status === 'all' ? undefined : (query.status ?? 'open');
  const out: StageTotals[] = [];
  for (const pipeline of pipelines) {
    const { stages: rows } = await call(client, 'ext-ghl:opps-stage-summary', { pipelineId: pipeline.id, status });
    const totals = new Map(rows.map((r) => [r.stageId, r]));
    const stages = [...pipeline.stages]
      .sort((a, b) => a.position - b.position)
      .map((s) => ({ stageId: s.id, stage: s.name, count: totals.get(s.id)?.count ?? 0, value: totals.get(s.id)?.totalValue ?? 0 }));
    out.push({
      pipelineId: pipeline.id,
      pipeline: pipeline.name,
      stages,
      // Deals in a stage the pipeline no longer lists still count towards it.
      count: rows.reduce((n, r) => n + r.count, 0),
      value: rows.reduce((sum, r) => sum + r.totalValue, 0),
    });
  }
  return out;
}
