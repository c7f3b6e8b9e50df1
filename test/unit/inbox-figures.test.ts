import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DEFAULT_POLL_SECONDS, InboxPoller } from '../../src/inbox';
import type { Envelope } from '../../src/protocol/envelope';
import type { ConversationPoll } from '../../src/protocol/responses';
import { startHarness, type Harness } from '../helpers/backendHarness';

const LATENCY_MS = 400;

/** The poll against a sandbox answering like a slow GHL (400 ms ±20 %): its wall time, and what that means for an alert's delay. */
describe('inbox figures (sandbox --latency-ms 400±20)', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ sandbox: { contacts: 200, opportunities: 0, conversations: 40, seed: 4, latencyMs: LATENCY_MS, latencyJitter: 0.2 } });
  });
  after(async () => h.close());

  it('a poll is one request and takes about one answer; an injected message is announced by the next poll', async () => {
    const poller = new InboxPoller({ poll: (input) => h.backend.request('ext-ghl:convs-poll', input) as Promise<Envelope<ConversationPoll>> });
    await poller.pollOnce(); // baseline (and the client's first connection)
    const conversations = [...h.sandbox.store.conversations.values()].filter((c) => h.sandbox.store.contacts.get(c.contactId)!.phone);
    const walls: number[] = [];
    for (let i = 0; i < 5; i++) {
      h.sandbox.injectInbound({ conversationId: conversations[i]!.id, type: 'SMS', body: `Lead message ${i}` });
      h.sandbox.resetStats();
      const started = performance.now();
      const outcome = await poller.pollOnce();
      walls.push(performance.now() - started);
      assert.equal(h.sandbox.stats.requests, 1, 'one request per poll');
      assert.deepEqual(outcome.alerts.map((a) => a.conversationId), [conversations[i]!.id]);
    }
    const sorted = [...walls].sort((a, b) => a - b);
    const median = sorted[2]!;
    console.log(
      `[figure] poll wall time at ${LATENCY_MS} ms ±20 % latency: median ${median.toFixed(0)} ms (min ${sorted[0]!.toFixed(0)}, max ${sorted[4]!.toFixed(0)}); ` +
        `inbound → alert at the default ${DEFAULT_POLL_SECONDS} s: ≤ ${(DEFAULT_POLL_SECONDS + sorted[4]! / 1000).toFixed(1)} s, ${(DEFAULT_POLL_SECONDS / 2 + median / 1000).toFixed(1)} s on average`,
    );
    assert.ok(sorted[0]! >= LATENCY_MS * 0.8 - 5, 'the answer waited for the latency');
    assert.ok(median < LATENCY_MS * 1.2 + 300, `the poll adds little to the answer's latency: ${median} ms`);
  });
});
