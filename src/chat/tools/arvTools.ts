import { z } from 'zod';
import type { Opportunity } from '../../protocol/entities';
import { call } from '../channelClient';
import { capped, clip, compact, dataBlock, MAX_ROWS, quote } from '../crmData';
import { findOpportunities } from './crmQueries';
import { readTool } from './types';

const ref = z.string().trim().min(1).max(200);

/**
 * #20: the ARV estimates the extension already made (GHL: Estimate ARV…, the deal analyzer), read
 * from the cache: no valuation lookup, no GHL request. Estimating more stays a user's command,
 * since each lookup spends the RentCast quota.
 */
export const arvEstimates = readTool({
  name: 'ghl_arv_estimates',
  toolReferenceName: 'ghlArvEstimates',
  displayName: 'GHL ARV Estimates',
  userDescription: 'After-repair values and offers already estimated for deals, from the local cache.',
  modelDescription:
    'Lists the ARV (after-repair value) estimates already made for GoHighLevel opportunities, from the local cache (no valuation lookup is made): ' +
    'for one opportunity (opportunityId) or the open deals of a pipeline and/or stage (name or id), each with the property address, ARV, the valuation range, ' +
    'MAO (maximum allowable offer), repairs, confidence, method, the number of comparables, when it was estimated, or why the lookup failed. ' +
    'Deals never estimated are counted, not listed; the user estimates more with "GHL: Estimate ARV…" in VS Code.',
  tags: ['ghl', 'crm', 'arv', 'opportunities', 'read'],
  icon: 'home',
  inputSchema: z.object({
    opportunityId: z.string().trim().min(1).max(128).optional().describe('One opportunity id, as an earlier tool result gave it.'),
    pipeline: ref.optional().describe('Pipeline name or id.'),
    stage: ref.optional().describe('Stage name or id, e.g. "Offer Made".'),
    limit: z.number().int().min(1).max(MAX_ROWS).optional().describe(`How many rows to return (at most ${MAX_ROWS}).`),
  }),
  async run({ opportunityId, pipeline, stage, limit }, { client, now }) {
    // No stale-day filter here, so the day clock (the location's zone, read from GHL) is not needed.
    const opportunities: Opportunity[] = opportunityId
      ? [await call(client, 'ext-ghl:opps-get', { id: opportunityId })]
      : (await findOpportunities(client, { pipeline, stage, status: 'open' }, { now: now(), timeZone: 'UTC' }, 500)).items;
    const estimates = opportunities.length > 0 ? (await call(client, 'ext-ghl:arv-estimates-list', { opportunityIds: opportunities.map((o) => o.id) })).items : [];
    const byId = new Map(estimates.map((e) => [e.opportunityId, e]));
    const rows = opportunities.flatMap((o) => {
      const e = byId.get(o.id);
      if (!e) return [];
      return [
        compact({
          opportunityId: o.id,
          opportunity: clip(o.name, 200),
          address: clip(e.address, 200),
          arv: e.arv,
          low: e.avmLow,
          high: e.avmHigh,
          mao: e.mao,
          repairs: e.repairs,
          confidence: e.confidence,
          method: e.method,
          comps: e.comps.length,
          estimated: new Date(e.estimatedAt).toISOString(),
          error: clip(e.error, 300),
        }),
      ];
    });
    const shown = capped(rows, rows.length, limit ?? MAX_ROWS);
    const where = opportunityId ? `opportunity ${opportunityId}` : [pipeline && quote(pipeline, 40), stage && quote(stage, 40)].filter(Boolean).join(' / ') || 'open deals';
    return {
      ok: true,
      summary: `Read ARV estimates for ${where} — ${rows.length} of ${opportunities.length} estimated`,
      content: dataBlock('ghl_arv_estimates', { ...shown, notEstimated: opportunities.length - rows.length }),
      refs: opportunities.filter((o) => byId.has(o.id)).slice(0, shown.shown).map((o) => ({ kind: 'opportunity' as const, id: o.id, label: o.name })),
    };
  },
});

export const ARV_TOOLS = [arvEstimates];
