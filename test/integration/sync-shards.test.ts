/**
 * Issue 9: a full pass runs several cursors over disjoint dateAdded shards (work stealing
 * spreads skewed data), opportunities a cursor per pipeline, and user requests go ahead of
 * sync pages. Against the sandbox with a small latency so the tests stay fast; the bench
 * runs the 400 ms tier.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RateBudget } from '../../src/http/rateBudget';
import type { GhlApi } from '../../src/ghl/api';
import { ShardPlan, type Shard } from '../../src/sync/shardPlan';
import { cursorsFor, MAX_CURSORS } from '../../src/sync/shardScheduler';
import type { SyncProgress } from '../../src/protocol/channels';
import { startHarness, type Harness } from '../helpers/backendHarness';
import { virtualClock } from '../helpers/virtualClock';
import { pollUntil } from '../helpers/waitUntil';

/** The shards, ordered, tile [lo, hi) exactly once; only the outermost ones are open. */
function assertTiles(plan: ShardPlan, lo: number, hi: number): void {
  const shards = [...plan.shards].sort((a, b) => a.lo - b.lo);
  assert.equal(shards[0]!.lo, lo);
  assert.equal(shards.at(-1)!.hi, hi);
  shards.forEach((s, i) => {
    assert.ok(s.lo < s.hi, `shard ${s.id} is not empty`);
    if (i > 0) assert.equal(s.lo, shards[i - 1]!.hi, `shard ${s.id} starts where the one before ends`);
    assert.equal(s.openBelow, i === 0);
    assert.equal(s.openAbove, i === shards.length - 1);
    assert.ok(s.position >= s.lo && s.position < s.hi, `shard ${s.id}'s position lies inside it`);
  });
}

/** A seeded generator, so a failing case can be replayed. */
function rng(seed: number) {
  return () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
}

const progressOf = (h: Harness, kind: string) =>
  h.pushes.filter((p) => p.channel === 'ext-ghl:sync-progress').map((p) => p.payload as SyncProgress).filter((p) => p.kind === kind);

const until = (what: string, condition: () => boolean) => pollUntil(what, condition, { checks: 4000, intervalMs: 5 });

/** Moves `share` of the sandbox's contacts into one hour, as a big import on one day would. */
function skew(h: Harness, share: number): void {
  const day = Date.parse('2024-03-01T09:00:00.000Z');
  const all = [...h.sandbox.store.contacts.values()];
  all.slice(0, Math.floor(all.length * share)).forEach((c, i) => {
    c.dateAdded = new Date(day + i * 997).toISOString();
    if (c.dateUpdated < c.dateAdded) c.dateUpdated = c.dateAdded;
  });
  h.sandbox.store.reindexContacts();
}

/**
 * Answers in ~250 ms with room for 100 per second: one cursor would leave most of the
 * window unused, and an answer takes several times as long as storing a page (a pass
 * against a GHL that answers about as fast as the cache stores runs one cursor).
 */
const SHARDED = { latencyMs: 250, latencyJitter: 0.2, rateLimit: { max: 100, intervalMs: 1000 } };

describe('shard planner', () => {
  it('fills a span with disjoint shards that cover it exactly once', () => {
    const plan = new ShardPlan({ lo: 1000, hi: 101_000, position: 1500, cursor: [1500, 'x'], accounted: 500, estimate: 49_500 });
    plan.fill(8, 1000);
    assert.equal(plan.shards.length, 8);
    assertTiles(plan, 1000, 101_000);
    assert.equal(plan.shards.reduce((n, s) => n + s.estimate, 0), 49_500, 'the estimate is shared out, not invented');
  });

  it('cuts evenly spread data into shards that end on full pages: few more requests than pages', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const random = rng(seed);
      const lo = 1_000_000;
      const hi = lo + 63_072_000_000;
      const step = (hi - lo) / 50_000;
      // 50,000 contacts over two years: evenly spread (as the sandbox makes them), or at random.
      const even = Array.from({ length: 50_000 }, (_, i) => Math.floor(lo + i * step + random() * (step - 1)));
      const scattered = Array.from({ length: 50_000 }, () => lo + Math.floor(random() * (hi - lo))).sort((a, b) => a - b);
      for (const [kind, dates] of [['even', even], ['scattered', scattered]] as const) {
        const position = dates[499]!;
        // Page 1, then each shard's pages: its records over 500, rounded up (at least one request).
        const requests = (plan: ShardPlan) =>
          1 +
          plan.shards.reduce((n, s) => {
            const from = s.openBelow ? position + 1 : s.lo;
            const mine = dates.filter((d) => d >= from && (s.openAbove || d < s.hi)).length;
            return n + Math.max(1, Math.ceil(mine / 500));
          }, 0);
        const tiled = new ShardPlan({ lo, hi, position, cursor: [position, 'x'], accounted: 500, estimate: 49_500 });
        tiled.tile(16, 500);
        assert.equal(tiled.shards.length, 16);
        assertTiles(tiled, lo, hi);
        assert.equal(tiled.shards.reduce((n, s) => n + s.estimate, 0), 49_500, 'the estimate is shared out, not invented');
        const halved = new ShardPlan({ lo, hi, position, cursor: [position, 'x'], accounted: 500, estimate: 49_500 });
        halved.fill(16, 1000);
        const [t, h] = [requests(tiled), requests(halved)];
        if (kind === 'even') {
          assert.ok(t <= 100 + 5, `seed ${seed}: ${t} requests for 100 pages (halving: ${h})`);
          assert.ok(t < h, `seed ${seed}: ${t} vs halving's ${h}`);
        } else assert.ok(t <= h + 2, `seed ${seed}, scattered: ${t} vs halving's ${h}`);
      }
    }
  });

  it('keeps covering the span exactly once through random steals and finishes, skew included', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const random = rng(seed);
      const plan = new ShardPlan({ lo: 0, hi: 1_000_000, estimate: 200_000 });
      plan.fill(1 + Math.floor(random() * 8), 1000);
      for (let step = 0; step < 60; step++) {
        const open = plan.shards.filter((s) => !s.done);
        if (open.length === 0) break;
        const s: Shard = open[Math.floor(random() * open.length)]!;
        const roll = random();
        if (roll < 0.3) s.done = true;
        else if (roll < 0.6) {
          // A page arrived: the shard moved on; its total may show far more than guessed (skew).
          s.position = Math.min(s.hi - 1, s.position + Math.floor(random() * (s.hi - s.position)));
          s.estimate = random() < 0.2 ? 100_000 : Math.floor(s.estimate / 2);
          s.busy = random() < 0.5;
        } else plan.take(1000, 500);
        assertTiles(plan, 0, 1_000_000);
      }
    }
  });

  it('steals from the shard that turned out large, past the page it has in flight', () => {
    const plan = new ShardPlan({ lo: 0, hi: 100_000, estimate: 4000 });
    plan.fill(4, 1000);
    const big = plan.shards[1]!;
    big.busy = true;
    big.estimate = 30_000;
    for (const s of plan.shards) if (s !== big) s.done = true;
    const stolen = plan.take(1000, 500)!;
    assert.ok(stolen, 'a free cursor gets half of the large shard');
    assert.equal(stolen.lo, big.hi);
    assert.ok(stolen.lo > big.position, 'the cut lies past where the large shard stands');
    assert.ok(stolen.estimate > 10_000 && big.estimate > 10_000, `both halves keep a fair share (${big.estimate} / ${stolen.estimate})`);
  });
});

describe('how many cursors a full pass runs', () => {
  const apiWith = (budget: RateBudget) => ({ client: { budget } }) as unknown as GhlApi;
  const announced = (max: number, intervalMs: number) => {
    const budget = new RateBudget(() => 0);
    budget.recordHeaders(new Headers({ 'x-ratelimit-max': String(max), 'x-ratelimit-interval-milliseconds': String(intervalMs) }));
    return budget;
  };

  it('runs one cursor while GHL answers about as fast as the cache stores a page, however large the window', () => {
    const unlimited = apiWith(announced(1_000_000, 10_000));
    assert.equal(cursorsFor(unlimited, 80, 400, 40), 1, 'a local GHL: one pipelined cursor keeps the cache busy');
    assert.equal(cursorsFor(unlimited, 80, 400, 10), MAX_CURSORS, 'answers 8 times slower than storing: as many as allowed');
    assert.equal(cursorsFor(unlimited, 400, 400, 200), MAX_CURSORS, 'a cold first store (10× a warm one) does not hide a slow GHL');
  });

  it('spends the sync share early in the window at GHL\'s answer time, capped by the pages left', () => {
    const ghl = apiWith(announced(100, 10_000));
    assert.equal(cursorsFor(ghl, 400, 99, 40), 15, 'four times the 3.6 cursors that spend 90 requests in 10 s at 400 ms');
    assert.equal(cursorsFor(ghl, 1200, 99, 40), MAX_CURSORS);
    assert.equal(cursorsFor(ghl, 400, 5, 40), 5);
    assert.equal(cursorsFor(ghl, 20, 99, 2), 1, 'fast answers: one cursor spends the window');
    assert.equal(cursorsFor(apiWith(new RateBudget(() => 0)), 400, 99, 40), 1, 'no window announced yet: one cursor');
  });
});

describe('rate budget priorities', () => {
  it('leaves user headroom in every window, and halves the sync share for a window after a 429', () => {
    let now = 0;
    const budget = new RateBudget(() => now, { max: 100, intervalMs: 10_000 });
    assert.equal(budget.userHeadroom, 10);
    for (let i = 0; i < 90; i++) {
      assert.equal(budget.delayBeforeNext('sync'), 0);
      budget.recordAnswer(budget.recordSend());
    }
    assert.ok(budget.delayBeforeNext('sync') > 0, 'the sync waits once it spent its share');
    assert.equal(budget.delayBeforeNext('user'), 0, 'the user still has the headroom');
    now += 11_000;
    assert.equal(budget.syncAllowance(), 90);
    budget.recordRateLimited();
    assert.equal(budget.syncAllowance(), 45, 'a 429 that still came slows the sync');
    now += 10_001;
    assert.equal(budget.syncAllowance(), 90, 'for one window');
  });

  it('a headroom of 0 lets the sync spend the whole window; the share is bounded', () => {
    let now = 0;
    const all = new RateBudget(() => now, { max: 100, intervalMs: 10_000 }, 15, { userHeadroomShare: 0 });
    assert.equal(all.userHeadroom, 0);
    assert.equal(all.syncAllowance(), 100);
    for (let i = 0; i < 100; i++) {
      assert.equal(all.delayBeforeNext('sync'), 0);
      all.recordAnswer(all.recordSend());
    }
    assert.ok(all.delayBeforeNext('sync') > 0);
    assert.ok(all.delayBeforeNext('user') > 0, 'nothing was kept for the user');
    now += 20_000;
    assert.equal(new RateBudget(() => now, { max: 100, intervalMs: 10_000 }, 15, { userHeadroomShare: 3 }).syncAllowance(), 50, 'at most half is kept');
    assert.equal(new RateBudget(() => now, { max: 100, intervalMs: 10_000 }, 15, { userHeadroomShare: Number.NaN }).syncAllowance(), 90);
  });
});

describe('sharded full passes against the sandbox', () => {
  it('syncs skewed contacts with several cursors: exact count, no duplicates, monotonic progress, no 429', async () => {
    const h = await startHarness({ sandbox: { contacts: 6000, opportunities: 10, ...SHARDED } });
    try {
      skew(h, 0.7);
      const result = await h.data('ext-ghl:contacts-sync');
      const line = h.logs.find((l) => l.includes('cursors over'));
      assert.ok(line, `the pass ran sharded: ${h.logs.find((l) => l.includes('first page')) ?? ''}`);
      const [, cursors, planned, stolen] = /(\d+) cursors over (\d+) shards, (\d+) more/.exec(line)!.map(Number);
      assert.ok(cursors! >= 2, line);
      assert.ok(stolen! >= 1, `work stealing split the big day: ${line}`);
      // No request learns the span (now bounds it): full pages, and at most one short page per shard.
      assert.ok(result.requests <= Math.ceil(6000 / 500) + planned! + stolen!, `${result.requests} requests: ${line}`);
      // Every stored record counts towards `synced`: a duplicate across shards would exceed it.
      assert.equal(result.synced, 6000);
      assert.equal((await h.data('ext-ghl:contacts-list')).total, 6000);
      assert.equal(h.sandbox.stats.rateLimited, 0);
      const progress = progressOf(h, 'contacts');
      for (let i = 1; i < progress.length; i++) {
        assert.ok(progress[i]!.synced >= progress[i - 1]!.synced, 'synced never goes back');
        assert.ok(progress[i]!.total >= progress[i - 1]!.total || progress[i]!.done, 'total never goes back');
        assert.ok(progress[i]!.synced <= progress[i]!.total);
      }
      assert.equal(progress.at(-1)!.synced, 6000);
    } finally {
      await h.close();
    }
  });

  it('reads a GHL that answers as fast as the cache stores with one cursor, however large its window', async () => {
    // The answers are timed on the backend's clock, here one that only the GHL client's waits
    // move: instant answers, whatever the machine's load (the ratio rules are tested above).
    const clock = virtualClock();
    const h = await startHarness({
      sandbox: { contacts: 5000, opportunities: 10, rateLimit: { max: 1_000_000, intervalMs: 10_000 } },
      backend: { now: clock.now, sleep: clock.sleep },
    });
    try {
      const result = await h.data('ext-ghl:contacts-sync');
      assert.equal(result.synced, 5000);
      assert.equal(h.logs.find((l) => l.includes('cursors over')), undefined, h.logs.filter((l) => l.includes('[sync]')).join('\n'));
      assert.equal(result.requests, 10, 'full pages only: one cursor');
    } finally {
      await h.close();
    }
  });

  it('prunes nothing after a sharded pass that failed midway, and everything owed on the next', async () => {
    const h = await startHarness({ sandbox: { contacts: 30_000, opportunities: 10, ...SHARDED } });
    try {
      await h.data('ext-ghl:contacts-sync');
      const gone = [...h.sandbox.store.contacts.keys()].slice(100, 105);
      for (const id of gone) h.sandbox.store.contacts.delete(id);
      h.pushes.length = 0;
      const pass = h.backend.request('ext-ghl:contacts-sync', { full: true });
      await until('the sharded part of the pass', () => progressOf(h, 'contacts').some((p) => p.synced >= 1500));
      h.sandbox.injectFault({ method: 'POST', path: '/contacts/search', status: 422 });
      const response = await pass;
      assert.equal(response.success, false, 'a failed shard fails the pass');
      assert.equal((await h.data('ext-ghl:contacts-list')).total, 30_000, 'nothing was pruned');
      const next = await h.data('ext-ghl:contacts-sync');
      assert.equal(next.mode, 'full', 'a full pass is still owed');
      assert.equal(next.pruned, 5);
      assert.equal((await h.data('ext-ghl:contacts-list')).total, 29_995);
    } finally {
      await h.close();
    }
  });

  it('cancels mid-pass keeping whole pages, and the next pass is exact', async () => {
    const h = await startHarness({ sandbox: { contacts: 30_000, opportunities: 10, ...SHARDED } });
    try {
      const pass = h.backend.request('ext-ghl:contacts-sync', {});
      await until('the sharded part of the pass', () => progressOf(h, 'contacts').some((p) => p.synced >= 2000));
      h.backend.cancelSync('contacts');
      const response = await pass;
      assert.equal(!response.success && response.error.code, 'CANCELLED');
      const kept = (await h.data('ext-ghl:contacts-list')).total;
      const announced = progressOf(h, 'contacts').at(-1)!.synced;
      assert.ok(kept >= 2000 && kept < 30_000, `kept ${kept}`);
      assert.equal(kept, announced, 'every page stored was announced, and whole');
      // Let every answer to the cancelled pass arrive, and the backend take its turn with it.
      await until('GHL to answer everything the pass sent', () => h.sandbox.requestsInFlight === 0);
      await new Promise((resolve) => setImmediate(resolve));
      assert.equal((await h.data('ext-ghl:contacts-list')).total, kept, 'nothing is written after the cancel answered');
      const next = await h.data('ext-ghl:contacts-sync');
      assert.equal(next.mode, 'full');
      assert.equal((await h.data('ext-ghl:contacts-list')).total, 30_000);
    } finally {
      await h.close();
    }
  });

  it('stays under a limiter it presses with several cursors: zero 429', async () => {
    const h = await startHarness({ sandbox: { contacts: 15_000, opportunities: 10, latencyMs: 250, rateLimit: { max: 20, intervalMs: 500 } } });
    try {
      const result = await h.data('ext-ghl:contacts-sync');
      assert.equal(result.synced, 15_000);
      assert.ok(h.logs.some((l) => l.includes('cursors over')), 'the pass ran sharded');
      assert.equal(h.sandbox.stats.rateLimited, 0, 'no request ran into a 429');
    } finally {
      await h.close();
    }
  });

  it('syncs opportunities with a cursor per pipeline, verified against the location total', async () => {
    const h = await startHarness({ sandbox: { contacts: 500, opportunities: 3000, ...SHARDED } });
    try {
      const first = await h.data('ext-ghl:opps-sync');
      assert.equal(first.synced, 3000);
      assert.ok(h.logs.some((l) => /opportunities: [2-9] cursors over \d+ (pipelines|stages)/.test(l)), 'the pass ran a cursor per pipeline or stage');
      const pipelineIds = new Set(h.sandbox.store.pipelines.map((p) => p.id));
      assert.ok(pipelineIds.size >= 2);
      assert.equal(h.sandbox.stats.rateLimited, 0);
      const gone = [...h.sandbox.store.opportunities.keys()].slice(0, 3);
      for (const id of gone) h.sandbox.store.opportunities.delete(id);
      const again = await h.data('ext-ghl:opps-sync', { full: true });
      assert.equal(again.synced, 2997);
      assert.equal(again.pruned, 3, 'a verified per-pipeline pass prunes');
      assert.equal((await h.data('ext-ghl:opps-list', { limit: 1 })).total, 2997);
    } finally {
      await h.close();
    }
  });
});

describe('user requests during a sync', () => {
  it('answers contacts-update and opps-update-status while the sync waits on the window, before its next page', async () => {
    const h = await startHarness({
      // A window far longer than any answer: a user request queued behind the sync would come after its next page.
      sandbox: { contacts: 15_000, opportunities: 20, latencyMs: 100, latencyJitter: 0.2, rateLimit: { max: 30, intervalMs: 60_000 } },
    });
    try {
      await h.data('ext-ghl:opps-sync');
      h.sandbox.resetStats();
      const pass = h.backend.request('ext-ghl:contacts-sync', {});
      // The sync spends its share of the window (27 of 30: 25 here, 2 went to the opportunities), then waits.
      await until('the sync to spend its share and wait', () => h.sandbox.stats.requests >= 25 && h.sandbox.requestsInFlight === 0);
      const searches = () => h.sandbox.stats.byRoute['POST /contacts/search'] ?? 0;
      const searchesBefore = searches();
      const contactId = [...h.sandbox.store.contacts.keys()][7]!;
      await h.data('ext-ghl:contacts-update', { id: contactId, data: { city: 'Leeds' } });
      const opportunityId = [...h.sandbox.store.opportunities.keys()][3]!;
      await h.data('ext-ghl:opps-update-status', { id: opportunityId, status: 'won' });
      assert.equal(searches(), searchesBefore, 'both answered before the sync sent another page');
      assert.equal(h.sandbox.store.contacts.get(contactId)!.city, 'Leeds');
      assert.equal(h.sandbox.store.opportunities.get(opportunityId)!.status, 'won');
      h.backend.cancelSync('contacts');
      await pass;
      assert.equal(h.sandbox.stats.rateLimited, 0);
    } finally {
      await h.close();
    }
  });
});
