// Shared helpers of the GHL suites: the extension's API, the sandbox (started by prepare.mjs in
// the runner, reached over loopback), polling, and workbench selectors for our views.
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import type { Envelope } from '../../../src/protocol/envelope';
import type { GhlExtensionExports, GhlTestingHandle } from '../../../src/vscode/api/ghlApi';
import { RENTCAST_SANDBOX_KEY } from '../../sandbox/rentcast';
import { bridge } from './bridge';

export const EXTENSION_ID = 'ghl-vscode.ghl-vscode';

export const sandbox = {
  url: process.env.EXT_TEST_SANDBOX_URL ?? '',
  token: process.env.EXT_TEST_SANDBOX_TOKEN ?? '',
  locationId: process.env.EXT_TEST_SANDBOX_LOCATION ?? '',
  locationName: process.env.EXT_TEST_SANDBOX_LOCATION_NAME ?? '',
  control: process.env.EXT_TEST_SANDBOX_CONTROL ?? '',
};

/** True when prepare.mjs started a sandbox and a page bridge is there (run.mjs). */
export const canRun = () => Boolean(sandbox.url && sandbox.control && bridge.available);

export interface SandboxState {
  contacts: number;
  opportunities: number;
  location: { id: string; name: string };
  pipelines: Array<{ id: string; name: string; stages: Array<{ id: string; name: string }> }>;
  /** pipelineId → stageId → number of opportunities in the sandbox. */
  stageCounts: Record<string, Record<string, number>>;
  hostile: { contactId: string; opportunityId: string; contactName: string; opportunityName: string };
  requests: number;
  /** Requests the sandbox has received and not answered yet. */
  requestsInFlight: number;
}

export interface SandboxOpportunity {
  id: string;
  name: string;
  pipelineId: string;
  pipelineStageId: string;
  monetaryValue: number;
  status: string;
  customFields?: Array<{ id: string; value: unknown }>;
}

async function controlCall<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const res = await fetch(new URL(path, sandbox.control), {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await res.json()) as T & { message?: string };
  if (!res.ok) throw new Error(`sandbox control ${method} ${path}: ${res.status} ${json.message ?? ''}`);
  return json;
}

export interface SandboxMessageState {
  id: string;
  messageType: string;
  direction: 'inbound' | 'outbound';
  body: string;
  subject?: string;
  dateAdded: string;
}

export interface SandboxConversationState {
  id: string;
  contactId: string;
  contactName: string;
  unreadCount: number;
  starred: boolean;
  lastMessageDate: number;
  /** Oldest first. */
  messages: SandboxMessageState[];
}

export const control = {
  state: () => controlCall<SandboxState>('GET', '/state'),
  opportunity: (id: string) => controlCall<SandboxOpportunity>('GET', `/opportunity?id=${encodeURIComponent(id)}`),
  /** The next `times` (default 1) requests matching method + path (or route template) fail. */
  fault: (fault: { method?: string; path: string; status?: number; body?: unknown; times?: number }) =>
    controlCall<{ ok: true }>('POST', '/fault', fault),
  /** A conversation as the sandbox holds it: unread count, starred, every message (type, direction, subject). */
  conversation: (id: string) => controlCall<SandboxConversationState>('GET', `/conversation?id=${encodeURIComponent(id)}`),
  /** Whether the sandbox holds this contact (GET /contact answers 404 once it is deleted). */
  hasContact: async (id: string) => (await fetch(new URL(`/contact?id=${encodeURIComponent(id)}`, sandbox.control))).ok,
  /** A lead writes: an inbound message into the conversation (or the contact's), unread count up. */
  inbound: (input: { conversationId?: string; contactId?: string; type: string; body: string; subject?: string }) =>
    controlCall<{ message: SandboxMessageState; conversation: SandboxConversationState }>('POST', '/inbound', input),
  /** #18: the appointments the sandbox holds. */
  events: () => controlCall<Array<{ id: string; title: string; calendarId: string; contactId: string | null; startTime: string; endTime: string; appointmentStatus: string }>>('GET', '/events'),
  // #17
  task: (id: string) => controlCall<{ id: string; title: string; completed: boolean; contactId: string; dueDate: string }>('GET', `/task?id=${encodeURIComponent(id)}`),
  notes: (contactId: string) => controlCall<{ notes: Array<{ id: string; body: string }> }>('GET', `/notes?contactId=${encodeURIComponent(contactId)}`),
  workflow: (id: string) => controlCall<{ id: string; name: string; members: string[] }>('GET', `/workflow?id=${encodeURIComponent(id)}`),
};

// --- the extension ---------------------------------------------------------------------------------

export interface ActivationTiming {
  /** Was the extension already active (onStartupFinished) when the suite first asked? */
  wasActive: boolean;
  /** From calling getExtension().activate() to its promise resolving. */
  callToResolveMs: number;
  /** What activate() itself measured (testing.activationMs). */
  activationMs: number;
}

export interface Activated {
  /** What activate() returned: getApi(1), as every other extension sees it. */
  exports: GhlExtensionExports;
  /** The ungated handle the extension offers only in Test mode (as the suite runs it). */
  testing: GhlTestingHandle;
  timing: ActivationTiming;
}

let activation: Promise<Activated> | undefined;

/** Activates the extension once (timed) and returns what it exports. */
export function activateOnce(): Promise<Activated> {
  activation ??= (async () => {
    const ext = vscode.extensions.getExtension<GhlExtensionExports>(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} is not installed`);
    const wasActive = ext.isActive;
    const started = performance.now();
    const exports = await ext.activate();
    const callToResolveMs = performance.now() - started;
    const testing = exports.testing;
    assert.ok(testing, 'activate() returned no testing handle: is the extension running in Test mode?');
    return { exports, testing, timing: { wasActive, callToResolveMs, activationMs: testing.activationMs } };
  })();
  return activation;
}

/** Every channel with no write gate: what the suites drive the extension with. */
export async function testHandle(): Promise<GhlTestingHandle> {
  return (await activateOnce()).testing;
}

/** A request through the test handle that must succeed; returns its data. */
export async function call<T = any>(channel: string, payload?: unknown): Promise<T> {
  const response: Envelope = await (await testHandle()).request(channel, payload);
  if (!response.success) assert.fail(`${channel} failed: ${response.error.code} ${response.error.message}`);
  return response.data as T;
}

// --- the state a suite starts from ------------------------------------------------------------------

/**
 * Configured for the sandbox and synced: what every suite after ghl-sync works on. A no-op when
 * the window is already there (the suites run in index.ts's order), so any suite also runs alone
 * (EXT_TEST_GREP) or after any other.
 */
export async function ensureConfiguredAndSynced(): Promise<void> {
  const settings = await call('ext-ghl:settings-get', {});
  if (!settings.configured || settings.locationId !== sandbox.locationId) {
    await vscode.commands.executeCommand('ghl.setApiToken', sandbox.token);
    await vscode.commands.executeCommand('ghl.setLocationId', sandbox.locationId);
    await poll('the extension configured for the sandbox', () => call('ext-ghl:settings-get', {}), (s) => s.configured && s.locationId === sandbox.locationId);
  }
  const cached = async () => ({
    contacts: (await call<{ total: number }>('ext-ghl:contacts-list', { limit: 1 })).total,
    opportunities: (await call<{ total: number }>('ext-ghl:opps-list', { limit: 1 })).total,
  });
  const now = await cached();
  if (now.contacts > 0 && now.opportunities > 0) return;
  await vscode.commands.executeCommand('ghl.syncAll');
  await poll('the sandbox synced into the cache', cached, (c) => c.contacts > 0 && c.opportunities > 0, 60_000, 250);
}

/** The RentCast stand-in (on the sandbox) and its key, as ghl-arv sets them: for suites that call the ARV channels. */
export async function ensureRentcastConfigured(): Promise<void> {
  await vscode.workspace.getConfiguration().update('ghl.arv.rentcastBaseUrl', sandbox.url, vscode.ConfigurationTarget.Global);
  if ((await call('ext-ghl:settings-get', {})).rentcastApiKey) return;
  await vscode.commands.executeCommand('ghl.setRentcastApiKey', RENTCAST_SANDBOX_KEY);
  await poll('the RentCast key saved', () => call('ext-ghl:settings-get', {}), (s) => Boolean(s.rentcastApiKey));
}

/**
 * Where a new user starts: no token, no location, nothing cached (ghl-welcome, ghl-sync). The
 * extension's secret storage cannot be emptied from a test, so this is a fresh window only:
 * those suites run first (index.ts), alone, or not at all, and say so instead of failing later.
 */
export async function requireFreshWindow(suite: string): Promise<void> {
  const settings = await call('ext-ghl:settings-get', {});
  assert.ok(
    settings.token === null && settings.locationId === null,
    `${suite} checks the first start: it needs a window where nothing was configured yet (run it first, as index.ts does, or alone)`,
  );
}

// --- waiting ---------------------------------------------------------------------------------------

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Polls `probe` until `until(value)` holds (default: truthy) and returns the value; on timeout
 * fails with the last value seen.
 */
export async function poll<T>(
  what: string,
  probe: () => Promise<T> | T,
  until: (value: T) => boolean = Boolean,
  timeoutMs = 8_000,
  intervalMs = 100,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: T | undefined;
  let lastError: unknown;
  for (;;) {
    try {
      last = await probe();
      lastError = undefined;
      if (until(last)) return last;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > end) {
      const seen = lastError ? `error: ${String((lastError as Error)?.message ?? lastError)}` : `last value: ${JSON.stringify(last)?.slice(0, 600)}`;
      assert.fail(`timed out after ${timeoutMs} ms waiting for ${what} (${seen})`);
    }
    await sleep(intervalMs);
  }
}

/** Titles of the open editor tabs. */
export function tabLabels(): string[] {
  return vscode.window.tabGroups.all.flatMap((g) => g.tabs.map((t) => t.label));
}

// --- workbench DOM -----------------------------------------------------------------------------------

/**
 * The view pane (header + body) of one of our views, by its name ('Contacts', 'Pipelines'). The
 * header's icon carries the view id as a class (`view-ghl-contacts`); its aria-label does not
 * do (it becomes "Contacts - 251 Section" once the view has a description).
 */
export const pane = (name: string) => `.pane:has(> .pane-header .view-ghl-${name.toLowerCase()})`;
export const STATUS_ITEM = '[id="ghl-vscode.ghl-vscode.ghl-sync-status"]';

export interface RowInfo {
  /** The list's index of the row (data-index): the row's selector is `.monaco-list-row[data-index="N"]`. */
  index: number;
  label: string;
  description: string;
  level: number;
  posinset: number;
  setsize: number;
  expanded: string | null;
}

/**
 * The rows of a tree view that are rendered right now (the list is virtualised: only what is
 * in sight), with their ARIA position: `setsize` of a level-1 row is the number of top rows.
 */
export async function readRows(view: string): Promise<RowInfo[]> {
  return bridge.evaluate<RowInfo[]>(
    `(root) => [...root.querySelectorAll('.monaco-list-row')].map((r) => ({
      index: Number(r.dataset.index),
      label: r.querySelector('.label-name')?.textContent ?? '',
      description: r.querySelector('.label-description')?.textContent ?? '',
      level: Number(r.getAttribute('aria-level')),
      posinset: Number(r.getAttribute('aria-posinset')),
      setsize: Number(r.getAttribute('aria-setsize')),
      expanded: r.getAttribute('aria-expanded'),
    }))`,
    { selector: pane(view) },
  );
}

/** Clicks the (rendered) row of a tree view that has this label; waits for it to be rendered. */
export async function clickRow(view: string, label: string): Promise<void> {
  const rows = await poll(`the row "${label}" in ${view}`, () => readRows(view), (rs) => rs.some((r) => r.label === label));
  const { index } = rows.find((r) => r.label === label)!;
  // A tooltip left open by an earlier hover can cover the row (and take the pointer): move
  // the mouse into the editor area, where nothing hovers, and let it close.
  await bridge.moveMouse(900, 500);
  await poll('no tooltip over the views', () => bridge.count('.monaco-hover:visible, .workbench-hover:visible'), (n) => n === 0, 3_000).catch(() => undefined);
  await bridge.click(`${pane(view)} .monaco-list-row[data-index="${index}"]`);
}

/** Shows our activity bar container (the Contacts and Pipelines views). */
export async function showSidebar(): Promise<void> {
  await vscode.commands.executeCommand('workbench.view.extension.ghl-sidebar');
  await bridge.waitFor(pane('Contacts'));
}

export async function statusText(): Promise<string> {
  return (await bridge.text(STATUS_ITEM)).trim();
}

/**
 * The messages of every notification so far. The smoke-test driver mode that run.mjs needs
 * (--enable-smoke-test-driver) turns notification toasts off, so this opens the notification
 * center, reads it and closes it again.
 */
export async function notificationTexts(): Promise<string[]> {
  await vscode.commands.executeCommand('notifications.showList');
  try {
    await bridge.waitFor('.notifications-center');
    return await bridge.evaluate<string[]>(
      `() => [...document.querySelectorAll('.notifications-center .notification-list-item-message')].map((e) => e.textContent)`,
    );
  } finally {
    await vscode.commands.executeCommand('notifications.hideList');
  }
}

/** Polls the notification center until a message matches. */
export async function waitForNotification(what: string, match: RegExp | string): Promise<string> {
  const test = (t: string) => (typeof match === 'string' ? t.includes(match) : match.test(t));
  const texts = await poll(`the notification ${what}`, notificationTexts, (ts) => ts.some(test));
  return texts.find(test)!;
}

export async function clearNotifications(): Promise<void> {
  await vscode.commands.executeCommand('notifications.clearAll');
}

// --- webviews ----------------------------------------------------------------------------------------

/**
 * Sends one request from inside a webview, exactly as its own script would: through the
 * function VS Code's webview host frame gives `acquireVsCodeApi().postMessage` (the page's
 * api object can be acquired only once, and the app holds it). The reply is the host's
 * `{ id, response }` message as the webview receives it. `title` picks the webview.
 */
export async function webviewRequest(title: string, channel: string, payload: unknown, timeoutMs = 10_000): Promise<unknown> {
  const id = `vscode-test-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  const args = JSON.stringify({ title, id, message: { id, channel, payload }, timeoutMs });
  return bridge.evaluate(
    `async () => {
      const { title, id, message, timeoutMs } = ${args};
      const outer = [...document.querySelectorAll('iframe.webview.ready')].find((f) =>
        (f.contentDocument?.querySelector('#active-frame')?.getAttribute('title') ?? '').includes(title));
      if (!outer) throw new Error('no webview titled ' + title);
      const inner = outer.contentDocument.querySelector('#active-frame').contentWindow;
      if (!inner.__vscodeTestReplies) {
        inner.__vscodeTestReplies = {};
        inner.addEventListener('message', (e) => {
          const d = e.data;
          if (d && typeof d.id === 'string' && d.id.startsWith('vscode-test-')) inner.__vscodeTestReplies[d.id] = d;
        });
      }
      outer.contentWindow.__vscode_post_message__('onmessage', { message });
      const end = Date.now() + timeoutMs;
      while (!inner.__vscodeTestReplies[id]) {
        if (Date.now() > end) return { timedOut: true };
        await new Promise((r) => setTimeout(r, 25));
      }
      const reply = inner.__vscodeTestReplies[id];
      delete inner.__vscodeTestReplies[id];
      return reply.response;
    }`,
    { timeout: timeoutMs + 2_000 },
  );
}

// --- chat ------------------------------------------------------------------------------------------

export const CHAT = 'Chat';
/** The <textarea> inside the vscode-textarea element (Playwright's CSS pierces its open shadow root). */
export const CHAT_TEXTAREA = '[data-testid="chat-input"] textarea';

export interface ChatLine {
  role: string;
  text: string;
  html: string;
}

export async function readChat(): Promise<ChatLine[]> {
  return bridge.evaluate<ChatLine[]>(
    `() => [...document.querySelectorAll('[data-testid="chat-message"]')].map((m) => ({
      role: m.dataset.role,
      text: m.querySelector('[data-testid="chat-message-text"]')?.textContent ?? '',
      html: m.querySelector('[data-testid="chat-message-text"]')?.innerHTML ?? '',
    }))`,
    { webview: CHAT },
  );
}

export async function openChat(): Promise<void> {
  await vscode.commands.executeCommand('ghl.openChat');
  await bridge.waitFor('[data-testid="chat-send"]', { webview: CHAT });
}

export async function sendChat(text: string): Promise<ChatLine[]> {
  // Right after a view reload the old frame may still be detaching: read until the new one answers.
  const before = (await poll('the chat view', readChat, () => true)).length;
  await bridge.fill(CHAT_TEXTAREA, text, { webview: CHAT });
  await bridge.click('[data-testid="chat-send"]', { webview: CHAT });
  await poll('the user message and the reply', readChat, (lines) => lines.length >= before + 2);
  // Send comes back (in place of Stop) once the turn is over and the reply is final.
  await bridge.waitFor('[data-testid="chat-send"]', { webview: CHAT, timeout: 15_000 });
  return readChat();
}

// --- logs --------------------------------------------------------------------------------------------

/** Files under the run's temp root (VS Code's logs live there) whose path ends with `suffix`. */
export function findFiles(suffix: string): string[] {
  const root = process.env.EXT_TEST_TMP_ROOT;
  if (!root) return [];
  const out: string[] = [];
  const walk = (dir: string, depth: number) => {
    if (depth > 8) return;
    let entries: import('node:fs').Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (e.name !== 'extensions' && e.name !== 'workspace' && e.name !== 'node_modules') walk(p, depth + 1);
      } else if (p.endsWith(suffix)) out.push(p);
    }
  };
  walk(root, 0);
  return out;
}

/** The extension's "GoHighLevel" log (LogOutputChannel file) as written so far. */
export function readExtensionLog(): string {
  const [file] = findFiles(path.join(EXTENSION_ID, 'GoHighLevel.log'));
  return file ? readFileSync(file, 'utf8') : '';
}
