import { parseRecords, toContact, toOpportunity, wireContact, wireOpportunity } from '../ghl/mappers';
import { EXT_GHL_IPC as C } from '../protocol/channels';
import type { Contact, Opportunity } from '../protocol/entities';
import { ExtGhlError } from '../protocol/envelope';
import { SyncCoordinator } from '../sync/coordinator';
import { runIncrementalSync, type IncrementalDeps } from '../sync/incremental';
import type { HandlerContext } from './context';
import type { HandlerTable } from './dispatcher';
import { currentLocationId, requireLocationId } from './settings';

type CrmChannels =
  | typeof C.CONTACTS_LIST
  | typeof C.CONTACTS_GET
  | typeof C.CONTACTS_CREATE
  | typeof C.CONTACTS_UPDATE
  | typeof C.CONTACTS_DELETE
  | typeof C.CONTACTS_SYNC
  | typeof C.PIPELINES_LIST
  | typeof C.OPPS_LIST
  | typeof C.OPPS_STAGE_SUMMARY
  | typeof C.OPPS_GET
  | typeof C.OPPS_CREATE
  | typeof C.OPPS_UPDATE
  | typeof C.OPPS_UPDATE_STATUS
  | typeof C.OPPS_DELETE
  | typeof C.OPPS_SYNC;

/**
 * Contacts, pipelines and opportunities. Reads come from the cache; writes go to GHL
 * first and reach the cache only when GHL accepted them, so a failed call leaves the
 * cache as it was.
 */
export function crmHandlers(ctx: HandlerContext, syncs: SyncCoordinator<'contacts' | 'opportunities'>): Pick<HandlerTable, CrmChannels> {
  const syncDeps = async (signal: AbortSignal): Promise<IncrementalDeps> => {
    const locationId = requireLocationId(ctx);
    const api = await ctx.api();
    const repos = ctx.repos();
    return {
      api,
      locationId,
      contacts: repos.contacts,
      opportunities: repos.opportunities,
      pipelines: repos.pipelines,
      syncState: repos.syncState,
      cachedCount: (kind) => (kind === 'contacts' ? repos.contacts.count(locationId) : repos.opportunities.count(locationId)),
      markDirty: () => ctx.markDirty(),
      onProgress: (progress) => ctx.push(C.SYNC_PROGRESS, progress),
      now: () => ctx.now(),
      log: ctx.log,
      signal,
    };
  };

  const contactFromResponse = async (response: { contact?: unknown }, fallbackId?: string): Promise<Contact> => {
    let record = response.contact;
    if (record === undefined && fallbackId) record = (await (await ctx.api()).getContact(fallbackId)).contact;
    const { valid } = parseRecords(wireContact, [record]);
    if (!valid[0]) throw new ExtGhlError('API', 'GHL accepted the change but sent back no contact.');
    return toContact(valid[0], requireLocationId(ctx), ctx.now());
  };

  const opportunityFromResponse = async (response: { opportunity?: unknown }, fallbackId?: string): Promise<Opportunity> => {
    let record = response.opportunity;
    if (record === undefined && fallbackId) record = (await (await ctx.api()).getOpportunity(fallbackId)).opportunity;
    const { valid } = parseRecords(wireOpportunity, [record]);
    if (!valid[0]) throw new ExtGhlError('API', 'GHL accepted the change but sent back no opportunity.');
    const opportunity = toOpportunity(valid[0], requireLocationId(ctx), ctx.now());
    // GHL's write responses omit the embedded contact; keep the name the cache already knows.
    if (!opportunity.contactName) opportunity.contactName = ctx.repos().opportunities.get(opportunity.id)?.contactName ?? null;
    return opportunity;
  };

  // Only reached once GHL accepted the change, so a failed call leaves the cache as it was.
  const cacheContact = async (contact: Contact): Promise<Contact> => {
    await ctx.recordWrite({ kind: 'contact', op: 'upsert', contact });
    return contact;
  };
  const cacheOpportunity = async (opportunity: Opportunity): Promise<Opportunity> => {
    await ctx.recordWrite({ kind: 'opportunity', op: 'upsert', opportunity });
    return opportunity;
  };
  const uncache = async (kind: 'contact' | 'opportunity', id: string): Promise<{ id: string }> => {
    await ctx.recordWrite({ kind, op: 'delete', id });
    return { id };
  };

  return {
    async [C.CONTACTS_LIST]({ query, tag, limit, offset }) {
      return ctx.repos().contacts.list({ locationId: currentLocationId(ctx), query, tag, limit, offset });
    },
    async [C.CONTACTS_GET]({ id }) {
      const contact = ctx.repos().contacts.get(id);
      if (!contact) throw new ExtGhlError('NOT_FOUND', `Contact ${id} is not in the local cache. Sync contacts and try again.`);
      return contact;
    },
    async [C.CONTACTS_CREATE]({ contact }) {
      const locationId = requireLocationId(ctx);
      const response = await (await ctx.api()).createContact({ ...contact, locationId });
      return cacheContact(await contactFromResponse(response));
    },
    async [C.CONTACTS_UPDATE]({ id, data }) {
      requireLocationId(ctx);
      const response = await (await ctx.api()).updateContact(id, data);
      return cacheContact(await contactFromResponse(response, id));
    },
    async [C.CONTACTS_DELETE]({ id }) {
      requireLocationId(ctx);
      await (await ctx.api()).deleteContact(id);
      return uncache('contact', id);
    },
    async [C.CONTACTS_SYNC]({ full }) {
      return syncs.run('contacts', async (signal) => runIncrementalSync(await syncDeps(signal), 'contacts', { full }));
    },
    async [C.PIPELINES_LIST]() {
      const items = ctx.repos().pipelines.list(currentLocationId(ctx));
      return { items, total: items.length };
    },
    async [C.OPPS_LIST](filter) {
      return ctx.repos().opportunities.list({ ...filter, locationId: currentLocationId(ctx) });
    },
    async [C.OPPS_STAGE_SUMMARY]({ pipelineId, status }) {
      return { pipelineId, stages: ctx.repos().opportunities.stageSummary(pipelineId, { locationId: currentLocationId(ctx), status }) };
    },
    async [C.OPPS_GET]({ id }) {
      const opportunity = ctx.repos().opportunities.get(id);
      if (!opportunity) throw new ExtGhlError('NOT_FOUND', `Opportunity ${id} is not in the local cache. Sync opportunities and try again.`);
      return opportunity;
    },
    async [C.OPPS_CREATE]({ opportunity }) {
      const locationId = requireLocationId(ctx);
      const response = await (await ctx.api()).createOpportunity({ ...opportunity, locationId });
      return cacheOpportunity(await opportunityFromResponse(response));
    },
    async [C.OPPS_UPDATE]({ id, data }) {
      requireLocationId(ctx);
      const response = await (await ctx.api()).updateOpportunity(id, data);
      return cacheOpportunity(await opportunityFromResponse(response, id));
    },
    async [C.OPPS_UPDATE_STATUS]({ id, status }) {
      requireLocationId(ctx);
      const api = await ctx.api();
      await api.updateOpportunityStatus(id, status);
      const cached = ctx.repos().opportunities.get(id);
      // The status endpoint answers only { succeded }; patch the cached row rather than
      // spend a second request, and fetch only what the cache does not have.
      const updated: Opportunity = cached
        ? { ...cached, status, updatedAt: new Date(ctx.now()).toISOString(), syncedAt: ctx.now() }
        : await opportunityFromResponse({}, id);
      return cacheOpportunity(updated);
    },
    async [C.OPPS_DELETE]({ id }) {
      requireLocationId(ctx);
      await (await ctx.api()).deleteOpportunity(id);
      return uncache('opportunity', id);
    },
    async [C.OPPS_SYNC]({ full }) {
      return syncs.run('opportunities', async (signal) => {
        const result = await runIncrementalSync(await syncDeps(signal), 'opportunities', { full });
        return { ...result, pipelines: result.pipelines ?? 0 };
      });
    },
  };
}
