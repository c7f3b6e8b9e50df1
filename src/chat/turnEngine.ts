import type { ToolCallRecord } from './history';
import { describeModelError, isAbortError, isTokenLimitError, type ModelErrorInfo } from './modelErrors';
import type { ChatMessage, ChatModelInfo, ChatModelPort, ChatModelTool } from './modelPort';
import type { PendingAction } from './pendingActions';
import { systemPrompt, type PromptLocation } from './prompt';
import { fitPrompt, retryLimit, PromptTooLongError, TokenCounter } from './tokenBudget';
import { CHAT_TOOLS, modelToolInfo, parseToolCall, prepareWrite, runReadTool, type ChatTool, type ToolContext, type ToolOutcome, type ToolRef, type PlannedWrite, type WriteTool } from './toolSet';
import { proposedContent } from './tools/writeTools';

export const DEFAULT_MAX_ROUNDS = 6;
/** Tool calls one turn may make in all, however many rounds. */
const MAX_TOOL_CALLS = 16;

export interface TurnTimings {
  totalMs: number;
  /** From each sendRequest until its stream ended. */
  modelMs: number;
  toolMs: number;
}

export interface TurnResult {
  reply: string;
  model: ChatModelInfo | null;
  toolCalls: ToolCallRecord[];
  pendingActions: PendingAction[];
  /** Records the tool results mentioned (for clickable names), deduplicated. */
  refs: ToolRef[];
  /** The user pressed Stop; `reply` holds what was streamed until then. */
  stopped?: true;
  error?: ModelErrorInfo;
  timings: TurnTimings;
}

export interface TurnOptions {
  model: ChatModelPort;
  message: string;
  /** The earlier conversation, oldest first. */
  history: ChatMessage[];
  location: PromptLocation | null;
  toolContext: ToolContext;
  /** Turns a planned write into a pending action; the engine never executes writes. */
  propose(tool: WriteTool, input: unknown, plan: PlannedWrite): PendingAction;
  tools?: readonly ChatTool[];
  onDelta?(text: string): void;
  onToolCall?(record: ToolCallRecord): void;
  signal?: AbortSignal;
  maxRounds?: number;
  timeZone?: string;
}

class Stopped extends Error {}

const toolsTexts = new WeakMap<ChatModelTool[], string>();
function toolsTextOf(tools: ChatModelTool[]): string {
  let text = toolsTexts.get(tools);
  if (text === undefined) toolsTexts.set(tools, (text = JSON.stringify(tools)));
  return text;
}

/**
 * One turn: model → tool calls → results → model, until it answers without tools or the
 * rounds run out. Text streams through onDelta and `reply` is exactly what was streamed.
 */
export async function runTurn(options: TurnOptions): Promise<TurnResult> {
  const started = performance.now();
  const timings: TurnTimings = { totalMs: 0, modelMs: 0, toolMs: 0 };
  const { model, toolContext } = options;
  const signal = options.signal ?? new AbortController().signal;
  const tools = options.tools ?? CHAT_TOOLS;
  const modelTools = modelToolInfo(tools);
  const toolsText = toolsTextOf(modelTools);
  const maxRounds = Math.max(1, options.maxRounds ?? DEFAULT_MAX_ROUNDS);
  const counter = new TokenCounter(model, signal);
  const system: ChatMessage = {
    role: 'user',
    parts: [{ kind: 'text', text: systemPrompt({ now: toolContext.now(), location: options.location, timeZone: options.timeZone }) }],
  };
  const turn: ChatMessage[] = [{ role: 'user', parts: [{ kind: 'text', text: options.message }] }];
  const result: TurnResult = { reply: '', model: { vendor: model.vendor, family: model.family, id: model.id }, toolCalls: [], pendingActions: [], refs: [], timings };
  const seenRefs = new Set<string>();
  const emit = (text: string) => {
    if (!text) return;
    result.reply += text;
    options.onDelta?.(text);
  };

  try {
    for (let round = 0; ; round++) {
      if (signal.aborted) throw new Stopped();
      // The last round offers no tools, so the model has to answer with what it has.
      const lastRound = round === maxRounds - 1 || result.toolCalls.length >= MAX_TOOL_CALLS;
      const response = await modelRound(model, { system, history: options.history, turn, toolsText: lastRound ? '' : toolsText }, lastRound ? [] : modelTools, counter, signal, emit, result.reply.length > 0, timings);
      // A provider may end its stream quietly on cancellation instead of throwing.
      if (signal.aborted) throw new Stopped();
      if (response.calls.length === 0) break;
      if (lastRound) {
        emit(`${result.reply ? '\n\n' : ''}(Stopped looking things up after ${result.toolCalls.length} tool calls; ask a narrower question.)`);
        break;
      }

      turn.push({ role: 'assistant', parts: [...(response.text ? [{ kind: 'text' as const, text: response.text }] : []), ...response.calls] });
      const results: ChatMessage = { role: 'user', parts: [] };
      for (const toolCall of response.calls) {
        if (signal.aborted) throw new Stopped();
        const toolStarted = performance.now();
        const outcome = result.toolCalls.length >= MAX_TOOL_CALLS ? tooMany() : await invoke(toolCall.name, toolCall.input, options, tools, result);
        timings.toolMs += performance.now() - toolStarted;
        const record: ToolCallRecord = { tool: toolCall.name, input: toolCall.input, ok: outcome.ok, summary: outcome.summary };
        result.toolCalls.push(record);
        options.onToolCall?.(record);
        for (const ref of outcome.refs) {
          const key = `${ref.kind}:${ref.id}`;
          if (seenRefs.has(key)) continue;
          seenRefs.add(key);
          result.refs.push(ref);
        }
        results.parts.push({ kind: 'toolResult', callId: toolCall.callId, text: outcome.content });
      }
      turn.push(results);
    }
  } catch (err) {
    if (err instanceof Stopped || signal.aborted) {
      result.stopped = true;
    } else {
      const name = model.name ?? `${model.vendor} ${model.family}`;
      result.error =
        err instanceof PromptTooLongError
          ? { kind: 'token-limit', message: `Your message is too long for ${name} (about ${err.needed} tokens, it takes ${err.budget}). Shorten it, or pick another model with "GHL: Choose Chat Model".` }
          : describeModelError(err, name);
      emit(`${result.reply ? '\n\n' : ''}${result.error.message}`);
    }
  }
  timings.totalMs = performance.now() - started;
  return result;
}

interface RoundResponse {
  text: string;
  calls: Array<{ kind: 'toolCall'; callId: string; name: string; input: unknown }>;
}

/** One request to the model, fitted to its budget; on a token-limit error it retries once with half the room. */
async function modelRound(
  model: ChatModelPort,
  prompt: { system: ChatMessage; history: ChatMessage[]; turn: ChatMessage[]; toolsText: string },
  tools: ChatModelTool[],
  counter: TokenCounter,
  signal: AbortSignal,
  emit: (text: string) => void,
  separate: boolean,
  timings: TurnTimings,
): Promise<RoundResponse> {
  let limit = model.maxInputTokens;
  for (let attempt = 0; ; attempt++) {
    const fitted = await fitPrompt(prompt, limit, counter);
    const response: RoundResponse = { text: '', calls: [] };
    const sent = performance.now();
    try {
      const { stream } = await model.sendRequest(fitted.messages, { tools }, signal);
      for await (const part of stream) {
        if (signal.aborted) throw new Stopped();
        if (part.kind === 'text') {
          if (!part.text) continue;
          // Text of a later round starts a new paragraph, in the stream as in the reply.
          const text = response.text === '' && separate ? `\n\n${part.text}` : part.text;
          response.text += part.text;
          emit(text);
        } else {
          response.calls.push(part);
        }
      }
      return response;
    } catch (err) {
      if (signal.aborted || isAbortError(err)) throw new Stopped();
      // Retrying after text was shown would repeat it; only a clean failure is retried.
      if (attempt === 0 && response.text === '' && response.calls.length === 0 && isTokenLimitError(err)) {
        // The model's real limit is below what was sent, whatever maxInputTokens says.
        limit = Math.min(limit, await retryLimit(prompt, fitted.messages, counter));
        continue;
      }
      throw err;
    } finally {
      timings.modelMs += performance.now() - sent;
    }
  }
}

async function invoke(name: string, rawInput: unknown, options: TurnOptions, tools: readonly ChatTool[], result: TurnResult): Promise<ToolOutcome> {
  const parsed = parseToolCall(name, rawInput, tools);
  if (!parsed.ok) return parsed.outcome;
  const { tool, input } = parsed;
  if (!tool.writes) return runReadTool(tool, input, options.toolContext);
  const prepared = await prepareWrite(tool, input, options.toolContext);
  if (!prepared.ok) return prepared.outcome;
  const action = options.propose(tool, input, prepared.plan);
  result.pendingActions.push(action);
  return { ok: true, summary: `Proposed (waits for your approval): ${action.summary}`, content: proposedContent(tool.name, action.id, action.summary), refs: [] };
}

function tooMany(): ToolOutcome {
  return { ok: false, summary: 'Skipped: too many tool calls in one turn', content: `Too many tool calls in one turn (at most ${MAX_TOOL_CALLS}); answer with what you have.`, refs: [] };
}
