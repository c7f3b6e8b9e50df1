// The Opportunities board, built and run in headless Chromium behind the host's CSP with a
// fake host (see harness.ts).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { isRequestChannel, requestSchemas } from '../../src/protocol/requests';
import {
  BULK,
  BULK_COUNT,
  SALES,
  SALES_STAGE_ORDER,
  XSS_CONTACT,
  XSS_NAME,
  XSS_PIPELINE,
  bulkOpportunities,
  salesOpportunities,
  totalsByStage,
  usd,
} from './fixtures/data';
import { assertCleanPage, inChromium, screenshot, type HostFixtures, type OpenedPage } from './harness';

const shared = inChromium();

const salesOpps = salesOpportunities();
const fixtures: HostFixtures = { pipelines: [SALES, BULK], opportunities: salesOpps };
const withBulk: HostFixtures = { ...fixtures, opportunities: [...salesOpps, ...bulkOpportunities()] };

interface ColumnInfo {
  stageId: string;
  title: string;
  count: string;
  total: string;
  cardIds: string[];
}

function columns(page: Page): Promise<ColumnInfo[]> {
  return page.$$eval('[data-testid=board-column]', (els) =>
    els.map((el) => ({
      stageId: (el as HTMLElement).dataset.stageId ?? '',
      title: el.querySelector('h2')?.textContent ?? '',
      count: el.querySelector('[data-testid=board-column-count]')?.textContent ?? '',
      total: el.querySelector('[data-testid=board-column-total]')?.textContent ?? '',
      cardIds: [...el.querySelectorAll<HTMLElement>('[data-testid=board-card]')].map((c) => c.dataset.oppId ?? ''),
    })),
  );
}

async function column(page: Page, stageId: string): Promise<ColumnInfo> {
  const col = (await columns(page)).find((c) => c.stageId === stageId);
  assert.ok(col, `column ${stageId} exists`);
  return col;
}

/** Waits until the board shows `n` cards. */
async function waitForCards(page: Page, n: number): Promise<void> {
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid=board-card]').length === n, n, { timeout: 5000 });
}

async function waitForPosted(app: OpenedPage, channel: string, n: number): Promise<Array<{ payload: unknown }>> {
  await app.page.waitForFunction(
    ([channel, n]) =>
      (window as unknown as { __host: { posted: Array<{ channel: string }> } }).__host.posted.filter((m) => m.channel === channel)
        .length >= (n as number),
    [channel, n] as const,
    { timeout: 5000 },
  );
  return app.posted(channel);
}

async function stageOfCard(page: Page, oppId: string): Promise<string | undefined> {
  return page.$eval(`[data-opp-id="${oppId}"]`, (el) => el.closest<HTMLElement>('[data-testid=board-column]')?.dataset.stageId);
}

/** Every request the app posted is valid for its channel's real (zod) schema. */
async function assertValidRequests(app: OpenedPage): Promise<void> {
  for (const msg of await app.posted()) {
    assert.ok(typeof msg.id === 'string' && msg.id.length > 0, 'request has an id');
    assert.ok(isRequestChannel(msg.channel), `known channel ${msg.channel}`);
    const parsed = requestSchemas[msg.channel].safeParse(msg.payload);
    assert.ok(parsed.success, `${msg.channel} payload ${JSON.stringify(msg.payload)} is valid: ${parsed.error?.message}`);
  }
  const ids = (await app.posted()).map((m) => m.id);
  assert.equal(new Set(ids).size, ids.length, 'request ids are unique');
}

/** Picks an option of a <vscode-single-select> the way a user does: open it, click the option. */
async function pickOption(page: Page, testId: string, label: string): Promise<void> {
  const select = page.locator(`[data-testid=${testId}]`);
  await select.click();
  await select.getByRole('option', { name: label, exact: true }).click();
}

describe('board', () => {
  it('renders one column per stage (by position) with counts and totals; hostile names stay text', async () => {
    const app = await shared.open({ app: 'board', fixtures });
    try {
      await waitForCards(app.page, salesOpps.length);
      const cols = await columns(app.page);
      assert.deepEqual(
        cols.map((c) => c.stageId),
        SALES_STAGE_ORDER,
      );
      assert.deepEqual(
        cols.map((c) => c.title),
        SALES_STAGE_ORDER.map((id) => SALES.stages.find((s) => s.id === id)!.name),
      );
      const expected = totalsByStage(salesOpps);
      for (const col of cols) {
        const t = expected.get(col.stageId) ?? { count: 0, total: 0 };
        assert.equal(col.count, String(t.count), `count of ${col.stageId}`);
        assert.equal(col.total, usd(t.total), `total of ${col.stageId}`);
        assert.equal(col.cardIds.length, t.count);
      }
      // Hostile data is literal text, never markup.
      const hostile = app.page.locator('[data-opp-id="opp-hostile"]');
      assert.equal(await hostile.locator('.card-title').textContent(), XSS_NAME);
      assert.equal(await hostile.locator('.card-contact').textContent(), XSS_CONTACT);
      assert.equal(await app.page.locator('#app img, #app script').count(), 0);
      // #18: the card's context menu hands Book Appointment… the deal and its contact, hostile text as data.
      const context = JSON.parse((await hostile.getAttribute('data-vscode-context')) ?? '{}');
      const hostileOpp = salesOpps.find((o) => o.id === 'opp-hostile')!;
      assert.deepEqual(context, { webviewSection: 'dealCard', contactId: hostileOpp.contactId, contactName: XSS_CONTACT, dealName: XSS_NAME, preventDefaultContextMenuItems: true });
      // Whole dollars, as in the Pipelines tree and the briefing (src/format.ts).
      assert.match((await hostile.getAttribute('aria-label')) ?? '', /\$123,457/);
      // Pipeline picker and the summary.
      assert.equal(await app.page.locator('[data-testid=board-pipeline-select]').evaluate((el) => (el as HTMLSelectElement).value), SALES.id);
      const sum = salesOpps.reduce((s, o) => s + o.monetaryValue, 0);
      assert.equal(await app.page.locator('[data-testid=board-summary]').textContent(), `${salesOpps.length} opportunities · ${usd(sum)}`);
      // Columns sit side by side and the row scrolls horizontally.
      const layout = await app.page.$eval('[data-testid=board-columns]', (el) => {
        const tops = [...el.querySelectorAll('[data-testid=board-column]')].map((c) => Math.round(c.getBoundingClientRect().top));
        return { sameRow: new Set(tops).size === 1, scrolls: el.scrollWidth > el.clientWidth };
      });
      assert.deepEqual(layout, { sameRow: true, scrolls: true });
      // Codicons and vscode-elements rendered (fonts/styles loaded under the CSP).
      assert.ok(await app.page.evaluate(() => document.fonts.check('16px codicon')), 'codicon font loaded');
      assert.ok(await app.page.evaluate(() => !!customElements.get('vscode-single-select')));
      // The picture once the fonts are in and a frame has been painted with them.
      await app.page.evaluate(() => document.fonts.ready.then(() => new Promise((resolve) => requestAnimationFrame(() => resolve(null)))));
      await screenshot(app.page, 'webview-board.png');
      await assertValidRequests(app);
      await assertCleanPage(app);
    } finally {
      await app.close();
    }
  });

  it("a card's Analyze button asks the host to open the deal analyzer (issue 19)", async () => {
    const app = await shared.open({ app: 'board', fixtures });
    try {
      const card = app.page.locator('[data-testid=board-card]').first();
      await card.waitFor();
      const id = await card.getAttribute('data-opp-id');
      await card.locator('[data-testid=card-analyze]').click();
      assert.deepEqual(await app.actions(), [{ type: 'analyze-deal', opportunityId: id }]);
      assert.deepEqual(app.errors, []);
    } finally {
      await app.close();
    }
  });

  it('drag and drop moves a card optimistically, and rolls it back with an error when the host fails', async () => {
    const app = await shared.open({ app: 'board', fixtures });
    const { page } = app;
    try {
      await waitForCards(page, salesOpps.length);
      const card = salesOpps.find((o) => o.pipelineStageId === 'st-new' && o.id !== 'opp-hostile')!;
      await page.locator(`[data-opp-id="${card.id}"]`).dragTo(page.locator('[data-stage-id="st-appt"]'));
      const posted = await waitForPosted(app, 'ext-ghl:opps-update', 1);
      assert.deepEqual(posted[0]!.payload, { id: card.id, data: { pipelineStageId: 'st-appt' } });
      await page.locator(`[data-stage-id="st-appt"] [data-opp-id="${card.id}"]`).waitFor();
      assert.equal(await stageOfCard(page, card.id), 'st-appt');
      const expected = totalsByStage(salesOpps);
      assert.equal((await column(page, 'st-new')).count, String(expected.get('st-new')!.count - 1));
      assert.equal((await column(page, 'st-appt')).count, String(expected.get('st-appt')!.count + 1));
      assert.equal((await column(page, 'st-appt')).total, usd(expected.get('st-appt')!.total + card.monetaryValue));
      assert.ok(await page.locator('[data-testid=board-error]').isHidden());

      // Now the host refuses; its reply is held back so the optimistic state is visible first.
      await page.evaluate(() => {
        const host = (window as unknown as { __host: { failNext: Record<string, unknown>; holding: boolean } }).__host;
        host.failNext['ext-ghl:opps-update'] = { code: 'API', message: 'Stage is locked by an automation' };
        host.holding = true;
      });
      // (A target in view: Playwright scrolling the row mid-drag would pick up another card.)
      await page.locator(`[data-opp-id="${card.id}"]`).dragTo(page.locator('[data-stage-id="st-offer"]'));
      const again = await waitForPosted(app, 'ext-ghl:opps-update', 2);
      assert.deepEqual(again[1]!.payload, { id: card.id, data: { pipelineStageId: 'st-offer' } });
      assert.equal(await stageOfCard(page, card.id), 'st-offer', 'optimistic move');
      assert.equal((await column(page, 'st-offer')).count, String(expected.get('st-offer')!.count + 1));
      await page.evaluate(() => (window as unknown as { __host: { release(): void } }).__host.release());
      const banner = page.locator('[data-testid=board-error]');
      await banner.waitFor({ state: 'visible' });
      assert.equal(await banner.getAttribute('role'), 'alert');
      assert.match((await banner.textContent()) ?? '', /Stage is locked by an automation/);
      assert.equal(await stageOfCard(page, card.id), 'st-appt', 'rolled back');
      assert.equal((await column(page, 'st-offer')).count, String(expected.get('st-offer')!.count));
      assert.equal((await column(page, 'st-offer')).total, usd(expected.get('st-offer')!.total));
      await page.mouse.move(0, 0);
      await screenshot(page, 'webview-board-error.png');
      await page.locator('[data-testid=board-error-dismiss]').click();
      assert.ok(await banner.isHidden());
      await assertValidRequests(app);
      await assertCleanPage(app);
    } finally {
      await app.close();
    }
  });

  it('keyboard: Alt+Arrow moves a card between stages; arrows move focus', async () => {
    const app = await shared.open({ app: 'board', fixtures });
    const { page } = app;
    try {
      await waitForCards(page, salesOpps.length);
      const card = salesOpps.find((o) => o.pipelineStageId === 'st-contacted')!;
      const el = page.locator(`[data-opp-id="${card.id}"]`);
      await el.focus();
      await page.keyboard.press('Alt+ArrowRight');
      const posted = await waitForPosted(app, 'ext-ghl:opps-update', 1);
      assert.deepEqual(posted[0]!.payload, { id: card.id, data: { pipelineStageId: 'st-appt' } });
      assert.equal(await stageOfCard(page, card.id), 'st-appt');
      const focused = () => page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.oppId);
      assert.equal(await focused(), card.id, 'focus follows the moved card');
      await page.keyboard.press('Alt+ArrowLeft');
      const back = await waitForPosted(app, 'ext-ghl:opps-update', 2);
      assert.deepEqual(back[1]!.payload, { id: card.id, data: { pipelineStageId: 'st-contacted' } });
      assert.equal(await stageOfCard(page, card.id), 'st-contacted');
      // The first stage has no previous stage: nothing is posted.
      const first = (await column(page, 'st-new')).cardIds[0]!;
      await page.locator(`[data-opp-id="${first}"]`).focus();
      await page.keyboard.press('Alt+ArrowLeft');
      await page.keyboard.press('ArrowDown');
      assert.equal(await focused(), (await column(page, 'st-new')).cardIds[1]);
      await page.keyboard.press('ArrowRight');
      assert.equal(await stageOfCard(page, (await focused())!), 'st-contacted');
      assert.equal((await app.posted('ext-ghl:opps-update')).length, 2);
      await assertCleanPage(app);
    } finally {
      await app.close();
    }
  });

  it('status menu posts opps-update-status and rolls back on failure; the filter changes totals', async () => {
    const app = await shared.open({ app: 'board', fixtures });
    const { page } = app;
    try {
      await waitForCards(page, salesOpps.length);
      const card = salesOpps.find((o) => o.status === 'open' && o.pipelineStageId === 'st-offer')!;
      const select = page.locator(`[data-opp-id="${card.id}"] [data-testid=card-status-select]`);
      await select.selectOption('won');
      const posted = await waitForPosted(app, 'ext-ghl:opps-update-status', 1);
      assert.deepEqual(posted[0]!.payload, { id: card.id, status: 'won' });
      const badge = page.locator(`[data-opp-id="${card.id}"] [data-testid=card-status]`);
      assert.match((await badge.getAttribute('class')) ?? '', /status-won/);
      assert.equal((await badge.textContent())?.includes('Won'), true);
      assert.equal(await page.locator(`[data-opp-id="${card.id}"] .badge .codicon-pass-filled`).count(), 1, 'won has its own icon');

      await page.evaluate(() => {
        (window as unknown as { __host: { failNext: Record<string, unknown> } }).__host.failNext['ext-ghl:opps-update-status'] = {
          code: 'RATE_LIMITED',
          message: 'Too many requests, try again shortly',
        };
      });
      await page.locator(`[data-opp-id="${card.id}"] [data-testid=card-status-select]`).selectOption('lost');
      await page.locator('[data-testid=board-error]').waitFor({ state: 'visible' });
      assert.match((await page.locator('[data-testid=board-error]').textContent()) ?? '', /Too many requests/);
      assert.equal(await page.locator(`[data-opp-id="${card.id}"] [data-testid=card-status-select]`).inputValue(), 'won');

      // Filter: only won opportunities count.
      const now = salesOpps.map((o) => (o.id === card.id ? { ...o, status: 'won' as const } : o));
      await pickOption(page, 'board-status-filter', 'Won');
      const won = totalsByStage(now, 'won');
      await page.waitForFunction(
        (n) => document.querySelectorAll('[data-testid=board-card]').length === n,
        [...won.values()].reduce((s, t) => s + t.count, 0),
      );
      for (const col of await columns(page)) {
        const t = won.get(col.stageId) ?? { count: 0, total: 0 };
        assert.equal(col.count, String(t.count), `won count of ${col.stageId}`);
        assert.equal(col.total, usd(t.total), `won total of ${col.stageId}`);
      }
      await pickOption(page, 'board-status-filter', 'All statuses');
      await waitForCards(page, salesOpps.length);
      await assertValidRequests(app);
      await assertCleanPage(app);
    } finally {
      await app.close();
    }
  });

  it('pages through a large pipeline, caps rendered cards, and switches pipelines', async () => {
    const app = await shared.open({ app: 'board', fixtures: withBulk, initialState: { pipelineId: BULK.id } });
    const { page } = app;
    try {
      const lists = await waitForPosted(app, 'ext-ghl:opps-list', 3);
      await page.waitForFunction(() => document.querySelector('[data-testid=board-summary]')?.textContent?.startsWith('1,234'));
      assert.deepEqual(
        lists.map((m) => m.payload),
        [0, 500, 1000].map((offset) => ({ pipelineId: BULK.id, limit: 500, offset })),
      );
      const expected = totalsByStage(bulkOpportunities());
      const cols = await columns(page);
      assert.equal(cols.reduce((s, c) => s + Number(c.count.replace(/,/g, '')), 0), BULK_COUNT);
      for (const col of cols) {
        const t = expected.get(col.stageId)!;
        assert.equal(col.count, t.count.toLocaleString('en-US'));
        assert.equal(col.total, usd(t.total));
        assert.equal(col.cardIds.length, Math.min(200, t.count));
      }
      const more = await page.locator('[data-stage-id="bk-a"] [data-testid=board-column-more]').textContent();
      assert.equal(more, `+${(expected.get('bk-a')!.count - 200).toLocaleString('en-US')} more`);
      // The hostile pipeline name is text in the picker.
      const face = await page.locator('[data-testid=board-pipeline-select]').evaluate((el) => el.shadowRoot?.textContent ?? '');
      assert.ok(face.includes(XSS_PIPELINE), 'pipeline name shown literally');

      // Switch with the picker…
      await pickOption(page, 'board-pipeline-select', 'Sales');
      await waitForCards(page, salesOpps.length);
      assert.deepEqual(
        (await columns(page)).map((c) => c.stageId),
        SALES_STAGE_ORDER,
      );
      // …and from the host.
      await page.evaluate((id) => (window as unknown as { __host: { push(p: string, d: unknown): void } }).__host.push('host:show-pipeline', { pipelineId: id }), BULK.id);
      await page.waitForFunction(() => document.querySelectorAll('[data-testid=board-column]')[0]?.getAttribute('data-stage-id') === 'bk-a');
      await page.waitForFunction(() => document.querySelector('[data-testid=board-summary]')?.textContent?.startsWith('1,234'));
      await assertValidRequests(app);
      await assertCleanPage(app);
    } finally {
      await app.close();
    }
  });

  it('shows sync progress and reloads when a sync finishes', async () => {
    // On Playwright's clock (flowing as usual until the test pauses it for the debounce).
    const app = await shared.open({ app: 'board', fixtures, clock: true });
    const { page } = app;
    type Host = { __host: { push(p: string, d: unknown): void; opps: Array<Record<string, unknown>> } };
    try {
      await waitForCards(page, salesOpps.length);
      const sync = page.locator('[data-testid=board-sync]');
      assert.ok(await sync.isHidden());
      await page.evaluate(() =>
        (window as unknown as Host).__host.push('ext-ghl:sync-progress', { kind: 'opportunities', synced: 50, total: 200 }),
      );
      await sync.waitFor({ state: 'visible' });
      assert.match((await sync.textContent()) ?? '', /Syncing opportunities… 50 of 200/);
      const lists = async () => (await app.posted('ext-ghl:opps-list')).length;
      const listsBefore = await lists();
      // The sync brought a new opportunity into "Closed"; "done" alone triggers the reload.
      await page.evaluate(() => {
        const host = (window as unknown as Host).__host;
        host.opps.push({ ...host.opps[0], id: 'opp-new', name: 'Fresh deal', pipelineStageId: 'st-closed', monetaryValue: 7000 });
        host.push('ext-ghl:sync-progress', { kind: 'opportunities', synced: 200, total: 200, done: true });
      });
      await sync.waitFor({ state: 'hidden' });
      await page.locator('[data-opp-id="opp-new"]').waitFor();
      assert.equal((await column(page, 'st-closed')).count, '1');
      assert.equal((await column(page, 'st-closed')).total, usd(7000));
      assert.equal(await lists(), listsBefore + 1);
      // An edit elsewhere (host:data-changed), announced twice, is debounced into one reload.
      await page.evaluate(() => {
        const host = (window as unknown as Host).__host;
        host.opps.push({ ...host.opps[0], id: 'opp-new-2', name: 'Another deal', pipelineStageId: 'st-closed', monetaryValue: 3000 });
        host.push('host:data-changed', { kinds: ['opportunities'] });
        host.push('host:data-changed', { kinds: ['contacts', 'opportunities'] });
      });
      await page.locator('[data-opp-id="opp-new-2"]').waitFor();
      assert.equal((await column(page, 'st-closed')).total, usd(10000));
      // Undebounced, each announcement would have posted its reload at once, before any answer
      // came back: by now both would be there.
      assert.equal(await lists(), listsBefore + 2);
      // Contacts-only changes do not reload the board: not even once the 300 ms debounce is over.
      const pageNow = await page.evaluate(() => Date.now());
      await page.clock.pauseAt(new Date(pageNow + 1000));
      const postedBefore = (await app.posted()).length;
      await page.evaluate(() => (window as unknown as Host).__host.push('host:data-changed', { kinds: ['contacts'] }));
      await page.clock.runFor(350);
      assert.equal((await app.posted()).length, postedBefore, 'nothing asked of the host');
      await page.clock.resume();
      await assertCleanPage(app);
    } finally {
      await app.close();
    }
  });

  it('saves the pipeline and the filter in the webview state, and a new page (a restored panel) starts from them', async () => {
    const app = await shared.open({ app: 'board', fixtures: withBulk });
    const { page } = app;
    const saved = () => page.evaluate(() => JSON.parse(sessionStorage.getItem('vscode-state') ?? 'null'));
    const picker = () => page.locator('[data-testid=board-pipeline-select]').evaluate((el) => (el as HTMLSelectElement).value);
    const filter = () => page.locator('[data-testid=board-status-filter]').evaluate((el) => (el as HTMLSelectElement).value);
    try {
      await waitForCards(page, salesOpps.length);
      assert.deepEqual(await saved(), { pipelineId: SALES.id, filter: 'all' });
      await pickOption(page, 'board-status-filter', 'Won');
      const won = salesOpps.filter((o) => o.status === 'won').length;
      await waitForCards(page, won);
      assert.deepEqual(await saved(), { pipelineId: SALES.id, filter: 'won' });
      await pickOption(page, 'board-pipeline-select', XSS_PIPELINE);
      await page.waitForFunction(() => document.querySelector('[data-testid=board-column]')?.getAttribute('data-stage-id') === 'bk-a');
      assert.deepEqual(await saved(), { pipelineId: BULK.id, filter: 'won' });

      // The page is thrown away and a new one starts with that state (getState()).
      await page.reload({ waitUntil: 'domcontentloaded' });
      const wonBulk = totalsByStage(bulkOpportunities(), 'won');
      await page.waitForFunction(() => document.querySelector('[data-testid=board-column]')?.getAttribute('data-stage-id') === 'bk-a');
      await waitForCards(page, [...wonBulk.values()].reduce((sum, t) => sum + Math.min(200, t.count), 0));
      assert.equal(await picker(), BULK.id);
      assert.equal(await filter(), 'won');
      for (const col of await columns(page)) assert.equal(col.count, wonBulk.get(col.stageId)!.count.toLocaleString('en-US'));
      // The new page asked only for the saved pipeline's opportunities.
      const lists = await waitForPosted(app, 'ext-ghl:opps-list', 3);
      assert.deepEqual([...new Set(lists.map((m) => (m.payload as { pipelineId: string }).pipelineId))], [BULK.id]);
      await assertCleanPage(app);
    } finally {
      await app.close();
    }

    // A panel VS Code restores may come with the state in its initial state only.
    const restored = await shared.open({ app: 'board', fixtures, initialState: { pipelineId: SALES.id, filter: 'lost' } });
    try {
      const lost = salesOpps.filter((o) => o.status === 'lost');
      await waitForCards(restored.page, lost.length);
      assert.ok(lost.length > 0);
      assert.equal(await restored.page.locator('[data-testid=board-status-filter]').evaluate((el) => (el as HTMLSelectElement).value), 'lost');
      const statuses = await restored.page.$$eval('[data-testid=card-status-select]', (els) => els.map((el) => (el as HTMLSelectElement).value));
      assert.deepEqual([...new Set(statuses)], ['lost']);
      await assertCleanPage(restored);
    } finally {
      await restored.close();
    }
  });

  it('picks the default pipeline from settings (by name) and shows empty / not-configured states', async () => {
    const byName = await shared.open({
      app: 'board',
      fixtures: { ...fixtures, pipelines: [BULK, SALES], settings: { defaultPipeline: 'sales' } },
    });
    try {
      await waitForCards(byName.page, salesOpps.length);
      assert.equal(await byName.page.locator('[data-testid=board-pipeline-select]').evaluate((el) => (el as HTMLSelectElement).value), SALES.id);
      await assertCleanPage(byName);
    } finally {
      await byName.close();
    }

    const empty = await shared.open({ app: 'board', fixtures: { pipelines: [] } });
    try {
      const msg = empty.page.locator('[data-testid=board-message]');
      await msg.waitFor({ state: 'visible' });
      assert.match((await msg.textContent()) ?? '', /No pipelines yet — run GHL: Sync Opportunities/);
      assert.equal(await empty.page.locator('[data-testid=board-column]').count(), 0);
      await assertCleanPage(empty);
    } finally {
      await empty.close();
    }

    const notConfigured = await shared.open({
      app: 'board',
      fixtures: {
        ...fixtures,
        failAlways: { 'ext-ghl:pipelines-list': { code: 'NOT_CONFIGURED', message: 'Set an API token first.' } },
      },
    });
    try {
      const msg = notConfigured.page.locator('[data-testid=board-message]');
      await msg.waitFor({ state: 'visible' });
      assert.match((await msg.textContent()) ?? '', /Not connected to GoHighLevel/);
      assert.match((await msg.textContent()) ?? '', /GHL: Set API Token/);
      await assertCleanPage(notConfigured);
    } finally {
      await notConfigured.close();
    }
  });
});
