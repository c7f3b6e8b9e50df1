import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { HostToWebview, WebviewRequest } from '../protocol/webviewMessages';
import type { BackendHost } from './backendHost';
import type { Logger } from './logger';

/** Where the built webview assets live; the only folder a webview may load from. */
export function webviewRoot(extensionUri: vscode.Uri): vscode.Uri {
  return vscode.Uri.joinPath(extensionUri, 'dist', 'webview');
}

export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return { enableScripts: true, enableCommandUris: false, localResourceRoots: [webviewRoot(extensionUri)] };
}

function escapeAttribute(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/'/g, '&#39;');
}

/** The page of a webview app: strict CSP, a fresh nonce per load, no inline code. */
export function renderWebviewHtml(
  webview: vscode.Webview,
  extensionUri: vscode.Uri,
  app: 'board' | 'chat',
  title: string,
  initialState: unknown = {},
): string {
  const nonce = randomBytes(16).toString('base64');
  const root = webviewRoot(extensionUri);
  const asset = (file: string) => webview.asWebviewUri(vscode.Uri.joinPath(root, file)).toString();
  const csp = [
    "default-src 'none'",
    `img-src ${webview.cspSource} data:`,
    `style-src ${webview.cspSource}`,
    `font-src ${webview.cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<meta name="ghl-initial-state" content="${escapeAttribute(JSON.stringify(initialState))}">
<link rel="stylesheet" href="${asset('codicon.css')}" id="vscode-codicon-stylesheet">
<link rel="stylesheet" href="${asset(`${app}.css`)}">
<title>${escapeAttribute(title)}</title>
</head>
<body><div id="app"></div><script type="module" nonce="${nonce}" src="${asset(`${app}.js`)}"></script></body>
</html>`;
}

function isRequest(message: unknown): message is WebviewRequest {
  if (typeof message !== 'object' || message === null) return false;
  const m = message as Record<string, unknown>;
  return typeof m.id === 'string' && m.id.length <= 100 && typeof m.channel === 'string';
}

/**
 * Connects one webview to the backend: requests in, one reply per id out, protocol pushes
 * forwarded. Payloads are validated by the backend against the channel's schema, so the
 * webview can do nothing the protocol does not allow.
 */
export function bridgeWebview(webview: vscode.Webview, host: BackendHost, logger: Logger, name: string): vscode.Disposable {
  const post = (message: HostToWebview) => void webview.postMessage(message);
  return vscode.Disposable.from(
    webview.onDidReceiveMessage(async (message: unknown) => {
      if (!isRequest(message)) {
        logger.warn(`Ignored a malformed message from the ${name} webview.`, 'webview');
        return;
      }
      const response = await host.forward(message.channel, message.payload);
      if (!response.success && response.error.code !== 'VALIDATION') {
        logger.warn(`${name}: ${message.channel} failed: ${response.error.code} ${response.error.message}`, 'webview');
      }
      post({ id: message.id, response });
    }),
    host.onPush((event) => post({ push: event.channel, payload: event.payload } as HostToWebview)),
  );
}
