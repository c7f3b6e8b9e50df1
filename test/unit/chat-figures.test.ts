import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ChatService } from '../../src/chat/chatService';
import { parseToolCall, runReadTool, type ReadTool } from '../../src/chat/toolSet';
import { startHarness, type Harness } from '../helpers/backendHarness';
import { channelClient, percentile, ScriptedModel, text, toolCall } from '../helpers/chatTestKit';

/**
 * The chat's own cost, printed as figures: what the engine adds to a turn beyond the
 * model's time (target ≤ 50 ms) and cache-answered tool calls at 50,000 contacts
 * (target p95 ≤ 20 ms). The asserted bounds are twice the targets so a busy shared
 * machine does not fail the suite; the printed figures are compared with the targets.
 */
describe('chat figures at 50,000 contacts', () => {
  let h: Harness;
  const location = { id: 'loc_sandbox_0001', name: 'Sandbox Realty' };

  before(async () => {
    h = await startHarness({ sandbox: { contacts: 50_000, opportunities: 3000, conversations: 20 } });
    await h.data('ext-ghl:contacts-sync');
    await h.data('ext-ghl:opps-sync');
    // Saving the synced cache runs on this thread here (in a worker in the product); let it finish first.
    await h.backend.flush();
  });
  after(async () => h.close());

  it('cache-answered tool calls: p95 per tool', async () => {
    const client = channelClient(h);
    const contacts = [...h.sandbox.store.contacts.values()];
    const opp = [...h.sandbox.store.opportunities.values()][0]!;
    const stage = h.sandbox.store.pipelines[0]!.stages[1]!.name;
    const calls: Array<[string, (i: number) => unknown]> = [
      ['ghl_search_contacts', (i) => ({ query: contacts[(i * 997) % contacts.length]!.lastName ?? 'a' })],
      ['ghl_get_contact', () => ({ contactId: opp.contactId })],
      ['ghl_list_opportunities', () => ({ stage })],
      ['ghl_list_opportunities', () => ({ staleDays: 14 })],
      ['ghl_pipeline_summary', () => ({})],
    ];
    // Contact tools are one indexed cache query; opportunity tools one filtered, counted opps-list page per stage (or the stage summary).
    const contactTimes: number[] = [];
    const scanTimes: number[] = [];
    const rows: string[] = [];
    for (const [name, input] of calls) {
      const times: number[] = [];
      for (let i = 0; i < 25; i++) {
        const parsed = parseToolCall(name, input(i));
        assert.ok(parsed.ok);
        const started = performance.now();
        const outcome = await runReadTool(parsed.tool as ReadTool, parsed.input, { client, now: Date.now });
        times.push(performance.now() - started);
        assert.ok(outcome.ok, outcome.summary);
      }
      if (name === 'ghl_search_contacts' || name === 'ghl_get_contact') contactTimes.push(...times.slice(5));
      else scanTimes.push(...times.slice(5));
      rows.push(`${name} ${JSON.stringify(input(0))}: p50 ${percentile(times.slice(5), 50).toFixed(1)} ms, p95 ${percentile(times.slice(5), 95).toFixed(1)} ms`);
    }
    const contactP95 = percentile(contactTimes, 95);
    console.log(
      `[figures] cache tool calls at 50,000 contacts / 3,000 opportunities (after 5 warm-up calls each):\n  ${rows.join('\n  ')}\n` +
        `  contact tools: p95 ${contactP95.toFixed(1)} ms (target ≤ 20 ms); opportunity tools: p95 ${percentile(scanTimes, 95).toFixed(1)} ms (target ≤ 20 ms)`,
    );
    // Twice the target: the machine is shared, a busy core must not fail the run.
    assert.ok(contactP95 <= 40, `contact tools p95 ${contactP95.toFixed(1)} ms`);
    assert.ok(percentile(scanTimes, 95) <= 40, `opportunity tools p95 ${percentile(scanTimes, 95).toFixed(1)} ms`);
  });

  it("the engine's overhead per turn beyond the model's time", async () => {
    const service = new ChatService({ client: channelClient(h) });
    for (let i = 0; i < 10; i++) service.history.append(location.id, { role: 'user', text: `earlier question ${i}`, at: i }, { role: 'assistant', text: `earlier answer ${i} `.repeat(20), at: i });
    const overhead: number[] = [];
    const withTools: number[] = [];
    for (let i = 0; i < 40; i++) {
      const model = new ScriptedModel([[text('Looking. '), toolCall('ghl_search_contacts', { query: 'Chen' })], [text('Here they are: '), text('three contacts.')]], 128_000);
      const started = performance.now();
      const result = await service.send({ message: `who is Chen? (${i})`, model, location, onDelta: () => undefined });
      const total = performance.now() - started;
      assert.equal(result.toolCalls.length, 1);
      assert.ok(result.timings);
      overhead.push(total - model.modelMs - result.timings!.toolMs);
      withTools.push(total - model.modelMs);
    }
    const steady = overhead.slice(5);
    const p95 = percentile(steady, 95);
    console.log(
      `[figures] engine overhead per turn (2 model rounds, 1 tool call, 20 history messages): p50 ${percentile(steady, 50).toFixed(2)} ms, p95 ${p95.toFixed(2)} ms (target ≤ 50 ms); ` +
        `with the cache tool call: p50 ${percentile(withTools.slice(5), 50).toFixed(2)} ms, p95 ${percentile(withTools.slice(5), 95).toFixed(2)} ms`,
    );
    assert.ok(p95 <= 100, `p95 ${p95.toFixed(1)} ms`);
  });
});
