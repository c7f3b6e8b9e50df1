import * as vscode from 'vscode';
import type { BackendHost } from './backendHost';
import type { Logger } from './logger';
import { bridgeWebview, renderWebviewHtml, webviewOptions } from './webviewBridge';

/** The Opportunities board: one panel per window, revealed and pointed at a pipeline. */
export class BoardPanel implements vscode.Disposable {
  static readonly viewType = 'ghl-workspace';
  private static current: BoardPanel | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  static show(extensionUri: vscode.Uri, host: BackendHost, logger: Logger, pipelineId?: string): BoardPanel {
    if (BoardPanel.current) {
      BoardPanel.current.panel.reveal();
      if (pipelineId) void BoardPanel.current.panel.webview.postMessage({ push: 'host:show-pipeline', payload: { pipelineId } });
      return BoardPanel.current;
    }
    const panel = vscode.window.createWebviewPanel(
      BoardPanel.viewType,
      'Opportunities',
      vscode.ViewColumn.Active,
      // No retainContextWhenHidden: the board reloads from the cache in milliseconds.
      webviewOptions(extensionUri),
    );
    BoardPanel.current = new BoardPanel(panel, extensionUri, host, logger, pipelineId);
    return BoardPanel.current;
  }

  private constructor(
    readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    host: BackendHost,
    logger: Logger,
    pipelineId?: string,
  ) {
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'ghl.svg');
    panel.webview.html = renderWebviewHtml(panel.webview, extensionUri, 'board', 'Opportunities', pipelineId ? { pipelineId } : {});
    this.disposables.push(bridgeWebview(panel.webview, host, logger, 'board'));
    panel.onDidDispose(() => this.dispose(), undefined, this.disposables);
  }

  dispose(): void {
    BoardPanel.current = undefined;
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
  }

  static disposeCurrent(): void {
    BoardPanel.current?.dispose();
  }
}
