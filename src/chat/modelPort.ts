/**
 * What the turn engine needs from a chat model: the shape of VS Code's LanguageModelChat
 * (vscode.lm), without importing vscode. The VS Code layer adapts a LanguageModelChat to it
 * (CancellationToken from the AbortSignal, Language Model parts to these parts); tests
 * script one.
 */

export type ChatPart =
  | { kind: 'text'; text: string }
  | { kind: 'toolCall'; callId: string; name: string; input: unknown }
  | { kind: 'toolResult'; callId: string; text: string };

export interface ChatMessage {
  /** vscode.lm has no system role: the system prompt goes first as a user message. */
  role: 'user' | 'assistant';
  parts: ChatPart[];
}

export type ChatResponsePart = { kind: 'text'; text: string } | { kind: 'toolCall'; callId: string; name: string; input: unknown };

export interface ChatModelTool {
  name: string;
  description: string;
  inputSchema: Record<string, unknown>;
}

export interface ChatModelInfo {
  vendor: string;
  family: string;
  id: string;
}

export interface ChatModelPort extends ChatModelInfo {
  name?: string;
  maxInputTokens: number;
  /** Rejects or throws from the stream with a LanguageModelError-like `{ code, message }`. */
  sendRequest(messages: ChatMessage[], options: { tools: ChatModelTool[] }, signal: AbortSignal): Promise<{ stream: AsyncIterable<ChatResponsePart> }>;
  countTokens(text: string, signal?: AbortSignal): Promise<number>;
}

/** The text a message stands for, as it is counted against the model's input limit. */
export function messageText(message: ChatMessage): string {
  return message.parts
    .map((p) => (p.kind === 'text' ? p.text : p.kind === 'toolResult' ? p.text : `${p.name} ${JSON.stringify(p.input)}`))
    .join('\n');
}
