import * as vscode from 'vscode';
import { channelLabel, firstLine } from '../../inbox';
import { EXT_GHL_IPC } from '../../protocol/channels';
import type { Contact } from '../../protocol/entities';
import type { Conversation } from '../../protocol/responses';
import type { BackendHost } from '../backendHost';
import { ContactNode, contactLabel } from '../contactsTree';
import { ConversationNode, conversationName } from '../inbox/conversationsTree';
import { FILTER_CHANNELS, filterFromArgument, filterLabel, type InboxFilter } from '../inbox/inboxFilter';
import { SETTING_USER_ID, type InboxController } from '../inbox/inboxController';
import { formatAgo } from '../statusBar';
import { guarded, type CommandDeps } from './deps';
import { COMMANDS, type CommandTable } from './ids';
import { pickContact } from './pickers';

type InboxCommands = Pick<
  CommandTable,
  | 'ghl.showConversations'
  | 'ghl.openConversation'
  | 'ghl.replyToConversation'
  | 'ghl.markConversationRead'
  | 'ghl.starConversation'
  | 'ghl.unstarConversation'
  | 'ghl.showConversationContact'
  | 'ghl.filterConversations'
  | 'ghl.conversations.loadMore'
  | 'ghl.chooseInboxUser'
  | 'ghl.checkForNewMessages'
>;

const ID_PATTERN = /^[A-Za-z0-9_-]{1,200}$/;

/** The conversation a command was given (a row, an id from a keybinding or another extension), or one the user picks. */
async function conversationOf(host: BackendHost, inbox: InboxController, target: unknown): Promise<Conversation | undefined> {
  if (target instanceof ConversationNode) return inbox.tree.find(target.conversation.id) ?? target.conversation;
  if (typeof target === 'string' && ID_PATTERN.test(target)) return inbox.tree.find(target) ?? (await host.call(EXT_GHL_IPC.CONVS_GET, { id: target }));
  return pickConversation(inbox.tree.conversations, 'Pick a conversation');
}

async function pickConversation(conversations: readonly Conversation[], placeHolder: string): Promise<Conversation | undefined> {
  const picked = await vscode.window.showQuickPick(
    conversations.map((c) => ({
      label: conversationName(c),
      description: [(c.unreadCount ?? 0) > 0 ? `${c.unreadCount} unread` : '', channelLabel(c.lastMessageType), c.lastMessageDate ? formatAgo(Date.now() - c.lastMessageDate) : '']
        .filter(Boolean)
        .join(' · '),
      detail: firstLine(c.lastMessageBody, 100) || undefined,
      conversation: c,
    })),
    { placeHolder, matchOnDescription: true, matchOnDetail: true },
  );
  return picked?.conversation;
}

/** The filter quick pick; "Assigned to me" asks for the user's GHL user first when it is not set. */
async function chooseFilter(inbox: InboxController): Promise<InboxFilter | undefined> {
  type Item = vscode.QuickPickItem & { filter?: InboxFilter };
  const current = filterLabel(inbox.tree.filter);
  const item = (filter: InboxFilter, icon: string): Item => ({
    label: `$(${icon}) ${filterLabel(filter)}`,
    filter,
    ...(filterLabel(filter) === current ? { description: 'current' } : {}),
  });
  const items: Item[] = [
    item({ kind: 'unread' }, 'circle-filled'),
    item({ kind: 'all' }, 'inbox'),
    item({ kind: 'starred' }, 'star-full'),
    item({ kind: 'mine' }, 'account'),
    { label: 'Channel', kind: vscode.QuickPickItemKind.Separator },
    ...FILTER_CHANNELS.map((c) => item({ kind: 'channel', lastMessageType: c.type }, c.icon)),
  ];
  const picked = await vscode.window.showQuickPick(items, { title: 'Show conversations', placeHolder: `Now: ${current}` });
  return picked?.filter;
}

/** The Conversations view, the conversation panel and the inbox's checks. */
export function inboxCommands({ host, logger, inbox }: CommandDeps): InboxCommands {
  const chooseUser = async (): Promise<string | undefined> => {
    const { items } = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Loading GHL users…' }, () =>
      host.call(EXT_GHL_IPC.USERS_LIST, {}),
    );
    if (items.length === 0) {
      void vscode.window.showWarningMessage('GoHighLevel lists no users for this location.');
      return undefined;
    }
    const picked = await vscode.window.showQuickPick(
      items.map((u) => ({ label: u.name, description: u.email ?? '', detail: u.id === inbox.userId ? 'current' : undefined, user: u })),
      { title: 'Choose your GHL user', placeHolder: '"Assigned to me" shows the conversations assigned to this user' },
    );
    if (!picked) return undefined;
    await vscode.workspace.getConfiguration().update(SETTING_USER_ID, picked.user.id, vscode.ConfigurationTarget.Global);
    return picked.user.id;
  };
  return {
    // "Show Conversations" on a contact: that contact's conversations, in the panel.
    [COMMANDS.showConversations]: guarded('Loading conversations', logger, async (node?: unknown) => {
      const contact = await pickContact(host, node);
      if (!contact) return;
      const { items } = await host.call(EXT_GHL_IPC.CONVS_LIST, { contactId: contact.id, limit: 50 });
      if (items.length === 0) {
        void vscode.window.showInformationMessage(`No conversations with ${contactLabel(contact)} yet.`);
        return;
      }
      const conversation = items.length === 1 ? items[0] : await pickConversation(items, `Conversations with ${contactLabel(contact)}`);
      if (conversation) await inbox.open(conversation.id, { contactName: contactLabel(contact) });
    }),
    [COMMANDS.openConversation]: guarded('Opening the conversation', logger, async (target?: unknown) => {
      const conversation = await conversationOf(host, inbox, target);
      if (conversation) await inbox.open(conversation.id, { contactName: conversationName(conversation) });
    }),
    [COMMANDS.replyToConversation]: guarded('Opening the conversation', logger, async (target?: unknown) => {
      const conversation = await conversationOf(host, inbox, target);
      if (conversation) await inbox.open(conversation.id, { contactName: conversationName(conversation), focusReply: true });
    }),
    [COMMANDS.markConversationRead]: guarded('Marking the conversation read', logger, async (target?: unknown) => {
      const conversation = await conversationOf(host, inbox, target);
      if (conversation) await inbox.markRead(conversation.id, conversation.lastMessageDate);
    }),
    [COMMANDS.starConversation]: guarded('Starring the conversation', logger, async (target?: unknown) => {
      const conversation = await conversationOf(host, inbox, target);
      if (conversation) await inbox.setStarred(conversation.id, true);
    }),
    [COMMANDS.unstarConversation]: guarded('Unstarring the conversation', logger, async (target?: unknown) => {
      const conversation = await conversationOf(host, inbox, target);
      if (conversation) await inbox.setStarred(conversation.id, false);
    }),
    [COMMANDS.showConversationContact]: guarded('Showing the contact', logger, async (target?: unknown) => {
      const conversation = await conversationOf(host, inbox, target);
      if (!conversation) return;
      const contact: Contact = await host.call(EXT_GHL_IPC.CONTACTS_GET, { id: conversation.contactId });
      await vscode.commands.executeCommand(COMMANDS.showContact, new ContactNode(contact));
    }),
    [COMMANDS.filterConversations]: guarded('Filtering conversations', logger, async (argument?: unknown) => {
      const filter = filterFromArgument(argument) ?? (await chooseFilter(inbox));
      if (!filter) return;
      if (filter.kind === 'mine' && !inbox.userId && !(await chooseUser())) return;
      await inbox.setFilter(filter);
    }),
    [COMMANDS.loadMoreConversations]: () => inbox.tree.loadMore(),
    [COMMANDS.chooseInboxUser]: guarded('Choosing your GHL user', logger, () => chooseUser()),
    [COMMANDS.checkForNewMessages]: guarded('Checking for new messages', logger, () => inbox.checkNow()),
  };
}
