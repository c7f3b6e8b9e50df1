import type { EXT_GHL_IPC } from '../../protocol/channels';
import type { LAST_MESSAGE_TYPES, RequestInput } from '../../protocol/requests';
import type { Conversation } from '../../protocol/responses';

export type LastMessageType = (typeof LAST_MESSAGE_TYPES)[number];

/** What the Conversations view shows. */
export type InboxFilter =
  | { kind: 'all' }
  | { kind: 'unread' }
  | { kind: 'starred' }
  | { kind: 'mine' }
  | { kind: 'channel'; lastMessageType: LastMessageType };

/** The channels the filter offers, as GHL names a conversation's last message. */
export const FILTER_CHANNELS: ReadonlyArray<{ type: LastMessageType; label: string; icon: string }> = [
  { type: 'TYPE_SMS', label: 'SMS', icon: 'comment' },
  { type: 'TYPE_EMAIL', label: 'Email', icon: 'mail' },
  { type: 'TYPE_CALL', label: 'Calls', icon: 'call-incoming' },
  { type: 'TYPE_WHATSAPP', label: 'WhatsApp', icon: 'comment-discussion' },
  { type: 'TYPE_FACEBOOK', label: 'Facebook', icon: 'comment-discussion' },
  { type: 'TYPE_INSTAGRAM', label: 'Instagram', icon: 'comment-discussion' },
  { type: 'TYPE_LIVE_CHAT', label: 'Live chat', icon: 'comment-discussion' },
  { type: 'TYPE_GMB', label: 'Google Business', icon: 'comment-discussion' },
];

export const DEFAULT_FILTER: InboxFilter = { kind: 'all' };

type ListInput = RequestInput<typeof EXT_GHL_IPC.CONVS_LIST>;

/** The convs-list filter for it; `mine` needs the user's GHL id (the setting ghl.inbox.userId). */
export function listFilter(filter: InboxFilter, userId: string | null): Pick<ListInput, 'status' | 'lastMessageType' | 'assignedTo'> {
  switch (filter.kind) {
    case 'all':
      return {};
    case 'unread':
      return { status: 'unread' };
    case 'starred':
      return { status: 'starred' };
    case 'mine':
      return userId ? { assignedTo: userId } : {};
    case 'channel':
      return { lastMessageType: filter.lastMessageType };
  }
}

export function filterLabel(filter: InboxFilter): string {
  switch (filter.kind) {
    case 'all':
      return 'All';
    case 'unread':
      return 'Unread';
    case 'starred':
      return 'Starred';
    case 'mine':
      return 'Assigned to me';
    case 'channel':
      return FILTER_CHANNELS.find((c) => c.type === filter.lastMessageType)?.label ?? filter.lastMessageType;
  }
}

/** What the view says when the filter has no conversations. */
export function emptyMessage(filter: InboxFilter): string {
  switch (filter.kind) {
    case 'all':
      return 'No conversations yet.';
    case 'unread':
      return 'No unread conversations. You are all caught up.';
    case 'starred':
      return 'No starred conversations.';
    case 'mine':
      return 'No conversations are assigned to you.';
    case 'channel':
      return `No ${filterLabel(filter)} conversations.`;
  }
}

/** Does a conversation (one the poll saw change) belong in the view under this filter? */
export function matchesFilter(conversation: Conversation, filter: InboxFilter, userId: string | null): boolean {
  switch (filter.kind) {
    case 'all':
      return true;
    case 'unread':
      return (conversation.unreadCount ?? 0) > 0;
    case 'starred':
      return conversation.starred === true;
    case 'mine':
      return userId !== null && conversation.assignedTo === userId;
    case 'channel':
      return conversation.lastMessageType === filter.lastMessageType;
  }
}

/** A filter named by a command argument: unread, all, starred, mine, or a channel's type (TYPE_SMS). */
export function filterFromArgument(value: unknown): InboxFilter | undefined {
  if (value === 'all' || value === 'unread' || value === 'starred' || value === 'mine') return { kind: value };
  const channel = FILTER_CHANNELS.find((c) => c.type === value);
  return channel ? { kind: 'channel', lastMessageType: channel.type } : undefined;
}

/** A filter read back from storage (anything else falls back to the default). */
export function parseFilter(value: unknown): InboxFilter {
  if (typeof value !== 'object' || value === null) return DEFAULT_FILTER;
  const { kind, lastMessageType } = value as Record<string, unknown>;
  if (kind === 'all' || kind === 'unread' || kind === 'starred' || kind === 'mine') return { kind };
  if (kind === 'channel' && FILTER_CHANNELS.some((c) => c.type === lastMessageType)) return { kind, lastMessageType: lastMessageType as LastMessageType };
  return DEFAULT_FILTER;
}

/** The codicon of a conversation's channel. */
export function channelIcon(lastMessageType: string | undefined): string {
  if (!lastMessageType) return 'comment-discussion';
  if (lastMessageType.includes('EMAIL')) return 'mail';
  if (lastMessageType.includes('CALL') || lastMessageType.includes('VOICEMAIL')) return 'call-incoming';
  if (lastMessageType.includes('SMS')) return 'comment';
  return 'comment-discussion';
}
