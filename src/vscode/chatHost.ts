import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import { ChatHistory, type ChatHistorySnapshot } from '../chat/history';
import { ChatService } from '../chat/chatService';
import type { ChannelClient } from '../chat/channelClient';
import { createDispatcher, type Dispatcher, type HandlerTable } from '../handlers/dispatcher';
import { EXT_GHL_IPC as C } from '../protocol/channels';
import { ExtGhlError } from '../protocol/envelope';
import { REQUEST_CHANNELS, type RequestChannel } from '../protocol/requests';
import type { ChatHistoryView } from '../protocol/responses';
import { SETTING_LOCATION_ID } from '../protocol/settings';
import { RequestFailed, type BackendHost } from './backendHost';
import { currentLocation, modelPort, selectModel, SETTING_CHAT_MODEL, type ModelChoice } from './chatModel';
import { ContactNode } from './contactsTree';
import { Disposable } from './lifecycle';
import type { Logger } from './logger';

/** The chat channels answered here: vscode.lm exists only in the extension host, not in the worker. */
export const HOST_CHAT_CHANNELS = [C.CHAT_SEND, C.CHAT_CLEAR, C.CHAT_CONFIRM, C.CHAT_STOP, C.CHAT_HISTORY, C.CHAT_OPEN] as const;

const HISTORY_KEY = 'ghl.chat.history';

/**
 * The chat of this window: the core's ChatService with the user's model, its history per
 * location in globalState (so it survives a reload), one turn at a time with Stop, and the
 * text streamed as ext-ghl:chat-stream pushes while chat-send runs.
 */
export class ChatHost extends Disposable {
  readonly service: ChatService;
  private readonly dispatcher: Dispatcher;
  private running: AbortController | undefined;
  private modelChoice: Promise<ModelChoice> | undefined;

  constructor(
    context: vscode.ExtensionContext,
    private readonly host: BackendHost,
    private readonly logger: Logger,
  ) {
    super();
    const client: ChannelClient = { request: (channel, payload) => host.request(channel, payload) };
    const history = ChatHistory.fromJSON(context.globalState.get(HISTORY_KEY), undefined, (snapshot: ChatHistorySnapshot) => {
      context.globalState.update(HISTORY_KEY, snapshot).then(undefined, (err: unknown) => logger.warn(`Could not save the chat history: ${String(err)}`, 'chat'));
    });
    this.service = new ChatService({ client, history });
    this.dispatcher = createDispatcher(this.table(), (level, message) => logger.log(level, message, 'chat'));
    this._register(host.answerInHost(HOST_CHAT_CHANNELS, (channel, payload) => this.dispatcher.dispatch(channel, payload)));
    this._register({ dispose: () => this.running?.abort() });
    // Listing models is a round trip to the workbench; a turn should not pay for it each time.
    this._register(vscode.lm.onDidChangeChatModels(() => (this.modelChoice = undefined)));
    this._register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(SETTING_CHAT_MODEL)) this.modelChoice = undefined;
        if (e.affectsConfiguration(SETTING_LOCATION_ID)) host.publish({ channel: 'host:chat-changed', payload: { reason: 'location' } });
      }),
    );
  }

  private async location(): Promise<{ id: string } | null> {
    return currentLocation();
  }

  /** The model for the next turn: looked up once, again only when the models or ghl.chat.model change. */
  private model(): Promise<ModelChoice> {
    this.modelChoice ??= selectModel();
    return this.modelChoice;
  }

  private table(): HandlerTable {
    const elsewhere = async () => {
      throw new ExtGhlError('UNKNOWN_CHANNEL', 'Only the chat channels are answered by the chat host.');
    };
    return {
      ...(Object.fromEntries(REQUEST_CHANNELS.map((channel) => [channel, elsewhere])) as { [K in RequestChannel]: typeof elsewhere }),
      [C.CHAT_SEND]: async ({ message }) => {
        const started = performance.now();
        const turnId = randomUUID();
        const abort = new AbortController();
        // A new message while one runs waits its turn (the service queues); Stop ends the one running.
        this.running = abort;
        try {
          const choice = await this.model();
          const result = await this.service.send({
            message,
            model: choice.model ? modelPort(choice.model) : null,
            location: await this.location(),
            noModelReason: choice.reason,
            signal: abort.signal,
            onDelta: (delta) => this.host.publish({ channel: C.CHAT_STREAM, payload: { turnId, delta } }),
            onToolCall: ({ tool, ok, summary }) => this.host.publish({ channel: C.CHAT_STREAM, payload: { turnId, toolCall: { tool, ok, summary } } }),
          });
          if (result.error && result.error.kind !== 'cancelled') this.logger.warn(`Chat turn: ${result.error.kind}: ${result.error.message}`, 'chat');
          const { timings, ...turn } = result;
          return { turnId, ...turn, timings: { totalMs: performance.now() - started, modelMs: timings?.modelMs ?? 0, toolMs: timings?.toolMs ?? 0 } };
        } finally {
          if (this.running === abort) this.running = undefined;
        }
      },
      [C.CHAT_STOP]: async () => {
        const running = this.running;
        if (!running || running.signal.aborted) return { stopped: false };
        running.abort();
        return { stopped: true };
      },
      [C.CHAT_CONFIRM]: async ({ actionId, approve }) => {
        const result = await this.service.confirm(actionId, approve, await this.location());
        // The write went through the typed request, so views already heard of it; the log says who did it.
        if (result.status === 'done') this.logger.info(`Chat: approved and done: ${result.summary}`, 'chat');
        return result;
      },
      [C.CHAT_CLEAR]: async () => {
        this.service.clear(await this.location());
        this.host.publish({ channel: 'host:chat-changed', payload: { reason: 'cleared' } });
        return { cleared: true };
      },
      [C.CHAT_HISTORY]: async (): Promise<ChatHistoryView> => {
        const location = await this.location();
        const choice = await this.model();
        const model = choice.model ? { vendor: choice.model.vendor, family: choice.model.family, id: choice.model.id, name: choice.model.name } : null;
        return {
          entries: [...this.service.history.entries(location?.id ?? '')],
          pendingActions: this.service.pendingActions(location),
          model,
          ...(model ? {} : { noModelReason: choice.reason ?? `No chat model is available. Install an extension that provides one (for example GitHub Copilot), or set ${SETTING_CHAT_MODEL}.` }),
        };
      },
      [C.CHAT_OPEN]: async ({ kind, id }) => {
        try {
          await this.open(kind, id);
        } catch (err) {
          if (err instanceof RequestFailed) throw new ExtGhlError(err.error.code, err.error.message);
          throw err;
        }
        return { opened: true };
      },
    };
  }

  /** Opens a record an answer named: a contact's details, an opportunity on the board, a conversation in its panel. */
  private async open(kind: 'contact' | 'opportunity' | 'conversation', id: string): Promise<void> {
    if (kind === 'opportunity') {
      const opportunity = await this.host.call(C.OPPS_GET, { id });
      await vscode.commands.executeCommand('ghl.openBoard', opportunity.pipelineId);
      return;
    }
    if (kind === 'conversation') {
      // Checked here, so a conversation that does not exist is this request's error, not a notification.
      await this.host.call(C.CONVS_GET, { id });
      await vscode.commands.executeCommand('ghl.openConversation', id);
      return;
    }
    const contact = await this.host.call(C.CONTACTS_GET, { id });
    await vscode.commands.executeCommand('ghl.showContact', new ContactNode(contact));
  }
}
