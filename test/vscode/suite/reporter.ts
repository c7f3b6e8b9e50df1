// A spec-like mocha reporter that prints each line with ONE pre-formatted console.log call.
// VS Code forwards extension-host console calls to the launcher with their arguments
// joined by commas and printf placeholders left as they are ("%s%s,  ,suite title"), which
// garbles mocha's own reporters. It also collects the counts for the __RESULT__ line.
import Mocha from 'mocha';
import { readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import path from 'node:path';

const { EVENT_RUN_END, EVENT_SUITE_BEGIN, EVENT_SUITE_END, EVENT_TEST_PASS, EVENT_TEST_FAIL, EVENT_TEST_PENDING } =
  Mocha.Runner.constants;

export interface Counts {
  passed: number;
  failed: number;
  skipped: number;
}

export function createReporter(counts: Counts, print: (line: string) => void) {
  return class LineReporter extends Mocha.reporters.Base {
    constructor(runner: Mocha.Runner, options?: Mocha.MochaOptions) {
      super(runner, options);
      let depth = 0;
      const indent = () => '  '.repeat(depth);
      const failures: Array<{ title: string; err: Error }> = [];
      runner.on(EVENT_SUITE_BEGIN, (suite: Mocha.Suite) => {
        depth++;
        if (suite.title) print(`${indent()}${suite.title}`);
      });
      runner.on(EVENT_SUITE_END, () => depth--);
      runner.on(EVENT_TEST_PASS, (test: Mocha.Test) => {
        counts.passed++;
        print(`${indent()}  ✔ ${test.title} (${test.duration ?? 0}ms)`);
      });
      runner.on(EVENT_TEST_PENDING, (test: Mocha.Test) => {
        counts.skipped++;
        print(`${indent()}  - ${test.title} (skipped)`);
      });
      runner.on(EVENT_TEST_FAIL, (test: Mocha.Runnable, err: Error) => {
        counts.failed++; // failing hooks count too
        failures.push({ title: test.fullTitle(), err });
        print(`${indent()}  ✘ ${failures.length}) ${test.title}`);
      });
      runner.once(EVENT_RUN_END, () => {
        print('');
        print(`  ${counts.passed} passing, ${counts.failed} failing, ${counts.skipped} skipped`);
        failures.forEach(({ title, err }, i) => {
          print('');
          print(`  ${i + 1}) ${title}:`);
          print(indentBlock(mapStack(err?.stack || String(err)), '     ')); // node:assert puts the diff in it
        });
      });
    }
  };
}

function indentBlock(text: string, pad: string): string {
  return text
    .split('\n')
    .map((l) => pad + l)
    .join('\n');
}


let sourceMap: SourceMap | null | undefined;

/**
 * Rewrites bundle positions (dist/test/suite/index.js:L:C) in a stack to the TypeScript sources
 * using the bundle's .map file: the extension host runs without --enable-source-maps.
 */
export function mapStack(stack: string): string {
  const bundle = typeof __filename === 'string' ? __filename : '';
  if (sourceMap === undefined) {
    try {
      sourceMap = new SourceMap(JSON.parse(readFileSync(bundle + '.map', 'utf8')));
    } catch {
      sourceMap = null;
    }
  }
  if (!sourceMap || !bundle) return stack;
  const map = sourceMap;
  const escaped = bundle.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const mapped = stack.replace(new RegExp(`${escaped}:(\\d+):(\\d+)`, 'g'), (whole, line: string, col: string) => {
    const e = map.findEntry(Number(line) - 1, Number(col) - 1) as Partial<{
      originalSource: string;
      originalLine: number;
      originalColumn: number;
    }>;
    if (!e?.originalSource) return whole;
    const src = e.originalSource.startsWith('file://') ? new URL(e.originalSource).pathname : path.resolve(path.dirname(bundle), e.originalSource);
    return `${src}:${(e.originalLine ?? 0) + 1}:${(e.originalColumn ?? 0) + 1}`;
  });
  // Mocha's and Node's own frames say nothing about the failure.
  return mapped
    .split('\n')
    .filter((l) => !/^\s*at .*(\/node_modules\/mocha\/|\(node:internal\/)/.test(l))
    .join('\n');
}
