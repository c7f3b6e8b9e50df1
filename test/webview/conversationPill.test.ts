// #17: the conversation panel's "New messages" pill in headless Chromium. A message arrives as in
// the extension (GHL has it, then the host pushes host:conversation-changed): a reader scrolled up
// is not moved and gets the pill; the pill takes them down; at the bottom the thread follows.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { inChromium, screenshot, type HostFixtures } from './harness';

const shared = inChromium();
const at = (minutes: number) => new Date(Date.parse('2026-11-30T10:00:00Z') + minutes * 60_000).toISOString();
const message = (n: number, direction: 'inbound' | 'outbound' = n % 2 ? 'inbound' : 'outbound') => ({
  id: `m${n}`,
  conversationId: 'conv-1',
  direction,
  messageType: 'TYPE_SMS',
  body: `Message ${n}: ${'a line of text '.repeat(6)}`,
  dateAdded: at(n),
  status: 'delivered',
});

const fixtures = (): HostFixtures => ({
  conversation: {
    conversation: { id: 'conv-1', contactId: 'c-1', locationId: 'loc-1', contactName: 'Amanda Chen', lastMessageType: 'TYPE_SMS', unreadCount: 0 },
    contact: { id: 'c-1', locationId: 'loc-1', name: 'Amanda Chen', phone: '+15550100', tags: [], customFields: [] },
    // Newest first, as GHL answers.
    messages: Array.from({ length: 40 }, (_, i) => message(40 - i)),
  },
});

const position = (page: Page) =>
  page.locator('[data-testid=thread]').evaluate((el) => ({ top: el.scrollTop, gap: el.scrollHeight - el.scrollTop - el.clientHeight }));
const atBottom = (page: Page) =>
  page.waitForFunction(() => {
    const el = document.querySelector('[data-testid=thread]')!;
    return el.scrollHeight - el.scrollTop - el.clientHeight < 2;
  }, undefined, { timeout: 5000 });
/** Two frames: what the page does after a render (its second scroll after layout) has happened. */
const settled = (page: Page) => page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
const lastText = (page: Page) => page.locator('[data-testid=bubble]').last().locator('[data-testid=bubble-text]').textContent();

describe('conversation panel: the "New messages" pill (#17)', () => {
  it('scrolled up, an incoming message shows the pill and nothing jumps; the pill takes the reader to the newest', async () => {
    const app = await shared.open({ app: 'conversation', fixtures: fixtures(), initialState: { conversationId: 'conv-1' }, viewport: { width: 900, height: 640 } });
    const { page } = app;
    try {
      await page.locator('[data-testid=bubble]').nth(39).waitFor();
      await atBottom(page);
      await page.locator('[data-testid=thread]').evaluate((el) => el.scrollTo({ top: 300 }));
      await settled(page);
      assert.equal((await position(page)).top, 300);

      await app.incomingMessage(message(41, 'inbound'));
      await page.locator('[data-testid=bubble]').nth(40).waitFor();
      await page.locator('[data-testid=new-messages]').waitFor();
      await settled(page);
      assert.equal((await position(page)).top, 300, 'the reader stays where they were');
      assert.ok((await position(page)).gap > 100, 'the new message is below the fold');
      assert.match((await lastText(page)) ?? '', /^Message 41/);
      assert.equal(await page.locator('[data-testid=new-messages]').textContent().then((t) => t?.trim()), 'New messages');
      await screenshot(page, 'conversation-new-messages-pill.png');

      // A second message while still scrolled up: still there, one pill.
      await app.incomingMessage(message(42, 'inbound'));
      await page.locator('[data-testid=bubble]').nth(41).waitFor();
      await settled(page);
      assert.equal((await position(page)).top, 300);
      assert.equal(await page.locator('[data-testid=new-messages]').count(), 1);

      await page.locator('[data-testid=new-messages]').click();
      await atBottom(page);
      await page.locator('[data-testid=new-messages]').waitFor({ state: 'detached' });
      assert.match((await lastText(page)) ?? '', /^Message 42/);
      assert.deepEqual(app.errors, []);
    } finally {
      await app.close();
    }
  });

  it('at the bottom, an incoming message keeps the thread at the bottom, with no pill', async () => {
    const app = await shared.open({ app: 'conversation', fixtures: fixtures(), initialState: { conversationId: 'conv-1' }, viewport: { width: 900, height: 640 } });
    const { page } = app;
    try {
      await page.locator('[data-testid=bubble]').nth(39).waitFor();
      await atBottom(page);
      const before = await position(page);
      await app.incomingMessage(message(41, 'inbound'));
      await page.locator('[data-testid=bubble]').nth(40).waitFor();
      await atBottom(page);
      await settled(page);
      const after = await position(page);
      assert.ok(after.top > before.top, `scrolled down to the new message (${before.top} → ${after.top})`);
      assert.ok(after.gap < 2, 'still at the bottom');
      assert.equal(await page.locator('[data-testid=new-messages]').count(), 0, 'no pill: the message is in view');
      assert.match((await lastText(page)) ?? '', /^Message 41/);
      // The pushed event is for this conversation only: another conversation's news reads nothing.
      const reads = (await app.posted('ext-ghl:convs-messages')).length;
      await app.push('host:conversation-changed', { conversationId: 'conv-other' });
      await settled(page);
      assert.equal((await app.posted('ext-ghl:convs-messages')).length, reads);
      assert.deepEqual(app.errors, []);
    } finally {
      await app.close();
    }
  });
});
