// What `vsce ls` says the .vsix holds: the bundles, media and docs the Marketplace needs
// (128x128 PNG icon, LICENSE, CHANGELOG), and no source, test or tooling file.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { before, describe, test } from 'node:test';

const root = path.resolve(import.meta.dirname, '../..');
const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
let files: string[] = [];

describe('package contents (vsce ls)', () => {
  before(() => {
    const vsce = path.join(root, 'node_modules/@vscode/vsce/vsce');
    const run = spawnSync(process.execPath, [vsce, 'ls', '--no-dependencies'], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    assert.equal(run.status, 0, `vsce ls failed: ${run.stderr}`);
    files = run.stdout.split('\n').map((line) => line.trim()).filter(Boolean);
  });

  test('holds no source, test, tooling or source-map file', () => {
    const unwanted = files.filter(
      (f) => /^(src|test|bench|tools|scripts|node_modules|\.vscode|\.ci)\//.test(f) || /\.(ts|map|mjs)$/.test(f) || /^tsconfig|^eslint/.test(f),
    );
    assert.deepEqual(unwanted, []);
    // The scripted chat model of the VS Code tests is a provider: the product must never ship one.
    assert.deepEqual(files.filter((f) => /model-provider|ghl-test/.test(f)), []);
  });

  test('holds the manifest, the docs and the licence', () => {
    for (const file of ['package.json', 'README.md', 'CHANGELOG.md', 'LICENSE']) assert.ok(files.includes(file), `${file} is not in the package`);
    assert.equal(manifest.license, 'MIT');
    assert.match(readFileSync(path.join(root, 'LICENSE'), 'utf8'), /^MIT License\n/);
  });

  test('holds what the extension loads at run time (after `node esbuild.mjs`)', () => {
    const main = path.posix.normalize(manifest.main);
    // #20: dist/mcp.js, the MCP server agents start.
    for (const file of [main, 'dist/backend-worker.js', 'dist/sql-wasm.wasm', 'dist/webview/board.js', 'dist/webview/chat.js', 'dist/mcp.js']) {
      assert.ok(files.includes(file), `${file} is not in the package (built?)`);
    }
  });

  test('holds every media file package.json points at, and the icon is a 128x128 PNG', () => {
    const c = manifest.contributes;
    const referenced = [
      manifest.icon,
      ...c.viewsContainers.activitybar.map((v: { icon: string }) => v.icon),
      ...c.walkthroughs.flatMap((w: { steps: Array<{ media: Record<string, string> }> }) => w.steps.map((s) => s.media.markdown ?? s.media.image)),
    ];
    for (const file of referenced) assert.ok(files.includes(file), `${file} is referenced but not packaged`);

    const png = readFileSync(path.join(root, manifest.icon));
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'the icon is not a PNG');
    assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [128, 128], 'the icon is not 128x128');
  });

  test('declares the Marketplace fields', () => {
    assert.match(manifest.galleryBanner.color, /^#[0-9a-f]{6}$/i);
    assert.ok(['dark', 'light'].includes(manifest.galleryBanner.theme));
    assert.ok(manifest.categories.length > 0);
    assert.ok(!manifest.scripts.package.includes('--skip-license'), 'npm run package still skips the licence');
  });
});
