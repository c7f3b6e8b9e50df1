import { existsSync } from 'node:fs';
import path from 'node:path';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { createBackend, type Backend } from '../backend';
import { CACHE_FILE_NAME } from '../db/cacheStore';
import { EXT_GHL_IPC } from '../protocol/channels';
import { fail, type Envelope } from '../protocol/envelope';
import { SECRET_TOKEN_KEY, SETTING_LOCATION_ID, type SecretStore, type SettingsStore } from '../protocol/settings';
import { CacheGate, type FirstSyncState } from './cacheGate';
import { mcpChannelClient } from './channelClient';
import { parseMcpOptions, type McpOptions } from './options';
import { createGhlMcpServer } from './server';
import { toolSetVersion } from './version';

/**
 * dist/mcp.js: the MCP server over stdio. stdout carries the protocol and nothing else, so every
 * log line goes to stderr. The backend opens the extension's cache in the same storage folder:
 * while VS Code runs it stays the writer and this process a reader that follows its newer file
 * and sends its own writes through the write journal, as a second VS Code window does.
 */
const log = (level: string, message: string) => process.stderr.write(`[ghl-mcp] ${level} ${message}\n`);

async function main(): Promise<void> {
  const parsed = parseMcpOptions(process.argv.slice(2), process.env);
  if (!parsed.ok) {
    log('error', parsed.error);
    process.exit(2);
  }
  const { options } = parsed;
  const cacheFile = path.join(options.storageDir, CACHE_FILE_NAME);
  const cacheAtStart = existsSync(cacheFile);
  // The protocol answers `initialize` while the cache opens (sql.js, the file): a tool call waits for it, the handshake does not.
  const backendReady = createBackend({
    storageDir: options.storageDir,
    secrets: fixedSecrets(options),
    settings: fixedSettings(options),
    apiBaseUrl: options.apiBaseUrl,
    requestTimeoutMs: 15_000,
    log: (level, message) => {
      if (level !== 'debug') log(level, message);
    },
  });
  let firstSync: { current(): FirstSyncState } | null = null;
  if (!cacheAtStart && options.sync) void backendReady.then((backend) => (firstSync = syncAll(backend)), () => undefined);
  const dispatch = async (channel: string, payload: unknown): Promise<Envelope> => {
    try {
      return (await backendReady).request(channel, payload);
    } catch (err) {
      return fail('INTERNAL', `The cache in ${options.storageDir} could not be opened: ${err instanceof Error ? err.message : String(err)}`);
    }
  };
  let opened: Backend | undefined;
  void backendReady.then((backend) => (opened = backend), () => undefined);
  const gate = new CacheGate({
    cacheFile,
    recovered: () => opened?.recoveredCache ?? null,
    // Until the backend is open, a --sync has not started: it counts as running.
    firstSync: () => (!cacheAtStart && options.sync ? (firstSync?.current() ?? { state: 'running' }) : null),
  });
  const server = createGhlMcpServer({
    client: mcpChannelClient(dispatch),
    options,
    version: toolSetVersion(),
    cacheProblem: async () => {
      await backendReady.catch(() => undefined);
      return gate.problem();
    },
  });

  let closing: Promise<void> | undefined;
  const shutdown = () =>
    (closing ??= (async () => {
      await server.close().catch(() => undefined);
      const backend = await backendReady.catch(() => undefined);
      await backend?.dispose().catch((err) => log('error', `Closing the cache failed: ${String(err)}`));
      process.exit(0);
    })());
  server.server.onclose = () => void shutdown();
  process.stdin.once('end', () => void shutdown());
  process.once('SIGINT', () => void shutdown());
  process.once('SIGTERM', () => void shutdown());

  await server.connect(new StdioServerTransport());
  const mode = `${options.toolsets.join(', ')}; writes ${options.readOnly || !options.allowWrites ? 'off' : 'on'}`;
  log('info', `Listening on stdio ${Math.round(performance.now())} ms after the process started (${mode}).`);
  try {
    const backend = await backendReady;
    log('info', `Serving ${options.storageDir}: cache ${backend.recoveredCache ? 'recovered' : cacheAtStart ? 'found' : 'missing'}, open ${Math.round(performance.now())} ms after the process started.`);
  } catch (err) {
    // Every tool call answers this as its error; the server stays up so the agent can say so.
    log('error', `The cache in ${options.storageDir} could not be opened: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** `--sync` with no cache: contacts, deals and tasks, as GHL: Sync All does. */
function syncAll(backend: Backend): { current(): FirstSyncState } {
  let state: FirstSyncState = { state: 'running' };
  void (async () => {
    for (const channel of [EXT_GHL_IPC.CONTACTS_SYNC, EXT_GHL_IPC.OPPS_SYNC, EXT_GHL_IPC.TASKS_SYNC]) {
      const answer = await backend.request(channel, {});
      if (!answer.success) return { state: 'failed', error: `${channel}: ${answer.error.message}` } as const;
    }
    await backend.flush();
    log('info', 'First sync done.');
    return { state: 'done' } as const;
  })().then(
    (result) => (state = result),
    (err) => (state = { state: 'failed', error: err instanceof Error ? err.message : String(err) }),
  );
  return { current: () => state };
}

/** The token from GHL_API_TOKEN, as the backend reads it; this server never stores one. */
function fixedSecrets(options: McpOptions): SecretStore {
  return {
    get: async (key) => (key === SECRET_TOKEN_KEY ? (options.token ?? undefined) : undefined),
    store: async () => {
      throw new Error('The MCP server does not store secrets; set GHL_API_TOKEN in its environment.');
    },
    delete: async () => undefined,
  };
}

function fixedSettings(options: McpOptions): SettingsStore {
  return {
    get: (key) => (key === SETTING_LOCATION_ID ? (options.locationId ?? undefined) : undefined),
    update: async () => {
      throw new Error('The MCP server does not change settings; pass --location instead.');
    },
  };
}

main().catch((err) => {
  log('error', err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.exit(1);
});
