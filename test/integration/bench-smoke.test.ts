import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { it } from 'node:test';

const root = path.join(__dirname, '../..');

it('the benchmark runs end to end at smoke size and prints its tables and figures', () => {
  if (!existsSync(path.join(root, 'dist/backend-worker.js'))) execFileSync(process.execPath, ['esbuild.mjs'], { cwd: root });
  const output = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', 'bench/run.ts', '--smoke'], {
    cwd: root,
    encoding: 'utf8',
    timeout: 120_000,
  });
  assert.match(output, /\| 600 \| \d[\d,]* ms \| \d[\d,]* ms \|/, 'a contacts row with measured times');
  for (const metric of ['full contacts sync', 'rate-limited sync', 'delta re-sync', 'contacts-list with a query', 'one persist', 'opportunities full sync']) {
    assert.ok(output.includes(metric), `${metric} is reported`);
  }
  assert.match(output, /0 × 429/, 'pacing avoided every 429');
  for (const figure of ['sandbox:', 'chat tool calls', 'chat engine overhead', 'inbox poll wall time', 'ARV run over', 'user write while a sync waits']) {
    assert.ok(output.includes(`[figure] ${figure}`), `the ${figure} figure is printed`);
  }
});
