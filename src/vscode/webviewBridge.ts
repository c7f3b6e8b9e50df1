import * as vscode from 'vscode';
import { Disposable } from './lifecycle';
import type { HostPushEvent, HostPushName, HostToWebview, PushMessage, WebviewAction, WebviewReady, WebviewRequest } from '../protocol/webviewMessages';
import { newNonce, webviewPageHtml } from '../webviewPage/html';
import type { BackendHost } from './backendHost';
import type { Logger } from './logger';

/** Where the built webview assets live; the only folder a webview may load from. */
export function webviewRoot(extensionUri: vscode.Uri): vscode.Uri {
  return vscode.Uri.joinPath(extensionUri, 'dist', 'webview');
}

export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return { enableScripts: true, enableCommandUris: false, localResourceRoots: [webviewRoot(extensionUri)] };
}

/** The page of a webview app (src/webviewPage/html.ts): strict CSP, a fresh nonce per load, no inline code. */
export function renderWebviewHtml(
  webview: vscode.Webview,
  extensionUri: vscode.Uri,
  app: 'board' | 'chat' | 'conversation' | 'analyzer',
  title: string,
  initialState: unknown = {},
): string {
  const root = webviewRoot(extensionUri);
  return webviewPageHtml({
    app,
    title,
    initialState,
    nonce: newNonce(),
    cspSource: webview.cspSource,
    assetUrl: (file) => webview.asWebviewUri(vscode.Uri.joinPath(root, file)).toString(),
  });
}

function isRequest(message: unknown): message is WebviewRequest {
  if (typeof message !== 'object' || message === null) return false;
  const m = message as Record<string, unknown>;
  return typeof m.id === 'string' && m.id.length <= 100 && typeof m.channel === 'string';
}

function isAction(message: unknown): message is WebviewAction {
  if (typeof message !== 'object' || message === null) return false;
  const m = message as Record<string, unknown>;
  if (m.type === 'analyze-deal') return typeof m.opportunityId === 'string' && /^[A-Za-z0-9_-]{1,200}$/.test(m.opportunityId);
  if (m.type === 'follow-up') return m.what === 'add-note' || m.what === 'new-task';
  if (m.type === 'deal-follow-up') return (m.what === 'add-note' || m.what === 'new-task') && typeof m.contactId === 'string' && /^[A-Za-z0-9_-]{1,200}$/.test(m.contactId);
  return m.type === 'open-link' && typeof m.url === 'string' && m.url.length <= 2048;
}

function isReady(message: unknown): message is WebviewReady {
  return typeof message === 'object' && message !== null && (message as Record<string, unknown>).type === 'ready';
}

/** A push from the host's bus as the page receives it (the same channel and payload, named `push`). */
function pushMessage<K extends HostPushName>(event: HostPushEvent<K>): PushMessage<K> {
  return { push: event.channel, payload: event.payload };
}

/**
 * Connects one webview to the backend: requests in, one reply per id out, protocol pushes
 * forwarded. Payloads are validated by the backend against the channel's schema, so the
 * webview can do nothing the protocol does not allow.
 *
 * Nothing is posted to a page before it said `ready` (a message posted earlier is lost).
 * A page that is thrown away (hidden without retainContextWhenHidden, or a post VS Code
 * could not deliver) is not ready again until its next page says so. Meanwhile pushes wait,
 * only the latest of each kind: the new page loads its data afresh anyway, and only the
 * last "show this pipeline" or progress still means anything. Replies to a page that is
 * gone are dropped.
 */
export class WebviewBridge extends Disposable {
  private ready = false;
  /** Counts pages (each says ready once), so a late "not delivered" of an old page is ignored. */
  private page = 0;
  private readonly waiting = new Map<PushMessage['push'], PushMessage>();

  constructor(
    private readonly webview: vscode.Webview,
    host: BackendHost,
    private readonly logger: Logger,
    private readonly name: string,
    /** What the page may ask of the host besides requests (only the conversation panel's links so far). */
    onAction?: (action: WebviewAction) => void,
  ) {
    super();
    this._register(
      webview.onDidReceiveMessage(async (message: unknown) => {
        if (isReady(message)) {
          this.page++;
          this.ready = false;
          this.pageReady();
          return;
        }
        if (isAction(message)) {
          if (onAction) onAction(message);
          else logger.warn(`Ignored a ${message.type} message from the ${name} webview.`, 'webview');
          return;
        }
        if (!isRequest(message)) {
          logger.warn(`Ignored a malformed message from the ${name} webview.`, 'webview');
          return;
        }
        // Only a page that listens sends requests (its client says ready first).
        this.pageReady();
        const page = this.page;
        const response = await host.forward(message.channel, message.payload);
        if (!response.success && response.error.code !== 'VALIDATION') {
          logger.warn(`${name}: ${message.channel} failed: ${response.error.code} ${response.error.message}`, 'webview');
        }
        // The page that asked is gone: nobody is left to read the reply.
        if (this.ready && page === this.page) this.send({ id: message.id, response });
      }),
    );
    this._register(host.onPush((event) => this.push(pushMessage(event))));
  }

  /** Posts a push now, or once the page is ready. */
  push(message: PushMessage): void {
    if (this.ready) this.send(message);
    else this.hold(message);
  }

  /** The page is gone (e.g. its panel was hidden): hold everything for the next one. */
  pageDiscarded(): void {
    this.page++;
    this.ready = false;
  }

  override dispose(): void {
    this.ready = false;
    this.waiting.clear();
    super.dispose();
  }

  private pageReady(): void {
    if (this.ready) return;
    this.ready = true;
    const held = [...this.waiting.values()];
    this.waiting.clear();
    for (const message of held) this.send(message);
  }

  private hold(message: PushMessage): void {
    if (message.push === 'host:data-changed') {
      const earlier = this.waiting.get('host:data-changed');
      if (earlier?.push === 'host:data-changed') {
        const kinds = [...new Set([...earlier.payload.kinds, ...message.payload.kinds])];
        message = { push: 'host:data-changed', payload: { kinds } };
      }
    }
    this.waiting.delete(message.push); // keeps the order of arrival of the latest ones
    this.waiting.set(message.push, message);
  }

  private send(message: HostToWebview): void {
    const page = this.page;
    this.webview.postMessage(message).then(
      (delivered) => {
        if (delivered || page !== this.page) return;
        // VS Code dropped it: the page is not alive. A push waits for the next page.
        this.ready = false;
        if ('push' in message) this.hold(message);
      },
      (err: unknown) => this.logger.warn(`${this.name}: could not post to the webview: ${String(err)}`, 'webview'),
    );
  }
}
