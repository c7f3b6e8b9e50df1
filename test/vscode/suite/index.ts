// Mocha entry point for the real-VS-Code tests. VS Code's extension host loads the bundled
// dist/test/suite/index.js (built by esbuild.mjs) and awaits run(); a rejection makes the
// test run fail. Works with any launcher: test/vscode/run.mjs (headless, VS Code server +
// Chromium) or test/vscode/run-desktop.mjs (@vscode/test-electron).
//
// esbuild bundles only this file, so test files are listed here explicitly and loaded lazily,
// after mocha has installed describe/it/before/... as globals ('pre-require').
import Mocha from 'mocha';
import { writeFileSync } from 'node:fs';
import { format } from 'node:util';
import { bridge } from './bridge';
import { createReporter, type Counts } from './reporter';

/** Every test file of the suite; add new ones here. */
const testFiles: Record<string, () => Promise<unknown>> = {
  // The GHL suites share one VS Code window and one sandbox. ghl-welcome and ghl-sync check the
  // first start (nothing configured, activation from cold), so they run first; every suite after
  // them seeds what it needs in its own before() (ensureConfiguredAndSynced in ghl.ts, a no-op
  // when the window is already there), so each also runs alone (EXT_TEST_GREP) or in any order.
  'ghl-welcome.test': () => import('./ghl-welcome.test'),
  'activation.test': () => import('./activation.test'),
  'bridge.test': () => import('./bridge.test'),
  'ghl-sync.test': () => import('./ghl-sync.test'),
  'ghl-board.test': () => import('./ghl-board.test'),
  'ghl-chat.test': () => import('./ghl-chat.test'),
  'ghl-hostile.test': () => import('./ghl-hostile.test'),
  'ghl-arv.test': () => import('./ghl-arv.test'),
  'ghl-tasks.test': () => import('./ghl-tasks.test'),
  'ghl-channels.test': () => import('./ghl-channels.test'),
  'ghl-board-restore.test': () => import('./ghl-board-restore.test'),
  'ghl-inbox.test': () => import('./ghl-inbox.test'),
  // Configures the extension itself and leaves the sandbox as it found it (its own contact, deleted).
  'ghl-api.test': () => import('./ghl-api.test'),
  // #18: the Calendar view, booking in three keystrokes, a reminder.
  'ghl-calendar.test': () => import('./ghl-calendar.test'),
  // Issue 19.
  'ghl-analyzer.test': () => import('./ghl-analyzer.test'),
  // #17
  'ghl-followup.test': () => import('./ghl-followup.test'),
  // #17 (tasks2): the tag filter, board-card actions, reminders
  'ghl-followup-more.test': () => import('./ghl-followup-more.test'),
  // #20: the MCP server provider and the copied config.
  'ghl-mcp.test': () => import('./ghl-mcp.test'),
};

/** Line the runners parse for the counts: `__RESULT__ {"passed":N,"failed":N,"skipped":N}`. */
export const RESULT_MARKER = '__RESULT__';

export async function run(): Promise<void> {
  const restoreConsole = tagConsole(process.env.EXT_TEST_LOG_PREFIX);
  try {
    await runMocha();
  } finally {
    restoreConsole();
  }
}

async function runMocha(): Promise<void> {
  const counts: Counts = { passed: 0, failed: 0, skipped: 0 };
  const mocha = new Mocha({
    ui: 'bdd',
    timeout: Number(process.env.EXT_TEST_MOCHA_TIMEOUT) || 20_000,
    color: false,
    reporter: createReporter(counts, (line) => console.log(line)),
  });
  const grep = process.env.EXT_TEST_GREP;
  if (grep) mocha.grep(grep);

  // Installs describe/it/... on globalThis, as `mocha` does for each file it loads.
  for (const [name, load] of Object.entries(testFiles)) {
    mocha.suite.emit('pre-require', globalThis, name, mocha);
    await load();
  }

  // When a test fails and a page-side bridge is there (run.mjs), keep a screenshot of it.
  mocha.suite.afterEach(async function () {
    const test = this.currentTest;
    if (test?.state === 'failed' && bridge.available) {
      const name = 'failed-' + test.fullTitle().replace(/[^\w.-]+/g, '_').slice(0, 120);
      await bridge.screenshot(name).catch((err) => console.error('failure screenshot:', err));
    }
  });

  await new Promise<void>((resolve) => mocha.run(() => resolve()));
  console.log(`${RESULT_MARKER} ${JSON.stringify(counts)}`);
  // Launchers that can't read the extension host's console (run-desktop.mjs) get a file.
  if (process.env.EXT_TEST_RESULT_FILE) writeFileSync(process.env.EXT_TEST_RESULT_FILE, JSON.stringify(counts));
  if (counts.failed > 0) throw new Error(`${counts.failed} test(s) failed`);
  // A suite that skips itself (no sandbox, no page bridge) tested nothing: that is a failed run.
  if (counts.skipped > 0) throw new Error(`${counts.skipped} test(s) skipped`);
  if (counts.passed === 0) throw new Error('no test ran');
}

/**
 * While the suite runs, format every console call into one string (VS Code would forward the
 * raw arguments joined by commas) and, under run.mjs, prefix it so the runner can tell the
 * extension host's output from the workbench's own log lines. Returns the undo function.
 */
function tagConsole(prefix = ''): () => void {
  // VS Code's extension host defines console.log & co. as accessors whose setter only replaces
  // what is called AFTER forwarding, so redefine the properties instead of assigning them.
  const methods = ['log', 'info', 'warn', 'error', 'debug'] as const;
  const saved = methods.map((m) => [m, Object.getOwnPropertyDescriptor(console, m), console[m]] as const);
  for (const [m, , forward] of saved) {
    Object.defineProperty(console, m, {
      configurable: true,
      enumerable: true,
      writable: true,
      value: (...args: unknown[]) => forward.call(console, prefix + format(...args)),
    });
  }
  return () => {
    for (const [m, descriptor] of saved) {
      if (descriptor) Object.defineProperty(console, m, descriptor);
    }
  };
}
