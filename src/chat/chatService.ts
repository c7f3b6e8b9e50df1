import type { ChannelClient } from './channelClient';
import { ChatHistory, type ChatHistoryEntry, type ToolCallRecord } from './history';
import type { ChatModelPort } from './modelPort';
import { PendingActions, type PendingAction } from './pendingActions';
import type { PromptLocation } from './prompt';
import { noModelReply, parseSlashCommand, runSlashCommand } from './slashCommands';
import { CHAT_TOOLS, executeWrite, findTool, type ChatTool, type ToolContext, type ToolRef, type WriteTool } from './toolSet';
import { displayZones } from './tools/zones';
import { runTurn, type TurnResult } from './turnEngine';

export interface ChatServiceOptions {
  client: ChannelClient;
  history?: ChatHistory;
  now?: () => number;
  /** The reader's zone, shown beside the location's times when they differ; the machine's otherwise. */
  timeZone?: string;
  maxRounds?: number;
  tools?: readonly ChatTool[];
}

export interface SendOptions {
  message: string;
  /** null: no model available (none installed, offline, or access declined). */
  model: ChatModelPort | null;
  location: PromptLocation | null;
  /** Said instead of the generic sentence when there is no model, e.g. "You declined access to Copilot." */
  noModelReason?: string;
  onDelta?(text: string): void;
  onToolCall?(record: ToolCallRecord): void;
  signal?: AbortSignal;
}

export type ChatTurnResult = Omit<TurnResult, 'timings'> & { timings?: TurnResult['timings'] };

export type ConfirmResult =
  | { status: 'done'; actionId: string; summary: string; refs: ToolRef[] }
  | { status: 'cancelled'; actionId: string; summary: string }
  | { status: 'failed'; actionId: string; summary: string; message: string }
  | { status: 'unknown'; actionId: string; message: string };

const scopeOf = (location: PromptLocation | null) => location?.id ?? '';

/**
 * The chat as the host uses it: one turn at a time, history per location, slash commands
 * without a model, and writes that run only through confirm().
 */
export class ChatService {
  readonly history: ChatHistory;
  private readonly pending = new PendingActions();
  private readonly tools: readonly ChatTool[];
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: ChatServiceOptions) {
    this.history = options.history ?? new ChatHistory();
    this.tools = options.tools ?? CHAT_TOOLS;
  }

  /** Runs one whole turn. Never rejects: model and CRM failures come back as the reply. */
  send(options: SendOptions): Promise<ChatTurnResult> {
    const run = this.queue.then(() =>
      this.turn(options).catch((err: unknown): ChatTurnResult => {
        const reply = `The chat failed: ${err instanceof Error ? err.message : String(err)}. Try again; if it keeps failing, "GHL: Show Log" has details.`;
        return { reply, model: null, toolCalls: [], pendingActions: [], refs: [], error: { kind: 'other', message: reply } };
      }),
    );
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Executes (approve) or discards a pending write, once. */
  confirm(actionId: string, approve: boolean, location: PromptLocation | null): Promise<ConfirmResult> {
    const run = this.queue.then(() => this.decide(actionId, approve, location));
    this.queue = run.catch(() => undefined);
    return run;
  }

  clear(location: PromptLocation | null): void {
    this.history.clear(scopeOf(location));
    this.pending.clear(scopeOf(location));
  }

  pendingActions(location: PromptLocation | null): PendingAction[] {
    return this.pending.list(scopeOf(location));
  }

  private context(): ToolContext {
    return { client: this.options.client, now: this.options.now ?? Date.now, userTimeZone: this.options.timeZone };
  }

  private async turn(options: SendOptions): Promise<ChatTurnResult> {
    const scope = scopeOf(options.location);
    const now = this.context().now;
    const user: ChatHistoryEntry = { role: 'user', text: options.message, at: now() };
    const command = parseSlashCommand(options.message);
    let result: ChatTurnResult;
    if (command) {
      const answer = await runSlashCommand(command, this.context());
      options.onDelta?.(answer.reply);
      result = { reply: answer.reply, model: null, toolCalls: answer.toolCalls, pendingActions: [], refs: answer.refs };
    } else if (!options.model) {
      const reply = noModelReply(options.noModelReason);
      options.onDelta?.(reply);
      result = { reply, model: null, toolCalls: [], pendingActions: [], refs: [] };
    } else {
      result = await runTurn({
        model: options.model,
        message: options.message,
        history: this.history.toMessages(scope),
        location: options.location,
        toolContext: this.context(),
        tools: this.tools,
        propose: (tool, input, plan) => this.pending.add(scope, tool.name, input, plan),
        onDelta: options.onDelta,
        onToolCall: options.onToolCall,
        signal: options.signal,
        maxRounds: this.options.maxRounds,
        // The prompt's "today" is the location's, the calendar the tools count days on.
        timeZone: (await displayZones(this.context())).location,
      });
    }
    this.history.append(scope, user, {
      role: 'assistant',
      text: result.reply,
      at: now(),
      ...(result.toolCalls.length ? { toolCalls: result.toolCalls } : {}),
      ...(result.stopped ? { stopped: true } : {}),
    });
    return result;
  }

  private async decide(actionId: string, approve: boolean, location: PromptLocation | null): Promise<ConfirmResult> {
    const entry = this.pending.take(actionId);
    if (!entry) return { status: 'unknown', actionId, message: 'This change is no longer waiting: it was already decided, cleared, or the window reloaded. Nothing was done.' };
    const scope = scopeOf(location);
    if (entry.scope !== scope) {
      return { status: 'unknown', actionId, message: 'This change was proposed for another location, so it was discarded. Nothing was done.' };
    }
    const summary = entry.action.summary;
    const now = this.context().now;
    if (!approve) {
      this.history.append(scope, { role: 'assistant', text: `Cancelled, nothing was changed: ${summary}`, at: now() });
      return { status: 'cancelled', actionId, summary };
    }
    const tool = findTool(entry.action.tool, this.tools) as WriteTool;
    const outcome = await executeWrite(tool, entry.plan, this.options.client);
    const record: ToolCallRecord = { tool: tool.name, input: entry.action.input, ok: outcome.ok, summary: outcome.summary };
    this.history.append(scope, { role: 'assistant', text: outcome.ok ? `Done: ${summary}` : outcome.summary, at: now(), toolCalls: [record] });
    return outcome.ok ? { status: 'done', actionId, summary, refs: outcome.refs } : { status: 'failed', actionId, summary, message: outcome.summary };
  }
}
