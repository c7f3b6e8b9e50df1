import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CHAT_TOOLS } from '../../src/chat/toolSet';
import { DEFAULT_API_BASE_URL } from '../../src/ghl/client';
import { parseMcpOptions } from '../../src/mcp/options';
import { TOOLSETS, toolsetOf } from '../../src/mcp/toolsets';
import { toolSetVersion } from '../../src/mcp/version';

describe('MCP server options', () => {
  it('defaults: every toolset, read-only, GHL base URL, token from GHL_API_TOKEN only', () => {
    const parsed = parseMcpOptions(['--storage', '/s', '--location', 'L1'], { GHL_API_TOKEN: ' pit-abc ' });
    assert.ok(parsed.ok);
    assert.deepEqual(parsed.options, {
      toolsets: [...TOOLSETS],
      allowWrites: false,
      readOnly: false,
      locationId: 'L1',
      storageDir: '/s',
      apiBaseUrl: DEFAULT_API_BASE_URL,
      token: 'pit-abc',
      sync: false,
    });
  });

  it('--toolsets, --allow-writes, --read-only, --api-base-url over GHL_API_BASE_URL', () => {
    const parsed = parseMcpOptions(
      ['--storage', '/s', '--toolsets', 'deals, Contacts', '--allow-writes', '--read-only', '--api-base-url', 'http://127.0.0.1:9/'],
      { GHL_API_BASE_URL: 'http://other' },
    );
    assert.ok(parsed.ok);
    assert.deepEqual(parsed.options.toolsets, ['contacts', 'deals']);
    assert.equal(parsed.options.allowWrites && parsed.options.readOnly, true);
    assert.equal(parsed.options.apiBaseUrl, 'http://127.0.0.1:9/');
    const fromEnv = parseMcpOptions(['--storage', '/s'], { GHL_API_BASE_URL: 'http://sandbox:1' });
    assert.equal(fromEnv.ok && fromEnv.options.apiBaseUrl, 'http://sandbox:1');
  });

  it('refuses what it cannot serve, with the usage', () => {
    const noStorage = parseMcpOptions([], {});
    assert.ok(!noStorage.ok && /--storage is required/.test(noStorage.error));
    const badSet = parseMcpOptions(['--storage', '/s', '--toolsets', 'contacts,email'], {});
    assert.ok(!badSet.ok && /Unknown toolset email/.test(badSet.error));
    const unknownFlag = parseMcpOptions(['--storage', '/s', '--token', 'x'], {});
    assert.ok(!unknownFlag.ok && /Usage:/.test(unknownFlag.error), 'no token on the command line');
  });

  it('every tool has a toolset; the version follows the tool set', () => {
    for (const tool of CHAT_TOOLS) assert.ok(TOOLSETS.includes(toolsetOf(tool)), tool.name);
    assert.equal(toolsetOf(CHAT_TOOLS.find((t) => t.name === 'ghl_get_contact')!), 'contacts');
    assert.equal(toolsetOf(CHAT_TOOLS.find((t) => t.name === 'ghl_send_message')!), 'inbox');
    assert.equal(toolsetOf(CHAT_TOOLS.find((t) => t.name === 'ghl_add_note')!), 'tasks');
    assert.match(toolSetVersion(), /^1\.0\.0\+tools\.[0-9a-f]{12}$/);
    assert.equal(toolSetVersion(), toolSetVersion());
    assert.notEqual(toolSetVersion(CHAT_TOOLS.slice(1)), toolSetVersion());
  });
});
