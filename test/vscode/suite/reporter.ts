// A spec-like mocha reporter that prints each line with ONE pre-formatted console.log call.
// VS Code forwards extension-host console calls to the launcher with their arguments
// joined by commas and printf placeholders left as they are ("%s%s,  ,suite title"), which
// garbles mocha's own reporters. It also collects the counts for the __RESULT__ line.
import Mocha from 'mocha';

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
          print(indentBlock(err?.stack || String(err), '     ')); // node:assert puts the diff in it
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

