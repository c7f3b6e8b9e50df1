/** The sandbox's latency (with jitter) and its dateAdded / dateUpdated ranges in both sort directions. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseArgs } from '../sandbox/cli';
import { answerDelays, startSandbox, type Sandbox } from '../sandbox/server';

async function search(sandbox: Sandbox, body: Record<string, unknown>) {
  const response = await fetch(`${sandbox.url}/contacts/search`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${sandbox.token}`, Version: '2021-07-28', 'Content-Type': 'application/json' },
    body: JSON.stringify({ locationId: sandbox.locationId, pageLimit: 500, ...body }),
  });
  assert.equal(response.status, 200, await response.clone().text());
  return (await response.json()) as { contacts: Array<{ id: string; dateAdded: string; dateUpdated: string; searchAfter: [number, string] }>; total: number };
}

/** Every contact in the range, by paging with searchAfter. */
async function pageAll(sandbox: Sandbox, body: Record<string, unknown>) {
  const out: Array<{ id: string; dateAdded: string; dateUpdated: string }> = [];
  let searchAfter: [number, string] | undefined;
  for (;;) {
    const page = await search(sandbox, { ...body, pageLimit: 97, ...(searchAfter ? { searchAfter } : {}) });
    out.push(...page.contacts);
    if (page.contacts.length < 97) return { out, total: page.total };
    searchAfter = page.contacts.at(-1)!.searchAfter;
  }
}

describe('sandbox latency and ranges', () => {
  it('parses --latency-ms with a jitter', () => {
    assert.deepEqual([parseArgs(['--latency-ms', '400±20']).latencyMs, parseArgs(['--latency-ms', '400±20']).latencyJitter], [400, 0.2]);
    assert.equal(parseArgs(['--latency-ms=250']).latencyMs, 250);
    assert.equal(parseArgs(['--latency-ms=250']).latencyJitter, undefined);
  });

  // That the sandbox holds each answer for its delay is sandbox.test.ts's 'latencyMs delays every response'.
  it('draws each answer\'s delay within latency ±jitter, varying, the same for the same seed', () => {
    const draw = (seed: number) => {
      const next = answerDelays({ latencyMs: 60, latencyJitter: 0.5, seed });
      return Array.from({ length: 200 }, next);
    };
    const delays = draw(3);
    assert.ok(Math.min(...delays) >= 30 && Math.max(...delays) <= 90, `${Math.min(...delays)}–${Math.max(...delays)} ms`);
    assert.ok(Math.max(...delays) - Math.min(...delays) > 30, 'the answers vary across the range');
    assert.deepEqual(draw(3), delays);
    assert.equal(answerDelays({ latencyMs: 60 })(), 60, 'no jitter: exactly the latency');
  });

  it('filters dateAdded and dateUpdated ranges exactly, in both directions, with their totals', async () => {
    const sandbox = await startSandbox({ contacts: 1500 });
    try {
      const all = [...sandbox.store.contacts.values()];
      const added = all.map((c) => c.dateAdded).sort();
      const gte = added[300]!;
      const lt = added[1100]!;
      for (const field of ['dateAdded', 'dateUpdated'] as const) {
        const values = all.map((c) => c[field]).sort();
        const lo = field === 'dateAdded' ? gte : values[200]!;
        const hi = field === 'dateAdded' ? lt : values[900]!;
        const expected = all.filter((c) => c[field] >= lo && c[field] < hi).map((c) => c.id).sort();
        for (const direction of ['asc', 'desc'] as const) {
          const { out, total } = await pageAll(sandbox, {
            filters: [{ field, operator: 'range', value: { gte: lo, lt: hi } }],
            sort: [{ field, direction }],
          });
          assert.equal(total, expected.length, `${field} ${direction}: total`);
          assert.deepEqual(out.map((c) => c.id).sort(), expected, `${field} ${direction}: exactly the range`);
          const order = out.map((c) => c[field]);
          const sorted = [...order].sort();
          assert.deepEqual(order, direction === 'asc' ? sorted : sorted.reverse(), `${field} ${direction}: in order`);
        }
      }
      // gt / lte on dateAdded, as epoch milliseconds.
      const gt = Date.parse(added[10]!);
      const lte = Date.parse(added[20]!);
      const page = await search(sandbox, { filters: [{ field: 'dateAdded', operator: 'range', value: { gt, lte } }] });
      assert.deepEqual(
        page.contacts.map((c) => c.id).sort(),
        all.filter((c) => Date.parse(c.dateAdded) > gt && Date.parse(c.dateAdded) <= lte).map((c) => c.id).sort(),
      );
    } finally {
      await sandbox.close();
    }
  });
});
