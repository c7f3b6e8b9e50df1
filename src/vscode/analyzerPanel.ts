import * as vscode from 'vscode';
import { EXT_GHL_IPC } from '../protocol/channels';
import type { BackendHost } from './backendHost';
import { Disposable } from './lifecycle';
import { registerPanelSerializer } from './panelSerializer';
import type { Logger } from './logger';
import { WebviewBridge, renderWebviewHtml, webviewOptions } from './webviewBridge';

const ID_PATTERN = /^[A-Za-z0-9_-]{1,200}$/;

/** The deal of a page's saved state (written by src/webview/analyzer/main.ts), when it names one. */
export function restoredAnalyzerDeal(state: unknown): string | undefined {
  if (typeof state !== 'object' || state === null) return undefined;
  const { opportunityId } = state as Record<string, unknown>;
  return typeof opportunityId === 'string' && ID_PATTERN.test(opportunityId) ? opportunityId : undefined;
}

function panelTitle(name: string | undefined): string {
  const title = (name ?? '').replace(/\s+/g, ' ').trim();
  return `Analyze: ${title ? (title.length > 50 ? `${title.slice(0, 49)}…` : title) : 'Deal'}`;
}

/**
 * Issue 19: one deal's analyzer in an editor tab (one per opportunity, revealed when opened
 * again). The page (src/webview/analyzer) asks the protocol itself: arv-analyze (the stored
 * analysis at once), arv-comps-set, arv-save; the host only opens it.
 */
export class AnalyzerPanel extends Disposable {
  static readonly viewType = 'ghl-analyzer';
  private static readonly open = new Map<string, AnalyzerPanel>();

  static show(extensionUri: vscode.Uri, host: BackendHost, logger: Logger, opportunityId: string, dealName?: string): AnalyzerPanel {
    const existing = AnalyzerPanel.open.get(opportunityId);
    if (existing) {
      existing.panel.reveal();
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(AnalyzerPanel.viewType, panelTitle(dealName), vscode.ViewColumn.Active, webviewOptions(extensionUri));
    return new AnalyzerPanel(panel, extensionUri, host, logger, opportunityId, dealName);
  }

  /** A panel VS Code restored after a reload: the deal its page saved, or nothing when the state names none. */
  static async revive(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, host: BackendHost, logger: Logger, state: unknown): Promise<AnalyzerPanel | undefined> {
    const opportunityId = restoredAnalyzerDeal(state);
    if (!opportunityId || AnalyzerPanel.open.has(opportunityId)) {
      panel.dispose();
      return opportunityId ? AnalyzerPanel.open.get(opportunityId) : undefined;
    }
    const deal = await host.request(EXT_GHL_IPC.OPPS_GET, { id: opportunityId });
    // Opened meanwhile another way (the command, a board card): that panel stays.
    const opened = AnalyzerPanel.open.get(opportunityId);
    if (opened) {
      panel.dispose();
      return opened;
    }
    const dealName = deal.success ? deal.data.name : undefined;
    panel.title = panelTitle(dealName);
    panel.webview.options = webviewOptions(extensionUri);
    return new AnalyzerPanel(panel, extensionUri, host, logger, opportunityId, dealName);
  }

  private constructor(
    readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    host: BackendHost,
    logger: Logger,
    readonly opportunityId: string,
    dealName?: string,
  ) {
    super();
    AnalyzerPanel.open.set(opportunityId, this);
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'ghl.svg');
    const bridge = this._register(new WebviewBridge(panel.webview, host, logger, 'analyzer'));
    this._register(
      panel.onDidChangeViewState(() => {
        if (!panel.visible) bridge.pageDiscarded();
      }),
    );
    panel.webview.html = renderWebviewHtml(panel.webview, extensionUri, 'analyzer', panelTitle(dealName), { opportunityId });
    this._register(panel.onDidDispose(() => this.dispose()));
  }

  override dispose(): void {
    if (this.isDisposed) return;
    if (AnalyzerPanel.open.get(this.opportunityId) === this) AnalyzerPanel.open.delete(this.opportunityId);
    super.dispose();
    this.panel.dispose();
  }

  static disposeAll(): void {
    for (const panel of [...AnalyzerPanel.open.values()]) panel.dispose();
  }
}

/** Test-only command (registered in ExtensionMode.Test): see registerPanelSerializer. */
export const REVIVE_ANALYZER_TEST_COMMAND = 'ghl.test.reviveAnalyzer';

/** Brings open analyzers back after a window reload. */
export function registerAnalyzerPanelSerializer(context: vscode.ExtensionContext, host: BackendHost, logger: Logger): vscode.Disposable {
  return vscode.Disposable.from(
    registerPanelSerializer(context, {
      viewType: AnalyzerPanel.viewType,
      title: 'Analyze',
      testCommand: REVIVE_ANALYZER_TEST_COMMAND,
      revive: (panel, state) => AnalyzerPanel.revive(panel, context.extensionUri, host, logger, state),
    }),
    { dispose: () => AnalyzerPanel.disposeAll() },
  );
}
