import { html, nothing, type PropertyValues } from 'lit';
import { live } from 'lit/directives/live.js';
import { unsafeHTML } from 'lit/directives/unsafe-html.js';
import { EXT_GHL_IPC as C } from '../../protocol/channels';
import type { ChatPendingAction, ChatRecordRef, ChatToolCall } from '../../protocol/responses';
import { codicon } from '../shared/codicon';
import '../shared/errorBanner';
import type { HostIpc } from '../shared/ipc';
import { LightElement } from '../shared/lightElement';
import { renderMarkdown } from './markdown';
import { inputValue, sendOnEnter } from '../shared/composer';

export interface ChatMessage {
  role: 'user' | 'assistant';
  text: string;
  at: number;
  toolCalls?: Array<Pick<ChatToolCall, 'tool' | 'ok' | 'summary'>>;
  refs?: ChatRecordRef[];
  /** The user pressed Stop while it was written. */
  stopped?: boolean;
  /** Still arriving (chat-stream). */
  streaming?: boolean;
  /** The user's message could not be delivered. */
  failed?: boolean;
}

/** What the webview state keeps: only the draft. The conversation is the host's (chat-history), per location. */
export interface SavedChatState {
  draft?: string;
}

export const MAX_LENGTH = 10_000;
/** A turn may call tools and wait for a slow model: much longer than a cache request. */
export const TURN_TIMEOUT_MS = 5 * 60_000;

export type ChatIpc = Pick<HostIpc, 'request' | 'onPush'>;

interface ModelState {
  name: string | null;
  noModelReason: string | null;
}

/**
 * The Chat panel: the conversation (answers as safe Markdown, a line per tool call, the
 * records they name as buttons), confirmation cards for writes, a composer with Send / Stop
 * / Clear. User text is always plain text.
 */
export class ChatPanel extends LightElement {
  static override properties = {
    messages: { state: true },
    pending: { state: true },
    draft: { state: true },
    sending: { state: true },
    error: { state: true },
    model: { state: true },
  };
  declare messages: ChatMessage[];
  declare pending: ChatPendingAction[];
  declare draft: string;
  declare sending: boolean;
  declare error: string;
  declare model: ModelState;

  ipc: ChatIpc | undefined;
  persist: ((state: SavedChatState) => void) | undefined;
  private streamTurn: string | null = null;
  private unsubscribe: (() => void) | undefined;

  constructor() {
    super();
    this.messages = [];
    this.pending = [];
    this.draft = '';
    this.sending = false;
    this.error = '';
    this.model = { name: null, noModelReason: null };
  }

  restore(saved: Partial<SavedChatState>): void {
    this.draft = typeof saved.draft === 'string' ? saved.draft : '';
  }

  /** Loads the conversation of the current location and listens to the stream of turns. */
  async start(): Promise<void> {
    if (!this.ipc) return;
    this.unsubscribe?.();
    const offStream = this.ipc.onPush(C.CHAT_STREAM, (event) => this.onStream(event));
    // Cleared elsewhere or another location: the host's conversation is the one to show (a turn of ours finishes first).
    const offChanged = this.ipc.onPush('host:chat-changed', () => {
      if (!this.sending) void this.reload();
    });
    this.unsubscribe = () => {
      offStream();
      offChanged();
    };
    await this.reload();
  }

  async reload(): Promise<void> {
    const res = await this.ipc?.request(C.CHAT_HISTORY, {});
    if (!res) return;
    if (!res.success) {
      this.error = res.error.message;
      return;
    }
    this.messages = res.data.entries.map((e) => ({ role: e.role, text: e.text, at: e.at, toolCalls: e.toolCalls, stopped: e.stopped }));
    this.pending = res.data.pendingActions;
    this.model = { name: res.data.model ? res.data.model.name || res.data.model.family : null, noModelReason: res.data.model ? null : (res.data.noModelReason ?? 'No chat model is available.') };
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.unsubscribe?.();
  }

  protected override render() {
    return html`<div class="chat">
      ${this.model.noModelReason
        ? html`<div class="no-model" data-testid="chat-no-model" role="status">
            ${codicon('info')}<span
              >${this.model.noModelReason} Slash commands work without a model: <code>/find</code> <code>/deals</code> <code>/stale</code>
              <code>/today</code> <code>/help</code>.</span
            >
          </div>`
        : nothing}
      <div class="messages" role="log" aria-live="polite" aria-label="Conversation" data-testid="chat-messages">
        ${this.messages.length === 0 && this.pending.length === 0
          ? html`<div class="empty" data-testid="chat-empty">
              ${codicon('comment-discussion', 'empty-icon')}
              <p>Ask about your GoHighLevel contacts, pipelines and opportunities.</p>
            </div>`
          : this.messages.map((m) => this.renderMessage(m))}
        ${this.pending.map((a) => this.renderCard(a))}
      </div>
      <div class="pending" data-testid="chat-pending" ?hidden=${!this.sending}>
        <vscode-progress-ring class="pending-ring" aria-label="Waiting for a reply"></vscode-progress-ring>
        <span>${this.model.name ? `${this.model.name} is answering…` : 'Working…'}</span>
      </div>
      <ghl-error-banner data-testid="chat-error" .message=${this.error} @dismiss=${this.onDismissError}></ghl-error-banner>
      <div class="composer">
        <vscode-textarea
          class="chat-input"
          data-testid="chat-input"
          placeholder="Ask about your contacts, pipelines and deals, or /help…  (Enter to send, Shift+Enter for a new line)"
          rows="3"
          resize="vertical"
          aria-label="Message"
          maxlength=${MAX_LENGTH}
          .value=${live(this.draft)}
          @keydown=${this.onKeydown}
          @input=${this.onInput}
        ></vscode-textarea>
        <div class="actions">
          <vscode-button data-testid="chat-clear" secondary icon="clear-all" title="Clear the conversation" ?disabled=${this.sending} @click=${this.onClear}
            >Clear</vscode-button
          >
          ${this.sending
            ? html`<vscode-button data-testid="chat-stop" secondary icon="debug-stop" title="Stop the answer" @click=${this.onStop}>Stop</vscode-button>`
            : html`<vscode-button data-testid="chat-send" icon="send" title="Send (Enter)" @click=${this.onSend}>Send</vscode-button>`}
        </div>
      </div>
    </div>`;
  }

  private renderMessage(message: ChatMessage) {
    const assistant = message.role === 'assistant';
    return html`<div
      class="message message-${message.role} ${message.failed ? 'failed' : ''}"
      data-testid="chat-message"
      data-role=${message.role}
      ?data-streaming=${message.streaming}
    >
      ${message.toolCalls?.length
        ? html`<ul class="tool-lines">
            ${message.toolCalls.map(
              (t) => html`<li class="tool-line ${t.ok ? '' : 'tool-failed'}" data-testid="chat-tool-line" data-tool=${t.tool}>
                ${codicon(t.ok ? 'tools' : 'warning')}<span>${t.summary}</span>
              </li>`,
            )}
          </ul>`
        : nothing}
      ${assistant
        ? // renderMarkdown escapes every tag in the text and renders no links or images (see markdown.ts).
          html`<div class="bubble markdown" data-testid="chat-message-text">${unsafeHTML(renderMarkdown(message.text || (message.streaming ? '…' : '(empty reply)')))}</div>`
        : html`<!-- .bubble keeps white space (pre-wrap): nothing but the text inside it. -->
            <div class="bubble"><span class="visually-hidden">You: </span><span class="bubble-text" data-testid="chat-message-text">${message.text}</span></div>`}
      ${message.refs?.length
        ? html`<div class="refs">
            ${message.refs.map(
              (r) => html`<vscode-button
                secondary
                class="ref"
                data-testid="chat-ref"
                data-kind=${r.kind}
                data-id=${r.id}
                icon=${r.kind === 'contact' ? 'account' : r.kind === 'opportunity' ? 'project' : 'comment-discussion'}
                title=${r.kind === 'contact' ? 'Open the contact' : r.kind === 'opportunity' ? 'Show on the board' : 'Open the conversations'}
                @click=${() => void this.open(r)}
                >${r.label}</vscode-button
              >`,
            )}
          </div>`
        : nothing}
      ${assistant && !message.streaming
        ? html`<div class="message-actions">
            ${message.stopped ? html`<span class="message-note" data-testid="chat-stopped">${codicon('debug-stop')}Stopped</span>` : nothing}
            <vscode-button class="copy" data-testid="chat-copy" secondary icon="copy" title="Copy the answer" @click=${() => void this.copy(message.text)}></vscode-button>
          </div>`
        : nothing}
      ${message.failed ? html`<div class="message-note">${codicon('warning')}Not sent</div>` : nothing}
    </div>`;
  }

  private renderCard(action: ChatPendingAction) {
    return html`<div class="confirm-card" data-testid="chat-confirm-card" data-action=${action.id} role="group" aria-label="Change waiting for your approval">
      <div class="confirm-title">${codicon('shield')}Approve this change?</div>
      <div class="confirm-summary" data-testid="chat-confirm-summary">${action.summary}</div>
      <div class="confirm-actions">
        <vscode-button data-testid="chat-approve" icon="check" @click=${() => void this.decide(action, true)}>Approve</vscode-button>
        <vscode-button data-testid="chat-cancel" secondary icon="close" @click=${() => void this.decide(action, false)}>Cancel</vscode-button>
      </div>
    </div>`;
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has('messages') || changed.has('sending') || changed.has('pending')) {
      const list = this.querySelector('.messages');
      if (list) list.scrollTop = list.scrollHeight;
    }
  }

  private save(): void {
    this.persist?.({ draft: this.draft });
  }

  private onStream(event: { turnId: string; delta?: string; toolCall?: { tool: string; ok: boolean; summary: string } }): void {
    if (!this.sending) return;
    // The first event names the turn; events of another turn (another view's) are not ours.
    this.streamTurn ??= event.turnId;
    if (event.turnId !== this.streamTurn) return;
    const last = this.messages[this.messages.length - 1];
    if (!last?.streaming) return;
    const next: ChatMessage = { ...last };
    if (event.delta) next.text += event.delta;
    if (event.toolCall) next.toolCalls = [...(next.toolCalls ?? []), event.toolCall];
    this.messages = [...this.messages.slice(0, -1), next];
  }

  async send(): Promise<void> {
    if (this.sending || !this.ipc) return;
    // The element's own value: it is what the user sees, whatever events it did or did not fire.
    const text = (this.querySelector('vscode-textarea')?.value ?? this.draft).trim();
    if (!text) return;
    if (text.length > MAX_LENGTH) {
      this.error = `That message is too long (${text.length} characters; the limit is ${MAX_LENGTH}).`;
      return;
    }
    this.error = '';
    this.draft = '';
    this.save();
    const userMessage: ChatMessage = { role: 'user', text, at: Date.now() };
    const streaming: ChatMessage = { role: 'assistant', text: '', at: Date.now(), streaming: true };
    this.messages = [...this.messages, userMessage, streaming];
    this.sending = true;
    this.streamTurn = null;
    const res = await this.ipc.request(C.CHAT_SEND, { message: text }, { timeoutMs: TURN_TIMEOUT_MS });
    this.sending = false;
    this.streamTurn = null;
    const others = this.messages.filter((m) => !m.streaming);
    if (!res.success) {
      this.messages = others.map((m) => (m === userMessage ? { ...m, failed: true } : m));
      this.error = res.error.message;
      return;
    }
    const turn = res.data;
    this.messages = [
      ...others,
      { role: 'assistant', text: turn.reply, at: Date.now(), toolCalls: turn.toolCalls, refs: turn.refs, ...(turn.stopped ? { stopped: true } : {}) },
    ];
    this.pending = [...this.pending, ...turn.pendingActions];
    if (turn.model) this.model = { name: turn.model.family, noModelReason: null };
    // Answered without a model although one was asked for: the model went away since the view loaded.
    else if (!text.startsWith('/') && !this.model.noModelReason) this.model = { name: null, noModelReason: 'No chat model is available.' };
  }

  async stop(): Promise<void> {
    const res = await this.ipc?.request(C.CHAT_STOP, {});
    if (res && !res.success) this.error = res.error.message;
  }

  async decide(action: ChatPendingAction, approve: boolean): Promise<void> {
    if (!this.ipc) return;
    const res = await this.ipc.request(C.CHAT_CONFIRM, { actionId: action.id, approve }, { timeoutMs: TURN_TIMEOUT_MS });
    this.pending = this.pending.filter((a) => a.id !== action.id);
    if (!res.success) {
      this.error = res.error.message;
      return;
    }
    const r = res.data;
    const text = r.status === 'done' ? `Done: ${r.summary}` : r.status === 'cancelled' ? `Cancelled, nothing was changed: ${r.summary}` : r.message;
    const toolCalls = r.status === 'done' || r.status === 'failed' ? [{ tool: action.tool, ok: r.status === 'done', summary: r.status === 'done' ? r.summary : r.message }] : undefined;
    this.messages = [...this.messages, { role: 'assistant', text, at: Date.now(), toolCalls, refs: r.status === 'done' ? r.refs : undefined }];
  }

  async open(ref: ChatRecordRef): Promise<void> {
    const res = await this.ipc?.request(C.CHAT_OPEN, { kind: ref.kind, id: ref.id });
    if (res && !res.success) this.error = res.error.message;
  }

  async copy(text: string): Promise<void> {
    try {
      await navigator.clipboard.writeText(text);
    } catch (err) {
      this.error = `Could not copy the answer: ${err instanceof Error ? err.message : String(err)}`;
    }
  }

  async clearConversation(): Promise<void> {
    this.error = '';
    this.messages = [];
    this.pending = [];
    const res = await this.ipc?.request(C.CHAT_CLEAR, {});
    if (res && !res.success) this.error = `The conversation was cleared here, but the extension reported: ${res.error.message}`;
  }

  private readonly onKeydown = sendOnEnter(() => this.send());

  private readonly onInput = (event: Event) => {
    this.draft = inputValue(event);
    this.save();
  };

  private readonly onSend = () => void this.send();
  private readonly onStop = () => void this.stop();
  private readonly onClear = () => void this.clearConversation();
  private readonly onDismissError = () => {
    this.error = '';
  };
}

customElements.define('ghl-chat', ChatPanel);

declare global {
  interface HTMLElementTagNameMap {
    'ghl-chat': ChatPanel;
  }
}
