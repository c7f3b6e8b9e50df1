// The Opportunities board (webview panel "Opportunities"): columns from the cache, a real mouse
// drag of a card to another stage reaches the sandbox and the Pipelines tree; a failing update
// (sandbox fault) puts the card back and shows the error.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { bridge, parts } from './bridge';
import { call, canRun, clearNotifications, control, poll, readRows, clickRow, showSidebar, type SandboxState, ensureConfiguredAndSynced } from './ghl';

const BOARD = 'Opportunities';
const card = (id: string) => `[data-testid="board-card"][data-opp-id="${id}"]`;
const column = (stageId: string) => `[data-testid="board-column"][data-stage-id="${stageId}"]`;

interface ColumnInfo {
  stageId: string;
  title: string;
  count: string;
  total: string;
  cards: string[];
}

async function readColumns(): Promise<ColumnInfo[]> {
  return bridge.evaluate<ColumnInfo[]>(
    `() => [...document.querySelectorAll('[data-testid="board-column"]')].map((c) => ({
      stageId: c.dataset.stageId,
      title: c.querySelector('.column-title')?.textContent ?? '',
      count: c.querySelector('[data-testid="board-column-count"]')?.textContent ?? '',
      total: c.querySelector('[data-testid="board-column-total"]')?.textContent ?? '',
      cards: [...c.querySelectorAll('[data-testid="board-card"]')].map((e) => e.dataset.oppId),
    }))`,
    { webview: BOARD },
  );
}

const columnOf = (cols: ColumnInfo[], oppId: string) => cols.find((c) => c.cards.includes(oppId))?.stageId;

async function stageDescription(stageName: string): Promise<string | undefined> {
  return (await readRows('Pipelines')).find((r) => r.level === 2 && r.label === stageName)?.description;
}

describe('GHL: opportunities board', () => {
  let state: SandboxState;
  let pipeline: SandboxState['pipelines'][number];

  before(async function () {
    if (!canRun()) this.skip();
    await ensureConfiguredAndSynced();
    state = await control.state();
    pipeline = state.pipelines.find((p) => p.name === 'Sales Pipeline')!;
    assert.ok(pipeline, 'the sandbox has a "Sales Pipeline"');
    await showSidebar();
    // The stage rows of the Pipelines tree must be in sight to check them after the move.
    const rows = await readRows('Pipelines');
    if (!rows.some((r) => r.level === 2 && r.label === pipeline.stages[0]!.name)) await clickRow('Pipelines', pipeline.name);
    await poll('the Sales Pipeline stages', () => stageDescription(pipeline.stages[0]!.name));
    // More room for the board's columns (the secondary side bar is open by default, and empty).
    await vscode.commands.executeCommand('workbench.action.closeAuxiliaryBar');
  });

  after(async () => {
    await clearNotifications();
  });

  it('opens on a pipeline with a column per stage and every cached card', async () => {
    await vscode.commands.executeCommand('ghl.openBoard', pipeline.id);
    await bridge.waitFor('[data-testid="board-card"]', { webview: BOARD });
    const cols = await poll('all columns', readColumns, (cs) => cs.length === pipeline.stages.length);
    assert.deepEqual(
      cols.map((c) => c.title),
      pipeline.stages.map((s) => s.name),
    );
    for (const c of cols) {
      const expected = state.stageCounts[pipeline.id]![c.stageId]!;
      assert.equal(c.cards.length, expected, `cards in ${c.title}`);
      assert.equal(c.count, String(expected), `count shown on ${c.title}`);
      assert.match(c.total, /^\$[\d,]+$/);
    }
    assert.equal(await bridge.count('[data-testid="board-error"]:visible', { webview: BOARD }), 0);
  });

  it('dragging a card to another stage moves it in the sandbox and in the Pipelines tree', async () => {
    const cols = await readColumns();
    const from = cols.find((c) => c.cards.some((id) => id !== state.hostile.opportunityId))!;
    const oppId = from.cards.find((id) => id !== state.hostile.opportunityId)!;
    const to = cols.find((c) => c.stageId !== from.stageId)!;
    const fromName = pipeline.stages.find((s) => s.id === from.stageId)!.name;
    const toName = pipeline.stages.find((s) => s.id === to.stageId)!.name;
    const before = { from: from.cards.length, to: to.cards.length };
    assert.match((await stageDescription(toName)) ?? '', new RegExp(`^${before.to} · `));

    await bridge.drag({ source: card(oppId), target: column(to.stageId), webview: BOARD });

    const moved = await poll('the sandbox to have the new stage', () => control.opportunity(oppId), (o) => o.pipelineStageId === to.stageId);
    assert.equal(moved.pipelineId, pipeline.id);
    // GHL has it before the backend has its answer (and has journalled it): wait for the cache.
    await poll('the local cache to have the new stage', () => call('ext-ghl:opps-get', { id: oppId }), (o) => o.pipelineStageId === to.stageId);
    const after = await poll('the card in its new column', readColumns, (cs) => columnOf(cs, oppId) === to.stageId);
    assert.equal(after.find((c) => c.stageId === to.stageId)!.count, String(before.to + 1));
    assert.equal(after.find((c) => c.stageId === from.stageId)!.count, String(before.from - 1));
    // The Pipelines tree follows (it refreshes on every data change).
    await poll(`the tree's ${toName} count`, () => stageDescription(toName), (d) => d?.startsWith(`${before.to + 1} · `) === true);
    await poll(`the tree's ${fromName} count`, () => stageDescription(fromName), (d) => d?.startsWith(`${before.from - 1} · `) === true);
    assert.equal(await bridge.count('[data-testid="board-error"]:visible', { webview: BOARD }), 0);
    await clearNotifications();
    // After a synthetic drag Chromium keeps :hover where the drag started; move the mouse away.
    await bridge.hover('.hint', { webview: BOARD });
    await bridge.screenshot('vscode-board', { selector: parts.editor });
  });

  it('a failing update puts the card back and shows the error', async () => {
    const cols = await readColumns();
    const from = cols.find((c) => c.cards.some((id) => id !== state.hostile.opportunityId))!;
    const oppId = from.cards.find((id) => id !== state.hostile.opportunityId)!;
    const to = cols.find((c) => c.stageId !== from.stageId)!;
    const requestsBefore = (await control.state()).requests;
    await control.fault({
      method: 'PUT',
      path: '/opportunities/{id}',
      status: 500,
      body: { statusCode: 500, message: 'Sandbox fault: stage change refused' },
    });

    await bridge.drag({ source: card(oppId), target: column(to.stageId), webview: BOARD });

    const error = await poll(
      'the board error',
      () => bridge.text('[data-testid="board-error"]', { webview: BOARD }).catch(() => ''),
      (t) => t.trim().length > 0,
    );
    assert.match(error, /Could not move/);
    assert.match(error, /Sandbox fault: stage change refused/);
    assert.equal(await bridge.count('[data-testid="board-error"]:visible', { webview: BOARD }), 1);
    const cs = await poll('the card back in its column', readColumns, (c) => columnOf(c, oppId) === from.stageId);
    assert.equal(cs.find((c) => c.stageId === from.stageId)!.count, String(from.cards.length));
    assert.equal(cs.find((c) => c.stageId === to.stageId)!.count, String(to.cards.length));
    // Nothing changed in GHL or in the cache.
    assert.equal((await control.opportunity(oppId)).pipelineStageId, from.stageId);
    assert.equal((await call('ext-ghl:opps-get', { id: oppId })).pipelineStageId, from.stageId);
    assert.ok((await control.state()).requests > requestsBefore, 'the update reached the sandbox');
    await clearNotifications();
    await bridge.hover('.hint', { webview: BOARD });
    await bridge.screenshot('vscode-board-error', { selector: parts.editor });

    await bridge.click('[data-testid="board-error-dismiss"]', { webview: BOARD });
    await bridge.waitFor('[data-testid="board-error"]', { webview: BOARD, state: 'hidden' });
  });

  // Regression: vscode-single-select applied `value` to its old options, then selected the
  // first of the new ones after every reload of the pipeline list (any sync).
  it('keeps showing the pipeline it shows in the pipeline picker after a reload', async () => {
    // A sync (or any pipelines change) makes the board reload the pipeline list (debounced). Its
    // loading ring shows while it loads: a watcher in the page counts the loads that ended.
    await bridge.evaluate(
      `(ring) => {
        window.__boardLoads = 0;
        new MutationObserver(() => { if (ring.hidden) window.__boardLoads++; }).observe(ring, { attributes: true, attributeFilter: ['hidden'] });
      }`,
      { selector: '.loading-ring', webview: BOARD },
    );
    await call('ext-ghl:opps-sync', {});
    await poll('the board to reload after the sync', () => bridge.evaluate<number>('() => window.__boardLoads', { webview: BOARD }), (n) => n >= 1, 10_000);
    const cols = await readColumns();
    assert.deepEqual(
      cols.map((c) => c.title),
      pipeline.stages.map((s) => s.name),
      'the columns are still those of Sales Pipeline',
    );
    const picked = await bridge.evaluate<{ value: string; label: string }>(
      `(el) => ({ value: el.value, label: el.shadowRoot?.querySelector('.select-face, .combobox-face, [class*="face"]')?.textContent?.trim() ?? '' })`,
      { selector: '[data-testid="board-pipeline-select"]', webview: BOARD },
    );
    assert.equal(picked.value, pipeline.id, `the picker says ${JSON.stringify(picked)}`);
  });
});
