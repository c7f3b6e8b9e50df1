import * as vscode from 'vscode';
import { Disposable } from './lifecycle';
import { registerPanelSerializer } from './panelSerializer';
import { OPPORTUNITY_STATUSES } from '../protocol/entities';
import type { BackendHost } from './backendHost';
import type { Logger } from './logger';
import { WebviewBridge, renderWebviewHtml, webviewOptions } from './webviewBridge';

/** What the board's page keeps in its webview state (SavedBoardState in the webview). */
export interface RestoredBoardState {
  pipelineId?: string;
  filter?: string;
  /** #17: the contact-tag filter. */
  tag?: string;
}

const FILTERS: readonly string[] = ['all', ...OPPORTUNITY_STATUSES];

/** Reads a restored panel's saved state, which comes from the webview: never trusted as is. */
export function restoredBoardState(state: unknown): RestoredBoardState {
  if (typeof state !== 'object' || state === null) return {};
  const { pipelineId, filter, tag } = state as Record<string, unknown>;
  const restored: RestoredBoardState = {};
  if (typeof pipelineId === 'string' && pipelineId.length > 0 && pipelineId.length <= 200) restored.pipelineId = pipelineId;
  if (typeof filter === 'string' && FILTERS.includes(filter)) restored.filter = filter;
  if (typeof tag === 'string' && tag.trim() && tag.trim().length <= 100) restored.tag = tag.trim().toLowerCase();
  return restored;
}

/** The Opportunities board: one panel per window, revealed and pointed at a pipeline. */
export class BoardPanel extends Disposable {
  static readonly viewType = 'ghl-workspace';
  private static current: BoardPanel | undefined;
  private readonly bridge: WebviewBridge;

  static show(extensionUri: vscode.Uri, host: BackendHost, logger: Logger, pipelineId?: string): BoardPanel {
    if (BoardPanel.current) {
      BoardPanel.current.panel.reveal();
      if (pipelineId) BoardPanel.current.bridge.push({ push: 'host:show-pipeline', payload: { pipelineId } });
      return BoardPanel.current;
    }
    const panel = vscode.window.createWebviewPanel(
      BoardPanel.viewType,
      'Opportunities',
      vscode.ViewColumn.Active,
      // No retainContextWhenHidden: the board reloads from the cache in milliseconds.
      webviewOptions(extensionUri),
    );
    BoardPanel.current = new BoardPanel(panel, extensionUri, host, logger, pipelineId ? { pipelineId } : {});
    return BoardPanel.current;
  }

  /**
   * A board VS Code brings back (after a window reload) with the state its page saved. The
   * page gets that state back from getState() too; it also goes into the page's initial
   * state, so the board comes back on the same pipeline and filter either way.
   */
  static revive(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, host: BackendHost, logger: Logger, state: unknown): BoardPanel {
    if (BoardPanel.current) {
      // One board per window: keep the one already open.
      panel.dispose();
      return BoardPanel.current;
    }
    panel.webview.options = webviewOptions(extensionUri);
    BoardPanel.current = new BoardPanel(panel, extensionUri, host, logger, restoredBoardState(state));
    return BoardPanel.current;
  }

  private constructor(
    readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    host: BackendHost,
    logger: Logger,
    initialState: RestoredBoardState,
  ) {
    super();
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'ghl.svg');
    // Issue 19: a card's Analyze button opens the deal analyzer.
    this.bridge = this._register(
      new WebviewBridge(panel.webview, host, logger, 'board', (action) => {
        if (action.type === 'analyze-deal') void vscode.commands.executeCommand('ghl.analyzeDeal', action.opportunityId);
        // #17: a card's Add Note… / New Task…: the same commands (and flows) as a deal row of the Pipelines view.
        if (action.type === 'deal-follow-up') void vscode.commands.executeCommand(action.what === 'add-note' ? 'ghl.addNote' : 'ghl.newTask', action.contactId);
      }),
    );
    // Hidden without retainContextWhenHidden, the page is thrown away; the next one says ready.
    this._register(
      panel.onDidChangeViewState(() => {
        if (!panel.visible) this.bridge.pageDiscarded();
      }),
    );
    panel.webview.html = renderWebviewHtml(panel.webview, extensionUri, 'board', 'Opportunities', initialState);
    this._register(panel.onDidDispose(() => this.dispose()));
  }

  override dispose(): void {
    if (this.isDisposed) return;
    if (BoardPanel.current === this) BoardPanel.current = undefined;
    super.dispose();
    this.panel.dispose();
  }

  static disposeCurrent(): void {
    BoardPanel.current?.dispose();
  }
}

/** Test-only command (registered in ExtensionMode.Test): see registerPanelSerializer. */
export const REVIVE_BOARD_TEST_COMMAND = 'ghl.test.reviveBoard';

/** Lets VS Code bring an open board back after "Developer: Reload Window". */
export function registerBoardPanelSerializer(context: vscode.ExtensionContext, host: BackendHost, logger: Logger): vscode.Disposable {
  return registerPanelSerializer(context, {
    viewType: BoardPanel.viewType,
    title: 'Opportunities',
    testCommand: REVIVE_BOARD_TEST_COMMAND,
    revive: (panel, state) => BoardPanel.revive(panel, context.extensionUri, host, logger, state),
  });
}
