import { parseArgs } from 'node:util';
import { DEFAULT_API_BASE_URL } from '../ghl/client';
import { isToolset, TOOLSETS, type Toolset } from './toolsets';

export const TOKEN_ENV = 'GHL_API_TOKEN';
export const API_BASE_URL_ENV = 'GHL_API_BASE_URL';

export interface McpOptions {
  toolsets: readonly Toolset[];
  /** Write tools are listed and run (each still confirmed by elicitation when the client has it). */
  allowWrites: boolean;
  /** Wins over everything: no write tool is listed or runs. */
  readOnly: boolean;
  locationId: string | null;
  storageDir: string;
  /** GHL's own API unless `--api-base-url` or GHL_API_BASE_URL points elsewhere (a proxy, the tests' sandbox). */
  apiBaseUrl: string;
  /** Never logged, never in a result. */
  token: string | null;
  /** Sync the cache at start when there is none. */
  sync: boolean;
}

export const USAGE = `Usage: node dist/mcp.js --storage <dir> --location <id> [--toolsets ${TOOLSETS.join(',')}] [--allow-writes] [--read-only] [--sync] [--api-base-url <url>]
The token comes from the environment variable ${TOKEN_ENV}; the API base URL from --api-base-url or ${API_BASE_URL_ENV}.`;

export type ParsedOptions = { ok: true; options: McpOptions } | { ok: false; error: string };

export function parseMcpOptions(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): ParsedOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      options: {
        toolsets: { type: 'string' },
        'allow-writes': { type: 'boolean', default: false },
        'read-only': { type: 'boolean', default: false },
        location: { type: 'string' },
        storage: { type: 'string' },
        'api-base-url': { type: 'string' },
        sync: { type: 'boolean', default: false },
      },
    }));
  } catch (err) {
    return { ok: false, error: `${err instanceof Error ? err.message : String(err)}\n${USAGE}` };
  }
  if (!values.storage?.trim()) return { ok: false, error: `--storage is required: the extension's storage folder, where ghl-cache.sqlite is.\n${USAGE}` };
  const names = (values.toolsets ?? TOOLSETS.join(','))
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  const unknown = names.filter((n) => n !== 'all' && !isToolset(n));
  if (unknown.length > 0) return { ok: false, error: `Unknown toolset ${unknown.join(', ')}; choose from ${TOOLSETS.join(', ')} (or all).` };
  const toolsets = names.includes('all') ? [...TOOLSETS] : TOOLSETS.filter((t) => names.includes(t));
  const apiBaseUrl = (values['api-base-url'] ?? env[API_BASE_URL_ENV] ?? '').trim() || DEFAULT_API_BASE_URL;
  if (!URL.canParse(apiBaseUrl)) return { ok: false, error: `The API base URL ${JSON.stringify(apiBaseUrl)} is not a URL.` };
  return {
    ok: true,
    options: {
      toolsets,
      allowWrites: values['allow-writes'] === true,
      readOnly: values['read-only'] === true,
      locationId: values.location?.trim() || null,
      storageDir: values.storage.trim(),
      apiBaseUrl,
      token: env[TOKEN_ENV]?.trim() || null,
      sync: values.sync === true,
    },
  };
}
