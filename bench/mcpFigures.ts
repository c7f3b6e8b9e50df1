/**
 * #20's figures: dist/mcp.js started as an agent starts it (a child process over stdio, beside
 * an editor's backend that keeps the cache), against a cache of 50,000 contacts: start to first
 * answer, a read tool's p95 over stdio, and the GHL requests the cached reads make. Printed,
 * never asserted.
 *
 *   npm run bench -- --only figures   (with the other figures)
 *   node --import tsx bench/mcpFigures.ts [--smoke]   these alone (after node esbuild.mjs)
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { startHarness, type Harness } from '../test/helpers/backendHarness';
import { percentile } from '../test/helpers/chatTestKit';

/** This checkout's bundle when run alone (bench/run.ts passes the one beside the worker it measures). */
const DEFAULT_MCP_JS = path.join(__dirname, '../dist/mcp.js');
const ms = (value: number, digits = 0) => `${value.toFixed(digits)} ms`;
const line = (text: string) => console.log(`[figure] ${text}`);

async function start(h: Harness, mcpPath: string) {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [mcpPath, '--storage', h.storageDir, '--location', h.sandbox.locationId],
    env: { GHL_API_TOKEN: h.sandbox.token, GHL_API_BASE_URL: h.sandbox.url, PATH: process.env.PATH ?? '' },
    stderr: 'pipe',
  });
  const stderr: string[] = [];
  transport.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
  const client = new Client({ name: 'mcp-bench', version: '1.0.0' });
  await client.connect(transport);
  const call = async (name: string, args: Record<string, unknown>) => {
    const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
    if (result.isError) throw new Error(`${name}: ${JSON.stringify(result.content)}`);
    return result;
  };
  /** What the server logged about its own start: ms after its process started. */
  const startLog = () => {
    const text = stderr.join('');
    return { listening: Number(/Listening on stdio (\d+) ms/.exec(text)?.[1] ?? NaN), cacheOpen: Number(/open (\d+) ms after/.exec(text)?.[1] ?? NaN) };
  };
  return { client, call, startLog };
}

export async function mcpFigures({ smoke, mcpPath = DEFAULT_MCP_JS }: { smoke: boolean; mcpPath?: string }): Promise<void> {
  if (!existsSync(mcpPath)) throw new Error(`${mcpPath} is missing: run node esbuild.mjs first`);
  const contacts = smoke ? 2000 : 50_000;
  const h = await startHarness({ sandbox: { contacts, opportunities: smoke ? 200 : 2000, conversations: 0, tasks: 0 } });
  try {
    await h.data('ext-ghl:contacts-sync', {});
    await h.data('ext-ghl:opps-sync', {});
    // As the editor's window does when its Tasks and Calendar views count "today": the location's
    // details (its time zone) land in the cache the MCP server reads.
    await h.data('ext-ghl:location-get', {});
    await h.backend.flush();
    const sample = [...h.sandbox.store.contacts.values()].filter((_, i) => i % 97 === 0);
    const queries = sample.flatMap((c, i) => [c.firstName?.slice(0, 3 + (i % 3)), c.email?.split('@')[0]?.slice(-5), c.phone?.slice(-4)].filter((q): q is string => Boolean(q && q.trim())));

    // Start → first answer: spawn, initialize, one search answered from the cache.
    const starts: number[] = [];
    const initialized: number[] = [];
    const listening: number[] = [];
    const cacheOpen: number[] = [];
    for (let run = 0; run < (smoke ? 2 : 5); run++) {
      const t0 = performance.now();
      const mcp = await start(h, mcpPath);
      initialized.push(performance.now() - t0);
      await mcp.call('ghl_search_contacts', { query: queries[run]!, limit: 10 });
      starts.push(performance.now() - t0);
      const logged = mcp.startLog();
      listening.push(logged.listening);
      cacheOpen.push(logged.cacheOpen);
      await mcp.client.close();
    }
    line(
      `MCP server start → first answer at ${contacts.toLocaleString('en-US')} cached contacts (spawn node dist/mcp.js, initialize, one ghl_search_contacts; ${starts.length} starts): ` +
        `median ${ms(percentile(starts, 50))}, max ${ms(Math.max(...starts))}; initialize alone median ${ms(percentile(initialized, 50))}; ` +
        `inside the server: listening on stdio ${ms(percentile(listening, 50))}, cache open ${ms(percentile(cacheOpen, 50))} after its process started (target ≤ 500 ms)`,
    );

    // The same with a read that needs no contact search index (built on the first search: ~0.2 s at 50,000).
    const summaryStarts: number[] = [];
    for (let run = 0; run < (smoke ? 2 : 5); run++) {
      const t0 = performance.now();
      const mcp = await start(h, mcpPath);
      await mcp.call('ghl_pipeline_summary', {});
      summaryStarts.push(performance.now() - t0);
      await mcp.client.close();
    }
    line(`MCP server start → first ghl_pipeline_summary answer (no search index needed): median ${ms(percentile(summaryStarts, 50))}, max ${ms(Math.max(...summaryStarts))}`);

    // A read tool over stdio, and the GHL requests cached reads make.
    const mcp = await start(h, mcpPath);
    try {
      await mcp.call('ghl_search_contacts', { query: 'warm', limit: 5 });
      h.sandbox.resetStats();
      const times: number[] = [];
      const calls = smoke ? 100 : 500;
      for (let i = 0; i < calls; i++) {
        const t = performance.now();
        await mcp.call('ghl_search_contacts', { query: queries[(i * 7) % queries.length]!, limit: 25 });
        times.push(performance.now() - t);
      }
      const searchRequests = h.sandbox.stats.requests;
      line(
        `ghl_search_contacts over stdio at ${contacts.toLocaleString('en-US')} cached contacts (${calls} calls, names/emails/phones): p50 ${ms(percentile(times, 50), 2)}, ` +
          `p95 ${ms(percentile(times, 95), 2)}, max ${ms(Math.max(...times), 1)} (target p95 ≤ 10 ms); GHL requests: ${searchRequests} (target 0)`,
      );
      const opportunity = [...h.sandbox.store.opportunities.values()][0]!;
      h.sandbox.resetStats();
      const mixed = [
        ['ghl_get_contact', { contactId: opportunity.contactId }],
        ['ghl_list_opportunities', { staleDays: 30 }],
        ['ghl_pipeline_summary', {}],
        ['ghl_search_contacts', { query: 'a' }],
      ] as const;
      for (let round = 0; round < 10; round++) for (const [name, input] of mixed) await mcp.call(name, { ...input });
      line(
        `GHL requests for 40 cached reads (get_contact, list_opportunities, pipeline_summary, search ×10) on one server: ${h.sandbox.stats.requests} ` +
          `(${Object.entries(h.sandbox.stats.byRoute).map(([k, n]) => `${k} ×${n}`).join(', ') || 'none'}) (target 0)`,
      );
    } finally {
      await mcp.client.close();
    }
  } finally {
    await h.close();
  }
}

if (process.argv[1]?.endsWith('mcpFigures.ts')) {
  mcpFigures({ smoke: process.argv.includes('--smoke') }).catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
