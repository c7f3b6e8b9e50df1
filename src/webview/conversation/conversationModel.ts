/**
 * Everything one conversation panel knows and does, without a DOM: the conversation, the
 * contact's reachable channels, the thread (oldest first, older pages on demand), the reply
 * channel and the replies this page sent (pending → sent | failed, Retry with the same
 * clientMessageId so GHL never gets a message twice). The element renders it and calls its
 * methods; it tells its listeners after every change.
 */
import { EXT_GHL_IPC as C } from '../../protocol/channels';
import type { Contact } from '../../protocol/entities';
import { requiredContactField, type MessageType } from '../../inbox/channels';
import type { Conversation, Message } from '../../protocol/responses';
import type { HostIpc } from '../shared/ipc';
import { ObservableModel } from '../shared/observableModel';

export type { MessageType };
export type ConversationIpc = Pick<HostIpc, 'request' | 'onPush'>;

/** Messages asked for per page (the newest page and each older one). */
export const PAGE_SIZE = 30;
export const MAX_MESSAGE_LENGTH = 10_000;

export type ReplyState = 'pending' | 'sent' | 'failed';

/** A reply this page sent, as it was sent: a retry sends exactly this again. */
export interface OutgoingReply {
  clientMessageId: string;
  type: MessageType;
  message: string;
  subject?: string;
  state: ReplyState;
  error?: string;
}

/** One bubble of the thread. Every text field is CRM text: rendered as text only. */
export interface Bubble {
  /** Stable key: the GHL message id, or `local:<clientMessageId>` until GHL gave one. */
  key: string;
  messageId?: string;
  direction: 'inbound' | 'outbound';
  /** Plain text (an HTML email body is reduced to its text). */
  body: string;
  subject?: string;
  /** "SMS", "Email", … */
  channel: string;
  at: number;
  /** GHL's delivery status (delivered, read, failed, …). */
  status?: string;
  /** https links only: anything else is dropped. */
  attachments: string[];
  /** Set on the replies this page sent. */
  reply?: OutgoingReply;
}

export interface ChannelOption {
  type: MessageType;
  label: string;
}

export interface ConversationModelOptions {
  conversationId: string;
  /** TYPE_SMS → "SMS" (the core's channelLabel). */
  channelLabel(lastMessageType: string | undefined): string;
  /** The convs-send type that answers on a conversation's channel (the core's replyTypeFor). */
  replyTypeFor(lastMessageType: string | undefined): MessageType | null;
  /** An HTML body as inert plain text (DOMParser in the page). */
  htmlToText(html: string): string;
  /** A fresh clientMessageId. */
  newId(): string;
  now?(): number;
}

const LABELS: Record<MessageType, string> = {
  SMS: 'SMS',
  RCS: 'RCS',
  Email: 'Email',
  WhatsApp: 'WhatsApp',
  IG: 'Instagram',
  FB: 'Facebook',
  Custom: 'Custom',
  Live_Chat: 'Live chat',
  TIKTOK: 'TikTok',
};

/** The channels the reply box offers besides the conversation's own, when the contact can be reached on them. */
const OFFERED: readonly MessageType[] = ['SMS', 'WhatsApp', 'Email'];

export function replyTypeLabel(type: MessageType): string {
  return LABELS[type];
}

/**
 * What the reply box offers: the conversation's own channel first, then SMS and WhatsApp
 * with a phone and Email with an email. A channel that needs neither (Facebook, Instagram,
 * live chat …) reaches the contact through the conversation itself.
 */
export function channelOptions(contact: { phone?: string | null; email?: string | null }, conversationType: MessageType | null): ChannelOption[] {
  const reachable = (type: MessageType) => {
    const field: 'phone' | 'email' | null = requiredContactField(type);
    return field === null || Boolean(contact[field]);
  };
  const types = [...new Set([...(conversationType ? [conversationType] : []), ...OFFERED])].filter(reachable);
  return types.map((type) => ({ type, label: LABELS[type] }));
}

/** Only https links are shown (and opened by the host, never loaded into the page). */
export function httpsLinks(values: unknown): string[] {
  if (!Array.isArray(values)) return [];
  return values.filter((v): v is string => {
    if (typeof v !== 'string' || v.length > 2048) return false;
    try {
      return new URL(v).protocol === 'https:';
    } catch {
      return false;
    }
  });
}

/**
 * An email body GHL holds as HTML. Anything else (an SMS, a chat message) is what the lead
 * typed, tags and all, and is shown exactly so.
 */
function isHtmlBody(message: Message): boolean {
  const contentType = typeof message.contentType === 'string' ? message.contentType.toLowerCase() : '';
  if (contentType.includes('html')) return true;
  return (message.messageType ?? '').includes('EMAIL') && /<\/?[a-z][^>]*>/i.test(message.body ?? '');
}

function timeOf(message: Message, fallback: number): number {
  const at = message.dateAdded ? Date.parse(message.dateAdded) : NaN;
  return Number.isFinite(at) ? at : fallback;
}

/**
 * Adds GHL's messages to the thread: one bubble per message id (the newer copy wins), a
 * reply of ours that GHL now lists under its id keeps its reply state, oldest first.
 */
export function mergeThread(thread: readonly Bubble[], incoming: readonly Bubble[]): Bubble[] {
  const byKey = new Map(thread.map((b) => [b.key, b]));
  for (const bubble of incoming) {
    const earlier = byKey.get(bubble.key);
    byKey.set(bubble.key, earlier?.reply ? { ...bubble, reply: earlier.reply } : bubble);
  }
  // Pending and failed replies have no GHL time yet: they stay last, in the order they were written.
  const settled = [...byKey.values()].filter((b) => !b.reply || b.reply.state === 'sent');
  const unsettled = [...byKey.values()].filter((b) => b.reply && b.reply.state !== 'sent');
  settled.sort((a, b) => a.at - b.at || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return [...settled, ...unsettled];
}

export class ConversationModel extends ObservableModel {
  conversation: Conversation | null = null;
  contactName = '';
  thread: Bubble[] = [];
  options: ChannelOption[] = [];
  replyType: MessageType | null = null;
  loading = true;
  loadingOlder = false;
  hasOlder = false;
  error = '';
  private olderCursor: string | null = null;
  private readonly unsubscribe: Array<() => void> = [];
  private readonly now: () => number;

  constructor(
    private readonly ipc: ConversationIpc,
    private readonly opts: ConversationModelOptions,
  ) {
    super();
    this.now = opts.now ?? Date.now;
  }

  get conversationId(): string {
    return this.opts.conversationId;
  }

  /** Does the chosen channel take a subject (Email)? */
  get needsSubject(): boolean {
    return this.replyType === 'Email';
  }


  /** Loads the conversation, the contact's channels and the newest messages. */
  async start(): Promise<void> {
    this.unsubscribe.push(
      // The poller saw something new here (or another view sent a reply): read the newest page again.
      this.ipc.onPush('host:conversation-changed', ({ conversationId }) => {
        if (conversationId === this.conversationId) void this.refresh();
      }),
    );
    this.loading = true;
    this.changed();
    const [conversation, page] = await Promise.all([
      this.ipc.request(C.CONVS_GET, { id: this.conversationId }),
      this.ipc.request(C.CONVS_MESSAGES, { conversationId: this.conversationId, limit: PAGE_SIZE }),
    ]);
    if (!conversation.success) {
      this.loading = false;
      this.error = conversation.error.message;
      this.changed();
      return;
    }
    this.conversation = conversation.data;
    this.contactName = conversation.data.contactName || conversation.data.fullName || conversation.data.email || conversation.data.phone || 'Conversation';
    const contact = await this.ipc.request(C.CONTACTS_GET, { id: conversation.data.contactId });
    // Not cached yet (a lead newer than the last sync): the conversation carries the phone and email too.
    const reach = contact.success ? contactReach(contact.data, conversation.data) : { phone: conversation.data.phone, email: conversation.data.email };
    if (contact.success) this.contactName = contactDisplayName(contact.data) || this.contactName;
    const preferred = this.opts.replyTypeFor(conversation.data.lastMessageType);
    this.options = channelOptions(reach, preferred);
    this.replyType = this.options.find((o) => o.type === preferred)?.type ?? this.options[0]?.type ?? null;
    this.loading = false;
    if (page.success) this.applyPage(page.data, 'newest');
    else this.error = page.error.message;
    this.changed();
  }

  dispose(): void {
    for (const off of this.unsubscribe.splice(0)) off();
    this.forgetListeners();
  }

  /** The newest page again, merged into what is shown (new messages appear, nothing doubles). */
  async refresh(): Promise<void> {
    const page = await this.ipc.request(C.CONVS_MESSAGES, { conversationId: this.conversationId, limit: PAGE_SIZE });
    if (!page.success) {
      this.error = page.error.message;
      this.changed();
      return;
    }
    this.applyPage(page.data, 'refresh');
    this.changed();
  }

  /** The page before the oldest shown (scrolling up). */
  async loadOlder(): Promise<void> {
    if (!this.hasOlder || this.loadingOlder || !this.olderCursor) return;
    this.loadingOlder = true;
    this.changed();
    const page = await this.ipc.request(C.CONVS_MESSAGES, { conversationId: this.conversationId, limit: PAGE_SIZE, lastMessageId: this.olderCursor });
    this.loadingOlder = false;
    if (!page.success) this.error = page.error.message;
    else this.applyPage(page.data, 'older');
    this.changed();
  }

  private applyPage(page: { items: Message[]; lastMessageId: string | null; nextPage: boolean }, which: 'newest' | 'older' | 'refresh'): void {
    this.thread = mergeThread(this.thread, page.items.map((m) => this.toBubble(m)));
    // A refresh reads the newest page only: it says nothing about how far back the thread goes.
    if (which === 'refresh') return;
    this.olderCursor = page.lastMessageId;
    this.hasOlder = page.nextPage && page.lastMessageId !== null;
  }

  private toBubble(message: Message): Bubble {
    const body = message.body ?? '';
    return {
      key: message.id,
      messageId: message.id,
      direction: message.direction === 'outbound' ? 'outbound' : 'inbound',
      body: isHtmlBody(message) ? this.opts.htmlToText(body) : body,
      ...(message.subject ? { subject: message.subject } : {}),
      channel: this.opts.channelLabel(message.messageType),
      at: timeOf(message, this.now()),
      ...(message.status ? { status: message.status } : {}),
      attachments: httpsLinks(message.attachments),
    };
  }

  setReplyType(type: string): void {
    const option = this.options.find((o) => o.type === type);
    if (!option || option.type === this.replyType) return;
    this.replyType = option.type;
    this.changed();
  }

  /**
   * Sends a reply on the chosen channel: its bubble shows at once (pending) and the returned
   * promise settles once GHL answered. Null (and `error` says why) when nothing was sent:
   * an empty, too long or incomplete reply.
   */
  send(text: string, subject = ''): Promise<void> | null {
    const message = text.trim();
    if (!message) return null;
    const refuse = (why: string) => {
      this.error = why;
      this.changed();
      return null;
    };
    if (!this.replyType) return refuse('This contact has no phone or email to reply to.');
    if (message.length > MAX_MESSAGE_LENGTH) return refuse(`That message is too long (${message.length} characters; the limit is ${MAX_MESSAGE_LENGTH}).`);
    if (this.replyType === 'Email' && !subject.trim()) return refuse('An email needs a subject.');
    this.error = '';
    const reply: OutgoingReply = {
      clientMessageId: this.opts.newId(),
      type: this.replyType,
      message,
      ...(this.replyType === 'Email' ? { subject: subject.trim() } : {}),
      state: 'pending',
    };
    const bubble: Bubble = {
      key: `local:${reply.clientMessageId}`,
      direction: 'outbound',
      body: message,
      ...(reply.subject ? { subject: reply.subject } : {}),
      channel: LABELS[reply.type],
      at: this.now(),
      attachments: [],
      reply,
    };
    this.thread = [...this.thread, bubble];
    this.changed();
    return this.deliver(reply);
  }

  /** Sends a failed reply again, with the same clientMessageId. */
  async retry(clientMessageId: string): Promise<void> {
    const bubble = this.thread.find((b) => b.reply?.clientMessageId === clientMessageId);
    if (!bubble?.reply || bubble.reply.state !== 'failed') return;
    await this.deliver(bubble.reply);
  }

  private async deliver(reply: OutgoingReply): Promise<void> {
    this.updateReply(reply.clientMessageId, { state: 'pending', error: undefined });
    const res = await this.ipc.request(C.CONVS_SEND, {
      conversationId: this.conversationId,
      type: reply.type,
      message: reply.message,
      ...(reply.subject !== undefined ? { subject: reply.subject } : {}),
      clientMessageId: reply.clientMessageId,
    });
    if (!res.success) {
      this.updateReply(reply.clientMessageId, { state: 'failed', error: res.error.message });
      return;
    }
    this.updateReply(reply.clientMessageId, { state: 'sent' }, res.data.messageId);
  }

  private updateReply(clientMessageId: string, patch: Partial<OutgoingReply>, messageId?: string): void {
    this.thread = this.thread.map((b) => {
      if (b.reply?.clientMessageId !== clientMessageId) return b;
      const reply = { ...b.reply, ...patch };
      if (reply.error === undefined) delete reply.error;
      // Under GHL's id from now on, so the next page from GHL replaces it instead of doubling it.
      return messageId ? { ...b, key: messageId, messageId, reply } : { ...b, reply };
    });
    if (messageId) this.thread = mergeThread(this.thread, []);
    this.changed();
  }

  dismissError(): void {
    this.error = '';
    this.changed();
  }
}

function contactDisplayName(contact: Contact): string {
  return contact.name?.trim() || [contact.firstName, contact.lastName].filter(Boolean).join(' ') || contact.email || contact.phone || '';
}

function contactReach(contact: Contact, conversation: Conversation): { phone?: string | null; email?: string | null } {
  return { phone: contact.phone ?? conversation.phone, email: contact.email ?? conversation.email };
}
