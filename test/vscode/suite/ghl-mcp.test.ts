// #20: the MCP server in real VS Code: the provider offers "GoHighLevel (local cache)", the
// definition VS Code resolves starts and lists the tools over stdio, and the copied config for
// another agent carries a placeholder, never the token.
import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { canRun, ensureConfiguredAndSynced, EXTENSION_ID, poll, sandbox, testHandle } from './ghl';

const textOf = (r: CallToolResult) => r.content.map((c) => (c.type === 'text' ? c.text : '')).join('');

describe('GHL: MCP server', () => {
  before(async function () {
    if (!canRun()) this.skip();
    await ensureConfiguredAndSynced();
  });

  it('the provider offers the server; resolved, it starts and answers from the cache', async function () {
    this.timeout(60_000);
    const contributed = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON.contributes.mcpServerDefinitionProviders;
    assert.deepEqual(contributed, [{ id: 'ghl-vscode.localCache', label: 'GoHighLevel (local cache)' }]);
    assert.equal(typeof vscode.lm.registerMcpServerDefinitionProvider, 'function');

    const server = await (await testHandle()).resolveMcpServer!();
    assert.equal(server.label, 'GoHighLevel (local cache)');
    assert.match(server.version ?? '', /^1\.0\.0\+tools\.[0-9a-f]{12}$/);
    const script = server.args[0]!;
    assert.ok(script.endsWith('dist/mcp.js') && existsSync(script), script);
    assert.deepEqual(server.args.slice(1), ['--storage', server.args[2], '--location', sandbox.locationId, '--allow-writes']);
    assert.equal(server.env.GHL_API_TOKEN, sandbox.token, 'the token reaches the server through env, on resolve');

    const env: Record<string, string> = { PATH: process.env.PATH ?? '' };
    for (const [key, value] of Object.entries(server.env)) if (value !== null) env[key] = String(value);
    const client = new Client({ name: 'vscode-suite', version: '1.0.0' });
    await client.connect(new StdioClientTransport({ command: server.command, args: server.args, env, stderr: 'ignore' }));
    try {
      const names = (await client.listTools()).tools.map((t) => t.name);
      assert.ok(names.includes('ghl_search_contacts') && names.includes('ghl_update_contact'), names.join(', '));
      // The window saves its cache a moment after a sync; the server follows the file once it is there.
      const search = async () => (await client.callTool({ name: 'ghl_search_contacts', arguments: { query: 'a', limit: 3 } })) as CallToolResult;
      const answer = await poll('the MCP server answers from the window\'s cache', search, (r) => r.isError === undefined && /"total":[1-9]/.test(textOf(r)));
      assert.match(textOf(answer), /^<ghl-data source="ghl_search_contacts"/);
    } finally {
      await client.close();
    }
  });

  it('GHL: Copy MCP Server Config… puts a config with a token placeholder on the clipboard', async () => {
    for (const agent of ['Claude Code', 'Cursor', 'Claude Desktop']) {
      await vscode.env.clipboard.writeText('');
      await vscode.commands.executeCommand('ghl.copyMcpServerConfig', agent);
      const text = await vscode.env.clipboard.readText();
      assert.ok(!text.includes(sandbox.token), `${agent}: no token in the copied config`);
      const ghl = JSON.parse(text).mcpServers.ghl;
      assert.equal(ghl.command, 'node');
      assert.ok(String(ghl.args[0]).endsWith('dist/mcp.js'));
      assert.ok(ghl.args.includes('--storage') && ghl.args.includes(sandbox.locationId));
      assert.ok(!ghl.args.includes('--allow-writes'), 'read-only unless the user adds it');
      assert.deepEqual(ghl.env, { GHL_API_TOKEN: '<your GHL Private Integration token>' });
      assert.equal(ghl.type, agent === 'Claude Code' ? 'stdio' : undefined);
    }
  });
});
