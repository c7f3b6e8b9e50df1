import { z } from 'zod';
import { ChannelError, type ChannelClient } from './channelClient';
import { CALENDAR_TOOLS } from './tools/calendarTools';
import { READ_TOOLS } from './tools/readTools';
import { ToolInputError, type ChatTool, type PlannedWrite, type ReadTool, type ToolContext, type ToolOutcome, type WriteTool } from './tools/types';
import { WRITE_TOOLS } from './tools/writeTools';
import { FOLLOW_UP_READ_TOOLS, FOLLOW_UP_WRITE_TOOLS } from './tools/followUpTools';
import { ARV_TOOLS } from './tools/arvTools';

export type { ChatTool, PlannedWrite, ReadTool, ToolContext, ToolOutcome, ToolRef, WritePlan, WriteTool } from './tools/types';

/** Every tool, reads first within each block: one list for our chat, the `@ghl` participant and other agents. */
export const CHAT_TOOLS: readonly ChatTool[] = [
  ...READ_TOOLS,
  ...WRITE_TOOLS,
  // #18 calendar: free slots and agenda (reads), booking and changing an appointment (writes)
  ...CALENDAR_TOOLS,
  // #17 tasks, notes, tags and workflows
  ...FOLLOW_UP_READ_TOOLS,
  ...FOLLOW_UP_WRITE_TOOLS,
  // #20: the ARV estimates in the cache (a read; every consumer, the MCP server's `arv` toolset too)
  ...ARV_TOOLS,
];

/** What a model is told about a tool. */
export interface ModelToolInfo {
  name: string;
  description: string;
  inputSchema: Record<string, unknown>;
}

export function toolInputJsonSchema(tool: ChatTool): Record<string, unknown> {
  const { $schema: _ignored, ...schema } = z.toJSONSchema(tool.inputSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return schema;
}

const infoCache = new WeakMap<readonly ChatTool[], ModelToolInfo[]>();

/** The tools as a model is told about them; converted once per tool list (each turn asks again). */
export function modelToolInfo(tools: readonly ChatTool[] = CHAT_TOOLS): ModelToolInfo[] {
  let info = infoCache.get(tools);
  if (!info) {
    info = tools.map((tool) => ({ name: tool.name, description: tool.modelDescription, inputSchema: toolInputJsonSchema(tool) }));
    infoCache.set(tools, info);
  }
  return info;
}

export function findTool(name: string, tools: readonly ChatTool[] = CHAT_TOOLS): ChatTool | undefined {
  return tools.find((t) => t.name === name);
}

export type ParsedInput = { ok: true; tool: ChatTool; input: unknown } | { ok: false; outcome: ToolOutcome };

/** Finds the tool and validates the model's input; a bad call becomes an outcome the model can correct. */
export function parseToolCall(name: string, rawInput: unknown, tools: readonly ChatTool[] = CHAT_TOOLS): ParsedInput {
  const tool = findTool(name, tools);
  if (!tool) {
    return {
      ok: false,
      outcome: failure(`Unknown tool ${name.slice(0, 80)}`, `There is no tool named ${JSON.stringify(name.slice(0, 80))}. Available tools: ${tools.map((t) => t.name).join(', ')}. Nothing was done.`),
    };
  }
  const parsed = tool.inputSchema.safeParse(rawInput ?? {});
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.map(String).join('.') || '(input)'}: ${i.message}`).join('; ');
    return { ok: false, outcome: failure(`${tool.displayName}: invalid input`, `Invalid input for ${tool.name}: ${issues}. Fix the input and call it again.`) };
  }
  return { ok: true, tool, input: parsed.data };
}

/** Runs a read tool; errors (channel errors, bad names) become a failed outcome, never a throw. */
export async function runReadTool(tool: ReadTool, input: unknown, ctx: ToolContext): Promise<ToolOutcome> {
  try {
    return await tool.run(input, ctx);
  } catch (err) {
    return failure(`${tool.displayName} failed: ${errorText(err)}`, `${tool.name} failed: ${errorText(err)}`);
  }
}

export type PreparedWrite = { ok: true; plan: PlannedWrite } | { ok: false; outcome: ToolOutcome };

/** Plans a write without making it: the summary is what the user confirms. */
export async function prepareWrite(tool: WriteTool, input: unknown, ctx: ToolContext): Promise<PreparedWrite> {
  try {
    return { ok: true, plan: await tool.plan(input, ctx) };
  } catch (err) {
    return { ok: false, outcome: failure(`${tool.displayName} not proposed: ${errorText(err)}`, `${tool.name} was not proposed: ${errorText(err)}. Nothing was changed.`) };
  }
}

/** Sends a planned write. Call it only after the user approved exactly `plan.summary`. */
export async function executeWrite(tool: WriteTool, plan: PlannedWrite, client: ChannelClient): Promise<ToolOutcome> {
  try {
    // The plan's payload was built by the tool itself, typed by its channel; the backend validates it again.
    return await plan.send(client);
  } catch (err) {
    return failure(`Failed: ${plan.summary} — ${errorText(err)}`, `${tool.name} failed: ${errorText(err)}. Nothing was changed.`);
  }
}

function failure(summary: string, content: string): ToolOutcome {
  return { ok: false, summary, content, refs: [] };
}

export function errorText(err: unknown): string {
  if (err instanceof ChannelError) return `${err.info.message}${err.info.code === 'VALIDATION' || err.info.code === 'NOT_FOUND' ? '' : ` (${err.info.code})`}`;
  if (err instanceof ToolInputError) return err.message;
  return err instanceof Error ? err.message : String(err);
}
