// The public API's gate (src/vscode/api/writeGate.ts) in plain Node: every request channel is
// classified, writes are refused while ghl.api.allowWrites is off (read at each call), reads
// always pass, nothing unclassified is passed on, and the log names the caller but no payload.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { CHANNEL_ACCESS } from '../../src/protocol/access';
import { EXT_GHL_IPC as C, PUSH_CHANNELS } from '../../src/protocol/channels';
import { ok, type Envelope } from '../../src/protocol/envelope';
import { CHANNEL_MUTATIONS } from '../../src/protocol/mutations';
import { REQUEST_CHANNELS, type RequestChannel } from '../../src/protocol/requests';
import { callingExtension } from '../../src/vscode/api/callingExtension';
import type { GhlTestingHandle } from '../../src/vscode/api/ghlApi';
import { createApiV1, createExports, SETTING_API_ALLOW_WRITES } from '../../src/vscode/api/writeGate';

const WRITES = REQUEST_CHANNELS.filter((channel) => CHANNEL_ACCESS[channel] === 'write');
const READS = REQUEST_CHANNELS.filter((channel) => CHANNEL_ACCESS[channel] === 'read');

/** An API over a recording host: what was forwarded, what was logged; writes allowed while `allow.on`. */
function gatedApi(caller: () => string | undefined = () => 'someone.else') {
  const forwarded: Array<{ channel: string; payload: unknown }> = [];
  const logged: Array<{ level: string; message: string }> = [];
  const allow = { on: false };
  const api = createApiV1({
    forward: async (channel, payload) => {
      forwarded.push({ channel, payload });
      return ok({ answeredBy: 'host', channel });
    },
    onPush: () => ({ dispose: () => undefined }),
    writesAllowed: () => allow.on,
    caller,
    log: (level, message) => logged.push({ level, message }),
  });
  // The public request is typed per channel; these tests send every channel, and junk, as another extension's JS would.
  const request = api.request as unknown as (channel: unknown, payload?: unknown) => Promise<Envelope>;
  return { api, request, forwarded, logged, allow };
}

describe('public API: channel classification', () => {
  it('classifies every request channel as read or write, and nothing else', () => {
    assert.deepEqual(Object.keys(CHANNEL_ACCESS).sort(), [...REQUEST_CHANNELS].sort());
    for (const [channel, access] of Object.entries(CHANNEL_ACCESS)) assert.ok(access === 'read' || access === 'write', `${channel}: ${access}`);
    for (const push of PUSH_CHANNELS) assert.equal(Object.hasOwn(CHANNEL_ACCESS, push), false, push);
  });

  it('counts sending, deleting, the settings, the chat, ARV write-back and paid ARV lookups as writes', () => {
    for (const channel of [C.CONVS_SEND, C.CONTACTS_DELETE, C.SETTINGS_SET, C.CHAT_CONFIRM, C.CHAT_SEND, C.ARV_ENRICH_START, C.ARV_FIELD_CREATE, C.ARV_ANALYZE, C.CONVS_MARK_READ, C.CONVS_STAR, C.OPPS_UPDATE_STATUS]) {
      assert.equal(CHANNEL_ACCESS[channel], 'write', channel);
    }
  });

  it('counts every channel that changes cached data as a write, except the syncs (they only copy GHL)', () => {
    const syncs: RequestChannel[] = [C.CONTACTS_SYNC, C.OPPS_SYNC, /* #17 */ C.TASKS_SYNC];
    const mutating = Object.keys(CHANNEL_MUTATIONS) as RequestChannel[];
    assert.deepEqual(mutating.filter((channel) => !syncs.includes(channel) && CHANNEL_ACCESS[channel] !== 'write'), []);
    for (const channel of syncs) assert.equal(CHANNEL_ACCESS[channel], 'read', channel);
  });

  it('leaves the lists, gets and searches open', () => {
    for (const channel of [C.CONTACTS_LIST, C.CONTACTS_GET, C.OPPS_LIST, C.CONVS_LIST, C.CONVS_MESSAGES, C.SETTINGS_GET, C.CAL_EVENTS_LIST]) {
      assert.equal(CHANNEL_ACCESS[channel], 'read', channel);
    }
  });
});

describe('public API: the write gate', () => {
  it('refuses every write with FORBIDDEN naming the setting, and passes none of them on', async () => {
    const { request, forwarded } = gatedApi();
    for (const channel of WRITES) {
      const response = await request(channel, {});
      assert.equal(response.success, false, channel);
      if (response.success) continue;
      assert.equal(response.error.code, 'FORBIDDEN', channel);
      assert.ok(response.error.message.includes(SETTING_API_ALLOW_WRITES), response.error.message);
      assert.ok(response.error.message.includes(channel), response.error.message);
      assert.deepEqual(response.error.details, { channel, setting: SETTING_API_ALLOW_WRITES });
    }
    assert.deepEqual(forwarded, []);
  });

  it('passes every read on, with its payload untouched, whether writes are allowed or not', async () => {
    const { request, forwarded, allow } = gatedApi();
    for (const on of [false, true]) {
      allow.on = on;
      for (const channel of READS) {
        const response = await request(channel, { limit: 3 });
        assert.deepEqual(response, ok({ answeredBy: 'host', channel }));
      }
    }
    assert.equal(forwarded.length, READS.length * 2);
    assert.ok(forwarded.every((f) => (f.payload as { limit: number }).limit === 3));
  });

  it('reads the setting at each call: on lets a write through, off again refuses the next', async () => {
    const { request, forwarded, allow } = gatedApi();
    const send = () => request(C.CONVS_SEND, { conversationId: 'c-1', type: 'SMS', message: 'hi' });
    assert.equal((await send()).success, false);
    allow.on = true;
    assert.equal((await send()).success, true);
    allow.on = false;
    assert.equal((await send()).success, false);
    assert.deepEqual(forwarded, [{ channel: C.CONVS_SEND, payload: { conversationId: 'c-1', type: 'SMS', message: 'hi' } }]);
  });

  it('answers UNKNOWN_CHANNEL for a push, a made-up channel or junk, and passes none on', async () => {
    const { request, forwarded, allow } = gatedApi();
    allow.on = true;
    for (const channel of [...PUSH_CHANNELS, 'ext-ghl:nope', '__proto__', 'constructor', 42, null, undefined, { channel: C.CONVS_SEND }]) {
      const response = await request(channel, {});
      assert.equal(response.success ? 'success' : response.error.code, 'UNKNOWN_CHANNEL', String(channel));
    }
    assert.deepEqual(forwarded, []);
  });

  it('logs each write with its channel and caller, never its payload', async () => {
    const { request, logged, allow } = gatedApi(() => 'acme.crm-helper');
    const secret = 'pit-0123456789abcdef-secret';
    await request(C.SETTINGS_SET, { token: secret });
    allow.on = true;
    await request(C.SETTINGS_SET, { token: secret });
    await request(C.CONTACTS_LIST, { query: secret });
    assert.equal(logged.length, 2, JSON.stringify(logged));
    assert.equal(logged[0]!.level, 'warn');
    assert.match(logged[0]!.message, /Refused ext-ghl:settings-set from acme\.crm-helper: ghl\.api\.allowWrites is off/);
    assert.equal(logged[1]!.level, 'info');
    assert.match(logged[1]!.message, /acme\.crm-helper called ext-ghl:settings-set/);
    for (const { message } of logged) assert.ok(!message.includes(secret), message);
  });

  it('hands push listeners to the host, and their registration back', () => {
    const registered: unknown[] = [];
    const registration = { dispose: () => undefined };
    const api = createApiV1({
      forward: async () => ok(null),
      onPush: (listener) => (registered.push(listener), registration),
      writesAllowed: () => false,
      caller: () => undefined,
      log: () => undefined,
    });
    const listener = () => undefined;
    assert.equal(api.onPush(listener), registration);
    assert.deepEqual(registered, [listener]);
  });

  it('says so when the caller cannot be told', async () => {
    const { request, logged } = gatedApi(() => undefined);
    await request(C.CONTACTS_DELETE, { id: 'c-1' });
    assert.match(logged[0]!.message, /from an extension that could not be told/);
  });
});

describe('public API: versions and the test handle', () => {
  const v1 = () => gatedApi().api;
  const testing: GhlTestingHandle = {
    request: async () => ok(null),
    onPush: () => ({ dispose: () => undefined }),
    activationMs: 1,
  };

  it('getApi(1) answers one frozen version-1 object; any other version throws, naming getApi(1)', () => {
    const exports = createExports(v1, undefined);
    const api = exports.getApi(1);
    assert.equal(api.version, 1);
    assert.equal(exports.getApi(1), api);
    assert.ok(Object.isFrozen(api));
    for (const version of [0, 2, '1', undefined]) {
      assert.throws(() => (exports.getApi as (v: unknown) => unknown)(version), /no API version .*getApi\(1\)/);
    }
  });

  it('has no test handle unless one is given (the extension gives one only in Test mode)', () => {
    const installed = createExports(v1, undefined);
    assert.equal('testing' in installed, false);
    assert.equal(createExports(v1, testing).testing, testing);
  });

  it('is declared in package.json: off by default, application scope, its risk described', () => {
    const manifest = JSON.parse(readFileSync(path.join(import.meta.dirname, '../../package.json'), 'utf8'));
    const setting = manifest.contributes.configuration.properties[SETTING_API_ALLOW_WRITES];
    assert.equal(setting.type, 'boolean');
    assert.equal(setting.default, false);
    assert.equal(setting.scope, 'application');
    assert.match(setting.markdownDescription, /other installed extensions/);
    assert.match(setting.markdownDescription, /FORBIDDEN/);
  });
});

describe('public API: which extension called', () => {
  const extensions = [
    { id: 'ghl-vscode.ghl-vscode', extensionPath: '/home/u/dev/ghl' },
    { id: 'acme.helper', extensionPath: '/home/u/.vscode/extensions/acme.helper-1.0.0' },
    { id: 'acme.helper-pro', extensionPath: '/home/u/.vscode/extensions/acme.helper-1.0.0-pro' },
    { id: 'inner.fixture', extensionPath: '/home/u/dev/ghl/test/fixture' },
  ];
  const stack = (...files: string[]) => ['Error', ...files.map((f, i) => `    at fn${i} (${f}:1:1)`)].join('\n');

  it('is the innermost frame outside our own folder', () => {
    const s = stack('/home/u/dev/ghl/dist/extension.js', '/home/u/dev/ghl/dist/extension.js', '/home/u/.vscode/extensions/acme.helper-1.0.0/out/main.js');
    assert.equal(callingExtension(s, extensions, 'ghl-vscode.ghl-vscode'), 'acme.helper');
  });

  it('tells a folder from a sibling whose name starts the same, and a nested extension from its parent', () => {
    assert.equal(callingExtension(stack('/home/u/.vscode/extensions/acme.helper-1.0.0-pro/main.js'), extensions, 'ghl-vscode.ghl-vscode'), 'acme.helper-pro');
    assert.equal(callingExtension(stack('/home/u/dev/ghl/test/fixture/extension.js'), extensions, 'ghl-vscode.ghl-vscode'), 'inner.fixture');
  });

  it('is unknown for our own calls, unknown folders and no stack', () => {
    assert.equal(callingExtension(stack('/home/u/dev/ghl/dist/extension.js'), extensions, 'GHL-VSCODE.ghl-vscode'), undefined);
    assert.equal(callingExtension(stack('/somewhere/else.js'), extensions, 'ghl-vscode.ghl-vscode'), undefined);
    assert.equal(callingExtension(undefined, extensions, 'ghl-vscode.ghl-vscode'), undefined);
  });
});
