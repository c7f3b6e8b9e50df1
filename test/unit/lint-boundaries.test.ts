// The layer boundaries are enforced by ESLint, not by convention: in a temp copy of the tree, a
// `vscode` import written into src/db (and into a core folder that does not exist yet) and a
// Node import written into a webview make `eslint` fail with no-restricted-imports; the same
// folders without them pass.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

const root = path.resolve(import.meta.dirname, '../..');
const eslintBin = path.join(root, 'tools/lint/node_modules/eslint/bin/eslint.js');
const LINTED = ['src/db', 'src/webview', 'src/newcore'];

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
    assert.ok(results.some((r) => r.filePath.startsWith(path.join(copy, 'src/db/'))), 'no file of src/db was linted');
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
    assert.deepEqual(rules('src/newcore/usesVscode.ts'), ['1 no-restricted-imports']);
    assert.deepEqual(rules('src/webview/shared/usesNode.ts'), ['1 no-restricted-imports', '2 no-restricted-imports']);
    assert.match(messagesOf(results, 'src/webview/shared/usesNode.ts')[0]!.message, /no Node modules/);
    // Nothing else in the copy changed, so nothing else is reported.
    const elsewhere = results.filter((r) => r.messages.length > 0 && !/usesVscode|usesNode/.test(r.filePath));
    assert.deepEqual(elsewhere.map((r) => r.filePath), []);
  });
});
