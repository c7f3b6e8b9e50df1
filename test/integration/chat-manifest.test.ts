// The manifest's chat contributions match the core: the tool entries the script prints,
// @ghl's slash commands, and nothing the chat needs is missing.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { CHAT_TOOLS, SLASH_COMMANDS } from '../../src/chat';

const root = path.resolve(import.meta.dirname, '../..');
const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));

describe('chat manifest', () => {
  it('languageModelTools equal what scripts/language-model-tools.ts prints (--check)', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/language-model-tools.ts', '--check'], { cwd: root, encoding: 'utf8' });
    assert.equal(run.status, 0, run.stdout + run.stderr);
    assert.deepEqual(
      manifest.contributes.languageModelTools.map((t: { name: string }) => t.name),
      CHAT_TOOLS.map((t) => t.name),
    );
  });

  it('@ghl offers the same slash commands as the chat panel', () => {
    const [participant] = manifest.contributes.chatParticipants;
    assert.equal(participant.id, 'ghl-vscode.ghl');
    assert.equal(participant.name, 'ghl');
    assert.deepEqual(
      participant.commands.map((c: { name: string }) => c.name),
      SLASH_COMMANDS.map((c) => c.name),
    );
    assert.ok(manifest.activationEvents.includes('onChatParticipant:ghl-vscode.ghl'));
  });

  it('contributes the model setting and its command, and ships no model provider', () => {
    assert.equal(manifest.contributes.configuration.properties['ghl.chat.model'].default, '');
    assert.ok(manifest.contributes.commands.some((c: { command: string }) => c.command === 'ghl.chooseChatModel'));
    assert.equal(manifest.contributes.languageModelChatProviders, undefined);
    // #20: 1.101 is the first VS Code with vscode.lm.registerMcpServerDefinitionProvider.
    assert.equal(manifest.engines.vscode, '^1.101.0');
  });
});
