import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { GhlApi } from '../../src/ghl/api';
import { ExtGhlError } from '../../src/protocol/envelope';
import { syncContacts } from '../../src/sync/contactsSync';
import { syncOpportunities } from '../../src/sync/opportunitiesSync';
import type { SyncDeps } from '../../src/sync/types';
import { memoryRepo } from '../helpers/memoryRepo';

function deps(api: Partial<GhlApi>) {
  const contacts = memoryRepo<any>();
  const opportunities = memoryRepo<any>();
  const pipelines = memoryRepo<any>();
  let requestCount = 0;
  const counted = new Proxy(api, {
    get(target, key) {
      const value = (target as any)[key];
      if (key === 'client') return { get requestCount() { return requestCount; } };
      return typeof value === 'function' ? (...args: unknown[]) => (requestCount++, value(...args)) : value;
    },
  }) as GhlApi;
  const d: SyncDeps = {
    api: counted,
    locationId: 'loc',
    contacts,
    opportunities,
    pipelines,
    markDirty: () => undefined,
    onProgress: () => undefined,
    now: () => 1,
    log: () => undefined,
  };
  return { d, contacts, opportunities, get requests() { return requestCount; } };
}

const opp = (i: number) => ({ id: `o${i}`, name: `Deal ${i}`, pipelineId: 'p', pipelineStageId: 's', status: 'open', createdAt: i });

describe('sync loop guards', () => {
  it('stops with an API error when GHL repeats the first page (the dropped-cursor bug), keeping what it had', async () => {
    const firstPage = Array.from({ length: 100 }, (_, i) => opp(i));
    const t = deps({
      getPipelines: async () => ({ pipelines: [] }),
      // Mimics GHL ignoring a cursor: page one again, with a cursor that moved.
      searchOpportunities: async (q) => ({ opportunities: firstPage, meta: { total: 1000, startAfter: Number(q.startAfter ?? 0) + 1, startAfterId: 'o99' } }),
    });
    await assert.rejects(syncOpportunities(t.d), (err: unknown) => err instanceof ExtGhlError && err.code === 'API' && /already fetched/.test(err.message));
    assert.equal(t.opportunities.rows.size, 100, 'the first page is kept');
    assert.ok(t.requests <= 3, `stopped right away (${t.requests} requests)`);
  });

  it('stops when a cursor does not move', async () => {
    let page = 0;
    const t = deps({
      getPipelines: async () => ({ pipelines: [] }),
      searchOpportunities: async () => {
        page++;
        return { opportunities: Array.from({ length: 100 }, (_, i) => opp(page * 1000 + i)), meta: { total: 5000, startAfter: 5, startAfterId: 'same' } };
      },
    });
    await assert.rejects(syncOpportunities(t.d), (err: unknown) => err instanceof ExtGhlError && /same opportunities cursor/.test(err.message));
    assert.equal(page, 2);
  });

  it('stops when GHL returns far more contacts than it reported', async () => {
    let n = 0;
    const t = deps({
      searchContacts: async () => ({
        total: 600,
        contacts: Array.from({ length: 500 }, () => {
          n++;
          return { id: `c${n}`, firstName: 'X', searchAfter: [n, `c${n}`] };
        }),
      }),
    });
    await assert.rejects(syncContacts(t.d), (err: unknown) => err instanceof ExtGhlError && /more contacts/.test(err.message));
    assert.ok(t.requests <= 3);
  });

  it('skips records without an id instead of failing the page', async () => {
    const t = deps({
      searchContacts: async () => ({ total: 3, contacts: [{ id: 'a', firstName: 'A' }, { firstName: 'no id' }, { id: 'b', email: 'b@x.io' }, 'junk'] }),
    });
    const result = await syncContacts(t.d);
    assert.equal(result.synced, 2);
    assert.deepEqual([...t.contacts.rows.keys()].sort(), ['a', 'b']);
  });
});
