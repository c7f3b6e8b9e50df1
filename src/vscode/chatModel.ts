import * as vscode from 'vscode';
import type { ChatMessage, ChatModelPort, ChatResponsePart } from '../chat/modelPort';
import { SETTING_LOCATION_ID, settingText } from '../protocol/settings';

/** The setting that picks the chat model: empty = the first available; else a vendor, family or id. */
export const SETTING_CHAT_MODEL = 'ghl.chat.model';

/** A VS Code LanguageModelChat as the chat core's model port. */
export function modelPort(model: vscode.LanguageModelChat): ChatModelPort {
  return {
    vendor: model.vendor,
    family: model.family,
    id: model.id,
    name: model.name,
    maxInputTokens: model.maxInputTokens,
    async sendRequest(messages, { tools }, signal) {
      const cancel = new vscode.CancellationTokenSource();
      const onAbort = () => cancel.cancel();
      if (signal.aborted) cancel.cancel();
      else signal.addEventListener('abort', onAbort, { once: true });
      const release = () => {
        signal.removeEventListener('abort', onAbort);
        cancel.dispose();
      };
      let response: vscode.LanguageModelChatResponse;
      try {
        response = await model.sendRequest(
          messages.map(toLanguageModelMessage),
          { tools: tools.map((t) => ({ name: t.name, description: t.description, inputSchema: t.inputSchema })), justification: 'GHL answers questions about your CRM with it.' },
          cancel.token,
        );
      } catch (err) {
        release();
        throw err;
      }
      return { stream: responseParts(response.stream, release) };
    },
    async countTokens(text, signal) {
      const cancel = new vscode.CancellationTokenSource();
      signal?.addEventListener('abort', () => cancel.cancel(), { once: true });
      try {
        return await model.countTokens(text, cancel.token);
      } finally {
        cancel.dispose();
      }
    },
  };
}

/** Text and tool calls of a response stream; parts of kinds the core does not know (e.g. data parts) are skipped. */
async function* responseParts(stream: AsyncIterable<unknown>, release: () => void): AsyncIterable<ChatResponsePart> {
  try {
    for await (const part of stream) {
      if (part instanceof vscode.LanguageModelTextPart) yield { kind: 'text', text: part.value };
      else if (part instanceof vscode.LanguageModelToolCallPart) yield { kind: 'toolCall', callId: part.callId, name: part.name, input: part.input };
    }
  } finally {
    release();
  }
}

function toLanguageModelMessage(message: ChatMessage): vscode.LanguageModelChatMessage {
  if (message.role === 'assistant') {
    const parts = message.parts.flatMap((p): Array<vscode.LanguageModelTextPart | vscode.LanguageModelToolCallPart> =>
      p.kind === 'text' ? [new vscode.LanguageModelTextPart(p.text)] : p.kind === 'toolCall' ? [new vscode.LanguageModelToolCallPart(p.callId, p.name, asObject(p.input))] : [],
    );
    return vscode.LanguageModelChatMessage.Assistant(parts);
  }
  // Tool results go back in a User message, as the Language Model API expects.
  const parts = message.parts.flatMap((p): Array<vscode.LanguageModelTextPart | vscode.LanguageModelToolResultPart> =>
    p.kind === 'text'
      ? [new vscode.LanguageModelTextPart(p.text)]
      : p.kind === 'toolResult'
        ? [new vscode.LanguageModelToolResultPart(p.callId, [new vscode.LanguageModelTextPart(p.text)])]
        : [],
  );
  return vscode.LanguageModelChatMessage.User(parts);
}

function asObject(input: unknown): object {
  return typeof input === 'object' && input !== null ? input : {};
}

export interface ModelChoice {
  model: vscode.LanguageModelChat | null;
  /** Why there is none, said to the user. */
  reason?: string;
}

/** The model `ghl.chat.model` names (vendor, family, id or name), or the first available one. */
export async function selectModel(): Promise<ModelChoice> {
  const wanted = (vscode.workspace.getConfiguration().get<string>(SETTING_CHAT_MODEL) ?? '').trim();
  let models: vscode.LanguageModelChat[];
  try {
    models = await vscode.lm.selectChatModels();
  } catch (err) {
    return { model: null, reason: `VS Code could not list chat models: ${err instanceof Error ? err.message : String(err)}.` };
  }
  if (models.length === 0) return { model: null };
  if (!wanted) return { model: models[0]! };
  const key = wanted.toLowerCase();
  const match =
    models.find((m) => m.id.toLowerCase() === key) ??
    models.find((m) => `${m.vendor}/${m.family}`.toLowerCase() === key) ??
    models.find((m) => m.family.toLowerCase() === key || m.name.toLowerCase() === key) ??
    models.find((m) => m.vendor.toLowerCase() === key);
  if (match) return { model: match };
  return {
    model: null,
    reason: `No chat model matches "${wanted}" (the ghl.chat.model setting). Available: ${models.map(describe).join(', ')}. Run "GHL: Choose Chat Model".`,
  };
}

export function describe(model: { name?: string; vendor: string; family: string }): string {
  return `${model.name || model.family} (${model.vendor}/${model.family})`;
}

/** GHL: Choose Chat Model — a quick pick over the models VS Code offers; stores the choice in ghl.chat.model. */
export async function chooseChatModel(): Promise<void> {
  const models = await vscode.lm.selectChatModels();
  if (models.length === 0) {
    void vscode.window.showInformationMessage('No chat model is available. Install GitHub Copilot Chat (or another extension that provides a model) and sign in.');
    return;
  }
  const current = vscode.workspace.getConfiguration().get<string>(SETTING_CHAT_MODEL) ?? '';
  const items = [
    { label: 'First available', description: current ? '' : 'current', value: '' },
    ...models.map((m) => ({ label: m.name || m.family, description: `${m.vendor}/${m.family}${current === m.id ? ' · current' : ''}`, detail: m.id, value: m.id })),
  ];
  const picked = await vscode.window.showQuickPick(items, { title: 'GHL: Choose Chat Model', placeHolder: 'The model the GHL chat uses' });
  if (!picked) return;
  await vscode.workspace.getConfiguration().update(SETTING_CHAT_MODEL, picked.value, vscode.ConfigurationTarget.Global);
}

/** The location the chat talks about (its history is kept per location). Read from the settings, not from the secret store: no round trip per turn. */
export function currentLocation(): { id: string } | null {
  const id = settingText(vscode.workspace.getConfiguration().get(SETTING_LOCATION_ID));
  return id ? { id } : null;
}
