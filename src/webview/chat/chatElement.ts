import { html, nothing, type PropertyValues } from 'lit';
import { live } from 'lit/directives/live.js';
import { EXT_GHL_IPC as C } from '../../protocol/channels';
import { codicon } from '../shared/codicon';
import '../shared/errorBanner';
import type { HostIpc } from '../shared/ipc';
import { LightElement } from '../shared/lightElement';

export interface ChatMessage {
  role: 'user' | 'assistant';
  text: string;
  /** A subtle remark under the bubble (e.g. "not available yet"). */
  note?: string;
  /** The user's message could not be delivered. */
  failed?: boolean;
  at: number;
}

/** What the webview state keeps, so the conversation survives a reload of the view. */
export interface SavedChatState {
  messages?: ChatMessage[];
  draft?: string;
}

/** Messages kept in the webview state. */
export const MAX_KEPT = 200;
export const MAX_LENGTH = 10_000;

export type ChatIpc = Pick<HostIpc, 'request'>;

function isMessage(value: unknown): value is ChatMessage {
  if (!value || typeof value !== 'object') return false;
  const m = value as Record<string, unknown>;
  return (m.role === 'user' || m.role === 'assistant') && typeof m.text === 'string';
}

/**
 * The Chat panel: a message list, a textarea (Enter sends, Shift+Enter adds a line) and
 * Send / Clear. Every message is rendered as plain text.
 */
export class ChatPanel extends LightElement {
  static override properties = {
    messages: { state: true },
    draft: { state: true },
    sending: { state: true },
    error: { state: true },
  };
  declare messages: ChatMessage[];
  declare draft: string;
  declare sending: boolean;
  declare error: string;

  ipc: ChatIpc | undefined;
  persist: ((state: SavedChatState) => void) | undefined;

  constructor() {
    super();
    this.messages = [];
    this.draft = '';
    this.sending = false;
    this.error = '';
  }

  /** Restores the conversation of an earlier page (anything malformed is dropped). */
  restore(saved: Partial<SavedChatState>): void {
    this.messages = (Array.isArray(saved.messages) ? saved.messages.filter(isMessage) : []).slice(-MAX_KEPT);
    this.draft = typeof saved.draft === 'string' ? saved.draft : '';
  }

  protected override render() {
    return html`<div class="chat">
      <div class="messages" role="log" aria-live="polite" aria-label="Conversation" data-testid="chat-messages">
        ${this.messages.length === 0
          ? html`<div class="empty" data-testid="chat-empty">
              ${codicon('comment-discussion', 'empty-icon')}
              <p>Ask about your GoHighLevel contacts, pipelines and opportunities.</p>
            </div>`
          : this.messages.map((m) => this.renderMessage(m))}
      </div>
      <div class="pending" data-testid="chat-pending" ?hidden=${!this.sending}>
        <vscode-progress-ring class="pending-ring" aria-label="Waiting for a reply"></vscode-progress-ring>
        <span>Thinking…</span>
      </div>
      <ghl-error-banner data-testid="chat-error" .message=${this.error} @dismiss=${this.onDismissError}></ghl-error-banner>
      <div class="composer">
        <vscode-textarea
          class="chat-input"
          data-testid="chat-input"
          placeholder="Ask about your contacts, pipelines and deals…  (Enter to send, Shift+Enter for a new line)"
          rows="3"
          resize="vertical"
          aria-label="Message"
          maxlength=${MAX_LENGTH}
          .value=${live(this.draft)}
          @keydown=${this.onKeydown}
          @input=${this.onInput}
        ></vscode-textarea>
        <div class="actions">
          <vscode-button data-testid="chat-clear" secondary icon="clear-all" title="Clear the conversation" @click=${this.onClear}
            >Clear</vscode-button
          >
          <vscode-button data-testid="chat-send" icon="send" title="Send (Enter)" ?disabled=${this.sending} @click=${this.onSend}
            >Send</vscode-button
          >
        </div>
      </div>
    </div>`;
  }

  private renderMessage(message: ChatMessage) {
    return html`<div
      class="message message-${message.role} ${message.failed ? 'failed' : ''}"
      data-testid="chat-message"
      data-role=${message.role}
    >
      <!-- .bubble keeps white space (pre-wrap): nothing but the text inside it. -->
      <div class="bubble"><span class="visually-hidden">${message.role === 'user' ? 'You: ' : 'Assistant: '}</span><span
          class="bubble-text"
          data-testid="chat-message-text"
          >${message.text}</span
        ></div>
      ${message.note
        ? html`<div class="message-note" data-testid="chat-message-note">${codicon('info')}${message.note}</div>`
        : nothing}
      ${message.failed ? html`<div class="message-note">${codicon('warning')}Not sent</div>` : nothing}
    </div>`;
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has('messages') || changed.has('sending')) {
      const list = this.querySelector('.messages');
      if (list) list.scrollTop = list.scrollHeight;
    }
  }

  private save(): void {
    this.persist?.({ messages: this.messages, draft: this.draft });
  }

  private addMessage(message: ChatMessage): void {
    this.messages = [...this.messages, message].slice(-MAX_KEPT);
    this.save();
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
    const userMessage: ChatMessage = { role: 'user', text, at: Date.now() };
    this.addMessage(userMessage);
    this.sending = true;
    const res = await this.ipc.request(C.CHAT_SEND, { message: text });
    this.sending = false;
    if (!res.success) {
      this.messages = this.messages.map((m) => (m === userMessage ? { ...m, failed: true } : m));
      this.save();
      this.error = res.error.message;
      return;
    }
    const { reply, message: fallback, status } = res.data;
    const replyText = typeof reply === 'string' && reply ? reply : typeof fallback === 'string' ? fallback : '';
    const message: ChatMessage = { role: 'assistant', text: replyText || '(empty reply)', at: Date.now() };
    if (status === 'not-available') message.note = 'Not available yet';
    this.addMessage(message);
  }

  async clearConversation(): Promise<void> {
    this.error = '';
    this.messages = [];
    this.save();
    const res = await this.ipc?.request(C.CHAT_CLEAR, {});
    if (res && !res.success) this.error = `The conversation was cleared here, but the extension reported: ${res.error.message}`;
  }

  private readonly onKeydown = (event: KeyboardEvent) => {
    if (event.key !== 'Enter' || event.shiftKey || event.isComposing) return;
    event.preventDefault();
    void this.send();
  };

  private readonly onInput = (event: Event) => {
    const target = event.target;
    if (target instanceof HTMLElement && 'value' in target && typeof target.value === 'string') this.draft = target.value;
    this.save();
  };

  private readonly onSend = () => void this.send();
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
