import * as vscode from 'vscode';
import { InboxPoller, type InboxAlert, type InboxPollOutcome } from '../../inbox';
import { EXT_GHL_IPC } from '../../protocol/channels';
import type { BackendHost } from '../backendHost';
import { RequestFailed } from '../backendHost';
import type { HostSettings } from '../hostSettings';
import { Disposable } from '../lifecycle';
import type { Logger } from '../logger';
import type { ExtensionState } from '../state';
import { ConversationPanel, registerConversationPanelSerializer } from './conversationPanel';
import { ConversationsTreeProvider, conversationName } from './conversationsTree';
import { InboxBadge } from './inboxBadge';
import { parseFilter, type InboxFilter } from './inboxFilter';
import { showAlert, showSummary } from './inboxNotifications';
import { InboxWatcher } from './inboxWatcher';
import { UnreadDecorations } from './unreadDecorations';

export const SETTING_USER_ID = 'ghl.inbox.userId';
const FILTER_KEY = 'ghl.inbox.filter';
/** Conversations one poll reads (the newest unread ones). */
const POLL_LIMIT = 50;
/** Notifications one poll raises; more new messages than that are one summary (a campaign's replies, not a toast storm). */
export const MAX_ALERTS_PER_POLL = 3;

/**
 * The inbox of this window: the Conversations view, its badge and status bar count, the
 * poll for new messages and what follows from it (rows to the top, notifications, open
 * panels read again), and the actions on a conversation (open, mark read, star).
 */
export class InboxController extends Disposable {
  readonly tree: ConversationsTreeProvider;
  readonly view: vscode.TreeView<unknown>;
  readonly watcher: InboxWatcher;
  private readonly badge: InboxBadge;
  private poller: InboxPoller;
  /** Conversations known to be unread, so reading one here lowers the count at once. */
  private readonly unread = new Set<string>();
  /** At most one error notification until a poll succeeds again. */
  private errorShown = false;
  /** The account the inbox shows (masked token, location, API URL), to tell a new one from other settings changes. */
  private account: string | undefined;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly host: BackendHost,
    private readonly logger: Logger,
    settings: HostSettings,
    private readonly state: ExtensionState,
  ) {
    super();
    this.poller = this.newPoller();
    this.watcher = this._register(
      new InboxWatcher({
        poll: async () => {
          const poller = this.poller;
          const status = await this.poll(poller);
          return { status, consecutiveFailures: poller.consecutiveFailures };
        },
        canPoll: () => state.configured,
        syncRunning: () => state.syncing !== null,
      }),
    );
    this.tree = this._register(
      new ConversationsTreeProvider(host, parseFilter(context.globalState.get(FILTER_KEY)), () => this.userId, () => this.watcher.viewShown()),
    );
    const view = this._register(vscode.window.createTreeView('ghl.conversations', { treeDataProvider: this.tree, showCollapseAll: false }));
    this.view = view as vscode.TreeView<unknown>;
    this.tree.attach(view);
    this.badge = this._register(new InboxBadge(this.view));
    this._register(vscode.window.registerFileDecorationProvider(new UnreadDecorations()));
    this._register(
      view.onDidChangeVisibility((e) => {
        if (!e.visible) return;
        // Live rows: what was read or answered elsewhere meanwhile shows when the view is looked at again.
        if (this.tree.conversations.length > 0) this.tree.refresh();
        this.watcher.viewShown();
      }),
    );
    // Another location (or none): its conversations, its count, a new baseline for alerts.
    this._register(
      settings.onDidChange(async () => {
        // Only the account matters here (an ARV setting or the RentCast key changes nothing in the inbox).
        const account = accountKey(await settings.view());
        if (account === this.account) return;
        this.account = account;
        this.poller = this.newPoller();
        this.unread.clear();
        this.badge.set(null);
        this.tree.refresh();
      }),
    );
    this._register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(SETTING_USER_ID) && this.tree.filter.kind === 'mine') this.tree.refresh();
      }),
    );
    void settings.view().then((view) => (this.account ??= accountKey(view)));
    this._register(registerConversationPanelSerializer(context, host, logger));
    this._register({ dispose: () => ConversationPanel.disposeAll() });
  }

  get userId(): string | null {
    const value = vscode.workspace.getConfiguration().get<string>(SETTING_USER_ID);
    return typeof value === 'string' && value.trim() ? value.trim() : null;
  }

  async setFilter(filter: InboxFilter): Promise<void> {
    this.tree.setFilter(filter);
    await this.context.globalState.update(FILTER_KEY, filter);
  }

  private newPoller(): InboxPoller {
    return new InboxPoller({ poll: (input) => this.host.request(EXT_GHL_IPC.CONVS_POLL, { ...input, limit: POLL_LIMIT }) });
  }

  /** One poll and everything that follows from it. */
  private async poll(poller: InboxPoller): Promise<InboxPollOutcome['status']> {
    const outcome = await poller.pollOnce();
    // The location changed while it ran: its answer is about the old one.
    if (poller !== this.poller) return outcome.status;
    if (outcome.status === 'skipped') return outcome.status;
    if (outcome.status === 'failed') {
      this.logger.warn(`Checking for new messages failed: ${outcome.error?.kind ?? 'error'}: ${outcome.error?.message ?? ''}`, 'inbox');
      if (!this.errorShown && this.state.configured) {
        this.errorShown = true;
        void vscode.window.showWarningMessage(`GoHighLevel: could not check for new messages (${outcome.error?.message ?? 'unknown error'}). Retrying in the background.`);
      }
      return outcome.status;
    }
    this.errorShown = false;
    for (const c of outcome.changed) {
      if ((c.unreadCount ?? 0) > 0) this.unread.add(c.id);
      else this.unread.delete(c.id);
    }
    this.tree.mergeChanged(outcome.changed);
    // Rows GHL no longer has unread were read elsewhere (GHL's own app, a phone).
    if (outcome.unreadNow) for (const id of this.tree.markReadExcept(outcome.unreadNow)) this.unread.delete(id);
    if (outcome.unreadConversations !== null) this.badge.set(outcome.unreadConversations);
    for (const c of outcome.changed) ConversationPanel.get(c.id)?.refresh();
    const alerted = new Set<string>();
    const announce: InboxAlert[] = [];
    for (const alert of outcome.alerts) {
      if (alerted.has(alert.conversationId)) continue;
      alerted.add(alert.conversationId);
      // Already in front of the user: it is read, not announced.
      if (ConversationPanel.get(alert.conversationId)?.inFront) {
        const conversation = outcome.changed.find((c) => c.id === alert.conversationId);
        void this.markRead(alert.conversationId, conversation?.lastMessageDate ?? alert.at).catch(() => undefined);
      } else {
        announce.push(alert);
      }
    }
    for (const alert of announce.slice(0, MAX_ALERTS_PER_POLL)) this.alert(alert);
    if (announce.length > MAX_ALERTS_PER_POLL) showSummary(announce.length - MAX_ALERTS_PER_POLL, () => void vscode.commands.executeCommand('ghl.conversations.focus'));
    return outcome.status;
  }

  private alert(alert: InboxAlert): void {
    showAlert(alert, (focusReply) => void this.open(alert.conversationId, { contactName: alert.contactName, focusReply }));
  }

  /** Opens (or reveals) the conversation's panel and marks it read. */
  async open(conversationId: string, options: { contactName?: string; focusReply?: boolean } = {}): Promise<void> {
    const row = this.tree.find(conversationId);
    ConversationPanel.show(this.context.extensionUri, this.host, this.logger, conversationId, {
      ...options,
      contactName: options.contactName ?? (row ? conversationName(row) : undefined),
    });
    // The panel is open either way; markRead logged why it could not tell GHL.
    await this.markRead(conversationId, row?.lastMessageDate).catch(() => undefined);
  }

  /** PUT /conversations/{id} { unreadCount: 0 }; the row, the count and the poller follow. */
  async markRead(conversationId: string, lastMessageDate?: number): Promise<void> {
    const response = await this.host.request(EXT_GHL_IPC.CONVS_MARK_READ, { id: conversationId });
    if (!response.success) {
      this.logger.warn(`Could not mark the conversation read: ${response.error.message}`, 'inbox');
      throw new RequestFailed(response.error);
    }
    const wasUnread = this.unread.delete(conversationId) || (this.tree.find(conversationId)?.unreadCount ?? 0) > 0;
    this.tree.patch(conversationId, { unreadCount: 0 });
    this.poller.markSeen(conversationId, lastMessageDate ?? this.tree.find(conversationId)?.lastMessageDate ?? Date.now());
    if (wasUnread) this.badge.readOne();
  }

  async setStarred(conversationId: string, starred: boolean): Promise<void> {
    await this.host.call(EXT_GHL_IPC.CONVS_STAR, { id: conversationId, starred });
    this.tree.patch(conversationId, { starred });
    if (this.tree.filter.kind === 'starred' && !starred) this.tree.refresh();
  }

  /** "GHL: Check for New Messages". */
  checkNow(): Promise<void> {
    return this.watcher.pollNow();
  }
}

/** Which account the settings point at: the masked token, the location, the API URL. */
function accountKey(view: { token: string | null; locationId: string | null }): string {
  return [view.token ?? '', view.locationId ?? '', vscode.workspace.getConfiguration().get<string>('ghl.apiBaseUrl') ?? ''].join('\u0000');
}
