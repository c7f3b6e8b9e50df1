// Generic smoke tests: the extension under development is loaded by a real VS Code and
// activates cleanly. Independent of the extension's own commands and views.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { bridge } from './bridge';

const EXTENSION_ID = 'ghl-vscode.ghl-vscode';

describe('extension activation', () => {
  it('is installed as the extension under development', () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} not found among ${vscode.extensions.all.length} extensions`);
    assert.equal(ext.packageJSON.publisher, 'ghl-vscode');
    assert.equal(ext.packageJSON.name, 'ghl-vscode');
  });

  it('activates without throwing and becomes active', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
    await ext.activate();
    assert.equal(ext.isActive, true);
  });

  it('has every command it contributes registered', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
    await ext.activate();
    const all = new Set(await vscode.commands.getCommands(true));
    assert.ok(all.size > 0, 'getCommands returned nothing');
    const contributed: Array<{ command: string }> = ext.packageJSON.contributes?.commands ?? [];
    const missing = contributed.map((c) => c.command).filter((id) => !all.has(id));
    assert.deepEqual(missing, [], 'contributed but not registered after activation');
  });

  it('sees the settings the runner seeded', function () {
    // run.mjs writes `"ghlVscodeTest.seeded": true` into the user settings (and test/vscode/
    // prepare.mjs can add more, e.g. "ghl.apiBaseUrl"); other launchers don't.
    if (!bridge.available) this.skip();
    assert.equal(vscode.workspace.getConfiguration('ghlVscodeTest').get('seeded'), true);
  });
});
