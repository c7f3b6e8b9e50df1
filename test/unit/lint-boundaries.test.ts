// The layer boundaries are enforced by ESLint, not by convention: in a temp copy of the tree, a
// `vscode` import written into src/db (and into a core folder that does not exist yet) and a
// Node import written into a webview make `eslint` fail with no-restricted-imports; an import up
// the core's folder order (src/protocol importing src/arv, src/db importing src/sync, src/http
// re-exporting src/ghl) or across to a sibling of the same tier (src/sync importing src/inbox)
// fails with boundaries/dependencies; the same folders without them pass.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

const root = path.resolve(import.meta.dirname, '../..');
const eslintBin = path.join(root, 'tools/lint/node_modules/eslint/bin/eslint.js');
const LINTED = ['src/protocol', 'src/http', 'src/db', 'src/sync', 'src/webview', 'src/newcore'];

interface LintMessage {
  ruleId: string | null;
  line: number;
  message: string;
}
interface LintResult {
  filePath: string;
  messages: LintMessage[];
}

let copy: string;

function lint(): { status: number | null; results: LintResult[]; stderr: string } {
  const run = spawnSync(process.execPath, [eslintBin, '--format', 'json', ...LINTED.filter((dir) => existsSync(path.join(copy, dir)))], {
    cwd: copy,
    encoding: 'utf8',
    timeout: 120_000,
  });
  let results: LintResult[] = [];
  try {
    results = JSON.parse(run.stdout) as LintResult[];
  } catch {
    assert.fail(`eslint printed no JSON (exit ${run.status}): ${run.stderr || run.stdout}`);
  }
  return { status: run.status, results, stderr: run.stderr };
}

function messagesOf(results: LintResult[], file: string): LintMessage[] {
  return results.find((r) => r.filePath === path.join(copy, file))?.messages ?? [];
}

describe('lint: layer boundaries', () => {
  before(() => {
    assert.ok(existsSync(eslintBin), 'tools/lint is not installed: run `npm ci --prefix tools/lint`');
    copy = mkdtempSync(path.join(tmpdir(), 'ghl-lint-'));
    for (const name of readdirSync(root)) {
      if (name === 'eslint.config.mjs' || /^tsconfig(\..+)?\.json$/.test(name)) cpSync(path.join(root, name), path.join(copy, name));
    }
    cpSync(path.join(root, 'src'), path.join(copy, 'src'), { recursive: true });
    mkdirSync(path.join(copy, 'tools/lint'), { recursive: true });
    for (const name of ['index.mjs', 'package.json']) cpSync(path.join(root, 'tools/lint', name), path.join(copy, 'tools/lint', name));
    // The installs are only read: linking them keeps the copy small and the types real.
    symlinkSync(path.join(root, 'tools/lint/node_modules'), path.join(copy, 'tools/lint/node_modules'), 'dir');
    symlinkSync(path.join(root, 'node_modules'), path.join(copy, 'node_modules'), 'dir');
  });

  after(() => {
    if (copy) rmSync(copy, { recursive: true, force: true });
  });

  test('the core and the webviews pass as they are', () => {
    const { status, results, stderr } = lint();
    const problems = results.flatMap((r) => r.messages.map((m) => `${path.relative(copy, r.filePath)}:${m.line} ${m.ruleId}: ${m.message}`));
    assert.deepEqual(problems, []);
    assert.equal(status, 0, stderr);
    for (const folder of ['src/protocol/', 'src/http/', 'src/db/', 'src/sync/']) {
      assert.ok(results.some((r) => r.filePath.startsWith(path.join(copy, folder))), `no file of ${folder} was linted`);
    }
  });

  test('a vscode import in the core and a Node import in a webview fail with no-restricted-imports', () => {
    writeFileSync(path.join(copy, 'src/db/usesVscode.ts'), "import * as vscode from 'vscode';\n\nexport const workspace = vscode.workspace;\n");
    // A core folder nobody listed: the rule covers it by pattern.
    mkdirSync(path.join(copy, 'src/newcore'));
    writeFileSync(path.join(copy, 'src/newcore/usesVscode.ts'), "import { window } from 'vscode';\n\nexport const showMessage = window.showInformationMessage;\n");
    writeFileSync(
      path.join(copy, 'src/webview/shared/usesNode.ts'),
      "import { readFileSync } from 'node:fs';\nimport path from 'path';\n\nexport const read = (file: string) => readFileSync(path.join('.', file));\n",
    );

    const { status, results } = lint();
    assert.equal(status, 1, 'eslint should exit 1 on lint errors');
    const rules = (file: string) => messagesOf(results, file).map((m) => `${m.line} ${m.ruleId}`);
    assert.deepEqual(rules('src/db/usesVscode.ts'), ['1 no-restricted-imports']);
    assert.match(messagesOf(results, 'src/db/usesVscode.ts')[0]!.message, /Only the VS Code layer .* may import vscode/);
    // A folder no tier places is refused too, until it takes its tier in CORE_TIERS.
    assert.deepEqual(rules('src/newcore/usesVscode.ts').sort(), ['1 boundaries/no-unknown-files', '1 no-restricted-imports']);
    assert.deepEqual(rules('src/webview/shared/usesNode.ts'), ['1 no-restricted-imports', '2 no-restricted-imports']);
    assert.match(messagesOf(results, 'src/webview/shared/usesNode.ts')[0]!.message, /no Node modules/);
    // Nothing else in the copy changed, so nothing else is reported.
    const elsewhere = results.filter((r) => r.messages.length > 0 && !/usesVscode|usesNode/.test(r.filePath));
    assert.deepEqual(elsewhere.map((r) => r.filePath), []);
    for (const planted of ['src/db/usesVscode.ts', 'src/newcore', 'src/webview/shared/usesNode.ts']) rmSync(path.join(copy, planted), { recursive: true });
  });

  test('an import up the core order, or across to a sibling of its tier, fails with boundaries/dependencies', () => {
    const planted: Record<string, string> = {
      'src/protocol/usesArv.ts': "import type { ArvDeal } from '../arv/jobTypes';\n\nexport type Deal = ArvDeal;\n",
      'src/db/usesSync.ts': "import { SyncCoordinator } from '../sync/coordinator';\n\nexport const syncs = new SyncCoordinator();\n",
      'src/http/usesGhl.ts': "export { versionFor } from '../ghl/client';\n",
      'src/sync/usesInbox.ts': "import { MIN_POLL_SECONDS } from '../inbox/pollDelay';\n\nexport const floor = MIN_POLL_SECONDS;\n",
      // Down the order is the way imports go: no finding.
      'src/sync/usesHttp.ts': "import { backoffMs } from '../http/backoff';\n\nexport const firstRetry = backoffMs(1);\n",
    };
    for (const [file, text] of Object.entries(planted)) writeFileSync(path.join(copy, file), text);

    const { status, results } = lint();
    assert.equal(status, 1, 'eslint should exit 1 on lint errors');
    const findings = (file: string) => messagesOf(results, file).map((m) => `${m.line} ${m.ruleId}: ${m.message.split(':')[0]}`);
    assert.deepEqual(findings('src/protocol/usesArv.ts'), ['1 boundaries/dependencies: protocol may not import arv']);
    assert.deepEqual(findings('src/db/usesSync.ts'), ['1 boundaries/dependencies: db may not import sync']);
    assert.deepEqual(findings('src/http/usesGhl.ts'), ['1 boundaries/dependencies: http may not import ghl']);
    assert.deepEqual(findings('src/sync/usesInbox.ts'), ['1 boundaries/dependencies: sync may not import inbox']);
    assert.match(messagesOf(results, 'src/db/usesSync.ts')[0]!.message, /only down its order \(CORE_TIERS/);
    const elsewhere = results.filter((r) => r.messages.length > 0 && !/uses(Arv|Sync|Ghl|Inbox)\.ts$/.test(r.filePath));
    assert.deepEqual(elsewhere.map((r) => path.relative(copy, r.filePath)), []);
  });
});
