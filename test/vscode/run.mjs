#!/usr/bin/env node
// Runs the mocha suite (dist/test/suite/index.js, built from test/vscode/suite/index.ts by
// `node esbuild.mjs`) inside a REAL VS Code extension host, headless, offline:
//
//   VS Code's own server (from the code-server npm package, run with Node 24)
//     + Debian's Chromium driven by playwright-core, opening the workbench with an
//       extensionDevelopmentPath / extensionTestsPath payload (honoured because of
//       --enable-smoke-test-driver). The suite's console output comes back through
//       window.codeAutomationLog, its result through window.codeAutomationExit(code).
//
// Page bridge: an HTTP server here (address in EXT_TEST_BRIDGE, inherited by the extension
// host) lets tests ask for screenshots / clicks / drags in the page; see suite/bridge.ts.
//
// Prints `N passed, N failed` as its last line and exits non-zero when anything failed.
// Options (env): VSCODE_TEST_TIMEOUT (ms, default 300000), VSCODE_TEST_GREP (mocha grep),
// VSCODE_TEST_MOCHA_TIMEOUT (per-test ms, default 20000),
// VSCODE_TEST_SETTINGS (JSON merged into user settings), VSCODE_TEST_WORKSPACE (folder to open
// instead of a fresh temp dir), VSCODE_TEST_VERBOSE=1 (echo every workbench/server log line),
// VSCODE_TEST_KEEP=1 (keep the temp dirs), VSCODE_TEST_HEADED=1 (needs a display),
// VSCODE_TEST_SKIP_SETUP=1 (don't run scripts/vscode-test-setup.sh).
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const resultsDir = path.join(root, 'test-results');
const extensionTestsPath = path.join(root, 'dist/test/suite/index.js');
const timeoutMs = Number(process.env.VSCODE_TEST_TIMEOUT) || 300_000;
const verbose = process.env.VSCODE_TEST_VERBOSE === '1';
const RESULT_MARKER = '__RESULT__';

const t0 = Date.now();
const secs = (since = t0) => ((Date.now() - since) / 1000).toFixed(1) + 's';
const log = (...a) => console.log('[vscode-test]', ...a);

// Everything to undo, newest first; run by teardown() exactly once, whatever happened.
const cleanups = [];
let serverProc;
let page; // the workbench page, once Chromium is up
let result; // { passed, failed, skipped } from the suite's __RESULT__ line
const live = { passed: 0, failed: 0 }; // counted from reporter lines, for runs cut short
let exitCode = 1;

/** Last resort if we die between spawn and teardown: kill the server's process group. */
process.on('exit', () => {
  if (serverProc?.pid && serverProc.exitCode === null) {
    try {
      process.kill(-serverProc.pid, 'SIGKILL');
    } catch {}
  }
});
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.once(sig, async () => {
    log(`got ${sig}, tearing down`);
    await teardown();
    printCounts();
    process.exit(130);
  });
}

async function main() {
  // --- 1. prerequisites --------------------------------------------------------------------
  if (process.env.VSCODE_TEST_SKIP_SETUP !== '1') {
    const setup = spawnSync('bash', [path.join(root, 'scripts/vscode-test-setup.sh')], { stdio: 'inherit' });
    if (setup.status !== 0) throw new Error('scripts/vscode-test-setup.sh failed');
  }
  const paths = JSON.parse(readFileSync(path.join(root, '.vscode-test/paths.json'), 'utf8'));
  for (const f of [path.join(root, 'dist/extension.js'), extensionTestsPath]) {
    if (!existsSync(f)) throw new Error(`${path.relative(root, f)} missing: run \`node esbuild.mjs\` first`);
  }
  mkdirSync(resultsDir, { recursive: true });
  // Failure screenshots of an earlier run would read as failures of this one.
  for (const f of readdirSync(resultsDir)) if (/^failed-.*\.png$/.test(f)) rmSync(path.join(resultsDir, f), { force: true });

  // --- 2. temp dirs, settings, prepare hook ----------------------------------------------------
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'ghl-vscode-test-'));
  cleanups.push(() => (process.env.VSCODE_TEST_KEEP === '1' ? log(`kept ${tmp}`) : rmSync(tmp, { recursive: true, force: true })));
  // Runs after everything else: anything still running with our temp root in its command
  // line (e.g. Chromium's crashpad handler, which leaves the process group) is ours to end.
  cleanups.push(() => reapStragglers(tmp));
  const dir = (name) => {
    const d = path.join(tmp, name);
    mkdirSync(d, { recursive: true });
    return d;
  };
  const workspaceDir = process.env.VSCODE_TEST_WORKSPACE ? path.resolve(process.env.VSCODE_TEST_WORKSPACE) : dir('workspace');
  const userSettings = {
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'workbench.enableExperiments': false,
    'workbench.welcomePage.walkthroughs.openOnInstall': false,
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'extensions.ignoreRecommendations': true,
    'security.workspace.trust.enabled': false,
    'git.enabled': false,
    'chat.disableAIFeatures': true,
    'window.dialogStyle': 'custom',
    // Lets the suite check that seeding works (see activation.test.ts).
    'ghlVscodeTest.seeded': true,
    ...(process.env.VSCODE_TEST_SETTINGS ? JSON.parse(process.env.VSCODE_TEST_SETTINGS) : {}),
  };
  const extensionHostEnv = {}; // extra env for the server and so the extension host

  const preparePath = path.join(root, 'test/vscode/prepare.mjs');
  if (existsSync(preparePath)) {
    const t = Date.now();
    const prepare = (await import(pathToFileURL(preparePath).href)).default;
    const handle = await prepare({ workspaceDir, userSettings, env: extensionHostEnv, resultsDir, tmpDir: tmp });
    if (handle && typeof handle.dispose === 'function') cleanups.push(() => handle.dispose());
    log(`prepare.mjs done in ${secs(t)}`);
  }

  // code-server's VS Code keeps the web client's user settings on the server, in
  // <user-data-dir>/User/settings.json (stock VS Code web would keep them in IndexedDB).
  // (Remote machine settings, <server-data-dir>/data/Machine/settings.json, drop unregistered keys.)
  const userDataDir = dir('user-data');
  const serverDataDir = dir('server-data');
  writeFileSync(path.join(dir('user-data/User'), 'settings.json'), JSON.stringify(userSettings, null, 2));

  // --- 3. page bridge (HTTP) ---------------------------------------------------------------------
  const bridgeServer = http.createServer((req, res) => handleBridge(req, res, () => page));
  await new Promise((r) => bridgeServer.listen(0, '127.0.0.1', r));
  cleanups.push(() => new Promise((r) => bridgeServer.close(() => r())));
  bridgeServer.unref();
  const bridgeUrl = `http://127.0.0.1:${bridgeServer.address().port}/`;

  // --- 4. VS Code server ---------------------------------------------------------------------------
  const port = await freePort();
  const env = {
    ...process.env,
    HOME: dir('home'),
    XDG_CONFIG_HOME: dir('xdg/config'),
    XDG_DATA_HOME: dir('xdg/data'),
    XDG_CACHE_HOME: dir('xdg/cache'),
    XDG_STATE_HOME: dir('xdg/state'),
    XDG_RUNTIME_DIR: dir('xdg/runtime'),
    TMPDIR: dir('tmp'),
    EXT_TEST_BRIDGE: bridgeUrl,
    EXT_TEST_RESULTS_DIR: resultsDir,
    EXT_TEST_LOG_PREFIX: LOG_PREFIX,
    ...extensionHostEnv,
  };
  // Don't hand our own Node's options / npm's environment to Node 24 and the extension host.
  for (const k of Object.keys(env)) if (k === 'NODE_OPTIONS' || k.startsWith('npm_')) delete env[k];
  // Inside the extension host the suite reads EXT_TEST_* (VS Code may strip VSCODE_* vars).
  if (process.env.VSCODE_TEST_GREP) env.EXT_TEST_GREP = process.env.VSCODE_TEST_GREP;
  if (process.env.VSCODE_TEST_MOCHA_TIMEOUT) env.EXT_TEST_MOCHA_TIMEOUT = process.env.VSCODE_TEST_MOCHA_TIMEOUT;

  const serverLog = createWriteStream(path.join(resultsDir, 'vscode-server.log'));
  cleanups.push(() => new Promise((r) => serverLog.end(r))); // runs after the kill below
  const tServer = Date.now();
  serverProc = spawn(
    paths.node,
    [
      paths.serverMain,
      '--host', '127.0.0.1',
      '--port', String(port),
      '--without-connection-token',
      '--accept-server-license-terms',
      '--enable-smoke-test-driver',
      '--disable-telemetry',
      '--disable-workspace-trust',
      '--reconnection-grace-time', '5',
      '--server-data-dir', serverDataDir,
      '--user-data-dir', userDataDir,
      '--extensions-dir', dir('extensions'),
      '--log', 'info',
    ],
    { cwd: tmp, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] }, // detached = setsid
  );
  cleanups.push(() => killGroup(serverProc));
  let serverExited = null;
  const serverExit = new Promise((resolve) => serverProc.once('exit', (code, signal) => resolve((serverExited = { code, signal }))));
  const listening = new Promise((resolve) => {
    const onData = (chunk) => {
      const s = chunk.toString();
      if (!serverLog.writableEnded) serverLog.write(s);
      if (verbose) process.stdout.write('[server] ' + s);
      if (/listening on/i.test(s)) resolve();
    };
    serverProc.stdout.on('data', onData);
    serverProc.stderr.on('data', onData);
  });
  await raceTimeout(
    Promise.race([listening, serverExit.then((e) => Promise.reject(new Error(`VS Code server exited early (${JSON.stringify(e)}); see test-results/vscode-server.log`)))]),
    60_000,
    'VS Code server did not start listening',
  );
  log(`VS Code ${paths.vscodeVersion} server on :${port} in ${secs(tServer)}`);

  // --- 5. Chromium -----------------------------------------------------------------------------
  const workbenchLog = createWriteStream(path.join(resultsDir, 'vscode-workbench.log'));
  cleanups.push(() => new Promise((r) => workbenchLog.end(r))); // runs after browser.close()
  const { chromium } = await import('playwright-core');
  const tBrowser = Date.now();
  const browser = await chromium.launch({
    executablePath: paths.chromium,
    headless: process.env.VSCODE_TEST_HEADED !== '1',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
    env: { ...env, HOME: env.HOME },
  });
  cleanups.push(() => browser.close().catch(() => {}));
  const context = await browser.newContext({ viewport: { width: 1400, height: 1200 } });
  page = await context.newPage();
  // Bridge calls without a `timeout` fail after 10 s (as suite/bridge.ts documents) rather than
  // Playwright's 30 s, which is longer than mocha's per-test timeout: a test would time out
  // without saying which selector it was waiting for.
  context.setDefaultTimeout(10_000);

  let onExit;
  const extensionHostExit = new Promise((resolve) => (onExit = resolve));
  await page.exposeFunction('codeAutomationLog', (level, message) => {
    const text = String(message);
    if (!workbenchLog.writableEnded) workbenchLog.write(`[${level}] ${text}\n`);
    const line = relayLine(level, text);
    if (line !== undefined) process.stdout.write(line + '\n');
  });
  await page.exposeFunction('codeAutomationExit', (code, logs) => {
    saveLogs(logs);
    onExit(Number(code));
  });
  const pageLog = (line) => workbenchLog.writableEnded || workbenchLog.write(line + '\n');
  page.on('pageerror', (err) => pageLog(`[pageerror] ${err.stack || err}`));
  page.on('console', (msg) => pageLog(`[console.${msg.type()}] ${msg.text()}`));

  const origin = `127.0.0.1:${port}`;
  const payload = [
    ['extensionDevelopmentPath', `vscode-remote://${origin}${root}`],
    ['extensionTestsPath', `vscode-remote://${origin}${extensionTestsPath}`],
  ];
  const url = `http://${origin}/?folder=${encodeURIComponent(workspaceDir)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  await page.goto(url);
  log(`Chromium opened the workbench in ${secs(tBrowser)}; running the suite`);

  // --- 6. wait for the suite -------------------------------------------------------------------
  const code = await raceTimeout(
    Promise.race([
      extensionHostExit,
      serverExit.then((e) => Promise.reject(new Error(`VS Code server died during the run (${JSON.stringify(e)})`))),
    ]),
    timeoutMs,
    `suite did not finish within ${timeoutMs / 1000}s`,
  );
  await page.screenshot({ path: path.join(resultsDir, 'vscode-final.png') }).catch((e) => log('final screenshot failed:', e.message));
  if (!result) {
    log(`extension host exited with ${code} without a ${RESULT_MARKER} line (did run() throw before mocha ran?)`);
    exitCode = 1;
  } else {
    exitCode = code !== 0 || result.failed > 0 || result.skipped > 0 || result.passed === 0 ? 1 : 0;
  }
  void serverExited;
}

// --- output relay ------------------------------------------------------------------------------
// codeAutomationLog receives the workbench's log service lines, which include the extension
// host's console output. While the suite runs, suite/index.ts prefixes that output with
// LOG_PREFIX: those lines go to stdout, the workbench's own chatter only to
// test-results/vscode-workbench.log (errors are shown too, minus known offline noise).
const LOG_PREFIX = '\u27e6ext\u27e7 ';
const OFFLINE_NOISE = /ENOTFOUND|EAI_AGAIN|ServiceWorker|open-vsx|marketplace|Failed to fetch/i;

function relayLine(level, text) {
  const m = text.match(new RegExp(`${RESULT_MARKER} (\\{.*\\})`));
  if (m) {
    try {
      result = JSON.parse(m[1]);
    } catch {}
    return undefined;
  }
  const i = text.indexOf(LOG_PREFIX);
  if (i >= 0) {
    const line = text.slice(i + LOG_PREFIX.length).replace(/\n\tat [^\n]*$/, ''); // drop the appended call site
    if (/^\s+✔ /.test(line)) live.passed++;
    if (/^\s+✘ \d+\) /.test(line)) live.failed++;
    return line;
  }
  if (verbose) return `[${level}] ${text}`;
  if (level === 'error' && !OFFLINE_NOISE.test(text) && !/^Error: \d+ test\(s\) failed/.test(text)) {
    return `[workbench error] ${text}`;
  }
  return undefined;
}

function saveLogs(logs) {
  if (!Array.isArray(logs)) return;
  const dir = path.join(resultsDir, 'vscode-logs');
  rmSync(dir, { recursive: true, force: true });
  for (const { relativePath, contents } of logs) {
    const file = path.join(dir, relativePath);
    if (!file.startsWith(dir + path.sep)) continue;
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, contents);
  }
}

// --- page bridge ---------------------------------------------------------------------------------
// A webview's content is inside two iframes: the workbench's outer `iframe.webview.ready`
// (same origin) and its `#active-frame`, whose title attribute is the webview's title.
// `webview`: true = the first ready webview, N = the N-th, 'Title' = the one whose title
// contains 'Title' (waited for up to `timeout`, as the webview may still be loading).
async function webviewFrame(page, webview, timeout = 10_000) {
  const outer = page.locator('iframe.webview.ready');
  let index = typeof webview === 'number' ? webview : 0;
  if (typeof webview === 'string') {
    const until = Date.now() + timeout;
    for (;;) {
      index = await page.evaluate(
        (title) =>
          [...document.querySelectorAll('iframe.webview.ready')].findIndex((f) =>
            (f.contentDocument?.querySelector('#active-frame')?.getAttribute('title') ?? '').includes(title),
          ),
        webview,
      );
      if (index >= 0) break;
      if (Date.now() > until) throw new Error(`no webview titled ${JSON.stringify(webview)} within ${timeout}ms`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return outer.nth(index).contentFrame().locator('#active-frame').contentFrame();
}

const isWebview = (webview) => webview !== undefined && webview !== null && webview !== false;

async function scope(page, webview, timeout) {
  return isWebview(webview) ? webviewFrame(page, webview, timeout) : page;
}

const bridgeActions = {
  async screenshot(page, { name, selector, webview, fullPage, timeout }) {
    if (!/^[\w.-]+$/.test(String(name))) throw new Error(`bad screenshot name ${JSON.stringify(name)}`);
    const file = path.join(resultsDir, `${name}.png`);
    if (selector || isWebview(webview)) {
      const s = await scope(page, webview, timeout);
      await s.locator(selector ?? 'body').first().screenshot({ path: file, timeout });
    } else {
      await page.screenshot({ path: file, fullPage: Boolean(fullPage) });
    }
    return file;
  },
  async click(page, { selector, webview, timeout, button, clickCount, modifiers, position }) {
    const s = await scope(page, webview, timeout);
    await s.locator(selector).first().click({ timeout, button, clickCount, modifiers, position });
  },
  async hover(page, { selector, webview, timeout }) {
    await (await scope(page, webview, timeout)).locator(selector).first().hover({ timeout });
  },
  async moveMouse(page, { x, y }) {
    await page.mouse.move(Number(x), Number(y));
  },
  async drag(page, { source, target, webview, steps = 10, timeout = 10_000 }) {
    const s = await scope(page, webview, timeout);
    const from = s.locator(source).first();
    const to = s.locator(target).first();
    await from.scrollIntoViewIfNeeded({ timeout });
    const a = await from.boundingBox({ timeout }); // main-page coordinates, also inside iframes
    const b = await to.boundingBox({ timeout });
    if (!a || !b) throw new Error('drag source or target is not visible');
    await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
    await page.mouse.down();
    await page.mouse.move(a.x + a.width / 2 + 5, a.y + a.height / 2 + 5, { steps: 2 }); // start threshold
    await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps });
    await page.mouse.up();
  },
  async fill(page, { selector, webview, text, timeout }) {
    await (await scope(page, webview, timeout)).locator(selector).first().fill(String(text), { timeout });
  },
  async type(page, { selector, webview, text, timeout }) {
    if (selector) await (await scope(page, webview, timeout)).locator(selector).first().pressSequentially(String(text), { timeout });
    else await page.keyboard.type(String(text));
  },
  async press(page, { selector, webview, key, timeout }) {
    if (selector) await (await scope(page, webview, timeout)).locator(selector).first().press(key, { timeout });
    else await page.keyboard.press(key);
  },
  async waitFor(page, { selector, webview, state = 'visible', timeout = 10_000 }) {
    await (await scope(page, webview, timeout)).locator(selector).first().waitFor({ state, timeout });
  },
  async text(page, { selector, webview, timeout }) {
    return (await scope(page, webview, timeout)).locator(selector).first().innerText({ timeout });
  },
  async count(page, { selector, webview, timeout }) {
    return (await scope(page, webview, timeout)).locator(selector).count();
  },
  async evaluate(page, { expression, selector = 'html', webview, timeout }) {
    // Playwright calls a *function* with the element; a string would only be evaluated as an
    // expression, so turn function source text into a function here.
    const src = String(expression).trim();
    const looksLikeFunction = /^(async\s+)?(function\b|\([^)]*\)\s*=>|[\w$]+\s*=>)/.test(src);
    const fn = looksLikeFunction ? new Function(`return (${src});`)() : src;
    return (await scope(page, webview, timeout)).locator(selector).first().evaluate(fn, undefined, { timeout });
  },
  async webviewCount(page) {
    return page.locator('iframe.webview.ready').count();
  },
};

function handleBridge(req, res, getPage) {
  const reply = (status, body) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const action = bridgeActions[new URL(req.url, 'http://x').pathname.slice(1)];
  if (req.method !== 'POST' || !action) return reply(404, { ok: false, error: `unknown bridge call ${req.method} ${req.url}` });
  let body = '';
  req.on('data', (c) => (body += c));
  req.on('end', async () => {
    try {
      const page = getPage();
      if (!page) throw new Error('page not ready');
      const args = body ? JSON.parse(body) : {};
      if (verbose) log('bridge', req.url, body);
      reply(200, { ok: true, result: (await action(page, args)) ?? null });
    } catch (err) {
      reply(200, { ok: false, error: String(err?.message ?? err) });
    }
  });
}

// --- helpers ---------------------------------------------------------------------------------------
function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function raceTimeout(promise, ms, message) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(message)), ms))),
  ]).finally(() => clearTimeout(timer));
}

async function killGroup(proc) {
  if (!proc?.pid) return;
  const signal = (sig) => {
    try {
      process.kill(-proc.pid, sig);
      return true;
    } catch {
      return false; // group gone
    }
  };
  // By the time codeAutomationExit fired, VS Code had already stopped the extension host (so
  // the extension's deactivate() ran); everything else lives in temp dirs. A short SIGTERM
  // grace, then SIGKILL for the whole group (killed members can linger as zombies until init
  // reaps them, so don't wait for the group to vanish).
  if (!signal('SIGTERM')) return;
  if (verbose) log(`sent SIGTERM to process group ${proc.pid}`);
  const until = Date.now() + 500;
  while (proc.exitCode === null && proc.signalCode === null && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
  if (signal('SIGKILL') && verbose) log(`sent SIGKILL to process group ${proc.pid}`);
}

async function reapStragglers(marker) {
  const find = () =>
    readdirSync('/proc')
      .filter((p) => /^\d+$/.test(p) && Number(p) !== process.pid)
      .filter((p) => {
        try {
          return readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(marker);
        } catch {
          return false; // gone, or not readable
        }
      })
      .map(Number);
  let pids = find();
  for (let i = 0; pids.length > 0 && i < 20; i++) {
    await new Promise((r) => setTimeout(r, 100));
    pids = find();
  }
  for (const pid of pids) {
    log(`killing leftover process ${pid}: ${readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').slice(0, 120)}`);
    try {
      process.kill(pid, 'SIGKILL');
    } catch {}
  }
}

let tornDown;
function teardown() {
  tornDown ??= (async () => {
    const t = Date.now();
    for (const fn of cleanups.reverse()) {
      try {
        await fn();
        if (verbose) log(`teardown step done at ${secs(t)}: ${fn.toString().slice(0, 60)}`);
      } catch (err) {
        log('teardown:', err?.message ?? err);
      }
    }
  })();
  return tornDown;
}

try {
  await main();
} catch (err) {
  console.error('[vscode-test] ERROR:', err?.message ?? err);
  exitCode = 1;
  // Keep a picture of what the window looked like when it went wrong.
  await page?.screenshot({ path: path.join(resultsDir, 'vscode-final.png') }).catch(() => {});
} finally {
  await teardown();
}
log(`done in ${secs()} (exit ${exitCode})`);
printCounts();
process.exit(exitCode);

/**
 * The closing line CI reads. A run cut short counts what had finished plus one failure; a
 * skipped test (a suite that found no sandbox or bridge) tested nothing and counts as failed.
 */
function printCounts() {
  const { passed, failed, skipped = 0 } = result ?? { passed: live.passed, failed: live.failed + 1 };
  console.log(`${passed} passed, ${failed + skipped} failed${skipped ? ` (${skipped} of them skipped)` : ''}`);
}
