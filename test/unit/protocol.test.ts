import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { registerExtGhlHandlers, type HandlerContext } from '../../src/handlers';
import { EXT_GHL_IPC, PUSH_CHANNELS } from '../../src/protocol/channels';
import { parsePush, pushSchemas } from '../../src/protocol/pushes';
import { protocolJsonSchema, REQUEST_CHANNELS, requestSchemas } from '../../src/protocol/requests';

const inertContext = {
  repos: () => {
    throw new Error('not used');
  },
  markDirty: () => undefined,
  settings: { get: () => undefined, update: async () => undefined },
  secrets: { get: async () => undefined, store: async () => undefined, delete: async () => undefined },
  api: async () => {
    throw new Error('not used');
  },
  resetApi: () => undefined,
  push: () => undefined,
  now: () => 0,
  log: () => undefined,
} as unknown as HandlerContext;

describe('protocol table', () => {
  const requestChannels = Object.values(EXT_GHL_IPC).filter((c) => !(PUSH_CHANNELS as readonly string[]).includes(c));

  it('names 66 request channels and 4 push channels, all ext-ghl:', () => {
    assert.equal(requestChannels.length, 66);
    assert.equal(PUSH_CHANNELS.length, 4);
    for (const channel of Object.values(EXT_GHL_IPC)) assert.match(channel, /^ext-ghl:[a-z-]+$/);
    assert.deepEqual(new Set(PUSH_CHANNELS), new Set(['ext-ghl:sync-progress', 'ext-ghl:arv-enrich-progress', 'ext-ghl:chat-stream', 'ext-ghl:bulk-tags-progress']));
  });

  it('has exactly one schema and one handler per request channel', () => {
    assert.deepEqual([...REQUEST_CHANNELS].sort(), [...requestChannels].sort());
    const handlers = registerExtGhlHandlers(inertContext);
    assert.deepEqual([...handlers.channels].sort(), [...requestChannels].sort());
  });

  it('generates a JSON Schema for every request, rejecting unknown keys', () => {
    const schema = protocolJsonSchema() as { channels: Record<string, { type?: string; additionalProperties?: unknown }> };
    assert.deepEqual(Object.keys(schema.channels).sort(), [...requestChannels].sort());
    for (const channel of requestChannels) {
      assert.equal(schema.channels[channel]!.type, 'object', channel);
      assert.equal(schema.channels[channel]!.additionalProperties, false, channel);
    }
  });

  it('has one push schema per push channel, and a JSON Schema for each that rejects unknown keys', () => {
    assert.deepEqual(Object.keys(pushSchemas).sort(), [...PUSH_CHANNELS].sort());
    const schema = protocolJsonSchema() as { pushes: Record<string, { type?: string; additionalProperties?: unknown; required?: string[] }> };
    assert.deepEqual(Object.keys(schema.pushes).sort(), [...PUSH_CHANNELS].sort());
    for (const channel of PUSH_CHANNELS) {
      assert.equal(schema.pushes[channel]!.type, 'object', channel);
      assert.equal(schema.pushes[channel]!.additionalProperties, false, channel);
    }
    assert.deepEqual(schema.pushes['ext-ghl:sync-progress']!.required?.sort(), ['kind', 'synced', 'total']);
  });

  it('reads a push as its table says, and answers why one is not a push', () => {
    const progress = { kind: 'opportunities', synced: 5, total: 9 };
    assert.deepEqual(parsePush('ext-ghl:sync-progress', progress), { ok: true, event: { channel: 'ext-ghl:sync-progress', payload: progress } });
    const stream = parsePush('ext-ghl:chat-stream', { turnId: 't1', toolCall: { tool: 'ghl_search_contacts', ok: true, summary: 'Searched' } });
    assert.equal(stream.ok, true);
    const wrongKind = parsePush('ext-ghl:sync-progress', { ...progress, kind: 'pipelines' });
    assert.equal(wrongKind.ok, false);
    assert.match(!wrongKind.ok ? wrongKind.reason : '', /^ext-ghl:sync-progress: kind: /);
    const deal = { opportunityId: 'o1', name: 'Deal', outcome: 'enriched', reason: null, arv: 300000, mao: 200000, method: 'comps', confidence: 'high' };
    const status = { runId: 'r1', pipelineId: 'p1', status: 'running', processed: 1, total: 2, enriched: 1, skipped: 0, failed: 0, lookups: 1, lastError: null, startedAt: 1, finishedAt: null, budgetReached: false, message: null };
    assert.equal(parsePush('ext-ghl:arv-enrich-progress', { ...status, deal }).ok, true);
    assert.equal(parsePush('ext-ghl:arv-enrich-progress', { ...status, deal: null }).ok, true);
    assert.equal(parsePush('ext-ghl:arv-enrich-progress', { ...status, deal: { ...deal, method: 'guess' } }).ok, false);
    assert.equal(parsePush('ext-ghl:arv-enrich-progress', status).ok, false, 'deal is required (null on the closing push)');
    assert.equal(parsePush('ext-ghl:contacts-list', {}).ok, false);
    assert.equal(parsePush(undefined, {}).ok, false);
    assert.equal(parsePush('ext-ghl:chat-stream', null).ok, false);
  });

  it('applies defaults and bounds from the issue', () => {
    assert.deepEqual(requestSchemas['ext-ghl:contacts-list'].parse({}), { limit: 50, offset: 0 });
    assert.equal(requestSchemas['ext-ghl:contacts-list'].safeParse({ limit: 501 }).success, false);
    assert.equal(requestSchemas['ext-ghl:contacts-list'].safeParse({ offset: -1 }).success, false);
    assert.equal(requestSchemas['ext-ghl:opps-list'].safeParse({ status: 'closed' }).success, false);
    assert.equal(requestSchemas['ext-ghl:opps-update-status'].safeParse({ id: 'x', status: 'won' }).success, true);
    assert.equal(requestSchemas['ext-ghl:convs-send'].safeParse({ conversationId: 'c', type: 'Fax', message: 'hi' }).success, false);
  });

  it('answers UNKNOWN_CHANNEL and VALIDATION without throwing, listing the offending fields', async () => {
    const handlers = registerExtGhlHandlers(inertContext);
    const unknown = await handlers.dispatch('ext-ghl:nope', {});
    assert.equal(unknown.success, false);
    assert.equal(!unknown.success && unknown.error.code, 'UNKNOWN_CHANNEL');
    const notString = await handlers.dispatch(42, {});
    assert.equal(!notString.success && notString.error.code, 'UNKNOWN_CHANNEL');
    const bad = await handlers.dispatch('ext-ghl:contacts-list', { limit: 'ten', color: 'red' });
    assert.equal(bad.success, false);
    if (bad.success) return;
    assert.equal(bad.error.code, 'VALIDATION');
    const fields = (bad.error.details as { fields: Array<{ field: string }> }).fields.map((f) => f.field);
    assert.ok(fields.includes('limit'), JSON.stringify(fields));
    assert.ok(fields.some((f) => f.includes('color')), JSON.stringify(fields));
  });
});
