import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { conversationHandlers } from '../../src/handlers/conversations';
import type { HandlerContext } from '../../src/handlers/context';

type Prepare = (options: { userSettings: Record<string, unknown>; env: Record<string, string>; tmpDir: string }) => Promise<{ dispose(): Promise<void> }>;

/** What the real-VS-Code suite asks the sandbox through prepare.mjs's control server. */
describe('VS Code suite control: POST /inbound, GET /conversation, a 422 fault on sending', () => {
  const tmpDir = mkdtempSync(path.join(tmpdir(), 'ghl-control-'));
  const env: Record<string, string> = {};
  let dispose: () => Promise<void>;
  const control = async (method: string, route: string, body?: unknown) => {
    const res = await fetch(env.EXT_TEST_SANDBOX_CONTROL + route, { method, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: res.status, json: await res.json() };
  };

  before(async () => {
    // A plain .mjs without types: the suite's own hook, exactly as run.mjs calls it.
    const hook = '../vscode/prepare.mjs';
    const { default: prepare } = (await import(hook)) as { default: Prepare };
    ({ dispose } = await prepare({ userSettings: {}, env, tmpDir }));
  });
  after(async () => {
    await dispose();
    rmSync(tmpDir, { recursive: true, force: true });
  });

  it('injects an inbound message and shows the conversation with its messages', async () => {
    const headers = { Authorization: `Bearer ${env.EXT_TEST_SANDBOX_TOKEN}`, Version: '2021-04-15' };
    const list = await (await fetch(`${env.EXT_TEST_SANDBOX_URL}/conversations/search?locationId=${env.EXT_TEST_SANDBOX_LOCATION}&limit=100`, { headers })).json();
    const target = list.conversations.find((c: { phone?: string }) => c.phone);
    const unread = target.unreadCount;
    const injected = await control('POST', '/inbound', { conversationId: target.id, type: 'SMS', body: '<b>Still available?</b>' });
    assert.equal(injected.status, 200);
    assert.equal(injected.json.message.direction, 'inbound');
    assert.equal(injected.json.message.body, '<b>Still available?</b>');
    assert.equal(injected.json.conversation.unreadCount, unread + 1);

    const shown = await control('GET', `/conversation?id=${target.id}`);
    assert.equal(shown.status, 200);
    assert.equal(shown.json.unreadCount, unread + 1);
    assert.equal(typeof shown.json.starred, 'boolean');
    const last = shown.json.messages.at(-1);
    assert.deepEqual([last.id, last.messageType, last.direction], [injected.json.message.id, 'TYPE_SMS', 'inbound']);
    assert.equal((await control('GET', '/conversation?id=nope')).status, 404);
    const refused = await control('POST', '/inbound', { conversationId: target.id, type: 'Fax', body: 'x' });
    assert.equal(refused.status, 400);
    assert.match(refused.json.message, /unknown message type Fax/);

    assert.equal((await control('POST', '/fault', { method: 'POST', path: '/conversations/messages', status: 422, times: 1 })).status, 200);
    const send = (message: string) =>
      fetch(`${env.EXT_TEST_SANDBOX_URL}/conversations/messages`, {
        method: 'POST',
        headers: { ...headers, 'Content-Type': 'application/json' },
        body: JSON.stringify({ type: 'SMS', contactId: target.contactId, message }),
      });
    assert.equal((await send('first')).status, 422);
    assert.equal((await send('second')).status, 200);
    const after = await control('GET', `/conversation?id=${target.id}`);
    assert.deepEqual(after.json.messages.slice(-2).map((m: { body: string }) => m.body), ['<b>Still available?</b>', 'second']);
  });
});

describe('convs-poll asks with the background priority', () => {
  it('goes behind the user\'s requests: priority sync, status unread, newest first', async () => {
    const calls: Array<{ query: unknown; priority: unknown }> = [];
    const api = {
      searchConversations: async (query: unknown, priority: unknown) => {
        calls.push({ query, priority });
        return { conversations: [], total: 0 };
      },
    };
    const ctx = {
      settings: { get: (key: string) => (key === 'ghl.locationId' ? 'loc' : undefined), update: async () => undefined },
      api: async () => api,
      now: () => 42,
      // #17: a conversation without a name looks its contact up in the cache (none here).
      repos: () => ({ contacts: { get: () => undefined } }),
    } as unknown as HandlerContext;
    const handlers = conversationHandlers(ctx, { syncRunning: () => false });
    assert.deepEqual(await handlers['ext-ghl:convs-poll']({ limit: 50 }), {
      status: 'checked',
      checkedAt: 42,
      unreadConversations: 0,
      changed: [],
      unreadIds: [],
      unreadIdsComplete: true,
    });
    assert.deepEqual(calls, [{ query: { locationId: 'loc', limit: 50, status: 'unread', sortBy: 'last_message_date', sort: 'desc' }, priority: 'sync' }]);
    await handlers['ext-ghl:convs-list']({ limit: 20 });
    assert.equal(calls[1]!.priority, undefined, 'the view\'s own list is a user request');
  });
});
