import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { ElicitRequestSchema, type CallToolResult, type ElicitRequest, type ElicitResult } from '@modelcontextprotocol/sdk/types.js';
import { createBackend } from '../../src/backend';
import { DATA_TAG } from '../../src/chat/crmData';
import { CHAT_TOOLS } from '../../src/chat/toolSet';
import { WRITE_HINTS } from '../../src/mcp/annotations';
import { mcpChannelClient } from '../../src/mcp/channelClient';
import type { McpOptions } from '../../src/mcp/options';
import { createGhlMcpServer } from '../../src/mcp/server';
import { TOOLSETS, toolsetOf } from '../../src/mcp/toolsets';
import { SECRET_TOKEN_KEY, SETTING_LOCATION_ID } from '../../src/protocol/settings';
import { MemorySecrets, MemorySettings, startHarness, type Harness } from '../helpers/backendHarness';
import { parseDataBlock } from '../helpers/chatTestKit';
import { pollUntil } from '../helpers/waitUntil';
import { SANDBOX_ARV_FIELD_KEYS } from '../sandbox/data';
import { RENTCAST_SANDBOX_KEY } from '../sandbox/rentcast';

type ServerOptions = Pick<McpOptions, 'toolsets' | 'allowWrites' | 'readOnly'>;
const ALL: ServerOptions = { toolsets: [...TOOLSETS], allowWrites: false, readOnly: false };
const WRITES: ServerOptions = { ...ALL, allowWrites: true };

interface Connected {
  client: Client;
  elicitations: ElicitRequest['params'][];
  call(name: string, args: Record<string, unknown>): Promise<CallToolResult>;
  close(): Promise<void>;
}

/** An MCP client (with or without elicitation) linked in memory to a server over `dispatch`. */
async function connect(
  dispatch: Parameters<typeof mcpChannelClient>[0],
  options: ServerOptions,
  elicit?: (params: ElicitRequest['params']) => ElicitResult,
  cacheProblem?: () => Promise<string | null>,
  toolTimeoutMs?: number,
): Promise<Connected> {
  const server = createGhlMcpServer({ client: mcpChannelClient(dispatch), options, version: 'test', cacheProblem, toolTimeoutMs });
  const client = new Client({ name: 'mcp-test', version: '1.0.0' }, { capabilities: elicit ? { elicitation: { form: {} } } : {} });
  const elicitations: ElicitRequest['params'][] = [];
  if (elicit) {
    client.setRequestHandler(ElicitRequestSchema, async (request) => {
      elicitations.push(request.params);
      return elicit(request.params);
    });
  }
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await Promise.all([server.connect(serverSide), client.connect(clientSide)]);
  return {
    client,
    elicitations,
    call: async (name, args) => callResult(await client.callTool({ name, arguments: args })),
    async close() {
      await client.close();
      await server.close();
    },
  };
}

/** callTool's answer, as the tools/call result it is (the SDK's union also allows the legacy toolResult form). */
function callResult(answer: Awaited<ReturnType<Client['callTool']>>): CallToolResult {
  assert.ok('content' in answer, 'a tools/call result');
  return answer as CallToolResult;
}

const textOf = (r: CallToolResult) => r.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');
const structured = (r: CallToolResult) => r.structuredContent as { ok: boolean; status: string; summary: string; data: string; refs: unknown[] };

describe('MCP server over the cache (in-memory transport)', () => {
  let h: Harness;
  const dispatch = (channel: string, payload: unknown) => h.backend.request(channel, payload);

  before(async () => {
    h = await startHarness({ sandbox: { contacts: 300, opportunities: 120, conversations: 8, tasks: 40 } });
    // ARV estimates in the cache for ghl_arv_estimates: a run over Acquisitions against the RentCast stand-in.
    await h.restart({ rentcastBaseUrl: h.sandbox.url });
    h.secrets.values.set('ghl.rentcast-api-key', RENTCAST_SANDBOX_KEY);
    h.settings.values.set('ghl.arv.sqftField', SANDBOX_ARV_FIELD_KEYS.sqft);
    h.settings.values.set('ghl.arv.repairsField', SANDBOX_ARV_FIELD_KEYS.repairs);
    h.settings.values.set('ghl.arv.maxLookupsPerRun', 10_000);
    await h.data('ext-ghl:contacts-sync', {});
    await h.data('ext-ghl:opps-sync', {});
    await h.data('ext-ghl:tasks-sync', {});
    await h.data('ext-ghl:arv-enrich-start', { pipelineName: 'Acquisitions' });
    await pollUntil('the ARV run to end', async () => (await h.data('ext-ghl:arv-enrich-status')).status !== 'running', { checks: 1500, intervalMs: 20 });
  });
  after(async () => h.close());

  it('lists every read tool with annotations and its toolset, and no write without --allow-writes', async () => {
    const c = await connect(dispatch, ALL);
    try {
      const { tools } = await c.client.listTools();
      const reads = CHAT_TOOLS.filter((t) => !t.writes).map((t) => t.name);
      assert.deepEqual(tools.map((t) => t.name), reads);
      for (const tool of tools) {
        assert.deepEqual(
          { readOnly: tool.annotations?.readOnlyHint, destructive: tool.annotations?.destructiveHint, idempotent: tool.annotations?.idempotentHint },
          { readOnly: true, destructive: false, idempotent: true },
          tool.name,
        );
        assert.equal(tool.inputSchema.type, 'object');
        assert.ok(tool.outputSchema?.properties?.status, `${tool.name} has an output schema`);
        assert.ok(TOOLSETS.includes(tool._meta?.toolset as never), `${tool.name} toolset`);
      }
      const refused = await c.call('ghl_update_contact', { contactId: 'x', changes: { city: 'X' } });
      assert.equal(refused.isError, true);
      assert.match(textOf(refused), /ghl_update_contact/);
    } finally {
      await c.close();
    }
  });

  it('with --allow-writes lists the writes with their hints; --read-only wins; --toolsets filters', async () => {
    const c = await connect(dispatch, WRITES);
    try {
      const { tools } = await c.client.listTools();
      assert.deepEqual(tools.map((t) => t.name), CHAT_TOOLS.map((t) => t.name));
      for (const tool of CHAT_TOOLS.filter((t) => t.writes)) {
        const listed = tools.find((t) => t.name === tool.name)!;
        assert.ok(WRITE_HINTS[tool.name], `${tool.name} has its own hints`);
        assert.equal(listed.annotations?.readOnlyHint, false);
        assert.equal(listed.annotations?.destructiveHint, WRITE_HINTS[tool.name]!.destructiveHint, tool.name);
        assert.equal(listed.annotations?.openWorldHint, WRITE_HINTS[tool.name]!.openWorldHint, tool.name);
      }
      assert.equal(tools.find((t) => t.name === 'ghl_send_message')?.annotations?.openWorldHint, true);
    } finally {
      await c.close();
    }
    const readOnly = await connect(dispatch, { ...WRITES, readOnly: true }, () => ({ action: 'accept', content: { approve: true } }));
    try {
      const { tools } = await readOnly.client.listTools();
      assert.ok(tools.length > 0 && tools.every((t) => t.annotations?.readOnlyHint === true), 'no write tool under --read-only');
    } finally {
      await readOnly.close();
    }
    const some = await connect(dispatch, { ...WRITES, toolsets: ['contacts', 'tasks'] });
    try {
      const names = (await some.client.listTools()).tools.map((t) => t.name);
      const expected = CHAT_TOOLS.filter((t) => toolsetOf(t) === 'contacts' || toolsetOf(t) === 'tasks').map((t) => t.name);
      assert.deepEqual(names, expected);
      assert.ok(names.includes('ghl_search_contacts') && names.includes('ghl_list_tasks') && !names.includes('ghl_list_opportunities') && !names.includes('ghl_agenda'));
    } finally {
      await some.close();
    }
  });

  it('every read tool answers, CRM text inside the untrusted-data block, and reads the cache holds send no GHL request', async () => {
    const c = await connect(dispatch, ALL);
    try {
      const opportunity = [...h.sandbox.store.opportunities.values()][0]!;
      const conversation = [...h.sandbox.store.conversations.values()][0]!;
      const inputs: Record<string, Record<string, unknown>> = {
        ghl_search_contacts: { query: 'a', limit: 25 },
        ghl_get_contact: { contactId: opportunity.contactId },
        ghl_list_opportunities: { status: 'all' },
        ghl_pipeline_summary: {},
        ghl_calendar_events: { days: 7 },
        ghl_conversations: { conversationId: conversation.id },
        ghl_custom_fields: {},
        ghl_free_slots: { calendar: 'Showings', days: 3 },
        ghl_agenda: { days: 7 },
        ghl_list_tasks: { scope: 'all' },
        ghl_get_notes: { contactId: opportunity.contactId },
        ghl_arv_estimates: { pipeline: 'Acquisitions' },
      };
      const reads = CHAT_TOOLS.filter((t) => !t.writes).map((t) => t.name);
      assert.deepEqual(Object.keys(inputs).sort(), [...reads].sort(), 'an input for every read tool');
      for (const name of reads) {
        const result = await c.call(name, inputs[name]!);
        const s = structured(result);
        assert.equal(result.isError, undefined, `${name}: ${textOf(result)}`);
        assert.equal(s.status, 'answered', name);
        assert.ok(textOf(result).startsWith(`<${DATA_TAG} source="${name}" kind="untrusted CRM data">`), name);
        assert.equal(s.data, textOf(result));
      }
      const arv = parseDataBlock(textOf(await c.call('ghl_arv_estimates', { pipeline: 'Acquisitions', limit: 25 })));
      assert.ok(arv.total > 0 && arv.items.every((e: any) => e.opportunityId && (typeof e.arv === 'number' || e.error)), JSON.stringify(arv).slice(0, 300));
      const many = parseDataBlock(textOf(await c.call('ghl_search_contacts', { query: 'a', limit: 25 })));
      assert.equal(many.shown, 25);
      assert.equal(many.more, many.total - 25, 'capped with how many more');

      // The location's zone is read once per server (the tools count days with it); after that, the cache answers alone.
      h.sandbox.resetStats();
      for (const name of ['ghl_search_contacts', 'ghl_get_contact', 'ghl_list_opportunities', 'ghl_pipeline_summary', 'ghl_list_tasks', 'ghl_arv_estimates']) {
        assert.equal((await c.call(name, inputs[name]!)).isError, undefined, name);
      }
      assert.equal(h.sandbox.stats.requests, 0, `cached reads sent ${JSON.stringify(h.sandbox.stats.byRoute)}`);

      const bad = await c.call('ghl_search_contacts', { query: '' });
      assert.equal(bad.isError, true);
      assert.equal(h.sandbox.stats.requests, 0, 'a bad input sends nothing');
    } finally {
      await c.close();
    }
  });

  it('a write asks with exactly the plan summary; accepted → GHL changed; declined → unchanged', async () => {
    const contact = [...h.sandbox.store.contacts.values()].find((c) => c.city && c.firstName)!;
    let answer: ElicitResult = { action: 'decline' };
    const c = await connect(dispatch, WRITES, () => answer);
    try {
      const declined = await c.call('ghl_update_contact', { contactId: contact.id, changes: { city: 'Declined Town' } });
      assert.equal(c.elicitations.length, 1);
      assert.match(c.elicitations[0]!.message, new RegExp(`^Update contact ".+" \\(${contact.id}\\): city ".+" → "Declined Town"$`));
      assert.equal(structured(declined).status, 'declined');
      assert.match(textOf(declined), /Nothing was changed/);
      assert.notEqual(h.sandbox.store.contacts.get(contact.id)!.city, 'Declined Town');

      answer = { action: 'accept', content: { approve: true } };
      const done = await c.call('ghl_update_contact', { contactId: contact.id, changes: { city: 'Approved Town' } });
      assert.equal(c.elicitations.length, 2);
      assert.equal(structured(done).status, 'done', textOf(done));
      assert.equal(structured(done).summary, `Approved by the user in the confirmation prompt and done. ${c.elicitations[1]!.message}`);
      assert.equal(h.sandbox.store.contacts.get(contact.id)!.city, 'Approved Town');
      const cached = await h.data('ext-ghl:contacts-get', { id: contact.id });
      assert.equal(cached.city, 'Approved Town', 'the cache has the write');

      answer = { action: 'accept', content: { approve: false } };
      const unticked = await c.call('ghl_update_contact', { contactId: contact.id, changes: { city: 'Unticked Town' } });
      assert.equal(structured(unticked).status, 'declined');
      assert.equal(h.sandbox.store.contacts.get(contact.id)!.city, 'Approved Town');
    } finally {
      await c.close();
    }
  });

  it('a client without elicitation: runs a write only with --allow-writes, and says it was not confirmed by a prompt', async () => {
    const contact = [...h.sandbox.store.contacts.values()].find((c) => c.city && c.lastName)!;
    const plain = await connect(dispatch, ALL);
    try {
      const refused = await plain.call('ghl_update_contact', { contactId: contact.id, changes: { city: 'Refused Town' } });
      assert.equal(refused.isError, true);
      assert.notEqual(h.sandbox.store.contacts.get(contact.id)!.city, 'Refused Town');
    } finally {
      await plain.close();
    }
    const allowed = await connect(dispatch, WRITES);
    try {
      const done = await allowed.call('ghl_update_contact', { contactId: contact.id, changes: { city: 'Allowed Town' } });
      assert.equal(structured(done).status, 'done');
      assert.match(textOf(done), /^Done without a confirmation prompt \(this client cannot show one; the server was started with --allow-writes\)\. Exactly this was done: Update contact .+ → "Allowed Town"/);
      assert.equal(h.sandbox.store.contacts.get(contact.id)!.city, 'Allowed Town');
    } finally {
      await allowed.close();
    }
  });

  it('no cache: every tool says how to get one', async () => {
    const c = await connect(dispatch, ALL, undefined, async () => 'There is no GHL cache in /x: open VS Code and run "GHL: Sync All" first, or start this server with --sync.');
    try {
      h.sandbox.resetStats();
      const result = await c.call('ghl_search_contacts', { query: 'a' });
      assert.equal(result.isError, true);
      assert.match(textOf(result), /open VS Code and run "GHL: Sync All" first, or start this server with --sync/);
      assert.equal(h.sandbox.stats.requests, 0);
    } finally {
      await c.close();
    }
  });

  it('no tool call blocks longer than its timeout: a hung GHL answer becomes a tool error', async () => {
    const c = await connect(dispatch, ALL, undefined, undefined, 200);
    try {
      h.sandbox.injectFault({ method: 'GET', path: '/locations/{locationId}/customFields', hang: true });
      const result = await c.call('ghl_custom_fields', {});
      assert.equal(result.isError, true);
      // The tool's own timeout (200 ms here), not the GHL request's (3 s in this harness).
      assert.match(textOf(result), /^ghl_custom_fields took longer than 200 ms and was given up on\. Nothing was changed; try again\.$/);
      // The server still answers.
      assert.equal((await c.call('ghl_pipeline_summary', {})).isError, undefined);
    } finally {
      await c.close();
    }
  });

  it('a missing or wrong token is a tool error naming GHL_API_TOKEN, not a crash', async () => {
    for (const token of [undefined, 'pit-wrong-token']) {
      const storageDir = mkdtempSync(path.join(tmpdir(), 'ghl-mcp-token-'));
      const secrets = new MemorySecrets();
      if (token) secrets.values.set(SECRET_TOKEN_KEY, token);
      const settings = new MemorySettings();
      settings.values.set(SETTING_LOCATION_ID, h.sandbox.locationId);
      const backend = await createBackend({ storageDir, secrets, settings, apiBaseUrl: h.sandbox.url, maxRetries: 0, requestTimeoutMs: 3000 });
      const c = await connect((channel, payload) => backend.request(channel, payload), ALL);
      try {
        const result = await c.call('ghl_custom_fields', {});
        assert.equal(result.isError, true);
        assert.match(textOf(result), token ? /GHL refused the token in GHL_API_TOKEN/ : /No GHL API token: set GHL_API_TOKEN in this MCP server's environment/);
        assert.ok(!textOf(result).includes('Set API Token'), 'no VS Code command in an MCP answer');
      } finally {
        await c.close();
        await backend.dispose();
        rmSync(storageDir, { recursive: true, force: true });
      }
    }
  });
});
