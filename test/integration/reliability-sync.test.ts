/**
 * Issue 8, section 1: a cut-off or broken GHL answer is never "the last page". The backend
 * talks to the sandbox through a fault-injecting proxy; every broken pass must answer a
 * structured error or the exact count, never prune after a broken pass, and leave the sync
 * state so that the next sync is a full pass.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { BackendOptions } from '../../src/backend';
import type { Envelope } from '../../src/protocol/envelope';
import { startFaultProxy, type FaultKind, type FaultProxy, type ProxyFault } from '../helpers/faultProxy';
import { startHarness, type Harness } from '../helpers/backendHarness';

type Kind = 'contacts' | 'opportunities' | 'pipelines';
type Outcome = 'exact' | 'NETWORK' | 'API';

/** Short enough that a stalled body fails quickly, long enough for a 500-contact page on a busy machine. */
const TIMEOUT_MS = 1500;

const ROUTES: Record<Kind, { channel: string; fault: Pick<ProxyFault, 'method' | 'path' | 'skip'> }> = {
  // The third page of contacts and the second of opportunities, as in the issue.
  contacts: { channel: 'ext-ghl:contacts-sync', fault: { method: 'POST', path: '/contacts/search', skip: 2 } },
  opportunities: { channel: 'ext-ghl:opps-sync', fault: { method: 'GET', path: '/opportunities/search', skip: 1 } },
  pipelines: { channel: 'ext-ghl:opps-sync', fault: { method: 'GET', path: '/opportunities/pipelines', skip: 0 } },
};

interface Scenario {
  kind: Kind;
  label: string;
  fault: { kind: FaultKind; keep?: number; dropCursor?: boolean };
  /** Once (a retry gets a good answer) or on every matching request from then on. */
  persistent: boolean;
  expect: Outcome;
}

const BODY_FAULTS: Array<{ kind: FaultKind; code: Outcome }> = [
  { kind: 'reset-mid-body', code: 'NETWORK' },
  { kind: 'short-body', code: 'NETWORK' },
  { kind: 'stall-mid-body', code: 'NETWORK' },
  { kind: 'empty-200', code: 'API' },
  { kind: 'empty-object', code: 'API' },
];

const SCENARIOS: Scenario[] = [];
for (const kind of ['contacts', 'opportunities', 'pipelines'] as const) {
  for (const { kind: faultKind, code } of BODY_FAULTS) {
    SCENARIOS.push({ kind, label: faultKind, fault: { kind: faultKind }, persistent: false, expect: 'exact' });
    SCENARIOS.push({ kind, label: faultKind, fault: { kind: faultKind }, persistent: true, expect: code });
  }
}
// A page shorter than the page size while `total` says more remain. Contacts page on from
// the last record's own cursor, so they still get every record; an empty page cannot.
SCENARIOS.push(
  { kind: 'contacts', label: 'short page, larger total', fault: { kind: 'short-page' }, persistent: false, expect: 'exact' },
  { kind: 'contacts', label: 'short page, larger total', fault: { kind: 'short-page' }, persistent: true, expect: 'exact' },
  { kind: 'contacts', label: 'empty page, larger total', fault: { kind: 'short-page', keep: 0 }, persistent: false, expect: 'API' },
  // Opportunities take the cursor from `meta`: a cut page with the cursor of the full page
  // skips records, and one without a cursor cannot go on. Both must fail, not prune.
  { kind: 'opportunities', label: 'short page, larger total', fault: { kind: 'short-page' }, persistent: false, expect: 'API' },
  { kind: 'opportunities', label: 'short page without cursor, larger total', fault: { kind: 'short-page', dropCursor: true }, persistent: false, expect: 'API' },
  { kind: 'opportunities', label: 'empty page, larger total', fault: { kind: 'short-page', keep: 0, dropCursor: true }, persistent: false, expect: 'API' },
);

describe('reliability: a broken GHL answer is never the last page', () => {
  let h: Harness;
  let proxy: FaultProxy;
  const through = (): Partial<BackendOptions> => ({ apiBaseUrl: proxy.url, maxRetries: 1, requestTimeoutMs: TIMEOUT_MS });

  before(async () => {
    h = await startHarness({ sandbox: { contacts: 1300, opportunities: 290, conversations: 0 } });
    proxy = await startFaultProxy(h.sandbox.url);
    await h.restart(through());
    await h.data('ext-ghl:opps-sync'); // pipelines cached for every test to check
  });
  after(async () => {
    await h.close();
    await proxy.close();
  });

  const cached = async () => ({
    contacts: (await h.data('ext-ghl:contacts-list', { limit: 1 })).total as number,
    opportunities: (await h.data('ext-ghl:opps-list', { limit: 1 })).total as number,
    // Without syncedAt: a good pipelines answer before a broken opportunities page is a real refresh.
    pipelines: ((await h.data('ext-ghl:pipelines-list')).items as Array<{ syncedAt: number }>).map(({ syncedAt: _, ...p }) => p),
  });
  const inGhl = () => ({ contacts: h.sandbox.store.contacts.size, opportunities: h.sandbox.store.opportunities.size });
  /** Deletes two records in GHL, so a pass that prunes shows it. */
  const deleteTwoInGhl = (kind: Kind) => {
    const store: Map<string, unknown> = kind === 'contacts' ? h.sandbox.store.contacts : h.sandbox.store.opportunities;
    for (const id of [...store.keys()].slice(0, 2)) store.delete(id);
  };

  for (const scenario of SCENARIOS) {
    const { kind, persistent, expect } = scenario;
    const prunes: 'contacts' | 'opportunities' = kind === 'contacts' ? 'contacts' : 'opportunities';
    const route = ROUTES[kind];
    it(`${kind}: ${scenario.label} ${persistent ? 'on every try' : 'once'} → ${expect === 'exact' ? 'the exact count' : expect}`, async () => {
      proxy.clear();
      // A complete, recent full pass first: without the fix the next sync would be a delta.
      const complete = await h.data(route.channel, { full: true });
      assert.equal(complete.mode, 'full');
      deleteTwoInGhl(prunes);
      const before = await cached();
      const faultedBefore = proxy.stats.faulted;

      proxy.inject({ ...route.fault, ...scenario.fault, times: persistent ? Infinity : 1 });
      const response: Envelope<any> = await h.backend.request(route.channel, { full: true });
      proxy.clear();
      const faulted = proxy.stats.faulted - faultedBefore;
      assert.ok(faulted >= 1, 'the proxy broke an answer');
      const after = await cached();

      if (expect === 'exact') {
        assert.ok(response.success, `succeeds: ${JSON.stringify(!response.success && response.error)}`);
        assert.equal(response.data.synced, inGhl()[prunes], 'every record GHL has');
        assert.equal(response.data.pruned, 2, 'exactly the two GHL deleted');
        assert.equal(after[prunes], inGhl()[prunes]);
        if (kind !== 'contacts') assert.equal(response.data.pipelines, h.sandbox.store.pipelines.length);
        assert.equal(after.pipelines.length, h.sandbox.store.pipelines.length, 'pipelines intact');
        // Complete and verified: recorded as a full pass, so the next sync is a delta.
        const next = await h.data(route.channel);
        assert.equal(next.mode, 'delta');
        return;
      }

      assert.equal(response.success, false, `fails: ${JSON.stringify(response.success && response.data)}`);
      if (response.success) return;
      assert.equal(response.error.code, expect, response.error.message);
      assert.ok(response.error.message.length < 500, 'a readable message');
      if (persistent && expect === 'NETWORK') assert.ok(faulted >= 2, `a read is retried (${faulted} tries)`);
      assert.equal(after[prunes], before[prunes], 'nothing pruned after a broken pass');
      assert.equal(after.contacts, before.contacts);
      assert.deepEqual(after.pipelines, before.pipelines, 'the cached pipelines are kept');
      assert.ok(after.pipelines.length > 0);

      // The broken pass was not recorded as complete: the next sync is a full pass that prunes.
      const next = await h.data(route.channel);
      assert.equal(next.mode, 'full');
      assert.equal(next.synced, inGhl()[prunes]);
      assert.equal(next.pruned, 2);
      assert.equal((await cached())[prunes], inGhl()[prunes]);
    });
  }
});

describe('reliability: the issue\'s own case', () => {
  it('a reset half-way through the third contacts page of 2,600 is retried: all 2,600, nothing pruned', async () => {
    const h = await startHarness({ sandbox: { contacts: 2600, opportunities: 0, conversations: 0 } });
    const proxy = await startFaultProxy(h.sandbox.url);
    try {
      await h.restart({ apiBaseUrl: proxy.url });
      await h.data('ext-ghl:contacts-sync');
      proxy.inject({ method: 'POST', path: '/contacts/search', skip: 2, kind: 'reset-mid-body' });
      const result = await h.data('ext-ghl:contacts-sync', { full: true });
      assert.equal(proxy.stats.byKind['reset-mid-body'], 1);
      assert.deepEqual({ synced: result.synced, mode: result.mode, pruned: result.pruned }, { synced: 2600, mode: 'full', pruned: 0 });
      assert.equal(result.requests, 7, 'six pages and one retry');
      assert.equal((await h.data('ext-ghl:contacts-list', { limit: 1 })).total, 2600);
    } finally {
      await h.close();
      await proxy.close();
    }
  });

  it('a pipelines answer of {} on every try fails the sync and keeps every cached pipeline', async () => {
    const h = await startHarness({ sandbox: { contacts: 20, opportunities: 30, conversations: 0 } });
    const proxy = await startFaultProxy(h.sandbox.url);
    try {
      await h.restart({ apiBaseUrl: proxy.url, maxRetries: 2 });
      await h.data('ext-ghl:opps-sync');
      const pipelines = (await h.data('ext-ghl:pipelines-list')).items;
      assert.ok(pipelines.length > 0);
      proxy.inject({ method: 'GET', path: '/opportunities/pipelines', kind: 'empty-object', times: Infinity });
      const response = await h.backend.request('ext-ghl:opps-sync', { full: true });
      assert.equal(!response.success && response.error.code, 'API');
      assert.match(!response.success ? response.error.message : '', /pipelines/);
      assert.equal(proxy.stats.byKind['empty-object'], 3, 'one try and two retries');
      assert.deepEqual((await h.data('ext-ghl:pipelines-list')).items, pipelines);
    } finally {
      await h.close();
      await proxy.close();
    }
  });
});
