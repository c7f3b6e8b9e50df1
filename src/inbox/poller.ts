import type { Envelope } from '../protocol/envelope';
import type { Conversation, ConversationPoll } from '../protocol/responses';
import { channelLabel } from './channels';
import { firstLine, previewLine } from './preview';

/** A lead just wrote: what the notification says and where Reply / Open go. */
export interface InboxAlert {
  conversationId: string;
  contactId: string;
  contactName: string;
  /** The conversation's lastMessageType, e.g. TYPE_SMS. */
  channel: string;
  /** "SMS", "Email", … */
  channelLabel: string;
  /** The first line of the last message, at most 120 characters, as plain text. */
  preview: string;
  /** When the message arrived (GHL's lastMessageDate), epoch ms. */
  at: number;
}

export interface InboxPollOutcome {
  status: 'checked' | 'skipped' | 'failed';
  /** Unread conversations in the location; null when this poll learned nothing. */
  unreadConversations: number | null;
  alerts: InboxAlert[];
  /** Unread conversations whose last message is newer than the previous poll's newest. */
  changed: Conversation[];
  /** Every conversation that is unread now, when this poll learned them all (else null). */
  unreadNow: ReadonlySet<string> | null;
  error?: { kind: string; message: string };
}

export interface InboxPollerDeps {
  /** convs-poll through the host; `since` is the newest lastMessageDate of the previous polls. */
  poll: (input: { since?: number }) => Promise<Envelope<ConversationPoll>>;
}

interface Seen {
  lastMessageDate: number;
  unreadCount: number;
}

/**
 * Decides which polled conversations deserve a notification. The VS Code layer owns the timer
 * and the notifications; this owns the memory of what the user was already told or has seen,
 * so that every inbound message is announced once and nothing the user looked at is announced.
 */
export class InboxPoller {
  private readonly seen = new Map<string, Seen>();
  /** The newest lastMessageDate any poll returned: GHL's clock, never ours. */
  private since: number | undefined;
  private baselined = false;
  private failures = 0;

  constructor(private readonly deps: InboxPollerDeps) {}

  /** Polls in a row that failed (0 after a success or a skip); the timer backs off on it. */
  get consecutiveFailures(): number {
    return this.failures;
  }

  /** First call sets the baseline: no alerts for what was unread before the extension looked. */
  async pollOnce(): Promise<InboxPollOutcome> {
    let envelope: Envelope<ConversationPoll>;
    try {
      envelope = await this.deps.poll(this.since === undefined ? {} : { since: this.since });
    } catch (err) {
      // The channel answers envelopes; a transport that throws (worker gone) is a failed poll too.
      envelope = { success: false, error: { code: 'INTERNAL', message: err instanceof Error ? err.message : String(err) } };
    }
    if (!envelope.success) {
      this.failures++;
      return {
        status: 'failed',
        unreadConversations: null,
        alerts: [],
        changed: [],
        unreadNow: null,
        error: { kind: envelope.error.code, message: envelope.error.message },
      };
    }
    this.failures = 0;
    const poll = envelope.data;
    if (poll.status === 'skipped') return { status: 'skipped', unreadConversations: null, alerts: [], changed: [], unreadNow: null };

    const alerts: InboxAlert[] = [];
    for (const conversation of poll.changed) {
      const alert = this.consider(conversation);
      // One alert per conversation per poll, whatever GHL repeats in one answer.
      if (alert && this.baselined && !alerts.some((a) => a.conversationId === alert.conversationId)) alerts.push(alert);
      const date = conversation.lastMessageDate;
      if (typeof date === 'number' && (this.since === undefined || date > this.since)) this.since = date;
    }
    this.baselined = true;
    const unreadNow = poll.unreadIdsComplete ? new Set(poll.unreadIds) : null;
    // Read elsewhere: its next message from the lead is a rise from zero again.
    if (unreadNow) for (const [id, seen] of this.seen) if (!unreadNow.has(id)) seen.unreadCount = 0;
    return { status: 'checked', unreadConversations: poll.unreadConversations, alerts, changed: poll.changed, unreadNow };
  }

  /** The user looked at this conversation (panel opened / marked read): no alert for what is already there. */
  markSeen(conversationId: string, lastMessageDate: number): void {
    const known = this.seen.get(conversationId);
    this.seen.set(conversationId, { lastMessageDate: Math.max(known?.lastMessageDate ?? 0, lastMessageDate), unreadCount: 0 });
  }

  /** Records the conversation as seen and answers the alert it deserves, if any. */
  private consider(conversation: Conversation): InboxAlert | null {
    const date = conversation.lastMessageDate;
    if (typeof date !== 'number') return null;
    const unread = conversation.unreadCount ?? 0;
    const known = this.seen.get(conversation.id);
    if (known && date <= known.lastMessageDate) {
      known.unreadCount = unread;
      return null;
    }
    this.seen.set(conversation.id, { lastMessageDate: date, unreadCount: unread });
    const inbound =
      conversation.lastMessageDirection === 'inbound' ||
      // GHL left the direction out: only a lead's message raises the unread count.
      (conversation.lastMessageDirection === undefined && unread > (known?.unreadCount ?? 0));
    if (!inbound) return null;
    return {
      conversationId: conversation.id,
      contactId: conversation.contactId,
      contactName: contactName(conversation),
      channel: conversation.lastMessageType ?? '',
      channelLabel: channelLabel(conversation.lastMessageType),
      preview: previewLine(conversation.lastMessageBody),
      at: date,
    };
  }
}

function contactName(c: Conversation): string {
  for (const name of [c.fullName, c.contactName, c.email, c.phone]) {
    const line = firstLine(name, 80);
    if (line) return line;
  }
  return 'Unknown contact';
}
