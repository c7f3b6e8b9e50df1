import { DATA_TAG } from './crmData';
import type { ChatMessage, ChatModelPort } from './modelPort';
import { messageText } from './modelPort';

/** Share of maxInputTokens the prompt may use; the rest covers each tokenizer's per-message overhead. */
const USABLE_SHARE = 0.95;
/** A retry after a token-limit error keeps this share of what can be trimmed. */
const RETRY_SHARE = 0.5;
/** Room kept for the history when this turn's tool results would take it all. */
const HISTORY_SHARE = 0.25;
/** A tool result is never cut below this many characters. */
const MIN_RESULT_CHARS = 400;
const CUT_NOTE = `…(cut to fit the model's context; ask for fewer rows or a narrower filter)`;

export class PromptTooLongError extends Error {
  constructor(
    readonly needed: number,
    readonly budget: number,
  ) {
    super(`The message needs about ${needed} tokens but the model takes ${budget}.`);
    this.name = 'PromptTooLongError';
  }
}

/** Counts tokens with the model, once per distinct text; skips counting when a safe estimate already fits. */
export class TokenCounter {
  private readonly cache = new Map<string, number>();
  exactCalls = 0;

  constructor(
    private readonly model: Pick<ChatModelPort, 'countTokens'>,
    private readonly signal?: AbortSignal,
  ) {}

  /** An upper bound for ordinary text (English runs ~4 characters a token). */
  static estimate(text: string): number {
    return Math.ceil(text.length / 1.5);
  }

  async count(text: string): Promise<number> {
    const cached = this.cache.get(text);
    if (cached !== undefined) return cached;
    this.exactCalls++;
    const n = await this.model.countTokens(text, this.signal);
    this.cache.set(text, n);
    return n;
  }
}

export interface BudgetInput {
  system: ChatMessage;
  /** The earlier conversation, oldest first. */
  history: ChatMessage[];
  /** This turn: the user's message, then each round's tool calls and results. */
  turn: ChatMessage[];
  /** The tools' names, descriptions and schemas as sent (they count against the input too). */
  toolsText: string;
}

export interface FittedPrompt {
  messages: ChatMessage[];
  droppedHistory: number;
  cutResults: number;
  tokens: number;
}

/**
 * Fits a prompt into `budget` tokens: the system prompt, the tools and the user's message
 * always go; then this turn's tool results (the largest cut first); then as much of the
 * history as fits, newest first.
 */
/**
 * The limit for a retry after the model said the prompt was too long (its real limit is
 * below what maxInputTokens claimed): what must go, plus half of the rest that was sent.
 */
export async function retryLimit(input: BudgetInput, sent: ChatMessage[], counter: TokenCounter): Promise<number> {
  const [userMessage] = input.turn;
  const fixed = (await counter.count(input.toolsText)) + (await counter.count(messageText(input.system))) + (userMessage ? await counter.count(messageText(userMessage)) : 0);
  let total = await counter.count(input.toolsText);
  for (const m of sent) total += await counter.count(messageText(m));
  return Math.floor((fixed + Math.max(0, total - fixed) * RETRY_SHARE) / USABLE_SHARE);
}

export async function fitPrompt(input: BudgetInput, maxInputTokens: number, counter: TokenCounter): Promise<FittedPrompt> {
  const budget = Math.floor(maxInputTokens * USABLE_SHARE);
  const all = [input.system, ...input.history, ...input.turn];
  const estimate = TokenCounter.estimate(input.toolsText) + all.reduce((n, m) => n + TokenCounter.estimate(messageText(m)), 0);
  if (estimate <= budget) return { messages: all, droppedHistory: 0, cutResults: 0, tokens: estimate };

  const [userMessage, ...rounds] = input.turn;
  const fixed = (await counter.count(input.toolsText)) + (await counter.count(messageText(input.system))) + (userMessage ? await counter.count(messageText(userMessage)) : 0);
  if (fixed > budget) throw new PromptTooLongError(fixed, budget);

  // This turn's results come first, but some history keeps the conversation's thread.
  let historyTokens = 0;
  for (const m of input.history) historyTokens += await counter.count(messageText(m));
  const historyReserve = Math.min(historyTokens, Math.floor((budget - fixed) * HISTORY_SHARE));
  const { messages: fittedRounds, tokens: roundTokens, cut } = await fitRounds(rounds, budget - fixed - historyReserve, counter);
  let used = fixed + roundTokens;
  const kept: ChatMessage[] = [];
  for (let i = input.history.length - 1; i >= 0; i--) {
    const tokens = await counter.count(messageText(input.history[i]!));
    if (used + tokens > budget) break;
    used += tokens;
    kept.unshift(input.history[i]!);
  }
  // A history that starts with a reply to a question no longer there only confuses the model.
  while (kept[0]?.role === 'assistant') used -= await counter.count(messageText(kept.shift()!));
  return {
    messages: [input.system, ...kept, ...(userMessage ? [userMessage] : []), ...fittedRounds],
    droppedHistory: input.history.length - kept.length,
    cutResults: cut,
    tokens: used,
  };
}

async function fitRounds(rounds: ChatMessage[], room: number, counter: TokenCounter): Promise<{ messages: ChatMessage[]; tokens: number; cut: number }> {
  const messages = rounds.map((m) => ({ ...m, parts: [...m.parts] }));
  const total = async () => {
    let n = 0;
    for (const m of messages) n += await counter.count(messageText(m));
    return n;
  };
  let tokens = await total();
  const cutParts = new Set<string>();
  for (let attempt = 0; tokens > room && attempt < 12; attempt++) {
    // The largest tool result gives up what is over, proportionally to its size.
    let largest: { message: number; part: number; length: number } | null = null;
    messages.forEach((m, mi) =>
      m.parts.forEach((p, pi) => {
        if (p.kind === 'toolResult' && p.text.length > MIN_RESULT_CHARS && (!largest || p.text.length > largest.length)) largest = { message: mi, part: pi, length: p.text.length };
      }),
    );
    if (!largest) break;
    const { message, part, length } = largest as { message: number; part: number; length: number };
    const target = messages[message]!.parts[part] as Extract<ChatMessage['parts'][number], { kind: 'toolResult' }>;
    const partTokens = await counter.count(target.text);
    const keep = Math.max(MIN_RESULT_CHARS, Math.floor(length * Math.max(0, (partTokens - (tokens - room)) / partTokens) * 0.9));
    messages[message]!.parts[part] = { ...target, text: cutResult(target.text, keep) };
    cutParts.add(target.callId);
    tokens = await total();
  }
  if (tokens > room) throw new PromptTooLongError(tokens, room);
  return { messages, tokens, cut: cutParts.size };
}

/** Cuts a tool result to about `chars`, keeping its data block closed. */
export function cutResult(text: string, chars: number): string {
  if (text.length <= chars) return text;
  const close = `\n</${DATA_TAG}>`;
  const body = text.endsWith(close) ? text.slice(0, -close.length) : text;
  return `${body.slice(0, Math.max(0, chars - CUT_NOTE.length - close.length))}${CUT_NOTE}${text.endsWith(close) ? close : ''}`;
}
