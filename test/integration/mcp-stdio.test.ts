import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { ElicitRequestSchema, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { createBackend } from '../../src/backend';
import { SETTING_LOCATION_ID } from '../../src/protocol/settings';
import { MemorySecrets, MemorySettings, startHarness, type Harness } from '../helpers/backendHarness';
import { pollUntil } from '../helpers/waitUntil';

const MCP_JS = path.join(__dirname, '../../dist/mcp.js');

/** dist/mcp.js as an agent starts it: a child process over stdio, the token in its environment only. */
async function startMcp(h: Harness, storageDir: string, args: string[], elicitation = true) {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [MCP_JS, '--storage', storageDir, '--location', h.sandbox.locationId, ...args],
    env: { GHL_API_TOKEN: h.sandbox.token, GHL_API_BASE_URL: h.sandbox.url, PATH: process.env.PATH ?? '' },
    stderr: 'pipe',
  });
  const stderr: string[] = [];
  (transport.stderr as Readable | null)?.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
  const client = new Client({ name: 'mcp-stdio-test', version: '1.0.0' }, { capabilities: elicitation ? { elicitation: { form: {} } } : {} });
  const asked: string[] = [];
  client.setRequestHandler(ElicitRequestSchema, async (request) => {
    asked.push(request.params.message);
    return { action: 'accept', content: { approve: true } };
  });
  await client.connect(transport);
  const call = async (name: string, args: Record<string, unknown>) => (await client.callTool({ name, arguments: args })) as CallToolResult;
  return { client, transport, stderr, asked, call };
}

const textOf = (r: CallToolResult) => r.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');

describe('dist/mcp.js over stdio beside the editor', () => {
  let h: Harness;

  before(async () => {
    assert.ok(existsSync(MCP_JS), 'dist/mcp.js is built (node esbuild.mjs)');
    // The editor's backend opens the storage folder first: it is the cache's writer.
    h = await startHarness({ sandbox: { contacts: 150, opportunities: 40, conversations: 4 }, backend: { cacheWatchIntervalMs: 50 } });
    await h.data('ext-ghl:contacts-sync', {});
    await h.data('ext-ghl:opps-sync', {});
    await h.backend.flush();
  });
  after(async () => h.close());

  it('reads from the shared cache with zero GHL requests; a write made through MCP is in the editor\'s cache after both close', async () => {
    const mcp = await startMcp(h, h.storageDir, ['--allow-writes']);
    const contact = [...h.sandbox.store.contacts.values()].find((c) => c.email && c.city)!;
    try {
      const { tools } = await mcp.client.listTools();
      assert.ok(tools.some((t) => t.name === 'ghl_update_contact'), 'writes listed with --allow-writes');

      h.sandbox.resetStats();
      const found = await mcp.call('ghl_search_contacts', { query: contact.email! });
      assert.equal(found.isError, undefined, textOf(found));
      assert.ok(textOf(found).includes(contact.id));
      const summary = await mcp.call('ghl_pipeline_summary', {});
      assert.equal(summary.isError, undefined, textOf(summary));
      assert.equal(h.sandbox.stats.requests, 0, `reads sent ${JSON.stringify(h.sandbox.stats.byRoute)}`);

      const done = await mcp.call('ghl_update_contact', { contactId: contact.id, changes: { city: 'Stdio Springs' } });
      assert.equal(done.isError, undefined, textOf(done));
      assert.equal(mcp.asked.length, 1, 'the write was confirmed through elicitation');
      assert.match(mcp.asked[0]!, /→ "Stdio Springs"$/);
      assert.equal(h.sandbox.store.contacts.get(contact.id)!.city, 'Stdio Springs');
      // The MCP process is a reader: its write reaches the editor's cache through the write journal.
      await pollUntil('the editor sees the MCP write', async () => {
        const answer = await h.backend.request('ext-ghl:contacts-get', { id: contact.id });
        return answer.success && (answer.data as { city?: string }).city === 'Stdio Springs';
      });
      assert.match(mcp.stderr.join(''), /\[ghl-mcp\] info Serving/, 'logs go to stderr');
      assert.doesNotMatch(mcp.stderr.join(''), /writes the cache/, 'the editor stays the writer');
      assert.ok(!mcp.stderr.join('').includes(h.sandbox.token), 'the token is never logged');
    } finally {
      await mcp.client.close();
    }
    await h.restart({ cacheWatchIntervalMs: 50 });
    const reopened = await h.data('ext-ghl:contacts-get', { id: contact.id });
    assert.equal(reopened.city, 'Stdio Springs', 'the write survives both closing');
  });

  it('without --allow-writes no write is listed or runs; with no cache it says how to get one', async () => {
    const readOnly = await startMcp(h, h.storageDir, []);
    try {
      assert.ok((await readOnly.client.listTools()).tools.every((t) => t.annotations?.readOnlyHint === true));
      const refused = await readOnly.call('ghl_update_contact', { contactId: 'x', changes: { city: 'Nope' } });
      assert.equal(refused.isError, true);
    } finally {
      await readOnly.client.close();
    }
    const empty = mkdtempSync(path.join(tmpdir(), 'ghl-mcp-empty-'));
    const noCache = await startMcp(h, empty, []);
    try {
      const answer = await noCache.call('ghl_search_contacts', { query: 'a' });
      assert.equal(answer.isError, true);
      assert.match(textOf(answer), /open VS Code and run "GHL: Sync All" first, or start this server with --sync/);
    } finally {
      await noCache.client.close();
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('a broken cache file is moved aside as the extension does, and the server says how to get a cache', async () => {
    const broken = mkdtempSync(path.join(tmpdir(), 'ghl-mcp-broken-'));
    writeFileSync(path.join(broken, 'ghl-cache.sqlite'), 'this is not SQLite');
    const mcp = await startMcp(h, broken, []);
    try {
      const answer = await mcp.call('ghl_search_contacts', { query: 'a' });
      assert.equal(answer.isError, true);
      assert.match(textOf(answer), /could not be read and was moved to .*ghl-cache\.sqlite\.corrupt-.*: open VS Code and run "GHL: Sync All" first/);
      assert.ok(readdirSync(broken).some((f) => f.startsWith('ghl-cache.sqlite.corrupt-')), readdirSync(broken).join(', '));
    } finally {
      await mcp.client.close();
      rmSync(broken, { recursive: true, force: true });
    }
  });

  it('--sync fills a missing cache, then answers from it', async () => {
    const empty = mkdtempSync(path.join(tmpdir(), 'ghl-mcp-sync-'));
    const mcp = await startMcp(h, empty, ['--sync']);
    const someone = [...h.sandbox.store.contacts.values()].find((c) => c.email)!;
    try {
      let last = '';
      await pollUntil('the first sync', async () => {
        const answer = await mcp.call('ghl_search_contacts', { query: someone.email! });
        last = textOf(answer);
        return answer.isError === undefined;
      }, { checks: 300, intervalMs: 20 });
      assert.ok(last.includes(someone.id), last);
    } finally {
      await mcp.client.close();
    }
    // What it synced is a cache the editor opens.
    const settings = new MemorySettings();
    settings.values.set(SETTING_LOCATION_ID, h.sandbox.locationId);
    const editor = await createBackend({ storageDir: empty, secrets: new MemorySecrets(), settings });
    try {
      const answer = await editor.request('ext-ghl:contacts-get', { id: someone.id });
      assert.ok(answer.success);
    } finally {
      await editor.dispose();
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
