// Client side of the page bridge: lets a test running INSIDE the extension host drive the
// VS Code window it lives in (screenshots, clicks, drags, typing, reading webview DOM).
//
// test/vscode/run.mjs starts a small HTTP server next to Playwright and passes its address
// to the extension host as EXT_TEST_BRIDGE (the VS Code server's environment is inherited
// by the extension host). Each call is one POST, answered after Playwright has done the
// action, so tests simply `await` it. Under run-desktop.mjs (@vscode/test-electron) there
// is no page to drive: `bridge.available` is false and tests that need it should skip:
//
//   before(function () { if (!bridge.available) this.skip(); });
//
// Targets: `selector` is a Playwright selector (CSS, `text=...`, `role=button[name="Add"]`)
// in the workbench page, or inside a webview when `webview` is given:
//   webview: true      the only (or first) ready webview
//   webview: 2         the third ready webview, in DOM order
//   webview: 'Board'   the webview whose title (panel title / view name) contains 'Board';
//                      waited for up to `timeout`, as it may still be loading
// Webview content is reached as iframe.webview.ready (nth) -> #active-frame, whose title
// attribute is the webview's title.

export type WebviewTarget = boolean | number | string;

export interface Target {
  /** Playwright selector; required unless stated otherwise. */
  selector?: string;
  /** Look inside a webview instead of the workbench page. */
  webview?: WebviewTarget;
  /** ms; default 10 000. */
  timeout?: number;
}

export interface ClickOptions extends Target {
  button?: 'left' | 'right' | 'middle';
  clickCount?: number;
  modifiers?: Array<'Alt' | 'Control' | 'Meta' | 'Shift' | 'ControlOrMeta'>;
  /** Relative to the element's top-left corner. */
  position?: { x: number; y: number };
}

export interface DragOptions {
  source: string;
  target: string;
  webview?: WebviewTarget;
  /** Intermediate mouse moves between source and target; default 10. */
  steps?: number;
  timeout?: number;
}

export interface ScreenshotOptions {
  /** Shoot only this element (e.g. '#workbench.parts.sidebar'); default the whole window. */
  selector?: string;
  webview?: WebviewTarget;
  fullPage?: boolean;
}

/** Well-known workbench selectors, for screenshots and clicks. */
export const parts = {
  sidebar: '[id="workbench.parts.sidebar"]',
  activityBar: '[id="workbench.parts.activitybar"]',
  panel: '[id="workbench.parts.panel"]',
  editor: '[id="workbench.parts.editor"]',
  statusBar: '[id="workbench.parts.statusbar"]',
  auxiliaryBar: '[id="workbench.parts.auxiliarybar"]',
  notifications: '.notifications-toasts',
  quickInput: '.quick-input-widget',
} as const;

async function call<T>(action: string, body: object): Promise<T> {
  const base = process.env.EXT_TEST_BRIDGE;
  if (!base) throw new Error('no page bridge: run the suite with test/vscode/run.mjs');
  const res = await fetch(new URL(action, base), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const reply = (await res.json()) as { ok: boolean; result?: T; error?: string };
  if (!reply.ok) throw new Error(`bridge ${action} failed: ${reply.error}`);
  return reply.result as T;
}

export const bridge = {
  /** True when a launcher with a page (run.mjs) is driving this run. */
  get available(): boolean {
    return Boolean(process.env.EXT_TEST_BRIDGE);
  },
  /** Saves test-results/<name>.png; returns the absolute path. */
  screenshot: (name: string, opts: ScreenshotOptions = {}) => call<string>('screenshot', { name, ...opts }),
  click: (selector: string, opts: Omit<ClickOptions, 'selector'> = {}) => call<void>('click', { selector, ...opts }),
  hover: (selector: string, opts: Omit<Target, 'selector'> = {}) => call<void>('hover', { selector, ...opts }),
  /** Mouse down on source, move in steps, mouse up on target (HTML5 DnD and pointer events). */
  drag: (opts: DragOptions) => call<void>('drag', opts),
  /** Replaces an input's value. */
  fill: (selector: string, text: string, opts: Omit<Target, 'selector'> = {}) =>
    call<void>('fill', { selector, text, ...opts }),
  /** Types with real key events into the focused element (or `selector`, focused first). */
  type: (text: string, opts: Target = {}) => call<void>('type', { text, ...opts }),
  /** A key or chord, e.g. 'Enter', 'Control+Shift+P'; into `selector` if given, else the page. */
  press: (key: string, opts: Target = {}) => call<void>('press', { key, ...opts }),
  /** Waits for the selector to reach `state` (default 'visible'). */
  waitFor: (
    selector: string,
    opts: Omit<Target, 'selector'> & { state?: 'attached' | 'detached' | 'visible' | 'hidden' } = {},
  ) => call<void>('waitFor', { selector, ...opts }),
  /** innerText of the first match. */
  text: (selector: string, opts: Omit<Target, 'selector'> = {}) => call<string>('text', { selector, ...opts }),
  /** Moves the mouse to page coordinates (nothing is clicked), e.g. away from a tooltip. */
  moveMouse: (x: number, y: number) => call<void>('moveMouse', { x, y }),
  /** Number of matches right now (no waiting). */
  count: (selector: string, opts: Omit<Target, 'selector'> = {}) => call<number>('count', { selector, ...opts }),
  /**
   * Evaluates a JS expression / function source in the page or webview document (on the first
   * match of `selector`, default 'html', passed as the argument). The result must be JSON.
   */
  evaluate: <T = unknown>(expression: string, opts: Target = {}) => call<T>('evaluate', { expression, ...opts }),
  /** Number of ready webviews in the window. */
  webviewCount: () => call<number>('webviewCount', {}),
};
