// Issue 19, the deal analyzer in the real UI: "GHL: Analyze Deal…" opens the deal's panel with
// the ARV from sold comps, the comps table and the charts; excluding a comp changes the ARV;
// Save to GHL writes it into the sandbox's ARV field; reopened, the stored analysis shows at once.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { bridge, parts } from './bridge';
import { call, canRun, control, ensureConfiguredAndSynced, ensureRentcastConfigured, poll, tabLabels, testHandle } from './ghl';

describe('GHL: deal analyzer', () => {
  let deal: { id: string; name: string };
  let title: string;

  before(async function () {
    if (!canRun()) this.skip();
    await ensureConfiguredAndSynced();
    await ensureRentcastConfigured();
    const state = await control.state();
    const acquisitions = state.pipelines.find((p) => p.name === 'Acquisitions')!;
    const { items } = await call('ext-ghl:opps-list', { pipelineId: acquisitions.id, status: 'open', limit: 50 });
    // The first deal whose contact has an address (the stand-in places it in its market) and sold comps.
    for (const o of items as Array<{ id: string; name: string }>) {
      const answer = await (await testHandle()).request('ext-ghl:arv-analyze', { opportunityId: o.id, refresh: true });
      if (answer.success && (answer.data as { estimate: { method: string } }).estimate.method === 'sold') {
        deal = o;
        break;
      }
    }
    assert.ok(deal, 'an Acquisitions deal with sold comps');
    title = `Analyze: ${deal.name.length > 50 ? `${deal.name.slice(0, 49)}…` : deal.name}`;
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('opens from the command with the stored analysis: ARV, range, confidence, comps and charts', async () => {
    await vscode.commands.executeCommand('ghl.analyzeDeal', deal.id);
    await bridge.waitFor('[data-testid="comp-row"]', { webview: title });
    const stored = await call('ext-ghl:arv-analyze', { opportunityId: deal.id });
    assert.equal(stored.fromCache, true);
    const arv = await bridge.text('[data-testid="analyzer-arv"]', { webview: title });
    assert.equal(arv, `$${stored.estimate.arv.toLocaleString('en-US')}`);
    assert.match(await bridge.text('[data-testid="analyzer-method"]', { webview: title }), /^sold comps$/i);
    assert.equal(await bridge.text('[data-testid="analyzer-reason"]', { webview: title }), stored.estimate.reason);
    assert.equal(await bridge.count('[data-testid="comp-row"]', { webview: title }), stored.comps.length);
    assert.equal(await bridge.count('[data-testid="chart-ppsf"] circle', { webview: title }), stored.comps.length);
    assert.ok((await bridge.count('[data-testid="chart-position"] circle.dot', { webview: title })) > 0);
    await bridge.screenshot('analyzer', { selector: parts.editor });
  });

  it('excluding a comp changes the ARV; Save to GHL writes it into the sandbox', async () => {
    const before = await call('ext-ghl:arv-analyze', { opportunityId: deal.id });
    const heaviest = [...before.comps].filter((c: { excluded: boolean }) => !c.excluded).sort((a: { weight: number }, b: { weight: number }) => b.weight - a.weight)[0];
    const row = `[data-testid="comp-row"][data-comp-id="${heaviest.id}"]`;
    await bridge.click(`${row} [data-testid="comp-include"]`, { webview: title });
    await poll('the comp greyed with its reason', () => bridge.text(`${row} [data-testid="comp-reason"]`, { webview: title }).catch(() => ''), (t) => t === 'excluded by you');
    const after = await call('ext-ghl:arv-analyze', { opportunityId: deal.id });
    assert.equal(after.comps.find((c: { id: string }) => c.id === heaviest.id).excluded, true);
    const shown = await poll('the ARV shown', () => bridge.text('[data-testid="analyzer-arv"]', { webview: title }), (t) => t === `$${after.estimate.arv.toLocaleString('en-US')}`);
    assert.ok(shown);
    assert.notDeepEqual(after.comps.map((c: { weight: number }) => c.weight), before.comps.map((c: { weight: number }) => c.weight), 'the weights moved');

    await bridge.click('[data-testid="analyzer-save"]', { webview: title });
    await poll('the saved notice', () => bridge.text('[data-testid="analyzer-notice"]', { webview: title }).catch(() => ''), (t) => t.includes('Saved ARV'));
    const inSandbox = await control.opportunity(deal.id);
    assert.ok(JSON.stringify(inSandbox.customFields).includes(`"${after.estimate.arv}"`), 'the sandbox field holds the ARV');
    // Back as it was, for any suite after this one.
    await call('ext-ghl:arv-comps-set', { opportunityId: deal.id, compId: heaviest.id, excluded: false });
  });

  it('comes back after a reload with the deal its page saved; a state naming no deal opens nothing', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await poll('no analyzer open', () => tabLabels().includes(title), (open) => !open);
    // What VS Code does after "Developer: Reload Window": the serializer gets a panel and the page's saved state.
    const kept = await vscode.commands.executeCommand<boolean>('ghl.test.reviveAnalyzer', { opportunityId: deal.id });
    assert.equal(kept, true, 'the revived panel is kept');
    await bridge.waitFor('[data-testid="comp-row"]', { webview: title });
    const stored = await call('ext-ghl:arv-analyze', { opportunityId: deal.id });
    assert.equal(await bridge.text('[data-testid="analyzer-arv"]', { webview: title }), `$${stored.estimate.arv.toLocaleString('en-US')}`);
    // The same deal again reveals the open one; a state that is not a deal id opens nothing.
    assert.equal(await vscode.commands.executeCommand<boolean>('ghl.test.reviveAnalyzer', { opportunityId: deal.id }), false);
    assert.equal(await vscode.commands.executeCommand<boolean>('ghl.test.reviveAnalyzer', { opportunityId: '../../etc' }), false);
    assert.equal(await vscode.commands.executeCommand<boolean>('ghl.test.reviveAnalyzer', 'not a state'), false);
    await poll('one analyzer tab', () => tabLabels().filter((l) => l.startsWith('Analyze')), (labels) => labels.length === 1 && labels[0] === title);
  });
});
