/**
 * Issue 19, the deal analyzer's channels: `arv-analyze` (from the stored comps unless `refresh`;
 * the first analysis of a deal spends its lookups), `arv-comps-set` (the user includes or
 * excludes a comp: recomputed without a lookup, remembered for later runs), `arv-save` (the ARV,
 * and the MAO and confidence where such fields exist, into GHL and the cache).
 */
import { ARV_ANALYSIS_JOURNAL_FEATURE } from '../arv/analysesRepo';
import { analyzeFetched, fetchDealComps, type AnalysisSettings } from '../arv/dealAnalysis';
import { chooseAddress } from '../arv/estimate';
import { CONFIDENCE_FIELD, MAO_FIELD, missingArvFieldMessage, resolveArvField, resolveFieldRef, resolveNamedField, type CustomFieldDefinition } from '../arv/fieldRefs';
import type { DealTerms } from '../arv/soldEstimate';
import { customFieldNumber, customFieldText } from '../ghl/customFieldValues';
import { parseRecords, toOpportunity, wireOpportunity } from '../ghl/mappers';
import type { ArvAnalysis, StoredArvEstimate } from '../protocol/arv';
import { EXT_GHL_IPC as C } from '../protocol/channels';
import type { Opportunity } from '../protocol/entities';
import { ExtGhlError } from '../protocol/envelope';
import { createRentcastProvider, fieldDefinitions, type ArvWiringOptions } from './arv';
import { readArvSettings, type ArvSettingValues } from './arvSettings';
import type { HandlerContext } from './context';
import type { HandlerTable } from './dispatcher';
import { requireLocationId } from './settings';

type AnalyzerChannels = typeof C.ARV_ANALYZE | typeof C.ARV_COMPS_SET | typeof C.ARV_SAVE;

export function arvAnalysisHandlers(ctx: HandlerContext, options: ArvWiringOptions = {}): Pick<HandlerTable, AnalyzerChannels> {
  /** The location's opportunity fields, read once: reopening an analysis should not wait on GHL. */
  let definitions: { locationId: string; list: Promise<CustomFieldDefinition[]> } | null = null;
  const fieldsOf = (locationId: string): Promise<CustomFieldDefinition[]> => {
    if (definitions?.locationId !== locationId) {
      const list = ctx.api().then(async (api) => fieldDefinitions((await api.getCustomFields(locationId, 'opportunity')).customFields));
      definitions = { locationId, list };
      list.catch(() => (definitions = null));
    }
    return definitions.list;
  };

  const opportunity = (id: string): Opportunity => {
    const found = ctx.repos().opportunities.get(id);
    if (!found) throw new ExtGhlError('NOT_FOUND', `No opportunity ${id.slice(0, 100)} in the cache. Run "GHL: Sync Opportunities" first.`);
    return found;
  };

  const fieldId = (defs: CustomFieldDefinition[], ref: string | null, setting: string): string | null => {
    if (!ref) return null;
    const field = resolveFieldRef(defs, ref);
    if (!field) {
      throw new ExtGhlError('VALIDATION', `The setting ${setting} names "${ref.slice(0, 100)}", which is not an opportunity custom field of this location.`, {
        fields: [{ field: setting, message: 'unknown opportunity custom field' }],
      });
    }
    return field.id;
  };

  /** The deal's terms: its repairs, and its own fee and percent where the fields say so. */
  const termsOf = (deal: Opportunity, defs: CustomFieldDefinition[], s: ArvSettingValues): DealTerms => {
    const number = (ref: string | null, setting: string) => {
      const id = fieldId(defs, ref, setting);
      return id ? customFieldNumber(deal.customFields, id) : null;
    };
    const percent = number(s.maoPercentField, 'ghl.arv.maoPercentField');
    return {
      repairs: Math.max(0, number(s.repairsField, 'ghl.arv.repairsField') ?? 0),
      wholesaleFee: Math.max(0, number(s.wholesaleFeeField, 'ghl.arv.wholesaleFeeField') ?? s.wholesaleFee),
      // A percent field may hold 70 or 0.7.
      maoPercent: percent !== null && percent > 0 ? (percent > 1 ? percent / 100 : percent) : s.maoPercent,
    };
  };

  const analysisSettings = (s: ArvSettingValues): AnalysisSettings => ({ minCorrelation: s.minCorrelation, listToSaleRatio: s.listToSaleRatio, adjustments: s.adjustments });

  const current = async (opportunityId: string): Promise<{ deal: Opportunity; analysis: ArvAnalysis; excluded: string[] } | null> => {
    const stored = ctx.repos().arvAnalyses.get(opportunityId);
    if (!stored) return null;
    const deal = opportunity(opportunityId);
    const settings = readArvSettings(ctx.settings);
    const terms = termsOf(deal, await fieldsOf(requireLocationId(ctx)), settings);
    return { deal, analysis: analyzeFetched(opportunityId, stored.fetched, new Set(stored.excluded), analysisSettings(settings), terms), excluded: stored.excluded };
  };

  return {
    async [C.ARV_ANALYZE]({ opportunityId, refresh }) {
      const locationId = requireLocationId(ctx);
      const deal = opportunity(opportunityId);
      const stored = ctx.repos().arvAnalyses.get(opportunityId);
      if (stored && !refresh) {
        const now = await current(opportunityId);
        if (now) return { ...now.analysis, fromCache: true };
      }
      const settings = readArvSettings(ctx.settings);
      const defs = await fieldsOf(locationId);
      const addressId = fieldId(defs, settings.addressField, 'ghl.arv.addressField');
      const sqftId = fieldId(defs, settings.sqftField, 'ghl.arv.sqftField');
      const contact = deal.contactId ? ctx.repos().contacts.get(deal.contactId) : undefined;
      const choice = chooseAddress(addressId ? customFieldText(deal.customFields, addressId) : null, contact ?? null);
      if (choice.address === null) throw new ExtGhlError('VALIDATION', `Cannot analyze "${deal.name}": ${choice.reason}.`);
      const sqft = sqftId ? customFieldNumber(deal.customFields, sqftId) : null;
      const provider = await createRentcastProvider(ctx, options);
      const fetched = await fetchDealComps(provider, { address: choice.address, squareFootage: sqft !== null && sqft > 0 ? sqft : null }, ctx.now());
      // The user's exclusions outlive a refresh: the same sale is still the same sale.
      const excluded = (stored?.excluded ?? []).filter((id) => fetched.comps.some((c) => c.id === id));
      ctx.repos().arvAnalyses.put({ opportunityId, locationId, fetched, excluded, updatedAt: ctx.now() });
      ctx.markDirty();
      const terms = termsOf(deal, defs, settings);
      return { ...analyzeFetched(opportunityId, fetched, new Set(excluded), analysisSettings(settings), terms), fromCache: false };
    },

    async [C.ARV_COMPS_SET]({ opportunityId, compId, excluded }) {
      const locationId = requireLocationId(ctx);
      const stored = ctx.repos().arvAnalyses.get(opportunityId);
      if (!stored) throw new ExtGhlError('NOT_FOUND', 'This deal has no analysis yet: analyze it first (ext-ghl:arv-analyze).');
      if (!stored.fetched.comps.some((c) => c.id === compId)) {
        throw new ExtGhlError('VALIDATION', `No comp ${compId.slice(0, 100)} in this deal's analysis.`, { fields: [{ field: 'compId', message: 'not a comp of this analysis' }] });
      }
      const next = new Set(stored.excluded);
      if (excluded) next.add(compId);
      else next.delete(compId);
      // The user's choice goes through the write journal: no window, restart or crash loses it.
      const row = { ...stored, locationId, excluded: [...next].sort(), updatedAt: ctx.now() };
      await ctx.recordWrite({ kind: 'feature', op: 'upsert', feature: ARV_ANALYSIS_JOURNAL_FEATURE, data: row });
      const now = await current(opportunityId);
      if (!now) throw new ExtGhlError('INTERNAL', 'The analysis vanished while it was saved.');
      return now.analysis;
    },

    async [C.ARV_SAVE]({ opportunityId }) {
      const locationId = requireLocationId(ctx);
      const now = await current(opportunityId);
      if (!now) throw new ExtGhlError('NOT_FOUND', 'This deal has no analysis yet: analyze it first (ext-ghl:arv-analyze).');
      const { analysis, deal } = now;
      const defs = await fieldsOf(locationId);
      const settings = readArvSettings(ctx.settings);
      const arvField = resolveArvField(defs, settings.arvField);
      if (!arvField) throw new ExtGhlError('NOT_FOUND', missingArvFieldMessage(settings.arvField), { setting: 'ghl.arv.field', canCreate: !settings.arvField });
      const maoField = resolveNamedField(defs, MAO_FIELD) ?? null;
      const confidenceField = resolveNamedField(defs, CONFIDENCE_FIELD) ?? null;
      const { arv, mao, confidence } = analysis.estimate;
      const values: { id: string; value: string }[] = [{ id: arvField.id, value: String(arv) }];
      if (maoField) values.push({ id: maoField.id, value: String(mao) });
      if (confidenceField) values.push({ id: confidenceField.id, value: confidence });
      const api = await ctx.api();
      // The user pressed Save: their lane, ahead of any sync.
      const response = (await api.updateOpportunity(opportunityId, { customFields: values.map((v) => ({ id: v.id, field_value: v.value })) }, { priority: 'user' })) as {
        opportunity?: unknown;
      };
      const { valid } = parseRecords(wireOpportunity, [response.opportunity]);
      const base = valid[0] ? { ...toOpportunity(valid[0], locationId, ctx.now()), contactName: deal.contactName } : { ...deal, syncedAt: ctx.now() };
      const ids = new Set(values.map((v) => v.id));
      const saved: Opportunity = { ...base, customFields: [...base.customFields.filter((f) => !ids.has(f.id)), ...values] };
      await ctx.recordWrite({ kind: 'opportunity', op: 'upsert', opportunity: saved });
      // The board's cards and the briefing read the estimates table: keep it in step.
      const previous = ctx.repos().arvEstimates.get(opportunityId);
      const row: StoredArvEstimate = {
        opportunityId,
        locationId,
        address: analysis.subject.address,
        subjectSquareFootage: analysis.subject.squareFootage,
        arv,
        avmPrice: analysis.avm.price,
        avmLow: analysis.avm.low,
        avmHigh: analysis.avm.high,
        comps: previous?.comps ?? [],
        method: analysis.estimate.method === 'avm' ? 'avm' : 'comps',
        confidence,
        repairs: analysis.terms.repairs,
        mao,
        provider: 'rentcast',
        estimatedAt: analysis.fetchedAt,
        error: null,
        errorKind: null,
        writtenValue: arv,
        writtenAt: ctx.now(),
      };
      ctx.repos().arvEstimates.put(row);
      ctx.markDirty();
      return { opportunityId, arv, mao, confidence, fields: { arv: arvField.id, mao: maoField?.id ?? null, confidence: confidenceField?.id ?? null } };
    },
  };
}
