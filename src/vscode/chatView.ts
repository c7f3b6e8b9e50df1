import * as vscode from 'vscode';
import type { BackendHost } from './backendHost';
import type { Logger } from './logger';
import { bridgeWebview, renderWebviewHtml, webviewOptions } from './webviewBridge';

/** The Chat view in the panel area. Its history lives in the webview's own state. */
export class ChatViewProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  static readonly viewType = 'ghl-chat';
  private bridge: vscode.Disposable | undefined;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly host: BackendHost,
    private readonly logger: Logger,
  ) {}

  resolveWebviewView(view: vscode.WebviewView): void {
    view.webview.options = webviewOptions(this.extensionUri);
    view.webview.html = renderWebviewHtml(view.webview, this.extensionUri, 'chat', 'Chat');
    this.bridge?.dispose();
    this.bridge = bridgeWebview(view.webview, this.host, this.logger, 'chat');
    view.onDidDispose(() => {
      this.bridge?.dispose();
      this.bridge = undefined;
    });
  }

  dispose(): void {
    this.bridge?.dispose();
  }
}
