// Proves the page bridge end to end with a throwaway webview: the extension host opens a
// webview, the runner's Playwright clicks inside it, the click arrives back as a message.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { bridge, parts } from './bridge';

describe('page bridge (run.mjs only)', () => {
  let panel: vscode.WebviewPanel | undefined;

  before(function () {
    if (!bridge.available) this.skip();
  });

  after(() => panel?.dispose());

  it('screenshots the workbench and reads its DOM', async () => {
    await bridge.waitFor(parts.statusBar);
    const file = await bridge.screenshot('bridge-workbench');
    assert.match(file, /bridge-workbench\.png$/);
    assert.ok((await bridge.count('.monaco-workbench')) === 1);
  });

  it('clicks inside a webview and the extension receives the message', async () => {
    panel = vscode.window.createWebviewPanel('ghlVscodeTest.bridge', 'Bridge Test', vscode.ViewColumn.One, {
      enableScripts: true,
    });
    const clicked = new Promise<unknown>((resolve) => panel!.webview.onDidReceiveMessage(resolve));
    const nonce = String(Date.now());
    panel.webview.html = `<!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy"
      content="default-src 'none'; script-src 'nonce-${nonce}'; style-src 'unsafe-inline';"></head>
      <body><h1 id="title">Bridge ${nonce}</h1><button id="go">Go</button>
      <script nonce="${nonce}">const api = acquireVsCodeApi();
      document.getElementById('go').addEventListener('click', () => api.postMessage({ clicked: true }));
      </script></body></html>`;

    await bridge.waitFor('#go', { webview: 'Bridge Test' });
    assert.equal(await bridge.text('#title', { webview: 'Bridge Test' }), `Bridge ${nonce}`);
    await bridge.click('#go', { webview: 'Bridge Test' });
    assert.deepEqual(await clicked, { clicked: true });
    await bridge.screenshot('bridge-webview', { selector: parts.editor });
  });
});
