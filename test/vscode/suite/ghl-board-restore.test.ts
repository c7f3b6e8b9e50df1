// The board across page reloads. (1) A hidden board's page is thrown away (no
// retainContextWhenHidden): what the host sends meanwhile waits for the next page's `ready`.
// (2) An open board comes back through its WebviewPanelSerializer, on the pipeline and with
// the status filter its page saved (webview setState), connected to the backend.
//
// "Developer: Reload Window" cannot be run from inside this suite: the reload ends the
// extension host the suite runs in, and the reloaded window would start the whole suite again
// from its URL payload. VS Code's other way to revive a webview editor, "Reopen Closed Editor",
// does not keep webview editors in VS Code 1.139 (its history needs an untyped editor, which a
// webview has not). So the test does what VS Code does on a reload, through the extension's
// registered serializer: the test-only command ghl.test.reviveBoard (registered only in
// ExtensionMode.Test) creates a fresh panel of the board's view type and hands it, with the
// saved state, to that serializer's deserializeWebviewPanel. That the page saves exactly this
// state, and starts from it, is covered by test/webview/board.test.ts.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { Pipeline } from '../../../src/protocol/entities';
import { REVIVE_BOARD_TEST_COMMAND } from '../../../src/vscode/boardPanel';
import { bridge, parts } from './bridge';
import { call, canRun, poll, sleep, tabLabels, webviewRequest, ensureConfiguredAndSynced } from './ghl';

const BOARD = 'Opportunities';

interface BoardView {
  pipeline: string;
  filter: string;
  columns: string[];
  counts: number[];
  cards: number;
  statuses: string[];
}

function readBoard(): Promise<BoardView> {
  return bridge.evaluate<BoardView>(
    `() => ({
      pipeline: document.querySelector('[data-testid="board-pipeline-select"]')?.value ?? '',
      filter: document.querySelector('[data-testid="board-status-filter"]')?.value ?? '',
      columns: [...document.querySelectorAll('[data-testid="board-column"] .column-title')].map((e) => e.textContent),
      counts: [...document.querySelectorAll('[data-testid="board-column-count"]')].map((e) => Number(e.textContent.replace(/,/g, ''))),
      cards: document.querySelectorAll('[data-testid="board-card"]').length,
      statuses: [...document.querySelectorAll('[data-testid="card-status-select"]')].map((e) => e.value),
    })`,
    { webview: BOARD },
  );
}

describe('GHL: the board across page reloads', () => {
  let pipeline: Pipeline;
  let first: Pipeline;
  let openCount: number;

  before(async function () {
    if (!canRun()) this.skip();
    await ensureConfiguredAndSynced();
    const { items } = await call<{ items: Pipeline[] }>('ext-ghl:pipelines-list', {});
    assert.ok(items.length >= 2, 'the sandbox has two pipelines');
    // Not the first: a board without saved state opens on that one.
    pipeline = items[1]!;
    first = items[0]!;
    const open = await call<{ total: number }>('ext-ghl:opps-list', { pipelineId: pipeline.id, status: 'open', limit: 1 });
    openCount = open.total;
    assert.ok(openCount > 0, `${pipeline.name} has open opportunities`);
  });

  it('a hidden board, shown again on another pipeline, gets the message the host held for its new page', async function () {
    this.timeout(40_000);
    await vscode.commands.executeCommand('ghl.openBoard', first.id);
    await poll('the board on the first pipeline', readBoard, (b) => b.pipeline === first.id && b.cards > 0);
    // Another editor in the same group hides the board: VS Code throws its page away.
    const doc = await vscode.workspace.openTextDocument({ content: 'hides the board' });
    await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Active, preview: false });
    await poll('the board to be hidden', () => bridge.count('[data-testid="board-card"]', { webview: BOARD, timeout: 300 }).catch(() => 0), (n) => n === 0);
    try {
      // Reveals the board (its page starts loading) and sends "show this pipeline" at once.
      await vscode.commands.executeCommand('ghl.openBoard', pipeline.id);
      const shown = await poll('the board on the pipeline asked for', readBoard, (b) => b.pipeline === pipeline.id && b.cards > 0, 15_000);
      const stageNames = [...pipeline.stages].sort((a, b) => a.position - b.position).map((s) => s.name);
      assert.deepEqual(shown.columns, stageNames);
    } finally {
      await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Active });
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    }
  });

  it('reopens on the saved pipeline and filter, shows its cards and talks to the backend', async function () {
    this.timeout(60_000);
    await vscode.commands.executeCommand('ghl.openBoard', pipeline.id);
    const stageNames = [...pipeline.stages].sort((a, b) => a.position - b.position).map((s) => s.name);
    await poll('the board on the second pipeline', readBoard, (b) => b.pipeline === pipeline.id && b.columns.join() === stageNames.join());
    // Pick "Open" in the status filter as the picker does (a change event from the select).
    await bridge.evaluate(`(el) => { el.value = 'open'; el.dispatchEvent(new Event('change', { bubbles: true })); }`, {
      selector: '[data-testid="board-status-filter"]',
      webview: BOARD,
    });
    const filtered = await poll('only open cards', readBoard, (b) => b.filter === 'open' && b.statuses.every((s) => s === 'open'));
    assert.equal(filtered.counts.reduce((a, b) => a + b, 0), openCount);

    // Close it: the panel (and the extension's BoardPanel) is gone.
    assert.ok(tabLabels().includes(BOARD));
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    await poll('the board tab to close', tabLabels, (labels) => !labels.includes(BOARD));
    await poll('the board page gone with its tab', () => bridge.count('[data-testid="board-card"]', { webview: BOARD, timeout: 500 }).catch(() => 0), (n) => n === 0);

    // What the page saved (see test/webview/board.test.ts), as VS Code hands it back.
    await vscode.commands.executeCommand(REVIVE_BOARD_TEST_COMMAND, { pipelineId: pipeline.id, filter: 'open' });
    await poll('the board tab to come back', tabLabels, (labels) => labels.includes(BOARD));
    const restored = await poll(
      'the restored board with its cards',
      readBoard,
      (b) => b.pipeline === pipeline.id && b.filter === 'open' && b.counts.reduce((x, y) => x + y, 0) === openCount,
      15_000,
    );
    assert.deepEqual(restored.columns, stageNames, `the columns of ${pipeline.name}`);
    assert.ok(restored.cards > 0, 'cards are shown');
    assert.equal(restored.cards, restored.counts.reduce((sum, n) => sum + Math.min(n, 200), 0), 'every open card (200 a column at most)');
    assert.ok(restored.statuses.every((s) => s === 'open'), 'the filter is applied');
    // The revived panel is bridged to the backend (the serializer made it a BoardPanel)...
    const settings = (await webviewRequest(BOARD, 'ext-ghl:settings-get', {})) as { success?: boolean };
    assert.equal(settings.success, true, `a request from the restored board: ${JSON.stringify(settings)}`);
    // ...and it is the window's one board: opening the board again reveals it, no second one.
    await vscode.commands.executeCommand('ghl.openBoard');
    await sleep(300);
    assert.equal(tabLabels().filter((l) => l === BOARD).length, 1);
    await bridge.hover('.hint', { webview: BOARD });
    await bridge.screenshot('vscode-board-restored', { selector: parts.editor });

    // Leave the board as the other suites expect it: all statuses.
    await bridge.evaluate(`(el) => { el.value = 'all'; el.dispatchEvent(new Event('change', { bubbles: true })); }`, {
      selector: '[data-testid="board-status-filter"]',
      webview: BOARD,
    });
    await poll('all statuses again', readBoard, (b) => b.filter === 'all');
  });
});
