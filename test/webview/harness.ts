/**
 * Runs the BUILT webview bundles in headless Chromium behind the HTML and CSP the extension
 * host serves (the one builder both call, src/webviewPage/html.ts), with `acquireVsCodeApi` replaced by a scriptable fake host.
 *
 * - bundles are built with esbuild's JS API (same options as esbuild.mjs) into a temp dir;
 * - pages live on a fake origin (https://webview.test/) served by `page.route`, so the CSP's
 *   `{cspSource}` is that origin and nothing touches the network;
 * - the fake host answers requests from fixtures, can fail or swallow the next request of a
 *   channel, records everything posted, and can push messages.
 */
import assert from 'node:assert/strict';
import * as esbuild from 'esbuild';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { Opportunity, Pipeline } from '../../src/protocol/entities';
import type { ErrorInfo } from '../../src/protocol/envelope';
import { requestSchemas } from '../../src/protocol/requests';
import type { HostPushName, HostPushPayloads } from '../../src/protocol/webviewMessages';
import { newNonce, webviewPageHtml } from '../../src/webviewPage/html';

const require = createRequire(import.meta.url);
export const ROOT = path.resolve(import.meta.dirname, '../..');
export const ORIGIN = 'https://webview.test';
export const RESULTS_DIR = path.join(ROOT, 'test-results');

export type App = 'board' | 'chat' | 'conversation' | 'analyzer' | 'ipc-harness';

export interface Built {
  dir: string;
  files: Map<string, Buffer>;
  dispose(): void;
}

/** Builds board, chat, conversation and the ipc test harness like esbuild.mjs's (production) webview build. */
export async function buildBundles(): Promise<Built> {
  const dir = mkdtempSync(path.join(tmpdir(), 'ghl-webview-'));
  const result = await esbuild.build({
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    // esbuild.mjs --production options (minified, no source map): what ships, and quick to load.
    sourcemap: false,
    minify: true,
    entryPoints: {
      'webview/board': path.join(ROOT, 'src/webview/board/main.ts'),
      'webview/chat': path.join(ROOT, 'src/webview/chat/main.ts'),
      'webview/conversation': path.join(ROOT, 'src/webview/conversation/main.ts'),
      'webview/analyzer': path.join(ROOT, 'src/webview/analyzer/main.ts'),
      'webview/ipc-harness': path.join(ROOT, 'test/webview/fixtures/ipcHarness.ts'),
    },
    outdir: dir,
    write: false,
    logLevel: 'silent',
  });
  const files = new Map<string, Buffer>();
  for (const file of result.outputFiles) {
    files.set(path.relative(dir, file.path).split(path.sep).join('/'), Buffer.from(file.contents));
  }
  const codicons = path.dirname(require.resolve('@vscode/codicons/dist/codicon.css'));
  files.set('webview/codicon.css', readFileSync(path.join(codicons, 'codicon.css')));
  files.set('webview/codicon.ttf', readFileSync(path.join(codicons, 'codicon.ttf')));
  files.set('theme-dark.css', Buffer.from(DARK_THEME));
  return { dir, files, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}

/** The page the extension host serves for one app (src/webviewPage/html.ts), on the fake origin, with VS Code's dark theme standing in for the host's. */
function hostHtml(app: App, nonce: string, initialState: unknown = {}): string {
  return webviewPageHtml({
    app,
    title: app,
    nonce,
    initialState,
    cspSource: ORIGIN,
    assetUrl: (file) => `${ORIGIN}/dist/webview/${file}`,
    hasStylesheet: app !== 'ipc-harness',
    host: { stylesheetUrls: [`${ORIGIN}/dist/theme-dark.css`], bodyClass: 'vscode-dark' },
  });
}

/**
 * The bundles and the browser one test file shares: built and launched before its tests, closed
 * after them; `open` opens an app page with them (inside a test, once `before` has run).
 */
export function inChromium(): { open(options: OpenOptions): Promise<OpenedPage> } {
  let built: Built | undefined;
  let browser: Browser | undefined;
  before(async () => {
    [built, browser] = await Promise.all([buildBundles(), launchBrowser()]);
  });
  after(async () => {
    await browser?.close();
    built?.dispose();
  });
  return {
    open(options) {
      if (!built || !browser) throw new Error('inChromium(): open() runs inside a test, after its before()');
      return openApp(browser, built, options);
    },
  };
}

export interface HostFixtures {
  pipelines?: Pipeline[];
  opportunities?: Opportunity[];
  settings?: { defaultPipeline?: string | null; configured?: boolean };
  /** Fail every request of these channels with this error. */
  failAlways?: Record<string, ErrorInfo>;
  chatReply?: string;
  /** What chat-send answers besides the reply (tool lines, writes waiting for approval, records named). */
  chatTurn?: { toolCalls?: unknown[]; pendingActions?: unknown[]; refs?: unknown[] };
  /** chat-history's model; null (the default) = no model, with this reason. */
  chatModel?: { vendor: string; family: string; id: string; name?: string } | null;
  /** Milliseconds before each reply. */
  delayMs?: number;
  /** The conversation panel's data: convs-get, contacts-get, convs-messages (newest first, one page). */
  conversation?: { conversation: Record<string, unknown>; contact: Record<string, unknown>; messages: Array<Record<string, unknown>> };
  /** Issue 19, the analyzer: what arv-analyze answers; arv-comps-set flips the comp and answers `arvWithout` as the ARV. */
  analyzer?: { analysis: Record<string, any>; arvWithout: number };
  /** #17: the location's tags (tags-list) and each contact's tags (opps-list's contactTag filters on them). */
  tags?: string[];
  contactTags?: Record<string, string[]>;
}

export interface Posted {
  id: string;
  channel: string;
  payload: unknown;
}

/** The fake VS Code host, installed with page.addInitScript before any page script runs. */
function fakeHost(fixtures: HostFixtures): void {
  type Msg = { id: string; channel: string; payload: Record<string, unknown> };
  const w = window as unknown as Record<string, unknown>;
  const violations: unknown[] = [];
  document.addEventListener('securitypolicyviolation', (e) => {
    violations.push({ directive: e.violatedDirective, blocked: e.blockedURI, sample: e.sample });
  });
  const opps = (fixtures.opportunities ?? []).map((o) => ({ ...o }));
  const host = {
    posted: [] as Msg[],
    /** Page actions other than requests (open-link). */
    actions: [] as unknown[],
    /** `ready` messages the page posted (the real host waits for the first). */
    readyCount: 0,
    /** Breaches of the page's side of the handshake (a request before `ready`). */
    handshakeErrors: [] as string[],
    failNext: {} as Record<string, unknown>,
    silent: [] as string[],
    violations,
    delayMs: fixtures.delayMs ?? 0,
    /** While true, replies wait in `held` until release(). */
    holding: false,
    held: [] as Array<() => void>,
    release() {
      host.holding = false;
      for (const send of host.held.splice(0)) send();
    },
    opps,
    push(push: string, payload: unknown) {
      window.dispatchEvent(new MessageEvent('message', { data: { push, payload } }));
    },
    raw(data: unknown) {
      window.dispatchEvent(new MessageEvent('message', { data }));
    },
    /**
     * #17: a message arrives in the conversation, as in the extension: GHL has it (the next
     * convs-messages answers it, newest first), then the host tells the panel
     * (host:conversation-changed, what the inbox poll sends).
     */
    incoming(message: Record<string, unknown>) {
      fixtures.conversation?.messages.unshift(message);
      host.push('host:conversation-changed', { conversationId: message.conversationId });
    },
  };
  w.__host = host;
  const reply = (id: string, response: unknown) => {
    const send = () =>
      setTimeout(() => window.dispatchEvent(new MessageEvent('message', { data: { id, response } })), host.delayMs);
    if (host.holding) host.held.push(send);
    else send();
  };
  const ok = (id: string, data: unknown) => reply(id, { success: true, data: JSON.parse(JSON.stringify(data)) });
  const fail = (id: string, error: unknown) => reply(id, { success: false, error });

  function handle(msg: Msg): void {
    const { id, channel, payload } = msg;
    if (host.silent.includes(channel)) return;
    if (host.failNext[channel]) {
      const error = host.failNext[channel];
      delete host.failNext[channel];
      return void fail(id, error);
    }
    if (fixtures.failAlways?.[channel]) return void fail(id, fixtures.failAlways[channel]);
    switch (channel) {
      case 'ext-ghl:settings-get':
        return void ok(id, {
          token: 'pit-…beef',
          locationId: 'loc-1',
          defaultPipeline: fixtures.settings?.defaultPipeline ?? null,
          configured: fixtures.settings?.configured ?? true,
        });
      case 'ext-ghl:pipelines-list':
        return void ok(id, { items: fixtures.pipelines ?? [], total: (fixtures.pipelines ?? []).length });
      case 'ext-ghl:opps-list': {
        const matching = opps.filter(
          (o) =>
            (!payload.pipelineId || o.pipelineId === payload.pipelineId) &&
            (!payload.status || o.status === payload.status) &&
            (!payload.contactTag || (fixtures.contactTags?.[o.contactId ?? ''] ?? []).includes(String(payload.contactTag))),
        );
        const offset = Number(payload.offset ?? 0);
        const limit = Number(payload.limit ?? 50);
        return void ok(id, { items: matching.slice(offset, offset + limit), total: matching.length });
      }
      case 'ext-ghl:opps-update': {
        const opp = opps.find((o) => o.id === payload.id);
        if (!opp) return void fail(id, { code: 'NOT_FOUND', message: 'No such opportunity' });
        Object.assign(opp, payload.data, { updatedAt: new Date().toISOString() });
        return void ok(id, opp);
      }
      case 'ext-ghl:opps-update-status': {
        const opp = opps.find((o) => o.id === payload.id);
        if (!opp) return void fail(id, { code: 'NOT_FOUND', message: 'No such opportunity' });
        opp.status = payload.status as typeof opp.status;
        return void ok(id, opp);
      }
      case 'ext-ghl:tags-list':
        return void ok(id, { items: (fixtures.tags ?? []).map((name) => ({ id: `tag-${name}`, name })), total: (fixtures.tags ?? []).length, fromCache: false });
      case 'ext-ghl:chat-history':
        return void ok(id, {
          entries: JSON.parse(sessionStorage.getItem('fake-chat-history') ?? '[]'),
          pendingActions: [],
          model: fixtures.chatModel ?? null,
          ...(fixtures.chatModel ? {} : { noModelReason: 'No chat model is available in VS Code right now.' }),
        });
      case 'ext-ghl:chat-send': {
        const reply = fixtures.chatReply ?? 'A scripted answer.';
        const turn = fixtures.chatTurn ?? {};
        // Streamed in two halves first, as the host does while a turn runs.
        const half = Math.ceil(reply.length / 2);
        host.push('ext-ghl:chat-stream', { turnId: 't-1', delta: reply.slice(0, half) });
        for (const call of turn.toolCalls ?? []) host.push('ext-ghl:chat-stream', { turnId: 't-1', toolCall: call });
        host.push('ext-ghl:chat-stream', { turnId: 't-1', delta: reply.slice(half) });
        const entries = JSON.parse(sessionStorage.getItem('fake-chat-history') ?? '[]');
        entries.push({ role: 'user', text: payload.message, at: 1 }, { role: 'assistant', text: reply, at: 2, toolCalls: turn.toolCalls });
        sessionStorage.setItem('fake-chat-history', JSON.stringify(entries));
        return void ok(id, {
          turnId: 't-1',
          reply,
          model: fixtures.chatModel ?? null,
          toolCalls: turn.toolCalls ?? [],
          pendingActions: turn.pendingActions ?? [],
          refs: turn.refs ?? [],
        });
      }
      case 'ext-ghl:arv-analyze':
        return void ok(id, { ...fixtures.analyzer?.analysis, fromCache: true });
      case 'ext-ghl:arv-comps-set': {
        const analysis = fixtures.analyzer!.analysis;
        const comp = analysis.comps.find((c: { id: string }) => c.id === payload.compId);
        if (!comp) return void fail(id, { code: 'VALIDATION', message: 'No such comp' });
        comp.excluded = payload.excluded;
        comp.excludedReason = payload.excluded ? 'excluded by you' : null;
        comp.weight = payload.excluded ? 0 : comp.weight;
        analysis.estimate = { ...analysis.estimate, arv: payload.excluded ? fixtures.analyzer!.arvWithout : analysis.estimate.arv };
        return void ok(id, analysis);
      }
      case 'ext-ghl:arv-save':
        return void ok(id, { opportunityId: payload.opportunityId, arv: fixtures.analyzer!.analysis.estimate.arv, mao: 1, confidence: 'high', fields: { arv: 'f-arv', mao: null, confidence: null } });
      case 'ext-ghl:chat-confirm':
        return void ok(id, payload.approve
          ? { status: 'done', actionId: payload.actionId, summary: 'the change', refs: [] }
          : { status: 'cancelled', actionId: payload.actionId, summary: 'the change' });
      case 'ext-ghl:chat-stop':
        return void ok(id, { stopped: true });
      case 'ext-ghl:chat-open':
        return void ok(id, { opened: true });
      case 'ext-ghl:convs-get':
        return void ok(id, fixtures.conversation?.conversation ?? {});
      case 'ext-ghl:contacts-get':
        return void ok(id, fixtures.conversation?.contact ?? {});
      case 'ext-ghl:convs-messages':
        return void ok(id, { items: fixtures.conversation?.messages ?? [], lastMessageId: null, nextPage: false });
      case 'ext-ghl:convs-send':
        return void ok(id, { conversationId: payload.conversationId, messageId: `sent-${host.posted.length}`, clientMessageId: payload.clientMessageId });
      case 'ext-ghl:chat-clear':
        sessionStorage.removeItem('fake-chat-history');
        return void ok(id, { cleared: true });
      default:
        return void fail(id, { code: 'UNKNOWN_CHANNEL', message: `Unknown channel ${channel}` });
    }
  }

  let acquired = false;
  w.acquireVsCodeApi = () => {
    if (acquired) throw new Error('An instance of the VS Code API has already been acquired');
    acquired = true;
    return {
      postMessage(message: Msg | { type: 'ready' }) {
        const copy = JSON.parse(JSON.stringify(message)) as Msg | { type: 'ready' };
        if ('type' in copy && copy.type === 'ready') {
          host.readyCount++;
          return;
        }
        if (!('channel' in copy)) {
          if ('type' in copy) host.actions.push(copy);
          return;
        }
        if (host.readyCount === 0) host.handshakeErrors.push(`${copy.channel} before ready`);
        host.posted.push(copy);
        handle(copy);
      },
      getState() {
        const raw = sessionStorage.getItem('vscode-state');
        return raw ? JSON.parse(raw) : undefined;
      },
      setState(state: unknown) {
        sessionStorage.setItem('vscode-state', JSON.stringify(state));
        return state;
      },
    };
  };
}

export interface OpenOptions {
  app: App;
  fixtures?: HostFixtures;
  initialState?: unknown;
  viewport?: { width: number; height: number };
  /**
   * The page's timers and Date run on Playwright's clock (page.clock), installed before any page
   * script: the test pauses it and moves it (runFor) instead of waiting for real time.
   */
  clock?: boolean;
}

export interface OpenedPage {
  page: Page;
  /** Console errors and uncaught page errors. */
  errors: string[];
  posted(channel?: string): Promise<Posted[]>;
  violations(): Promise<unknown[]>;
  /** Page actions (open-link) the page posted. */
  actions(): Promise<unknown[]>;
  /** How often the page posted `ready`, and any request it sent before. */
  handshake(): Promise<{ readyCount: number; errors: string[] }>;
  /** The host pushes an event to the page (typed by its name, as WebviewBridge sends it). */
  push<K extends HostPushName>(name: K, payload: HostPushPayloads[K]): Promise<void>;
  /** #17: a new message arrives in the conversation (the conversation app): GHL has it and the host says so. */
  incomingMessage(message: Record<string, unknown>): Promise<void>;
  close(): Promise<void>;
}

/** Opens one app on the fake origin with a fresh fake host. */
export async function openApp(browser: Browser, built: Built, options: OpenOptions): Promise<OpenedPage> {
  const context = await browser.newContext({ viewport: options.viewport ?? { width: 1280, height: 720 }, locale: 'en-US' });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(msg.text());
  });
  page.on('pageerror', (err) => errors.push(String(err)));
  const html = hostHtml(options.app, newNonce(), options.initialState ?? {});
  await page.route(`${ORIGIN}/**`, async (route) => {
    const url = new URL(route.request().url());
    if (url.pathname === '/index.html') {
      return route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html });
    }
    const file = built.files.get(url.pathname.replace(/^\/dist\//, ''));
    if (!file) return route.fulfill({ status: 404, body: 'not found' });
    const ext = path.extname(url.pathname);
    const contentType =
      ext === '.js' ? 'text/javascript' : ext === '.css' ? 'text/css' : ext === '.ttf' ? 'font/ttf' : 'application/octet-stream';
    return route.fulfill({ status: 200, contentType, body: file });
  });
  // Anything else (a real network request) is a bug in the app.
  await page.route(/^(?!https:\/\/webview\.test\/)/, (route) => {
    errors.push(`unexpected request ${route.request().url()}`);
    return route.abort();
  });
  // tsx/esbuild may wrap functions in a `__name` helper; give the serialized host one.
  await page.addInitScript({
    content: `(() => { const __name = (f) => f; (${fakeHost.toString()})(${JSON.stringify(options.fixtures ?? {})}); })();`,
  });
  if (options.clock) await page.clock.install({ time: new Date('2026-01-05T15:00:00Z') });
  await page.goto(`${ORIGIN}/index.html`, { waitUntil: 'domcontentloaded' });
  return {
    page,
    errors,
    posted: async (channel) => {
      const all = (await page.evaluate('window.__host.posted')) as Posted[];
      return channel ? all.filter((m) => m.channel === channel) : all;
    },
    violations: () => page.evaluate('window.__host.violations') as Promise<unknown[]>,
    actions: () => page.evaluate('window.__host.actions') as Promise<unknown[]>,
    handshake: () =>
      page.evaluate('({ readyCount: window.__host.readyCount, errors: window.__host.handshakeErrors })') as Promise<{
        readyCount: number;
        errors: string[];
      }>,
    push: (name, payload) => page.evaluate(([name, payload]) => (window as unknown as { __host: { push(n: string, p: unknown): void } }).__host.push(name, payload), [name, payload] as const),
    incomingMessage: (message) => page.evaluate((message) => (window as unknown as { __host: { incoming(m: unknown): void } }).__host.incoming(message), message),
    close: () => context.close(),
  };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, name);
  await page.screenshot({ path: file });
  return file;
}

/** VS Code "Dark Modern" colors, as VS Code sets them on a webview. */
const DARK_THEME = `:root {
  --vscode-font-family: system-ui, -apple-system, "Segoe UI", Ubuntu, "Droid Sans", sans-serif;
  --vscode-font-size: 13px;
  --vscode-font-weight: normal;
  --vscode-editor-font-family: monospace;
  --vscode-foreground: #cccccc;
  --vscode-descriptionForeground: #9d9d9d;
  --vscode-disabledForeground: rgba(204, 204, 204, 0.5);
  --vscode-errorForeground: #f85149;
  --vscode-icon-foreground: #cccccc;
  --vscode-focusBorder: #0078d4;
  --vscode-editor-background: #1f1f1f;
  --vscode-editor-foreground: #cccccc;
  --vscode-sideBar-background: #181818;
  --vscode-sideBar-border: #2b2b2b;
  --vscode-sideBarSectionHeader-border: #2b2b2b;
  --vscode-panel-background: #181818;
  --vscode-panel-border: #2b2b2b;
  --vscode-widget-border: #313131;
  --vscode-widget-shadow: rgba(0, 0, 0, 0.36);
  --vscode-editorWidget-background: #202020;
  --vscode-editorWidget-foreground: #cccccc;
  --vscode-editorWidget-border: #313131;
  --vscode-button-background: #0078d4;
  --vscode-button-foreground: #ffffff;
  --vscode-button-hoverBackground: #026ec1;
  --vscode-button-border: rgba(255, 255, 255, 0.07);
  --vscode-button-secondaryBackground: #313131;
  --vscode-button-secondaryForeground: #cccccc;
  --vscode-button-secondaryHoverBackground: #3c3c3c;
  --vscode-badge-background: #616161;
  --vscode-badge-foreground: #f8f8f8;
  --vscode-dropdown-background: #313131;
  --vscode-dropdown-foreground: #cccccc;
  --vscode-dropdown-border: #3c3c3c;
  --vscode-dropdown-listBackground: #1f1f1f;
  --vscode-input-background: #313131;
  --vscode-input-foreground: #cccccc;
  --vscode-input-border: #3c3c3c;
  --vscode-input-placeholderForeground: #989898;
  --vscode-inputValidation-errorBackground: #5a1d1d;
  --vscode-inputValidation-errorBorder: #be1100;
  --vscode-list-hoverBackground: #2a2d2e;
  --vscode-list-activeSelectionBackground: #04395e;
  --vscode-list-activeSelectionForeground: #ffffff;
  --vscode-list-focusOutline: #0078d4;
  --vscode-list-dropBackground: #383b3d;
  --vscode-toolbar-hoverBackground: rgba(90, 93, 94, 0.31);
  --vscode-progressBar-background: #0078d4;
  --vscode-charts-blue: #3794ff;
  --vscode-charts-green: #89d185;
  --vscode-charts-red: #f14c4c;
  --vscode-charts-yellow: #cca700;
  --vscode-scrollbarSlider-background: rgba(121, 121, 121, 0.4);
  --vscode-settings-dropdownListBorder: #454545;
  --vscode-quickInput-background: #222222;
}
`;

/**
 * What every page must keep whatever a test did: one ready before any request, no CSP violation,
 * no console error or request outside the page, no injected script run, and every request it
 * posted valid for its channel.
 */
export async function assertCleanPage(app: OpenedPage): Promise<void> {
  assert.deepEqual(await app.handshake(), { readyCount: 1, errors: [] }, 'one ready, before any request');
  assert.deepEqual(await app.violations(), [], 'no CSP violations');
  assert.deepEqual(app.errors, [], 'no console errors and no request outside the page');
  assert.equal(await app.page.evaluate('window.__xss'), undefined, 'no injected script ran');
  for (const msg of await app.posted()) {
    const schema = requestSchemas[msg.channel as keyof typeof requestSchemas];
    assert.ok(schema?.safeParse(msg.payload).success, `${msg.channel} ${JSON.stringify(msg.payload)} is valid`);
  }
}
