import path from 'node:path';
import * as vscode from 'vscode';
import { TOKEN_ENV, API_BASE_URL_ENV } from '../mcp/options';
import { toolSetVersion } from '../mcp/version';
import { SECRET_TOKEN_KEY, SETTING_API_BASE_URL, SETTING_LOCATION_ID, settingText } from '../protocol/settings';
import type { McpServerLaunchForTest } from './api/ghlApi';
import type { Logger } from './logger';

/** package.json `contributes.mcpServerDefinitionProviders[].id`. */
export const MCP_PROVIDER_ID = 'ghl-vscode.localCache';
export const MCP_SERVER_LABEL = 'GoHighLevel (local cache)';
/** What a copied config holds where the token goes: the user pastes theirs; we never write it. */
export const TOKEN_PLACEHOLDER = '<your GHL Private Integration token>';

/** How dist/mcp.js is started for this window's location and cache. */
export interface McpLaunch {
  script: string;
  args: string[];
}

export function mcpLaunch(context: vscode.ExtensionContext, options: { allowWrites: boolean }): McpLaunch {
  const script = path.join(context.extensionPath, 'dist', 'mcp.js');
  const locationId = settingText(vscode.workspace.getConfiguration().get(SETTING_LOCATION_ID));
  return {
    script,
    args: [script, '--storage', context.globalStorageUri.fsPath, ...(locationId ? ['--location', locationId] : []), ...(options.allowWrites ? ['--allow-writes'] : [])],
  };
}

/**
 * Offers "GoHighLevel (local cache)" to VS Code's MCP support (agent mode, and any MCP client
 * VS Code runs). The definition carries no secret: the token is added to the server's env only
 * in resolveMcpServerDefinition, just before VS Code starts it, and never written to a file.
 * Writes are allowed (--allow-writes) because VS Code shows each one as an elicitation first.
 */
export function registerMcpServerProvider(context: vscode.ExtensionContext, logger: Logger): vscode.Disposable {
  if (typeof vscode.lm?.registerMcpServerDefinitionProvider !== 'function') return new vscode.Disposable(() => undefined);
  const changed = new vscode.EventEmitter<void>();
  const provider: vscode.McpServerDefinitionProvider<vscode.McpStdioServerDefinition> = {
    onDidChangeMcpServerDefinitions: changed.event,
    provideMcpServerDefinitions: () => [mcpServerDefinition(context)],
    resolveMcpServerDefinition: (server) => withConnection(context, server, logger),
  };
  return vscode.Disposable.from(
    changed,
    vscode.lm.registerMcpServerDefinitionProvider(MCP_PROVIDER_ID, provider),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(SETTING_LOCATION_ID) || e.affectsConfiguration(SETTING_API_BASE_URL)) changed.fire();
    }),
    // A new token reaches a running server only through a new start, which VS Code offers when the definitions change.
    context.secrets.onDidChange((e) => {
      if (e.key === SECRET_TOKEN_KEY) changed.fire();
    }),
  );
}

/** The token and API base URL added to the server's env just before it starts: nowhere else. */
async function withConnection<T extends vscode.McpStdioServerDefinition>(context: vscode.ExtensionContext, server: T, logger?: Logger): Promise<T> {
  const token = await context.secrets.get(SECRET_TOKEN_KEY);
  const apiBaseUrl = settingText(vscode.workspace.getConfiguration().get(SETTING_API_BASE_URL));
  // Reads of the cache need no token; live reads and writes then answer a clear tool error.
  if (!token) logger?.info('Starting the MCP server without an API token: it answers from the cache only. Run "GHL: Set API Token" for live reads and writes.');
  server.env = { ...server.env, ...(token ? { [TOKEN_ENV]: token } : {}), ...(apiBaseUrl ? { [API_BASE_URL_ENV]: apiBaseUrl } : {}) };
  return server;
}

/** What VS Code would start, resolved; the Test-mode handle gives it to the suite. */
export async function resolvedMcpServerForTest(context: vscode.ExtensionContext): Promise<McpServerLaunchForTest> {
  const server = await withConnection(context, mcpServerDefinition(context));
  return { label: server.label, command: server.command, args: [...server.args], env: { ...server.env }, version: server.version };
}

export function mcpServerDefinition(context: vscode.ExtensionContext): vscode.McpStdioServerDefinition {
  const launch = mcpLaunch(context, { allowWrites: true });
  // The extension host's own runtime runs the script; in desktop VS Code that is Electron, which behaves as Node only with this set.
  return new vscode.McpStdioServerDefinition(MCP_SERVER_LABEL, process.execPath, launch.args, { ELECTRON_RUN_AS_NODE: '1' }, toolSetVersion());
}

/** The MCP clients a config can be copied for, each with where it goes. */
export const MCP_CLIENTS = {
  'Claude Code': { where: '.mcp.json in your project (or run `claude mcp add-json ghl \'…\'`)', typed: true },
  Cursor: { where: '~/.cursor/mcp.json (or .cursor/mcp.json in your project)', typed: false },
  'Claude Desktop': { where: 'claude_desktop_config.json (Settings → Developer → Edit Config)', typed: false },
} as const;
export type McpClientName = keyof typeof MCP_CLIENTS;

/** The JSON a client's config file takes, with the token to fill in; read-only unless the user adds --allow-writes. */
export function mcpClientConfig(client: McpClientName, launch: McpLaunch): string {
  const server = {
    ...(MCP_CLIENTS[client].typed ? { type: 'stdio' } : {}),
    command: 'node',
    args: launch.args,
    env: { [TOKEN_ENV]: TOKEN_PLACEHOLDER },
  };
  return JSON.stringify({ mcpServers: { ghl: server } }, null, 2);
}

/** GHL: Copy MCP Server Config… — a quick pick of clients, the JSON on the clipboard. */
export async function copyMcpServerConfig(context: vscode.ExtensionContext, clientArg?: unknown): Promise<void> {
  const names = Object.keys(MCP_CLIENTS) as McpClientName[];
  const client =
    names.find((name) => name === clientArg) ??
    (
      await vscode.window.showQuickPick(
        names.map((name) => ({ label: name, description: MCP_CLIENTS[name].where })),
        { title: 'Copy MCP Server Config', placeHolder: 'Which agent should use the GoHighLevel local cache?' },
      )
    )?.label;
  if (!client) return;
  await vscode.env.clipboard.writeText(mcpClientConfig(client, mcpLaunch(context, { allowWrites: false })));
  void vscode.window.showInformationMessage(
    `Copied the ${client} config. Paste it into ${MCP_CLIENTS[client].where} and replace ${TOKEN_PLACEHOLDER} with your token. It is read-only; add "--allow-writes" to its args to let the agent propose writes.`,
  );
}
