import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ERROR_CODES } from '../../src/protocol/envelope';
import { COMMANDS } from '../../src/vscode/commands/ids';
import { nextSteps } from '../../src/vscode/nextSteps';

const manifest = JSON.parse(readFileSync(path.join(__dirname, '../../package.json'), 'utf8')) as {
  contributes: { commands: Array<{ command: string }>; menus: Record<string, Array<{ command: string }>>; viewsWelcome: Array<{ contents: string }> };
};

describe('command ids', () => {
  const ids = Object.values(COMMANDS);
  const contributed = manifest.contributes.commands.map((c) => c.command);

  it('every id in the table is contributed in package.json', () => {
    assert.deepEqual(ids.filter((id) => !contributed.includes(id)), []);
  });

  it('every contributed command has an id in the table', () => {
    assert.deepEqual(contributed.filter((id) => !(ids as string[]).includes(id)), []);
  });

  it('names each command once', () => {
    assert.equal(new Set(ids).size, ids.length);
    assert.equal(new Set(contributed).size, contributed.length);
  });

  it("menus and welcome links only name commands of the table (or VS Code's own)", () => {
    const inMenus = Object.values(manifest.contributes.menus).flatMap((items) => items.map((item) => item.command));
    const inWelcome = manifest.contributes.viewsWelcome.flatMap((view) => [...view.contents.matchAll(/command:([\w.-]+)/g)].map((m) => m[1]!));
    assert.ok(inMenus.length > 10 && inWelcome.length > 3);
    const builtIn = (id: string) => id.startsWith('workbench.');
    assert.deepEqual([...inMenus, ...inWelcome].filter((id) => !(ids as string[]).includes(id) && !builtIn(id)), []);
  });
});

describe('next steps of an error', () => {
  it('offers a retry only where trying again can help, and only when there is something to retry', () => {
    assert.deepEqual(nextSteps('NETWORK', true), ['Retry', 'Show Log']);
    assert.deepEqual(nextSteps('RATE_LIMITED', true), ['Retry', 'Show Log']);
    assert.deepEqual(nextSteps('NETWORK', false), ['Show Log']);
    assert.deepEqual(nextSteps('VALIDATION', true), ['Show Log']);
    assert.deepEqual(nextSteps('NOT_FOUND', true), ['Show Log']);
  });

  it('points at the setting that fixes it', () => {
    assert.deepEqual(nextSteps('AUTH', true), ['Set API Token', 'Show Log']);
    assert.deepEqual(nextSteps('NOT_CONFIGURED', true), ['Set API Token', 'Set Location ID']);
    assert.deepEqual(nextSteps('FORBIDDEN', true), ['Set Location ID', 'Show Log']);
  });

  it('has at least one step for every error code', () => {
    for (const code of ERROR_CODES) assert.ok(nextSteps(code, true).length > 0, code);
  });
});
