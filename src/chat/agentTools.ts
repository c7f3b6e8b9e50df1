import { CHAT_TOOLS, executeWrite, parseToolCall, prepareWrite, runReadTool, type ChatTool, type ToolContext, type ToolOutcome } from './toolSet';

/**
 * The tool set for other agents (Copilot agent mode, any `vscode.lm.invokeTool` caller),
 * shaped like `vscode.lm.registerTool`'s prepareInvocation / invoke. A write is confirmed
 * by VS Code's own confirmation, which shows the exact summary; invoke runs it only if the
 * plan is still the one that was shown.
 */
export interface AgentPreparation {
  invocationMessage: string;
  /** Present for writes: VS Code asks the user with it before invoke. */
  confirmation?: { title: string; message: string };
}

export interface AgentTool {
  readonly tool: ChatTool;
  prepare(input: unknown): Promise<AgentPreparation>;
  invoke(input: unknown): Promise<ToolOutcome>;
}

/** How long a confirmation stays valid for the invoke that follows it. */
const CONFIRMATION_TTL_MS = 10 * 60_000;

export function agentTools(ctx: ToolContext, tools: readonly ChatTool[] = CHAT_TOOLS): AgentTool[] {
  // Summaries shown in a confirmation, by tool and input, so invoke can check it runs what was shown.
  const shown = new Map<string, { summary: string; at: number }>();
  const key = (name: string, input: unknown) => `${name}\u0000${JSON.stringify(input)}`;

  return tools.map((tool) => ({
    tool,
    async prepare(input) {
      const parsed = parseToolCall(tool.name, input, tools);
      if (!parsed.ok || !tool.writes) return { invocationMessage: `${tool.displayName}…` };
      const prepared = await prepareWrite(tool, parsed.input, ctx);
      if (!prepared.ok) return { invocationMessage: prepared.outcome.summary };
      for (const [k, v] of shown) if (ctx.now() - v.at > CONFIRMATION_TTL_MS) shown.delete(k);
      shown.set(key(tool.name, input), { summary: prepared.plan.summary, at: ctx.now() });
      return { invocationMessage: `${tool.displayName}…`, confirmation: { title: tool.displayName, message: prepared.plan.summary } };
    },
    async invoke(input) {
      const parsed = parseToolCall(tool.name, input, tools);
      if (!parsed.ok) return parsed.outcome;
      if (!tool.writes) return runReadTool(tool, parsed.input, ctx);
      const confirmed = shown.get(key(tool.name, input));
      shown.delete(key(tool.name, input));
      const prepared = await prepareWrite(tool, parsed.input, ctx);
      if (!prepared.ok) return prepared.outcome;
      if (!confirmed || confirmed.summary !== prepared.plan.summary) {
        return {
          ok: false,
          summary: `${tool.displayName}: not confirmed`,
          content: `${tool.name} was not run: ${confirmed ? 'the record changed after the user confirmed, so what would run is no longer what they saw' : 'it was not confirmed by the user'}. Nothing was changed.`,
          refs: [],
        };
      }
      return executeWrite(tool, prepared.plan, ctx.client);
    },
  }));
}
