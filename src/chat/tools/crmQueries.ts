import type { Opportunity, OpportunityStatus, Pipeline, PipelineStage } from '../../protocol/entities';
import { call, type ChannelClient } from '../channelClient';
import { ToolInputError } from './types';

const PAGE = 500;
/** A safety stop for a cache far bigger than any real location. */
const MAX_SCANNED = 50_000;
export const DAY_MS = 86_400_000;

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

/** Every cached opportunity matching the channel's own filters, page by page. */
export async function loadOpportunities(
  client: ChannelClient,
  filter: { pipelineId?: string; status?: OpportunityStatus; contactId?: string },
): Promise<Opportunity[]> {
  const out: Opportunity[] = [];
  for (let offset = 0; offset < MAX_SCANNED; offset += PAGE) {
    const page = await call(client, 'ext-ghl:opps-list', { ...filter, limit: PAGE, offset });
    out.push(...page.items);
    if (page.items.length < PAGE || out.length >= page.total) break;
  }
  return out;
}

/** Whole days since the opportunity last changed (GHL's updatedAt; the cache keeps no stage-change date). */
export function daysSinceChange(o: Opportunity, now: number): number | null {
  const at = o.updatedAt ? Date.parse(o.updatedAt) : NaN;
  return Number.isFinite(at) ? Math.floor((now - at) / DAY_MS) : null;
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
  items: Opportunity[];
  names: StageNames;
}

/** The cached opportunities matching a query, sorted; the channel filters what it can, the rest here. */
export async function findOpportunities(client: ChannelClient, query: OpportunityQuery, now: number): Promise<OpportunityMatches> {
  const pipelines = await loadPipelines(client);
  const names = stageNames(pipelines);
  const inPipelines = query.pipeline ? matchPipelines(pipelines, query.pipeline) : null;
  const stages = query.stage ? matchStages(inPipelines ?? pipelines, query.stage) : null;
  const stageKeys = stages ? new Set(stages.map((m) => `${m.pipeline.id}\u0000${m.stage.id}`)) : null;
  const status = query.status === 'all' ? undefined : (query.status ?? 'open');
  // The stages narrow the pipelines too; when one pipeline is left the channel filters it, else it is done here.
  const pipelineIds = stages ? new Set(stages.map((m) => m.pipeline.id)) : inPipelines ? new Set(inPipelines.map((p) => p.id)) : null;
  const pipelineId = pipelineIds?.size === 1 ? [...pipelineIds][0] : undefined;
  const all = await loadOpportunities(client, { pipelineId, status, contactId: query.contactId });
  const staleBefore = query.staleDays === undefined ? null : now - query.staleDays * DAY_MS;
  const items = all.filter((o) => {
    if (pipelineIds && !pipelineIds.has(o.pipelineId)) return false;
    if (stageKeys && !stageKeys.has(`${o.pipelineId}\u0000${o.pipelineStageId}`)) return false;
    if (query.minValue !== undefined && o.monetaryValue < query.minValue) return false;
    if (query.maxValue !== undefined && o.monetaryValue > query.maxValue) return false;
    if (staleBefore !== null) {
      const at = o.updatedAt ? Date.parse(o.updatedAt) : NaN;
      if (!(at <= staleBefore)) return false;
    }
    return true;
  });
  const time = (iso: string | null) => (iso ? Date.parse(iso) || 0 : 0);
  const sort = query.sort ?? (query.staleDays !== undefined ? 'stale' : 'value');
  const by: Record<NonNullable<OpportunityQuery['sort']>, (a: Opportunity, b: Opportunity) => number> = {
    value: (a, b) => b.monetaryValue - a.monetaryValue,
    updated: (a, b) => time(b.updatedAt) - time(a.updatedAt),
    stale: (a, b) => time(a.updatedAt) - time(b.updatedAt),
    created: (a, b) => time(b.createdAt) - time(a.createdAt),
  };
  items.sort((a, b) => by[sort](a, b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { items, names };
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
    const opportunities = await loadOpportunities(client, { pipelineId: pipeline.id, status });
    const totals = new Map<string, { count: number; value: number }>();
    for (const o of opportunities) {
      const t = totals.get(o.pipelineStageId) ?? { count: 0, value: 0 };
      t.count++;
      t.value += o.monetaryValue;
      totals.set(o.pipelineStageId, t);
    }
    const stages = [...pipeline.stages]
      .sort((a, b) => a.position - b.position)
      .map((s) => ({ stageId: s.id, stage: s.name, count: totals.get(s.id)?.count ?? 0, value: totals.get(s.id)?.value ?? 0 }));
    out.push({
      pipelineId: pipeline.id,
      pipeline: pipeline.name,
      stages,
      count: opportunities.length,
      value: opportunities.reduce((sum, o) => sum + o.monetaryValue, 0),
    });
  }
  return out;
}
