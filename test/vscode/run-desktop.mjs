#!/usr/bin/env node
// The same suite (dist/test/suite/index.js) in a desktop VS Code downloaded by
// @vscode/test-electron, for machines with internet access and a display (on a headless
// Linux box: `xvfb-run -a node test/vscode/run-desktop.mjs`). It cannot run on the offline
// build machine; use test/vscode/run.mjs there.
//
// Same contract as run.mjs: assumes `node esbuild.mjs` ran, calls test/vscode/prepare.mjs
// if it exists, seeds the user settings, prints `N passed, N failed` last and exits non-zero
// on failure. There is no page bridge here (tests that need it skip themselves).
// Env: VSCODE_TEST_VERSION (default 'stable', e.g. '1.101.0' for the minimum engine),
// VSCODE_TEST_GREP, VSCODE_TEST_SETTINGS (JSON), VSCODE_TEST_WORKSPACE, VSCODE_TEST_KEEP=1.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { runTests } from '@vscode/test-electron';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const extensionTestsPath = path.join(root, 'dist/test/suite/index.js');

const tmp = mkdtempSync(path.join(os.tmpdir(), 'ghl-vscode-test-desktop-'));
const dir = (name) => {
  const d = path.join(tmp, name);
  mkdirSync(d, { recursive: true });
  return d;
};
const resultFile = path.join(tmp, 'result.json');
let disposePrepare;
let code = 1;
try {
  for (const f of [path.join(root, 'dist/extension.js'), extensionTestsPath]) {
    if (!existsSync(f)) throw new Error(`${path.relative(root, f)} missing: run \`node esbuild.mjs\` first`);
  }
  const workspaceDir = process.env.VSCODE_TEST_WORKSPACE ? path.resolve(process.env.VSCODE_TEST_WORKSPACE) : dir('workspace');
  const userSettings = {
    'workbench.startupEditor': 'none',
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'security.workspace.trust.enabled': false,
    'git.enabled': false,
    'chat.disableAIFeatures': true,
    ...(process.env.VSCODE_TEST_SETTINGS ? JSON.parse(process.env.VSCODE_TEST_SETTINGS) : {}),
  };
  const env = {};
  const preparePath = path.join(root, 'test/vscode/prepare.mjs');
  if (existsSync(preparePath)) {
    const prepare = (await import(pathToFileURL(preparePath).href)).default;
    const handle = await prepare({ workspaceDir, userSettings, env, resultsDir: path.join(root, 'test-results'), tmpDir: tmp });
    disposePrepare = handle?.dispose?.bind(handle);
  }
  const userDataDir = dir('user-data');
  writeFileSync(path.join(dir('user-data/User'), 'settings.json'), JSON.stringify(userSettings, null, 2));

  code = await runTests({
    version: process.env.VSCODE_TEST_VERSION || 'stable',
    extensionDevelopmentPath: root,
    extensionTestsPath,
    extensionTestsEnv: {
      ...env,
      EXT_TEST_RESULT_FILE: resultFile,
      ...(process.env.VSCODE_TEST_GREP ? { EXT_TEST_GREP: process.env.VSCODE_TEST_GREP } : {}),
      ...(process.env.VSCODE_TEST_MOCHA_TIMEOUT ? { EXT_TEST_MOCHA_TIMEOUT: process.env.VSCODE_TEST_MOCHA_TIMEOUT } : {}),
    },
    launchArgs: [
      workspaceDir,
      '--user-data-dir', userDataDir,
      '--extensions-dir', dir('extensions'),
      '--disable-workspace-trust',
      '--disable-telemetry',
      '--skip-welcome',
      '--skip-release-notes',
      '--disable-gpu',
      '--no-sandbox',
    ],
  });
} catch (err) {
  // runTests rejects with TestRunFailedError when VS Code exits non-zero (= a test failed).
  console.error('[vscode-test-desktop]', err?.message ?? err);
  code = typeof err?.code === 'number' && err.code !== 0 ? err.code : 1;
} finally {
  try {
    await disposePrepare?.();
  } catch (err) {
    console.error('[vscode-test-desktop] prepare dispose:', err?.message ?? err);
  }
}

const result = existsSync(resultFile) ? JSON.parse(readFileSync(resultFile, 'utf8')) : undefined;
if (process.env.VSCODE_TEST_KEEP !== '1') rmSync(tmp, { recursive: true, force: true });
if (!result || result.failed > 0 || result.skipped > 0 || result.passed === 0) code ||= 1;
// A skipped test (a suite without its sandbox or page bridge) tested nothing: it counts as failed.
const { passed, failed, skipped = 0 } = result ?? { passed: 0, failed: 1 };
console.log(`${passed} passed, ${failed + skipped} failed${skipped ? ` (${skipped} of them skipped)` : ''}`);
process.exit(code);
