import * as vscode from 'vscode';
import { EXT_GHL_IPC } from '../../protocol/channels';
import type { WebviewAction } from '../../protocol/webviewMessages';
import type { BackendHost } from '../backendHost';
import { Disposable } from '../lifecycle';
import { registerPanelSerializer } from '../panelSerializer';
import type { Logger } from '../logger';
import { WebviewBridge, renderWebviewHtml, webviewOptions } from '../webviewBridge';

/** What the conversation page is opened with (and a restored panel's saved state holds). */
export interface ConversationPageState {
  conversationId: string;
  focusReply?: boolean;
  /** A restored panel's unsent reply. */
  draft?: string;
  subject?: string;
}

const ID_PATTERN = /^[A-Za-z0-9_-]{1,200}$/;

/** A restored panel's saved state, which comes from the webview: never trusted as is. */
export function restoredConversationState(state: unknown): ConversationPageState | undefined {
  if (typeof state !== 'object' || state === null) return undefined;
  const { conversationId, draft, subject } = state as Record<string, unknown>;
  if (typeof conversationId !== 'string' || !ID_PATTERN.test(conversationId)) return undefined;
  return {
    conversationId,
    ...(typeof draft === 'string' && draft.length <= 10_000 ? { draft } : {}),
    ...(typeof subject === 'string' && subject.length <= 500 ? { subject } : {}),
  };
}

/** An attachment link the page asked to open: https only, parsed, never loaded into the page. */
export function externalLink(url: string): vscode.Uri | undefined {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' ? vscode.Uri.parse(parsed.href, true) : undefined;
  } catch {
    return undefined;
  }
}

function panelTitle(name: string | undefined): string {
  const title = (name ?? '').replace(/\s+/g, ' ').trim();
  return title ? (title.length > 60 ? `${title.slice(0, 59)}…` : title) : 'Conversation';
}

/**
 * One conversation in an editor tab: one panel per conversation, revealed when opened again.
 * The page (src/webview/conversation) loads the thread and sends replies itself through the
 * protocol; the host opens its attachment links and tells it when to focus the reply box.
 */
export class ConversationPanel extends Disposable {
  static readonly viewType = 'ghl-conversation';
  private static readonly open = new Map<string, ConversationPanel>();
  private readonly bridge: WebviewBridge;
  readonly conversationId: string;

  static get(conversationId: string): ConversationPanel | undefined {
    return ConversationPanel.open.get(conversationId);
  }

  static openIds(): string[] {
    return [...ConversationPanel.open.keys()];
  }

  /** Reveals the conversation's panel, or opens one. */
  static show(
    extensionUri: vscode.Uri,
    host: BackendHost,
    logger: Logger,
    conversationId: string,
    options: { contactName?: string; focusReply?: boolean } = {},
  ): ConversationPanel {
    const existing = ConversationPanel.open.get(conversationId);
    if (existing) {
      existing.panel.reveal();
      if (options.focusReply) existing.bridge.push({ push: 'host:focus-reply', payload: { conversationId } });
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(
      ConversationPanel.viewType,
      panelTitle(options.contactName),
      vscode.ViewColumn.Active,
      // No retainContextWhenHidden: the page reads the thread again in one request when shown.
      webviewOptions(extensionUri),
    );
    return new ConversationPanel(panel, extensionUri, host, logger, { conversationId, ...(options.focusReply ? { focusReply: true } : {}) }, options.contactName);
  }

  /** A panel VS Code brings back after a reload, with the state its page saved; titled by its contact again. */
  static async revive(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, host: BackendHost, logger: Logger, state: unknown): Promise<ConversationPanel | undefined> {
    const restored = restoredConversationState(state);
    if (!restored || ConversationPanel.open.has(restored.conversationId)) {
      panel.dispose();
      return restored ? ConversationPanel.open.get(restored.conversationId) : undefined;
    }
    const conversation = await host.request(EXT_GHL_IPC.CONVS_GET, { id: restored.conversationId });
    // Opened meanwhile by another way (a click, a notification): that panel stays.
    if (ConversationPanel.open.has(restored.conversationId)) {
      panel.dispose();
      return ConversationPanel.open.get(restored.conversationId);
    }
    const contactName = conversation.success ? conversation.data.contactName || conversation.data.fullName : undefined;
    panel.title = panelTitle(contactName);
    panel.webview.options = webviewOptions(extensionUri);
    return new ConversationPanel(panel, extensionUri, host, logger, restored, contactName || 'Conversation');
  }

  private constructor(
    readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private readonly host: BackendHost,
    private readonly logger: Logger,
    initialState: ConversationPageState,
    contactName?: string,
  ) {
    super();
    this.conversationId = initialState.conversationId;
    ConversationPanel.open.set(this.conversationId, this);
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'ghl.svg');
    this.bridge = this._register(new WebviewBridge(panel.webview, host, logger, 'conversation', (action) => this.onAction(action)));
    this._register(
      panel.onDidChangeViewState(() => {
        if (!panel.visible) this.bridge.pageDiscarded();
      }),
    );
    panel.webview.html = renderWebviewHtml(panel.webview, extensionUri, 'conversation', panelTitle(contactName), initialState);
    this._register(panel.onDidDispose(() => this.dispose()));
    if (!contactName) void this.loadTitle();
  }

  /** Is this conversation in front of the user right now (its tab active in a focused window)? */
  get inFront(): boolean {
    return this.panel.active && vscode.window.state.focused;
  }

  /** The page should read the thread again (the poll saw a new message). */
  refresh(): void {
    this.bridge.push({ push: 'host:conversation-changed', payload: { conversationId: this.conversationId } });
  }

  private async loadTitle(): Promise<void> {
    const response = await this.host.request(EXT_GHL_IPC.CONVS_GET, { id: this.conversationId });
    if (this.isDisposed || !response.success) return;
    this.panel.title = panelTitle(response.data.contactName || response.data.fullName);
  }

  private onAction(action: WebviewAction): void {
    if (action.type === 'follow-up') {
      void this.followUp(action.what);
      return;
    }
    if (action.type !== 'open-link') return;
    const uri = externalLink(action.url);
    if (!uri) {
      this.logger.warn('The conversation page asked to open a link that is not https; ignored.', 'webview');
      return;
    }
    void vscode.env.openExternal(uri);
  }

  /** #17: after a call, a note or a follow-up task for this conversation's contact (the commands ask the rest). */
  private async followUp(what: 'add-note' | 'new-task'): Promise<void> {
    const conversation = await this.host.request(EXT_GHL_IPC.CONVS_GET, { id: this.conversationId });
    if (!conversation.success) {
      void vscode.window.showErrorMessage(`Could not read the conversation: ${conversation.error.message}`);
      return;
    }
    await vscode.commands.executeCommand(what === 'add-note' ? 'ghl.addNote' : 'ghl.newTask', conversation.data.contactId);
  }

  override dispose(): void {
    if (this.isDisposed) return;
    if (ConversationPanel.open.get(this.conversationId) === this) ConversationPanel.open.delete(this.conversationId);
    super.dispose();
    this.panel.dispose();
  }

  static disposeAll(): void {
    for (const panel of [...ConversationPanel.open.values()]) panel.dispose();
  }
}

/** Test-only command (registered in ExtensionMode.Test): see registerPanelSerializer. */
export const REVIVE_CONVERSATION_TEST_COMMAND = 'ghl.test.reviveConversation';

/** Lets VS Code bring open conversations back after "Developer: Reload Window". */
export function registerConversationPanelSerializer(context: vscode.ExtensionContext, host: BackendHost, logger: Logger): vscode.Disposable {
  return registerPanelSerializer(context, {
    viewType: ConversationPanel.viewType,
    title: 'Conversation',
    testCommand: REVIVE_CONVERSATION_TEST_COMMAND,
    revive: (panel, state) => ConversationPanel.revive(panel, context.extensionUri, host, logger, state),
  });
}
