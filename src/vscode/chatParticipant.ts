import * as vscode from 'vscode';
import { ChatService, type ChatTurnResult, type SendOptions } from '../chat/chatService';
import type { ChannelClient } from '../chat/channelClient';
import { currentLocation, modelPort } from './chatModel';
import { Disposable } from './lifecycle';

export const PARTICIPANT_ID = 'ghl-vscode.ghl';
/** Registered with the other commands (ghl.chat.confirmAction); it calls confirm(). */
export const CONFIRM_ACTION_COMMAND = 'ghl.chat.confirmAction';

/** What a participant turn needs from VS Code's chat request, so the handler can be driven by a test too. */
export interface ParticipantRequest {
  prompt: string;
  command?: string;
  model?: vscode.LanguageModelChat;
}

/** What the handler writes to; VS Code's ChatResponseStream satisfies it. */
export interface ParticipantStream {
  markdown(value: string): void;
  progress(value: string): void;
  button(command: vscode.Command): void;
}

/**
 * `@ghl` in VS Code's own Chat view: the same tools, prompt and slash commands as the GHL
 * chat panel, with the model the user picked in that view. A write shows Approve / Cancel
 * buttons and runs only from the click.
 */
export class GhlParticipant extends Disposable {
  readonly service: ChatService;

  constructor(client: ChannelClient) {
    super();
    // Its own conversation: VS Code's Chat view keeps and shows the history of @ghl.
    this.service = new ChatService({ client });
  }

  register(): void {
    const participant = vscode.chat.createChatParticipant(PARTICIPANT_ID, (request, _context, stream, token) => this.handle(request, stream, token));
    participant.iconPath = new vscode.ThemeIcon('organization');
    this._register(participant);
  }

  async handle(request: ParticipantRequest, stream: ParticipantStream, token: vscode.CancellationToken): Promise<{ metadata: { result: ChatTurnResult } }> {
    const abort = new AbortController();
    const listener = token.onCancellationRequested(() => abort.abort());
    try {
      const options: SendOptions = {
        message: request.command ? `/${request.command} ${request.prompt}`.trim() : request.prompt,
        model: request.model ? modelPort(request.model) : null,
        location: currentLocation(),
        signal: abort.signal,
        onDelta: (text) => stream.markdown(text),
        onToolCall: (call) => stream.progress(call.summary),
      };
      const result = await this.service.send(options);
      for (const action of result.pendingActions) {
        stream.markdown(`\n\n**Waiting for your approval:** `);
        stream.markdown(new vscode.MarkdownString().appendText(action.summary).value);
        stream.button({ title: 'Approve', command: CONFIRM_ACTION_COMMAND, arguments: [action.id, true] });
        stream.button({ title: 'Cancel', command: CONFIRM_ACTION_COMMAND, arguments: [action.id, false] });
      }
      return { metadata: { result } };
    } finally {
      listener.dispose();
    }
  }

  async confirm(actionId: unknown, approve: unknown): Promise<string> {
    if (typeof actionId !== 'string' || typeof approve !== 'boolean') return 'Nothing was done: the button sent no action.';
    const result = await this.service.confirm(actionId, approve, currentLocation());
    const text =
      result.status === 'done' ? `Done: ${result.summary}` : result.status === 'cancelled' ? `Cancelled, nothing was changed: ${result.summary}` : result.message;
    if (result.status === 'failed' || result.status === 'unknown') void vscode.window.showWarningMessage(text);
    else void vscode.window.showInformationMessage(text);
    return text;
  }
}
