import * as vscode from 'vscode';
import type { BackendHost } from './backendHost';
import type { Logger } from './logger';
import { WebviewBridge, renderWebviewHtml, webviewOptions } from './webviewBridge';

/** The Chat view in the panel area. Its history lives in the webview's own state. */
export class ChatViewProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  static readonly viewType = 'ghl-chat';
  private view: vscode.Disposable | undefined;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly host: BackendHost,
    private readonly logger: Logger,
  ) {}

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view?.dispose();
    view.webview.options = webviewOptions(this.extensionUri);
    // Before the page exists, so its `ready` is not missed.
    const bridge = new WebviewBridge(view.webview, this.host, this.logger, 'chat');
    const subscriptions = vscode.Disposable.from(
      bridge,
      // Hidden without retainContextWhenHidden, the page is thrown away; the next one says ready.
      view.onDidChangeVisibility(() => {
        if (!view.visible) bridge.pageDiscarded();
      }),
    );
    this.view = subscriptions;
    view.onDidDispose(() => {
      subscriptions.dispose();
      if (this.view === subscriptions) this.view = undefined;
    });
    view.webview.html = renderWebviewHtml(view.webview, this.extensionUri, 'chat', 'Chat');
  }

  dispose(): void {
    this.view?.dispose();
    this.view = undefined;
  }
}
