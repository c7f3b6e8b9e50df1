// The page every webview app loads, built in one place for the extension host and the
// headless-Chromium harness alike, so the tests run the bundles behind the exact CSP that
// ships. Plain strings only: no `vscode`, no DOM, so both sides can import it.
import { randomBytes } from 'node:crypto';

export interface WebviewPage {
  /** The bundle's name: `<app>.js`, and `<app>.css` unless `hasStylesheet` is false. */
  app: string;
  title: string;
  /** Fresh per load (newNonce): the only script the CSP lets run is the one carrying it. */
  nonce: string;
  /** The origin the webview's own files are served from (VS Code's `webview.cspSource`). */
  cspSource: string;
  /** The URL of a file in the webview assets folder (codicon.css, `<app>.js`, …). */
  assetUrl(file: string): string;
  /** Read by the app at start, before any request: a restored panel's state. */
  initialState?: unknown;
  hasStylesheet?: boolean;
  /**
   * What VS Code adds to every webview on its own (its theme's variables and body class); only
   * the harness, which has no VS Code around it, passes them.
   */
  host?: { stylesheetUrls: readonly string[]; bodyClass: string };
}

export function newNonce(): string {
  return randomBytes(16).toString('base64');
}

/** What the page may load: its own origin's files, data: images, and the one nonce-tagged script; nothing inline. */
export function webviewCsp(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `img-src ${cspSource} data:`,
    `style-src ${cspSource}`,
    `font-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
}

function escapeAttribute(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/'/g, '&#39;');
}

export function webviewPageHtml(page: WebviewPage): string {
  const { app, nonce, assetUrl } = page;
  const stylesheets = [
    // vscode-elements finds the codicon font through this id.
    `<link rel="stylesheet" href="${escapeAttribute(assetUrl('codicon.css'))}" id="vscode-codicon-stylesheet">`,
    ...(page.host?.stylesheetUrls ?? []).map((url) => `<link rel="stylesheet" href="${escapeAttribute(url)}">`),
    ...(page.hasStylesheet === false ? [] : [`<link rel="stylesheet" href="${escapeAttribute(assetUrl(`${app}.css`))}">`]),
  ];
  const bodyClass = page.host ? ` class="${escapeAttribute(page.host.bodyClass)}"` : '';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${webviewCsp(page.cspSource, nonce)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<meta name="ghl-initial-state" content="${escapeAttribute(JSON.stringify(page.initialState ?? {}))}">
${stylesheets.join('\n')}
<title>${escapeAttribute(page.title)}</title>
</head>
<body${bodyClass}><div id="app"></div><script type="module" nonce="${escapeAttribute(nonce)}" src="${escapeAttribute(assetUrl(`${app}.js`))}"></script></body>
</html>`;
}
