/**
 * ARV enrichment channels: plan, start, status, cancel, and the stored estimates. The job
 * (src/arv) is wired here to the cache (deals, contacts, estimates), GHL (the field
 * definitions and the write-back, paced by the GHL client) and RentCast.
 */
import type { StoredArvEstimate } from '../protocol/arv';
import { arvFieldCreateBody, type CustomFieldDefinition, missingArvFieldMessage, resolveArvField, resolveFieldRef } from '../arv/fieldRefs';
import { ArvEnrichmentJob } from '../arv/jobRunner';
import { ArvRunInProgressError, jobSettings, type ArvDeal, type ArvJobPorts, type ArvRunRequest } from '../arv/jobTypes';
import type { ValuationProvider } from '../arv/provider';
import { RentcastProvider } from '../arv/rentcast';
import { parseRecords, toOpportunity, wireOpportunity } from '../ghl/mappers';
import { EXT_GHL_IPC as C } from '../protocol/channels';
import type { Opportunity, Pipeline } from '../protocol/entities';
import { ExtGhlError } from '../protocol/envelope';
import type { ArvPipelineRef, CustomField } from '../protocol/responses';
import { readArvSettings } from './arvSettings';
import { SECRET_RENTCAST_KEY, SETTING_DEFAULT_PIPELINE, settingText } from '../protocol/settings';
import type { HandlerContext } from './context';
import type { HandlerTable } from './dispatcher';
import { requireLocationId } from './settings';

type ArvChannels =
  | typeof C.ARV_ENRICH_START
  | typeof C.ARV_ENRICH_STATUS
  | typeof C.ARV_ENRICH_PLAN
  | typeof C.ARV_ENRICH_CANCEL
  | typeof C.ARV_ESTIMATES_LIST
  | typeof C.ARV_FIELD_CREATE;

/** Deals one pipeline may hold in the cache; far above any real acquisitions pipeline. */
const MAX_DEALS_PER_RUN = 100_000;

export interface ArvWiringOptions {
  /** RentCast's base URL when `ghl.arv.rentcastBaseUrl` is not set (a proxy, the sandbox). */
  rentcastBaseUrl?: string;
}

export interface ArvHandlers {
  table: Pick<HandlerTable, ArvChannels>;
  job: ArvEnrichmentJob;
}

export function arvHandlers(ctx: HandlerContext, options: ArvWiringOptions = {}): ArvHandlers {
  let provider: ValuationProvider | null = null;
  let arvFieldId = '';

  const ports: ArvJobPorts = {
    async listOpenOpportunities(pipelineId) {
      const locationId = requireLocationId(ctx);
      const { items } = ctx.repos().opportunities.list({ locationId, pipelineId, status: 'open', limit: MAX_DEALS_PER_RUN, offset: 0 });
      return items.map(
        (o): ArvDeal => ({ id: o.id, name: o.name, contactId: o.contactId, status: o.status, customFields: o.customFields }),
      );
    },
    async contactFor(contactId) {
      const contact = ctx.repos().contacts.get(contactId);
      return contact ? { address1: contact.address1, city: contact.city, state: contact.state, postalCode: contact.postalCode } : null;
    },
    async writeArv(opportunityId, arv) {
      const api = await ctx.api();
      const value = String(arv);
      // Background work: it leaves each rate window's user headroom to the user's own actions.
      const response = await api.updateOpportunity(opportunityId, { customFields: [{ id: arvFieldId, field_value: value }] }, { priority: 'sync' });
      await ctx.recordWrite({ kind: 'opportunity', op: 'upsert', opportunity: withArv(written(response, opportunityId), arvFieldId, value) });
    },
    // Rows are read through the current repos: another window may have reloaded the cache.
    estimates: {
      get: (id) => ctx.repos().arvEstimates.get(id),
      put: (estimate) => {
        ctx.repos().arvEstimates.put(estimate);
        ctx.markDirty();
      },
    },
    analyses: {
      get: (id) => ctx.repos().arvAnalyses.get(id),
      put: (row) => {
        ctx.repos().arvAnalyses.put(row);
        ctx.markDirty();
      },
    },
    get provider(): ValuationProvider {
      if (!provider) throw new ExtGhlError('INTERNAL', 'No valuation provider was set up for this run.');
      return provider;
    },
    onProgress: (progress) => ctx.push(C.ARV_ENRICH_PROGRESS, progress),
    now: () => ctx.now(),
  };
  const job = new ArvEnrichmentJob(ports);

  /** The cached row GHL's answer describes (the cached one when the answer has none). */
  const written = (response: { opportunity?: unknown }, id: string): Opportunity => {
    const cached = ctx.repos().opportunities.get(id);
    const { valid } = parseRecords(wireOpportunity, [response.opportunity]);
    if (!valid[0]) {
      if (!cached) throw new ExtGhlError('API', `GHL accepted the ARV for ${id} but sent back no opportunity.`);
      return { ...cached, updatedAt: new Date(ctx.now()).toISOString(), syncedAt: ctx.now() };
    }
    const opportunity = toOpportunity(valid[0], requireLocationId(ctx), ctx.now());
    // GHL's write responses omit the embedded contact; keep the name the cache already knows.
    if (!opportunity.contactName) opportunity.contactName = cached?.contactName ?? null;
    return opportunity;
  };

  const resolvePipeline = (name: string | undefined): ArvPipelineRef => {
    const locationId = requireLocationId(ctx);
    const wanted = settingText(name) ?? settingText(ctx.settings.get(SETTING_DEFAULT_PIPELINE));
    const pipelines: Pipeline[] = ctx.repos().pipelines.list(locationId);
    if (pipelines.length === 0) throw new ExtGhlError('NOT_FOUND', 'No pipelines are cached yet. Run "GHL: Sync Opportunities" first.');
    if (!wanted) {
      throw new ExtGhlError('VALIDATION', `Name the pipeline to enrich (one of: ${pipelines.map((p) => p.name).join(', ')}) or set ghl.defaultPipeline.`, {
        fields: [{ field: 'pipelineName', message: 'required when ghl.defaultPipeline is not set' }],
      });
    }
    const pipeline = pipelines.find((p) => p.id === wanted) ?? pipelines.find((p) => p.name.trim().toLowerCase() === wanted.toLowerCase());
    if (!pipeline) throw new ExtGhlError('NOT_FOUND', `No pipeline "${wanted.slice(0, 200)}" in this location (cached: ${pipelines.map((p) => p.name).join(', ')}).`);
    return { pipelineId: pipeline.id, pipelineName: pipeline.name };
  };

  /** The run's settings with every field reference turned into an id; spends no lookup. */
  const prepare = async (payload: { pipelineName?: string; force?: boolean }): Promise<{ request: ArvRunRequest; pipeline: ArvPipelineRef }> => {
    const locationId = requireLocationId(ctx);
    const settings = readArvSettings(ctx.settings);
    const pipeline = resolvePipeline(payload.pipelineName);
    const api = await ctx.api();
    const definitions = fieldDefinitions((await api.getCustomFields(locationId, 'opportunity')).customFields);
    const arvField = resolveArvField(definitions, settings.arvField);
    // `canCreate`: arv-create-field would make the default field (only when no field is named in the setting).
    if (!arvField) throw new ExtGhlError('NOT_FOUND', missingArvFieldMessage(settings.arvField), { setting: 'ghl.arv.field', canCreate: !settings.arvField });
    const optional = (ref: string | null, setting: string): string | null => {
      if (!ref) return null;
      const field = resolveFieldRef(definitions, ref);
      if (!field) {
        throw new ExtGhlError('VALIDATION', `The setting ${setting} names "${ref.slice(0, 100)}", which is not an opportunity custom field of this location.`, {
          fields: [{ field: setting, message: 'unknown opportunity custom field' }],
        });
      }
      return field.id;
    };
    return {
      pipeline,
      request: {
        pipelineId: pipeline.pipelineId,
        force: payload.force === true,
        settings: jobSettings({
          locationId,
          arvFieldId: arvField.id,
          addressFieldId: optional(settings.addressField, 'ghl.arv.addressField'),
          sqftFieldId: optional(settings.sqftField, 'ghl.arv.sqftField'),
          repairsFieldId: optional(settings.repairsField, 'ghl.arv.repairsField'),
          minCorrelation: settings.minCorrelation,
          maoPercent: settings.maoPercent,
          maxAgeDays: settings.maxAgeDays,
          maxLookupsPerRun: settings.maxLookupsPerRun,
          // Issue 19: sold comps by default.
          sold: {
            minCorrelation: settings.minCorrelation,
            listToSaleRatio: settings.listToSaleRatio,
            adjustments: settings.adjustments,
            wholesaleFee: settings.wholesaleFee,
            wholesaleFeeFieldId: optional(settings.wholesaleFeeField, 'ghl.arv.wholesaleFeeField'),
            maoPercentFieldId: optional(settings.maoPercentField, 'ghl.arv.maoPercentField'),
          },
        }),
      },
    };
  };

  const newProvider = () => createRentcastProvider(ctx, options);

  const table: Pick<HandlerTable, ArvChannels> = {
    async [C.ARV_ENRICH_PLAN](payload) {
      const { request, pipeline } = await prepare(payload);
      return { ...pipeline, ...(await job.plan(request)) };
    },
    async [C.ARV_ENRICH_START](payload) {
      if (job.isRunning) throw new ExtGhlError('VALIDATION', new ArvRunInProgressError().message);
      const { request, pipeline } = await prepare(payload);
      const next = await newProvider();
      if (job.isRunning) throw new ExtGhlError('VALIDATION', new ArvRunInProgressError().message);
      provider = next;
      arvFieldId = request.settings.arvFieldId;
      try {
        return { ...pipeline, ...(await job.start(request)) };
      } catch (err) {
        if (err instanceof ArvRunInProgressError) throw new ExtGhlError('VALIDATION', err.message);
        throw err;
      }
    },
    async [C.ARV_ENRICH_STATUS]() {
      return job.status();
    },
    async [C.ARV_ENRICH_CANCEL]() {
      const cancelled = job.cancel();
      return { cancelled, status: cancelled ? await job.whenIdle() : job.status() };
    },
    async [C.ARV_FIELD_CREATE]() {
      const locationId = requireLocationId(ctx);
      const api = await ctx.api();
      const setting = readArvSettings(ctx.settings).arvField;
      const definitions = fieldDefinitions((await api.getCustomFields(locationId, 'opportunity')).customFields);
      const existing = resolveArvField(definitions, setting);
      if (existing) return { field: { ...existing }, existed: true };
      if (setting) throw new ExtGhlError('VALIDATION', `${missingArvFieldMessage(setting)} Clear the setting to create the default "ARV" field instead.`);
      const created = (await api.createCustomField(locationId, arvFieldCreateBody())).customField as Partial<CustomField> | undefined;
      if (!created || typeof created.id !== 'string') throw new ExtGhlError('API', 'GHL accepted the new ARV field but sent back no field.');
      return { field: { ...created, id: created.id, name: typeof created.name === 'string' ? created.name : 'ARV' }, existed: false };
    },
    async [C.ARV_ESTIMATES_LIST]({ opportunityIds }) {
      const found = ctx.repos().arvEstimates.getMany(opportunityIds);
      const items: StoredArvEstimate[] = opportunityIds.map((id) => found.get(id)).filter((e): e is StoredArvEstimate => e !== undefined);
      return { items };
    },
  };
  return { table, job };
}

/** RentCast with the stored key and the configured base URL; NOT_CONFIGURED without a key. */
export async function createRentcastProvider(ctx: HandlerContext, options: ArvWiringOptions): Promise<ValuationProvider> {
  const apiKey = await ctx.secrets.get(SECRET_RENTCAST_KEY);
  if (!apiKey) throw new ExtGhlError('NOT_CONFIGURED', 'No RentCast API key is set. Run "GHL: Set RentCast API Key" first.');
  return new RentcastProvider({
    apiKey,
    baseUrl: readArvSettings(ctx.settings).rentcastBaseUrl ?? options.rentcastBaseUrl,
    now: () => ctx.now(),
    onCall: (entry) => ctx.log('info', `[rentcast] GET ${entry.path} → ${entry.status} (${entry.ms} ms)${entry.attempt > 1 ? ` attempt ${entry.attempt}` : ''}`),
  });
}

export function fieldDefinitions(list: unknown): CustomFieldDefinition[] {
  if (!Array.isArray(list)) return [];
  const out: CustomFieldDefinition[] = [];
  for (const entry of list) {
    if (typeof entry !== 'object' || entry === null) continue;
    const f = entry as Record<string, unknown>;
    if (typeof f.id !== 'string' || f.id === '') continue;
    out.push({
      id: f.id,
      name: typeof f.name === 'string' ? f.name : '',
      fieldKey: typeof f.fieldKey === 'string' ? f.fieldKey : '',
      // Asked with model=opportunity; a definition without a model is one of those.
      model: typeof f.model === 'string' ? f.model : 'opportunity',
      ...(typeof f.dataType === 'string' ? { dataType: f.dataType } : {}),
    });
  }
  return out;
}

/** GHL may echo the write without the field; the cache must hold what was written either way. */
export function withArv(opportunity: Opportunity, fieldId: string, value: string): Opportunity {
  return { ...opportunity, customFields: [...opportunity.customFields.filter((f) => f.id !== fieldId), { id: fieldId, value }] };
}
