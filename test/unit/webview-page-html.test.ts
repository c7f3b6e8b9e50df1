// The one page builder (src/webviewPage/html.ts) that the extension host and the webview
// harness both serve: the CSP lets nothing run but the nonce-tagged bundle.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { newNonce, webviewPageHtml } from '../../src/webviewPage/html';

const page = (extra: Partial<Parameters<typeof webviewPageHtml>[0]> = {}) =>
  webviewPageHtml({
    app: 'board',
    title: 'Opportunities',
    nonce: 'n0nce',
    cspSource: 'https://cdn.example',
    assetUrl: (file) => `https://cdn.example/webview/${file}`,
    ...extra,
  });

const csp = (html: string) => /http-equiv="Content-Security-Policy" content="([^"]*)"/.exec(html)?.[1];

describe('webview page HTML', () => {
  it('allows only its own origin and the one nonce-tagged script, nothing inline', () => {
    const html = page();
    assert.equal(
      csp(html),
      "default-src 'none'; img-src https://cdn.example data:; style-src https://cdn.example; font-src https://cdn.example; script-src 'nonce-n0nce'",
    );
    assert.doesNotMatch(html, /unsafe-inline|unsafe-eval/);
    const scripts = [...html.matchAll(/<script[^>]*>/g)].map((m) => m[0]);
    assert.deepEqual(scripts, ['<script type="module" nonce="n0nce" src="https://cdn.example/webview/board.js">']);
    assert.match(html, /href="https:\/\/cdn.example\/webview\/codicon.css" id="vscode-codicon-stylesheet"/);
    assert.match(html, /href="https:\/\/cdn.example\/webview\/board.css"/);
  });

  it('escapes the title and the initial state so a CRM name cannot open a tag', () => {
    const html = page({ title: '</title><script>alert(1)</script>', initialState: { name: '"><script>x</script>' } });
    assert.equal([...html.matchAll(/<script/g)].length, 1);
    assert.match(html, /<title>&lt;\/title&gt;&lt;script&gt;alert\(1\)&lt;\/script&gt;<\/title>/);
    const state = /name="ghl-initial-state" content="([^"]*)"/.exec(html)?.[1] ?? '';
    assert.match(state, /^\{&quot;name&quot;:&quot;\\&quot;&gt;&lt;script&gt;/);
  });

  it('adds the stand-in theme and body class only when a harness passes them, and leaves out a missing stylesheet', () => {
    assert.doesNotMatch(page(), /<body class=/);
    const html = page({ hasStylesheet: false, host: { stylesheetUrls: ['https://cdn.example/theme.css'], bodyClass: 'vscode-dark' } });
    assert.match(html, /<body class="vscode-dark">/);
    assert.match(html, /href="https:\/\/cdn.example\/theme.css"/);
    assert.doesNotMatch(html, /board\.css/);
  });

  it('gives every load a fresh nonce', () => {
    const nonces = new Set(Array.from({ length: 20 }, newNonce));
    assert.equal(nonces.size, 20);
    for (const nonce of nonces) assert.match(nonce, /^[A-Za-z0-9+/]{22}==$/);
  });
});
