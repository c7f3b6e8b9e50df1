import * as vscode from 'vscode';
import { firstLine } from '../../inbox';
import { EXT_GHL_IPC } from '../../protocol/channels';
import type { Conversation } from '../../protocol/responses';
import type { BackendHost } from '../backendHost';
import { Disposable } from '../lifecycle';
import { formatAgo } from '../statusBar';
import { channelIcon, emptyMessage, filterLabel, listFilter, matchesFilter, type InboxFilter } from './inboxFilter';
import { conversationUri } from './unreadDecorations';

/** Conversations per "Load more…" (each page is one GET /conversations/search). */
export const CONVERSATIONS_PAGE_SIZE = 25;
const PREVIEW_LENGTH = 80;

export class ConversationNode {
  constructor(readonly conversation: Conversation) {}
}

export class LoadMoreConversationsNode {}

type Node = ConversationNode | LoadMoreConversationsNode;

export function conversationName(conversation: Conversation): string {
  return conversation.contactName?.trim() || conversation.fullName?.trim() || conversation.email || conversation.phone || '(no name)';
}

/**
 * The Conversations view: GHL's conversations newest first (live, not cached), page by page
 * with "Load more…", under a filter (all, unread, starred, a channel, assigned to me). Rows
 * the inbox poll saw change move to the top; opening or marking one read clears its mark.
 */
export class ConversationsTreeProvider extends Disposable implements vscode.TreeDataProvider<Node> {
  private readonly changed = this._register(new vscode.EventEmitter<Node | undefined>());
  readonly onDidChangeTreeData = this.changed.event;
  private loaded: Conversation[] = [];
  private nextStartAfterDate: number | null = null;
  private complete = false;
  private pages = 1;
  /** Bumped by every refresh: answers to an older generation are dropped. */
  private generation = 0;
  private loading: Promise<void> | undefined;
  private view: vscode.TreeView<Node> | undefined;
  private lastError: string | undefined;

  constructor(
    private readonly host: BackendHost,
    private filterValue: InboxFilter,
    private userId: () => string | null,
    /** VS Code asks for rows only while the view is visible: the inbox's first look waits for that. */
    private readonly onShown: () => void = () => undefined,
  ) {
    super();
  }

  attach(view: vscode.TreeView<Node>): void {
    this.view = view;
    view.description = filterLabel(this.filterValue);
  }

  get filter(): InboxFilter {
    return this.filterValue;
  }

  get conversations(): readonly Conversation[] {
    return this.loaded;
  }

  find(conversationId: string): Conversation | undefined {
    return this.loaded.find((c) => c.id === conversationId);
  }

  setFilter(filter: InboxFilter): void {
    this.filterValue = filter;
    if (this.view) this.view.description = filterLabel(filter);
    this.pages = 1;
    this.refresh();
  }

  /** Reads the conversations again from GHL, as many pages as were shown. */
  refresh(): void {
    this.generation++;
    this.loaded = [];
    this.nextStartAfterDate = null;
    this.complete = false;
    this.loading = undefined;
    this.changed.fire(undefined);
  }

  loadMore(): void {
    this.pages = Math.max(this.pages, Math.ceil(this.loaded.length / CONVERSATIONS_PAGE_SIZE)) + 1;
    this.changed.fire(undefined);
  }

  /** Conversations the poll saw change: the newer copy replaces the row, and moves it to the top. */
  mergeChanged(changed: readonly Conversation[]): void {
    if (changed.length === 0) return;
    const ids = new Set(changed.map((c) => c.id));
    const kept = this.loaded.filter((c) => !ids.has(c.id));
    const fresh = changed.filter((c) => matchesFilter(c, this.filterValue, this.userId()));
    this.loaded = mergeNewestFirst(kept, fresh);
    this.changed.fire(undefined);
  }

  /** Clears the unread mark of every row not in `unread`, in one redraw; answers their ids. */
  markReadExcept(unread: ReadonlySet<string>): string[] {
    const cleared: string[] = [];
    this.loaded = this.loaded.map((c) => {
      if ((c.unreadCount ?? 0) === 0 || unread.has(c.id)) return c;
      cleared.push(c.id);
      return { ...c, unreadCount: 0 };
    });
    if (cleared.length > 0) this.changed.fire(undefined);
    return cleared;
  }

  /** Changes one row in place (read, starred) without asking GHL. */
  patch(conversationId: string, patch: Partial<Conversation>): void {
    const index = this.loaded.findIndex((c) => c.id === conversationId);
    if (index < 0) return;
    this.loaded[index] = { ...this.loaded[index]!, ...patch };
    this.changed.fire(undefined);
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if (node instanceof LoadMoreConversationsNode) {
      const item = new vscode.TreeItem('Load more…');
      item.command = { command: 'ghl.conversations.loadMore', title: 'Load more conversations' };
      item.iconPath = new vscode.ThemeIcon('ellipsis');
      item.contextValue = 'loadMore';
      return item;
    }
    const { conversation } = node;
    const name = conversationName(conversation);
    const unread = conversation.unreadCount ?? 0;
    // A highlighted label stands out like an unread mail; the badge (UnreadDecorations) says how many.
    const item = new vscode.TreeItem(unread > 0 ? { label: name, highlights: [[0, name.length]] } : name, vscode.TreeItemCollapsibleState.None);
    item.id = `conversation:${conversation.id}`;
    item.resourceUri = conversationUri(conversation.id, unread);
    const preview = firstLine(conversation.lastMessageBody, PREVIEW_LENGTH);
    const age = conversation.lastMessageDate ? formatAgo(Date.now() - conversation.lastMessageDate) : '';
    item.description = [preview, age].filter(Boolean).join(' · ');
    item.iconPath = new vscode.ThemeIcon(
      conversation.starred ? 'star-full' : channelIcon(conversation.lastMessageType),
      unread > 0 ? new vscode.ThemeColor('notificationsInfoIcon.foreground') : undefined,
    );
    item.tooltip = conversationTooltip(conversation);
    item.contextValue = ['conversation', unread > 0 ? ':unread' : '', conversation.starred ? ':starred' : ':unstarred'].join('');
    item.command = { command: 'ghl.openConversation', title: 'Open Conversation', arguments: [node] };
    item.accessibilityInformation = { label: `${name}${unread > 0 ? `, ${unread} unread` : ''}${item.description ? `, ${item.description}` : ''}` };
    return item;
  }

  async getChildren(element?: Node): Promise<Node[]> {
    if (element) return [];
    this.onShown();
    if (!this.loading) {
      const loading = this.ensureLoaded().finally(() => {
        if (this.loading === loading) this.loading = undefined;
      });
      this.loading = loading;
    }
    await this.loading;
    const nodes: Node[] = this.loaded.map((c) => new ConversationNode(c));
    if (!this.complete && this.loaded.length > 0) nodes.push(new LoadMoreConversationsNode());
    return nodes;
  }

  /** Fetches pages until as many as were asked for are loaded or GHL has no more. */
  private async ensureLoaded(): Promise<void> {
    const generation = this.generation;
    const filter = this.filterValue;
    if (filter.kind === 'mine' && !this.userId()) {
      this.complete = true;
      this.setMessage('Choose your GHL user (GHL: Choose Your GHL User…) to see the conversations assigned to you.');
      return;
    }
    while (this.loaded.length < this.pages * CONVERSATIONS_PAGE_SIZE && !this.complete) {
      const response = await this.host.request(EXT_GHL_IPC.CONVS_LIST, {
        limit: CONVERSATIONS_PAGE_SIZE,
        ...listFilter(filter, this.userId()),
        ...(this.nextStartAfterDate !== null ? { startAfterDate: this.nextStartAfterDate } : {}),
      });
      if (generation !== this.generation) return;
      if (!response.success) {
        this.complete = true;
        this.lastError = response.error.message;
        this.setMessage(response.error.code === 'NOT_CONFIGURED' ? undefined : `Could not load the conversations: ${response.error.message}`);
        return;
      }
      this.lastError = undefined;
      this.loaded = mergeNewestFirst(this.loaded, response.data.items);
      this.nextStartAfterDate = response.data.nextStartAfterDate;
      this.complete = response.data.nextStartAfterDate === null || response.data.items.length === 0;
      this.setMessage(this.loaded.length === 0 ? emptyMessage(filter) : undefined);
    }
  }

  get error(): string | undefined {
    return this.lastError;
  }

  private setMessage(message: string | undefined): void {
    if (this.view) this.view.message = message;
  }
}

/**
 * The rows plus `incoming`, newest first, each conversation once (the copy with the later last
 * message wins). A poll can add rows while a page is on its way, so a page is merged, never
 * appended: appending would list the poll's rows above newer ones from the page.
 */
function mergeNewestFirst(rows: readonly Conversation[], incoming: readonly Conversation[]): Conversation[] {
  const byId = new Map(rows.map((c) => [c.id, c] as const));
  for (const c of incoming) {
    const known = byId.get(c.id);
    if (!known || (c.lastMessageDate ?? 0) >= (known.lastMessageDate ?? 0)) byId.set(c.id, c);
  }
  return [...byId.values()].sort((a, b) => (b.lastMessageDate ?? 0) - (a.lastMessageDate ?? 0));
}

function conversationTooltip(conversation: Conversation): vscode.MarkdownString {
  // appendText escapes: CRM text never becomes Markdown, links or HTML.
  const md = new vscode.MarkdownString(undefined, false);
  md.isTrusted = false;
  md.supportHtml = false;
  md.appendMarkdown('**');
  md.appendText(conversationName(conversation));
  md.appendMarkdown('**');
  const unread = conversation.unreadCount ?? 0;
  if (unread > 0) md.appendMarkdown(` — ${unread} unread`);
  md.appendMarkdown('\n\n');
  if (conversation.lastMessageBody) {
    md.appendText(conversation.lastMessageBody.slice(0, 500));
    md.appendMarkdown('\n\n');
  }
  if (conversation.lastMessageDate) md.appendText(new Date(conversation.lastMessageDate).toLocaleString());
  return md;
}
