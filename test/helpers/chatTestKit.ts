import type { ChannelClient } from '../../src/chat/channelClient';
import { DATA_TAG } from '../../src/chat/crmData';
import type { ChatMessage, ChatModelPort, ChatModelTool, ChatResponsePart } from '../../src/chat/modelPort';
import { messageText } from '../../src/chat/modelPort';
import type { Harness } from './backendHarness';

/** The harness's untyped backend as the chat's typed port. */
export function channelClient(h: Harness): ChannelClient {
  return { request: (channel, payload) => h.backend.request(channel, payload) as never };
}

export interface ScriptedRequest {
  messages: ChatMessage[];
  tools: ChatModelTool[];
  tokens: number;
}

/** One model reply: parts to stream, or an error to throw; a function sees what the model was sent. */
export type ScriptStep =
  | ChatResponsePart[]
  | Error
  | { throw: unknown }
  | ((request: ScriptedRequest) => ChatResponsePart[] | Error | { throw: unknown });

export const text = (t: string): ChatResponsePart => ({ kind: 'text', text: t });
let callIds = 0;
export const toolCall = (name: string, input: unknown): ChatResponsePart => ({ kind: 'toolCall', callId: `call-${++callIds}`, name, input });

/**
 * A chat model whose replies a test writes in advance. Like a real one it rejects a prompt
 * over maxInputTokens; it counts 4 characters a token.
 */
export class ScriptedModel implements ChatModelPort {
  readonly vendor = 'test';
  readonly family = 'scripted';
  readonly id = 'test-scripted-1';
  readonly name = 'Scripted Model';
  readonly requests: ScriptedRequest[] = [];
  /** Time spent inside sendRequest and its stream, ms (the bench's figures subtract it). */
  modelMs = 0;
  /** Requests whose stream has not ended, and the most there ever were at once. */
  inFlight = 0;
  maxInFlight = 0;
  private step = 0;

  /** @param turnsPerPart event-loop turns before each streamed part, so another turn could run meanwhile if the engine let it. */
  constructor(
    private readonly script: ScriptStep[],
    readonly maxInputTokens = 100_000,
    private readonly turnsPerPart = 0,
  ) {}

  async countTokens(text: string): Promise<number> {
    return Math.ceil(text.length / 4);
  }

  async sendRequest(messages: ChatMessage[], options: { tools: ChatModelTool[] }, signal: AbortSignal): Promise<{ stream: AsyncIterable<ChatResponsePart> }> {
    const started = performance.now();
    const tokens = messages.reduce((n, m) => n + Math.ceil(messageText(m).length / 4), 0) + Math.ceil(JSON.stringify(options.tools).length / 4);
    const request: ScriptedRequest = { messages: structuredClone(messages), tools: options.tools, tokens };
    this.requests.push(request);
    try {
      if (tokens > this.maxInputTokens) throw new Error(`Request exceeds token limit: ${tokens} > ${this.maxInputTokens}`);
      let step = this.script[this.step++] ?? [text('(script ended)')];
      if (typeof step === 'function') step = step(request);
      if (step instanceof Error) throw step;
      if (!Array.isArray(step)) throw step.throw;
      const parts = step;
      const turns = this.turnsPerPart;
      this.maxInFlight = Math.max(this.maxInFlight, ++this.inFlight);
      const streamEnded = (ms: number) => {
        this.inFlight--;
        this.modelMs += ms;
      };
      return {
        stream: (async function* () {
          const streamStarted = performance.now();
          try {
            for (const part of parts) {
              for (let turn = 0; turn < turns; turn++) await new Promise((resolve) => setImmediate(resolve));
              if (signal.aborted) throw Object.assign(new Error('Canceled'), { name: 'Canceled' });
              yield part;
            }
          } finally {
            streamEnded(performance.now() - streamStarted);
          }
        })(),
      };
    } finally {
      this.modelMs += performance.now() - started;
    }
  }
}

/** The JSON inside the data block of the latest tool result the model was sent. */
export function lastToolData(request: ScriptedRequest): any {
  const results = request.messages.flatMap((m) => m.parts).filter((p) => p.kind === 'toolResult');
  const last = results.at(-1);
  if (!last || last.kind !== 'toolResult') throw new Error('no tool result in the request');
  return parseDataBlock(last.text);
}

export function parseDataBlock(content: string): any {
  const match = new RegExp(`<${DATA_TAG} [^>]*>\\n([\\s\\S]*?)\\n</${DATA_TAG}>`).exec(content);
  if (!match) throw new Error(`no data block in: ${content.slice(0, 200)}`);
  return JSON.parse(match[1]!);
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
