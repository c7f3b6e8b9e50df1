/**
 * The ARV write-back is background work: its PUTs to GHL go with the sync's priority, so
 * they leave every rate window's user headroom to the user's own actions (issue 9).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ApiCallLog } from '../../src/ghl/client';
import { SANDBOX_ARV_FIELD_KEYS } from '../sandbox/data';
import { RENTCAST_SANDBOX_KEY } from '../sandbox/rentcast';
import { startHarness } from '../helpers/backendHarness';
import { pollUntil } from '../helpers/waitUntil';

describe('ARV write-back priority', () => {
  it('writes each ARV to GHL at sync priority, while the user\'s own writes stay user requests', async () => {
    const calls: ApiCallLog[] = [];
    const h = await startHarness({ sandbox: { contacts: 300, opportunities: 120 }, backend: { onApiCall: (entry) => calls.push(entry) } });
    try {
      await h.restart({ rentcastBaseUrl: h.sandbox.url });
      h.secrets.values.set('ghl.rentcast-api-key', RENTCAST_SANDBOX_KEY);
      h.settings.values.set('ghl.arv.sqftField', SANDBOX_ARV_FIELD_KEYS.sqft);
      h.settings.values.set('ghl.arv.repairsField', SANDBOX_ARV_FIELD_KEYS.repairs);
      // Every deal of the pipeline in one run (deals in Texas, without sold prices, take more lookups).
      h.settings.values.set('ghl.arv.maxLookupsPerRun', 1000);
      await h.data('ext-ghl:contacts-sync');
      await h.data('ext-ghl:opps-sync');
      calls.length = 0;
      const started = await h.data('ext-ghl:arv-enrich-start', { pipelineName: 'Acquisitions' });
      let status: any;
      await pollUntil('the ARV run to end', async () => (status = await h.data('ext-ghl:arv-enrich-status')).status !== 'running', { checks: 1500, intervalMs: 20 });
      assert.equal(status.status, 'done', status.message);
      const writes = calls.filter((c) => c.method === 'PUT' && /^\/opportunities\/[^/]+$/.test(c.path));
      assert.equal(writes.length, started.total, 'one GHL write per deal');
      assert.ok(writes.length >= 5, `${writes.length} writes`);
      assert.deepEqual(new Set(writes.map((c) => c.priority)), new Set(['sync']));

      const deal = [...h.sandbox.store.opportunities.keys()][0]!;
      calls.length = 0;
      await h.data('ext-ghl:opps-update-status', { id: deal, status: 'won' });
      assert.deepEqual(
        calls.map((c) => c.priority),
        calls.map(() => 'user'),
        'a user action is a user request',
      );
      assert.ok(calls.length >= 1);
    } finally {
      await h.close();
    }
  });
});
