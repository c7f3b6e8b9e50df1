import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startHarness } from '../helpers/backendHarness';
import { virtualClock } from '../helpers/virtualClock';

describe('pacing against the sandbox rate limiter', () => {
  it('syncs under a 20-per-second limit with zero 429s, close to the limit', async () => {
    // The sandbox's limiter and the client's pacing read one virtual clock; waits move it.
    const clock = virtualClock();
    const h = await startHarness({
      sandbox: { contacts: 25_000, rateLimit: { max: 20, intervalMs: 1000 }, now: clock.now },
      backend: { now: clock.now, sleep: clock.sleep },
    });
    try {
      h.sandbox.resetStats();
      const started = clock.now();
      const result = await h.data('ext-ghl:contacts-sync');
      const seconds = (clock.now() - started) / 1000;
      assert.equal(result.synced, 25_000);
      assert.equal(h.sandbox.stats.rateLimited, 0, 'no request ran into a 429');
      const requests = h.sandbox.stats.requests;
      assert.equal(requests, 50);
      // 50 requests at 20 per window start in the third window at the earliest (virtual time:
      // answers take none, so this is the pacing alone)...
      assert.ok(seconds >= 2, `took ${seconds} s`);
      // ...and pacing must not sit out a whole window for nothing (the bench measures the real rate).
      assert.ok(seconds < 3, `took ${seconds} s for ${requests} requests`);
    } finally {
      await h.close();
    }
  });

  it('stops with RATE_LIMITED when the daily budget is used up, keeping what it had', async () => {
    const h = await startHarness({ sandbox: { contacts: 3000, rateLimit: { max: 100, intervalMs: 10_000, dailyMax: 3 } } });
    try {
      const response = await h.backend.request('ext-ghl:contacts-sync', {});
      assert.equal(response.success, false);
      assert.equal(!response.success && response.error.code, 'RATE_LIMITED');
      assert.match(!response.success ? response.error.message : '', /daily/);
      assert.equal(h.sandbox.stats.rateLimited, 0, 'it stopped before GHL had to refuse');
      assert.equal((await h.data('ext-ghl:contacts-list')).total, 1500, 'the pages fetched are kept');
    } finally {
      await h.close();
    }
  });
});
