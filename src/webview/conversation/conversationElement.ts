import { html, nothing, type PropertyValues } from 'lit';
import { live } from 'lit/directives/live.js';
import { codicon } from '../shared/codicon';
import '../shared/errorBanner';
import { LightElement } from '../shared/lightElement';
import type { Bubble, ConversationModel } from './conversationModel';
import { inputValue, sendOnEnter } from '../shared/composer';

/** What the webview state keeps: the conversation (a restored panel reopens it) and the draft. */
export interface SavedConversationState {
  conversationId?: string;
  draft?: string;
  subject?: string;
}

/** Within this many pixels of the top, scrolling up loads the older page. */
const LOAD_OLDER_AT_PX = 48;
/** Within this many pixels of the bottom, new messages keep the thread scrolled down. */
const STICK_TO_BOTTOM_PX = 80;

const timeFormat = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });

/** An attachment's file name, for the link text (the whole URL is its title). */
function linkName(url: string): string {
  try {
    const name = decodeURIComponent(new URL(url).pathname.split('/').filter(Boolean).pop() ?? '');
    return name || url;
  } catch {
    return url;
  }
}

/**
 * One conversation: the thread as bubbles (inbound left, outbound right) with channel, time,
 * delivery status, subject and attachment links; older messages on scroll-up; the reply box
 * (channel, subject for Email, Enter sends, Shift+Enter a new line). Every CRM string goes
 * in through Lit text bindings: nothing from a message is ever parsed as HTML.
 */
export class ConversationView extends LightElement {
  static override properties = { draft: { state: true }, subject: { state: true }, revision: { state: true }, newBelow: { state: true } };
  /** #17: a message arrived below while the user reads further up: the "new messages" pill shows. */
  declare newBelow: boolean;
  /**
   * #17: the thread follows its newest message until the user scrolls up (and again once they
   * are back at the bottom). It opens pinned, so it opens at the newest message.
   */
  private pinned = true;
  declare draft: string;
  declare subject: string;
  /** Bumped on every change of the model, so Lit renders it again. */
  declare revision: number;

  model: ConversationModel | undefined;
  /** Opens an attachment through the host (never loaded into this page). */
  openLink: ((url: string) => void) | undefined;
  persist: ((state: SavedConversationState) => void) | undefined;
  /** #17: Add Note… / New Task… for this conversation's contact, asked of the host. */
  followUp: ((what: 'add-note' | 'new-task') => void) | undefined;
  private unsubscribe: (() => void) | undefined;
  private scrollBefore: { height: number; top: number; firstKey?: string; lastKey?: string; nearBottom: boolean } | undefined;

  constructor() {
    super();
    this.draft = '';
    this.subject = '';
    this.revision = 0;
    this.newBelow = false;
  }

  restore(saved: Partial<SavedConversationState>): void {
    if (typeof saved.draft === 'string') this.draft = saved.draft;
    if (typeof saved.subject === 'string') this.subject = saved.subject;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.unsubscribe = this.model?.subscribe(() => this.revision++);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.unsubscribe?.();
  }

  /** Puts the cursor in the reply box (Reply on a new-message notification). */
  focusReply(): void {
    void this.updateComplete.then(() => {
      const input = this.querySelector<HTMLElement>('[data-testid="reply-input"]');
      input?.focus();
    });
  }

  /**
   * The first and last message the DOM shows (set after each render). The model has already
   * changed when an update starts, so what was on screen is compared with these, not with it.
   */
  private rendered: { firstKey?: string; lastKey?: string } = {};

  protected override willUpdate(): void {
    const list = this.querySelector('.thread');
    if (list) {
      this.scrollBefore = {
        height: list.scrollHeight,
        top: list.scrollTop,
        firstKey: this.rendered.firstKey,
        lastKey: this.rendered.lastKey,
        nearBottom: list.scrollHeight - list.scrollTop - list.clientHeight < STICK_TO_BOTTOM_PX,
      };
    }
  }

  protected override updated(_changed: PropertyValues<this>): void {
    const list = this.querySelector('.thread');
    const before = this.scrollBefore;
    const thread = this.model?.thread ?? [];
    if (!list) return;
    const last = thread[thread.length - 1];
    this.rendered = { firstKey: thread[0]?.key, lastKey: last?.key };
    if (!before || before.firstKey === undefined || this.pinned) {
      this.toBottom(list);
    } else if (thread[0]?.key !== before.firstKey && last?.key === before.lastKey) {
      // Older messages went in above: keep what the user was reading where it was.
      list.scrollTop = list.scrollHeight - before.height + before.top;
    } else if (last?.key !== before.lastKey) {
      if (before.nearBottom || last?.reply) {
        this.pinned = true;
        this.toBottom(list);
      } else if (!this.newBelow) this.newBelow = true;
    }
  }

  /** To the newest message, now and once more after layout (the bubbles' web components size late). */
  private toBottom(list: Element): void {
    list.scrollTop = list.scrollHeight;
    requestAnimationFrame(() => {
      if (this.pinned) list.scrollTop = list.scrollHeight;
    });
  }

  protected override render() {
    const model = this.model;
    if (!model) return nothing;
    const conversation = model.conversation;
    // #18: the panel's context menu (webview/context) offers "Book Appointment…" with this contact.
    const bookingContext = conversation?.contactId ? JSON.stringify({ webviewSection: 'conversation', contactId: conversation.contactId, contactName: model.contactName }) : '{}';
    return html`<div class="conversation" data-vscode-context=${bookingContext}>
      <header class="thread-header">
        ${codicon('account')}<span class="contact-name" data-testid="conversation-contact">${model.contactName}</span>
        ${conversation?.lastMessageType ? html`<span class="muted">· ${this.channelOfConversation()}</span>` : nothing}
      </header>
      <div class="thread" role="log" aria-label="Messages" data-testid="thread" @scroll=${this.onScroll}>
        ${model.hasOlder
          ? html`<div class="older">
              ${model.loadingOlder
                ? html`<vscode-progress-ring aria-label="Loading older messages"></vscode-progress-ring>`
                : html`<vscode-button secondary data-testid="load-older" icon="fold-up" @click=${this.onLoadOlder}>Older messages</vscode-button>`}
            </div>`
          : nothing}
        ${model.loading ? html`<div class="empty"><vscode-progress-ring aria-label="Loading the conversation"></vscode-progress-ring></div>` : nothing}
        ${!model.loading && model.thread.length === 0 ? html`<div class="empty muted" data-testid="thread-empty">No messages yet.</div>` : nothing}
        ${model.thread.map((b) => this.renderBubble(b))}
        ${this.newBelow
          ? html`<button class="new-messages" data-testid="new-messages" @click=${this.onNewMessages}>${codicon('arrow-down')} New messages</button>`
          : nothing}
      </div>
      <ghl-error-banner data-testid="conversation-error" .message=${model.error} @dismiss=${this.onDismissError}></ghl-error-banner>
      ${this.renderComposer()}
    </div>`;
  }

  private channelOfConversation(): string {
    const thread = this.model?.thread ?? [];
    for (let i = thread.length - 1; i >= 0; i--) if (!thread[i]!.reply) return thread[i]!.channel;
    return '';
  }

  private renderBubble(bubble: Bubble) {
    const state = bubble.reply?.state ?? 'sent';
    return html`<div
      class="bubble-row ${bubble.direction} state-${state}"
      data-testid="bubble"
      data-direction=${bubble.direction}
      data-state=${state}
      data-key=${bubble.key}
    >
      <div class="bubble">
        ${bubble.subject ? html`<div class="bubble-subject" data-testid="bubble-subject">${bubble.subject}</div>` : nothing}
        <div class="bubble-text" data-testid="bubble-text">${bubble.body || (bubble.channel === 'Call' ? 'Phone call' : '')}</div>
        ${bubble.attachments.length
          ? html`<div class="attachments">
              ${bubble.attachments.map(
                (url) =>
                  html`<button type="button" class="link-button" data-testid="attachment" title=${url} @click=${() => this.openLink?.(url)}>
                    ${codicon('file')}<span>${linkName(url)}</span>
                  </button>`,
              )}
            </div>`
          : nothing}
      </div>
      <div class="bubble-meta">
        <span>${bubble.channel}</span><span>·</span><time datetime=${new Date(bubble.at).toISOString()}>${timeFormat.format(bubble.at)}</time>
        ${state === 'pending' ? html`<span data-testid="bubble-pending">· Sending…</span>` : nothing}
        ${state === 'sent' && bubble.status ? html`<span data-testid="bubble-status">· ${bubble.status}</span>` : nothing}
        ${state === 'failed'
          ? html`<span class="failed-note" data-testid="bubble-failed">${codicon('warning')}Not sent: ${bubble.reply?.error ?? ''}</span>
              <vscode-button secondary data-testid="bubble-retry" icon="refresh" @click=${() => void this.model?.retry(bubble.reply!.clientMessageId)}
                >Retry</vscode-button
              >`
          : nothing}
      </div>
    </div>`;
  }

  private renderComposer() {
    const model = this.model!;
    if (!model.loading && model.options.length === 0) {
      return html`<div class="composer muted" data-testid="reply-none">${codicon('info')} This contact has no phone or email to reply to.</div>`;
    }
    return html`<div class="composer">
      <div class="composer-row">
        <vscode-single-select data-testid="reply-channel" label="Reply channel" title="Reply channel" @change=${this.onChannelChange}>
          ${model.options.map((o) => html`<vscode-option value=${o.type} ?selected=${o.type === model.replyType}>${o.label}</vscode-option>`)}
        </vscode-single-select>
        ${model.needsSubject
          ? html`<vscode-textfield
              class="subject"
              data-testid="reply-subject"
              placeholder="Subject"
              aria-label="Subject"
              maxlength="500"
              .value=${live(this.subject)}
              @input=${this.onSubjectInput}
            ></vscode-textfield>`
          : nothing}
      </div>
      <div class="composer-row">
        <vscode-textarea
          class="reply-input"
          data-testid="reply-input"
          rows="3"
          resize="vertical"
          aria-label="Reply"
          placeholder="Reply… (Enter to send, Shift+Enter for a new line)"
          .value=${live(this.draft)}
          @keydown=${this.onKeydown}
          @input=${this.onInput}
        ></vscode-textarea>
        <vscode-button data-testid="reply-send" icon="send" title="Send (Enter)" ?disabled=${model.loading} @click=${this.onSend}>Send</vscode-button>
      </div>
      <div class="composer-row follow-up">
        <vscode-button secondary data-testid="add-note" icon="note" title="Add a note to this contact" @click=${() => this.followUp?.('add-note')}>Add Note…</vscode-button>
        <vscode-button secondary data-testid="new-task" icon="checklist" title="A follow-up task for this contact" @click=${() => this.followUp?.('new-task')}>New Task…</vscode-button>
      </div>
    </div>`;
  }

  async send(): Promise<void> {
    const model = this.model;
    if (!model) return;
    // The elements' own values: what the user sees, whatever events they did or did not fire.
    const text = this.querySelector<HTMLElement & { value: string }>('[data-testid="reply-input"]')?.value ?? this.draft;
    const subject = this.querySelector<HTMLElement & { value: string }>('[data-testid="reply-subject"]')?.value ?? this.subject;
    const delivered = model.send(text, subject);
    // Not sent (empty, too long, no subject): the text stays in the box.
    if (!delivered) return;
    this.draft = '';
    this.save();
    await delivered;
  }

  private save(): void {
    this.persist?.({ conversationId: this.model?.conversationId, draft: this.draft, subject: this.subject });
  }

  private readonly onScroll = (event: Event) => {
    const list = event.currentTarget as HTMLElement;
    this.pinned = list.scrollHeight - list.scrollTop - list.clientHeight < STICK_TO_BOTTOM_PX;
    if (this.pinned && this.newBelow) this.newBelow = false;
    // Only a user scrolled up to the top asks for older ones: at the bottom (a short thread) the button does.
    if (!this.pinned && list.scrollTop < LOAD_OLDER_AT_PX) void this.model?.loadOlder();
  };

  private readonly onNewMessages = () => {
    const list = this.querySelector('.thread');
    this.pinned = true;
    this.newBelow = false;
    if (list) this.toBottom(list);
  };

  private readonly onLoadOlder = () => void this.model?.loadOlder();

  private readonly onChannelChange = (event: Event) => this.model?.setReplyType(inputValue(event));

  private readonly onKeydown = sendOnEnter(() => this.send());

  private readonly onInput = (event: Event) => {
    this.draft = inputValue(event);
    this.save();
  };

  private readonly onSubjectInput = (event: Event) => {
    this.subject = inputValue(event);
    this.save();
  };

  private readonly onSend = () => void this.send();
  private readonly onDismissError = () => this.model?.dismissError();
}

customElements.define('ghl-conversation', ConversationView);

declare global {
  interface HTMLElementTagNameMap {
    'ghl-conversation': ConversationView;
  }
}
