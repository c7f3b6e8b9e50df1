// The getting-started walkthrough opens on the first activation after install, once; and what
// package.json contributes for it points at real commands, real media and the id the opener uses.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import type { Memento } from 'vscode';
import { openWalkthroughOnFirstRun, WALKTHROUGH_ID, WALKTHROUGH_SHOWN_KEY } from '../../src/vscode/walkthrough';

const root = path.resolve(import.meta.dirname, '../..');
const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));

/** globalState as VS Code keeps it: a key-value store that survives restarts. */
function memento(initial: Record<string, unknown> = {}): Memento & { values: Map<string, unknown> } {
  const values = new Map(Object.entries(initial));
  return {
    values,
    keys: () => [...values.keys()],
    get: <T>(key: string, fallback?: T) => (values.has(key) ? (values.get(key) as T) : fallback),
    update: async (key: string, value: unknown) => {
      values.set(key, value);
    },
  } as Memento & { values: Map<string, unknown> };
}

describe('walkthrough: first run', () => {
  test('opens the walkthrough on the first activation, and not on the next', async () => {
    const state = memento();
    const calls: unknown[][] = [];
    const run = async (command: string, ...args: unknown[]) => {
      calls.push([command, ...args]);
    };
    assert.equal(await openWalkthroughOnFirstRun(state, run), true);
    assert.deepEqual(calls, [['workbench.action.openWalkthrough', WALKTHROUGH_ID, false]]);
    assert.equal(state.values.get(WALKTHROUGH_SHOWN_KEY), true);

    assert.equal(await openWalkthroughOnFirstRun(state, run), false);
    assert.equal(calls.length, 1);
  });

  test('a failing opener neither rejects nor opens it again later', async () => {
    const state = memento();
    let attempts = 0;
    const failing = async () => {
      attempts++;
      throw new Error('command not found');
    };
    assert.equal(await openWalkthroughOnFirstRun(state, failing), false);
    assert.equal(await openWalkthroughOnFirstRun(state, failing), false);
    assert.equal(attempts, 1);
  });
});

describe('walkthrough: package.json', () => {
  const walkthroughs: Array<{ id: string; steps: Array<{ id: string; description: string; media: Record<string, string>; completionEvents: string[] }> }> =
    manifest.contributes.walkthroughs;
  const commands = new Set<string>(manifest.contributes.commands.map((c: { command: string }) => c.command));
  const walkthrough = walkthroughs.find((w) => `${manifest.publisher}.${manifest.name}#${w.id}` === WALKTHROUGH_ID);

  test('the id the opener uses is the contributed walkthrough', () => {
    assert.ok(walkthrough, `no walkthrough with the id ${WALKTHROUGH_ID}`);
  });

  test('six steps: token, location, connection, sync, board, chat, each with its command', () => {
    const steps = walkthrough!.steps;
    const commandOf = (description: string) => /\]\(command:([\w.-]+)\)/.exec(description)?.[1];
    assert.deepEqual(
      steps.map((s) => commandOf(s.description)),
      ['ghl.setApiToken', 'ghl.setLocationId', 'ghl.testConnection', 'ghl.syncAll', 'ghl.openBoard', 'ghl.openChat'],
    );
    for (const step of steps) {
      assert.ok(commands.has(commandOf(step.description)!), `${step.id}: its button runs a command that is not contributed`);
      assert.ok(step.completionEvents.includes(`onCommand:${commandOf(step.description)}`), `${step.id}: running its command does not complete it`);
      for (const event of step.completionEvents.filter((e) => e.startsWith('onCommand:'))) {
        assert.ok(commands.has(event.slice('onCommand:'.length)), `${step.id}: ${event} names no contributed command`);
      }
    }
    assert.equal(new Set(steps.map((s) => s.id)).size, steps.length, 'step ids repeat');
  });

  test('every step has a media file that exists', () => {
    for (const step of walkthrough!.steps) {
      const file = step.media.markdown ?? step.media.image;
      assert.ok(file, `${step.id} has no markdown or image media`);
      assert.ok(existsSync(path.join(root, file)), `${step.id}: ${file} is missing`);
    }
  });

  test('the Contacts welcome view links to it', () => {
    const welcome = manifest.contributes.viewsWelcome.find((v: { view: string; when: string }) => v.view === 'ghl.contacts' && v.when === '!ghl.configured');
    const link = /\(command:workbench\.action\.openWalkthrough\?([^)]+)\)/.exec(welcome.contents);
    assert.ok(link, 'no openWalkthrough link in the unconfigured Contacts welcome view');
    assert.deepEqual(JSON.parse(decodeURIComponent(link[1]!)), [WALKTHROUGH_ID, false]);
  });
});
