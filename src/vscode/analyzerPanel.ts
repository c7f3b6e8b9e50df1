import * as vscode from 'vscode';
import type { BackendHost } from './backendHost';
import { Disposable } from './lifecycle';
import type { Logger } from './logger';
import { WebviewBridge, renderWebviewHtml, webviewOptions } from './webviewBridge';

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
