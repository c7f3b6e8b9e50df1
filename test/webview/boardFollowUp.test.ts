// #17: Add Note… / New Task… on a board card in headless Chromium: the buttons, N and T on a
// focused card, and the action the page posts (with the card's contact) for the host to run.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SALES, salesOpportunities } from './fixtures/data';
import { inChromium, type HostFixtures } from './harness';

const shared = inChromium();
const opps = salesOpportunities();
/** One deal without a contact: it offers neither. */
const orphan = { ...opps[1]!, id: 'opp-no-contact', name: 'No contact deal', contactId: null, contactName: null };
const fixtures: HostFixtures = { pipelines: [SALES], opportunities: [...opps, orphan] };

describe('board cards: Add Note… and New Task… (#17)', () => {
  it('the card\'s buttons and N / T post the follow-up with the card\'s contact; a deal without a contact offers none', async () => {
    const app = await shared.open({ app: 'board', fixtures });
    const { page } = app;
    try {
      const target = opps.find((o) => o.contactId && o.contactName)!;
      const card = page.locator(`[data-opp-id="${target.id}"]`);
      await card.waitFor();
      await card.locator('[data-testid=card-add-note]').click();
      assert.deepEqual(await app.actions(), [{ type: 'deal-follow-up', what: 'add-note', contactId: target.contactId }]);
      await card.locator('[data-testid=card-new-task]').click();
      assert.deepEqual((await app.actions()).at(-1), { type: 'deal-follow-up', what: 'new-task', contactId: target.contactId });
      assert.equal(await card.locator('[data-testid=card-add-note]').getAttribute('aria-label'), `Add a note to ${target.contactName}`);

      // Keyboard: another card focused (arrow keys reach it), then N and T.
      const other = opps.find((o) => o.contactId && o.id !== target.id && o.pipelineStageId === target.pipelineStageId)!;
      await page.locator(`[data-opp-id="${other.id}"]`).focus();
      await page.keyboard.press('n');
      await page.keyboard.press('t');
      assert.deepEqual((await app.actions()).slice(-2), [
        { type: 'deal-follow-up', what: 'add-note', contactId: other.contactId },
        { type: 'deal-follow-up', what: 'new-task', contactId: other.contactId },
      ]);
      assert.match((await page.locator(`[data-opp-id="${other.id}"]`).getAttribute('aria-keyshortcuts')) ?? '', /N T/);

      // No contact: no buttons, and N does nothing.
      const lonely = page.locator('[data-opp-id="opp-no-contact"]');
      await lonely.waitFor();
      assert.equal(await lonely.locator('[data-testid=card-add-note], [data-testid=card-new-task]').count(), 0);
      const before = (await app.actions()).length;
      await lonely.focus();
      await page.keyboard.press('n');
      assert.equal((await app.actions()).length, before);
      // The status select keeps its own letters: N typed there is not a note.
      await page.locator(`[data-opp-id="${target.id}"] [data-testid=card-status-select]`).focus();
      await page.keyboard.press('n');
      assert.equal((await app.actions()).length, before);
      assert.deepEqual(app.errors, []);
      assert.deepEqual(await app.violations(), []);
    } finally {
      await app.close();
    }
  });

  it('the card carries its contact for VS Code\'s context menu (webview/context → New Task… / Add Note…)', async () => {
    const app = await shared.open({ app: 'board', fixtures });
    try {
      const target = opps.find((o) => o.contactId && o.contactName)!;
      const context = await app.page.locator(`[data-opp-id="${target.id}"]`).getAttribute('data-vscode-context');
      assert.deepEqual(JSON.parse(context!), {
        webviewSection: 'dealCard',
        contactId: target.contactId,
        contactName: target.contactName,
        dealName: target.name,
        preventDefaultContextMenuItems: true,
      });
      assert.equal(JSON.parse((await app.page.locator('[data-opp-id="opp-no-contact"]').getAttribute('data-vscode-context'))!).webviewSection, 'dealCardNoContact');
    } finally {
      await app.close();
    }
  });
});
