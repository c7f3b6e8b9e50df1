// ARV enrichment in the real UI: "GHL: Estimate ARV…" asks before spending lookups, runs the
// pipeline against the sandbox's RentCast stand-in with a progress notification, writes each
// ARV to the sandbox, and the board's cards show ARV, MAO and confidence.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import { RENTCAST_SANDBOX_KEY } from '../../sandbox/rentcast';
import { bridge, parts } from './bridge';
import { call, canRun, clearNotifications, control, findFiles, poll, readExtensionLog, sandbox, waitForNotification, type SandboxState, ensureConfiguredAndSynced } from './ghl';

const BOARD = 'Opportunities';
const START_ITEM = `${parts.quickInput} .monaco-list-row:has-text("Start")`;

describe('GHL: ARV enrichment', () => {
  let pipeline: SandboxState['pipelines'][number];

  before(async function () {
    if (!canRun()) this.skip();
    await ensureConfiguredAndSynced();
    const state = await control.state();
    pipeline = state.pipelines.find((p) => p.name === 'Acquisitions')!;
    assert.ok(pipeline, 'the sandbox has an "Acquisitions" pipeline');
    // The stand-in is mounted on the GHL sandbox's own port.
    await vscode.workspace.getConfiguration().update('ghl.arv.rentcastBaseUrl', sandbox.url, vscode.ConfigurationTarget.Global);
  });

  after(async () => {
    await vscode.workspace.getConfiguration('ghl').update('arv.maxLookupsPerRun', undefined, vscode.ConfigurationTarget.Global);
    await clearNotifications();
  });

  it('Set RentCast API Key keeps the key secret and shows it masked', async () => {
    await vscode.commands.executeCommand('ghl.setRentcastApiKey', RENTCAST_SANDBOX_KEY);
    await waitForNotification('"key saved"', 'RentCast API key saved (rc_s…0001).');
    assert.equal((await call('ext-ghl:settings-get', {})).rentcastApiKey, 'rc_s…0001');
    assert.ok(!JSON.stringify(vscode.workspace.getConfiguration('ghl')).includes(RENTCAST_SANDBOX_KEY), 'never a setting');
  });

  it('Estimate ARV… confirms the cost, runs the pipeline and the board shows ARV, MAO and confidence', async function () {
    this.timeout(90_000);
    // Sold comps cost 2–5 lookups a deal: a budget the whole pipeline fits in.
    await vscode.workspace.getConfiguration('ghl').update('arv.maxLookupsPerRun', 1000, vscode.ConfigurationTarget.Global);
    const plan = await call('ext-ghl:arv-enrich-plan', { pipelineName: pipeline.id });
    assert.ok(plan.total > 0 && plan.lookups > 0, `plan ${JSON.stringify(plan)}`);
    const command = vscode.commands.executeCommand('ghl.estimateArv', pipeline.id);
    // It asks before any lookup is spent, with the number of lookups.
    await bridge.waitFor(START_ITEM);
    const dialog = await bridge.text(parts.quickInput);
    assert.match(dialog, new RegExp(`${plan.total} open deals? in "Acquisitions"`));
    assert.match(dialog, new RegExp(`${plan.lookups}(–${plan.lookupsMax})? RentCast lookups`));
    assert.equal((await call('ext-ghl:arv-enrich-status', {})).status, 'idle', 'nothing runs before Start');
    await bridge.screenshot('vscode-arv-confirm', { selector: parts.quickInput });
    await bridge.click(START_ITEM);
    await command;
    const status = await call('ext-ghl:arv-enrich-status', {});
    assert.equal(status.status, 'done', status.message);
    assert.equal(status.enriched, plan.total);
    assert.ok(status.lookups >= plan.lookups && status.lookups <= plan.lookupsMax, `${status.lookups} lookups, planned ${plan.lookups}–${plan.lookupsMax}`);
    await waitForNotification('the run summary', /ARV estimated for \d+ of \d+ deals/);

    // Written back into the sandbox's ARV field and the cache.
    const { items } = await call('ext-ghl:opps-list', { pipelineId: pipeline.id, status: 'open', limit: 500 });
    const estimates = (await call('ext-ghl:arv-estimates-list', { opportunityIds: items.map((o: { id: string }) => o.id) })).items;
    assert.equal(estimates.length, plan.total);
    const first = estimates[0];
    const inSandbox = await control.opportunity(first.opportunityId);
    assert.ok(JSON.stringify(inSandbox.customFields).includes(`"${first.arv}"`), 'the sandbox field holds the ARV');

    await vscode.commands.executeCommand('workbench.action.closeAuxiliaryBar');
    await vscode.commands.executeCommand('ghl.openBoard', pipeline.id);
    const shown = await poll(
      'ARV lines on the cards',
      () => bridge.count('[data-testid="card-arv"]', { webview: BOARD }),
      (n) => n >= Math.min(plan.total, 1),
    );
    assert.ok(shown > 0);
    const card = `[data-testid="board-card"][data-opp-id="${first.opportunityId}"]`;
    const arvLine = await poll('the first card\'s ARV', () => bridge.text(`${card} [data-testid="card-arv"]`, { webview: BOARD }), (t) => t.includes('ARV'));
    assert.match(arvLine, new RegExp(`ARV \\$${first.arv.toLocaleString('en-US')}`));
    assert.match(arvLine, /MAO \$/);
    assert.match(arvLine, new RegExp(first.confidence));
    await clearNotifications();
    await bridge.screenshot('vscode-board-arv', { selector: parts.editor });
  });

  it('the RentCast key is in no log, user setting or cache file', async () => {
    const log = await poll('the lookups in the log (path only)', async () => readExtensionLog(), (text) => text.includes('[rentcast] GET /v1/avm/value'));
    assert.ok(!log.includes(RENTCAST_SANDBOX_KEY), 'not in the log');
    const files = [...findFiles('settings.json'), ...findFiles('ghl-cache.sqlite')];
    assert.ok(files.length > 0, 'settings.json and the cache file were found');
    for (const file of files) assert.ok(!readFileSync(file).includes(RENTCAST_SANDBOX_KEY), file);
  });
});
