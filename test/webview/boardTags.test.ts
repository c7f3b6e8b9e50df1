// #17: the board's contact-tag filter in headless Chromium behind the host's CSP, with the fake host.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { isRequestChannel, requestSchemas } from '../../src/protocol/requests';
import { SALES, salesOpportunities } from './fixtures/data';
import { inChromium, screenshot, type HostFixtures, type OpenedPage } from './harness';

const shared = inChromium();
const opps = salesOpportunities();
/** Every third deal's contact is "motivated"; the hostile one's contact too (its name must stay text). */
const motivatedContacts = opps.filter((o, i) => i % 3 === 0 || o.id === 'opp-hostile').map((o) => o.contactId!);
const motivatedDeals = opps.filter((o) => motivatedContacts.includes(o.contactId!));
const fixtures: HostFixtures = {
  pipelines: [SALES],
  opportunities: opps,
  tags: ['cash-buyer', 'motivated', '<img src=x onerror="window.__xss=1">'],
  contactTags: Object.fromEntries(motivatedContacts.map((id) => [id, ['motivated']])),
};

const cardIds = (page: Page) => page.$$eval('[data-testid=board-card]', (els) => els.map((el) => (el as HTMLElement).dataset.oppId ?? '').sort());
const waitForCards = (page: Page, n: number) =>
  page.waitForFunction((n) => document.querySelectorAll('[data-testid=board-card]').length === n, n, { timeout: 5000 });
const tagValue = (page: Page) => page.locator('[data-testid=board-tag-filter]').evaluate((el) => (el as HTMLSelectElement).value);
const saved = (page: Page) => page.evaluate(() => JSON.parse(sessionStorage.getItem('vscode-state') ?? 'null'));

async function assertValid(app: OpenedPage): Promise<void> {
  for (const msg of await app.posted()) {
    assert.ok(isRequestChannel(msg.channel), msg.channel);
    const parsed = requestSchemas[msg.channel].safeParse(msg.payload);
    assert.ok(parsed.success, `${msg.channel} ${JSON.stringify(msg.payload)}: ${parsed.error?.message}`);
  }
  assert.deepEqual(await app.violations(), [], 'no CSP violations');
  assert.deepEqual(app.errors, [], 'no console errors');
  assert.equal(await app.page.evaluate('window.__xss'), undefined, 'a tag is text, never markup');
}

describe('board: filter by the contact\'s tag (#17)', () => {
  it('the tag filter is reached and used from the keyboard; cards of untagged contacts hide; the choice survives a new page', async () => {
    const app = await shared.open({ app: 'board', fixtures });
    const { page } = app;
    try {
      await waitForCards(page, opps.length);
      await page.locator('[data-testid=board-tag-filter]').waitFor();
      // Keyboard only: from the status filter, Tab reaches the tag filter; open it, pick "motivated".
      await page.locator('[data-testid=board-status-filter]').focus();
      await page.keyboard.press('Tab');
      assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'board-tag-filter');
      const options = await page.locator('[data-testid=board-tag-filter] vscode-option').allTextContents();
      assert.deepEqual(options.map((t) => t.trim()), ['All contacts', '<img src=x onerror="window.__xss=1">', 'cash-buyer', 'motivated']);
      await page.keyboard.press('Enter');
      for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowDown');
      await page.keyboard.press('Enter');
      await waitForCards(page, motivatedDeals.length);
      assert.deepEqual(await cardIds(page), motivatedDeals.map((o) => o.id).sort());
      assert.equal(await tagValue(page), 'motivated');
      const lists = await app.posted('ext-ghl:opps-list');
      assert.equal((lists.at(-1)!.payload as { contactTag?: string }).contactTag, 'motivated');
      assert.deepEqual(await saved(page), { pipelineId: SALES.id, filter: 'all', tag: 'motivated' });
      assert.match(await page.locator('[data-testid=board-live]').textContent() ?? '', /tagged motivated/);
      await screenshot(page, 'board-tag-filter.png');

      // A new page (the panel hidden and shown, the window reloaded) starts from the saved state.
      await page.reload({ waitUntil: 'domcontentloaded' });
      await waitForCards(page, motivatedDeals.length);
      await page.locator('[data-testid=board-tag-filter]').waitFor();
      await page.waitForFunction(() => (document.querySelector('[data-testid=board-tag-filter]') as HTMLSelectElement | null)?.value === 'motivated');
      const after = await app.posted('ext-ghl:opps-list');
      assert.equal((after.at(-1)!.payload as { contactTag?: string }).contactTag, 'motivated', 'the new page asked for the tagged deals');

      // Back to every contact, with the mouse this time.
      const select = page.locator('[data-testid=board-tag-filter]');
      await select.click();
      await select.getByRole('option', { name: 'All contacts', exact: true }).click();
      await waitForCards(page, opps.length);
      assert.deepEqual(await saved(page), { pipelineId: SALES.id, filter: 'all' });
      await assertValid(app);
    } finally {
      await app.close();
    }
  });

  it('a restored panel\'s initial state carries the tag; the status filter applies on top of it', async () => {
    const app = await shared.open({ app: 'board', fixtures, initialState: { pipelineId: SALES.id, filter: 'open', tag: 'motivated' } });
    const { page } = app;
    try {
      const expected = motivatedDeals.filter((o) => o.status === 'open');
      assert.ok(expected.length > 0 && expected.length < motivatedDeals.length);
      await waitForCards(page, expected.length);
      assert.deepEqual(await cardIds(page), expected.map((o) => o.id).sort());
      await page.waitForFunction(() => (document.querySelector('[data-testid=board-tag-filter]') as HTMLSelectElement | null)?.value === 'motivated');
      await assertValid(app);
    } finally {
      await app.close();
    }
  });

  it('no tag filter while the location has no tags', async () => {
    const app = await shared.open({ app: 'board', fixtures: { ...fixtures, tags: [] } });
    try {
      await waitForCards(app.page, opps.length);
      await app.page.waitForFunction(() => (window as unknown as { __host: { posted: Array<{ channel: string }> } }).__host.posted.some((m) => m.channel === 'ext-ghl:tags-list'));
      assert.equal(await app.page.locator('[data-testid=board-tag-filter]').count(), 0);
    } finally {
      await app.close();
    }
  });
});
