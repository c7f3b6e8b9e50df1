// The conversation panel, built and run in headless Chromium behind the host's CSP with a fake
// host: CRM text as text, HTML email bodies with nothing loaded, Enter / Shift+Enter, a refused
// reply and its Retry, attachment links handed to the host.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { assertCleanPage, inChromium, screenshot, type HostFixtures, type OpenedPage } from './harness';

const shared = inChromium();

const HOSTILE_SMS = '<img src=x onerror="window.__xss=1"> <script>window.__xss=2</script> <b>bold</b>';
const TRACKER = 'https://tracker.example.com/open.png';
const at = (minutes: number) => new Date(Date.parse('2026-11-30T10:00:00Z') + minutes * 60_000).toISOString();

const FIXTURES: HostFixtures = {
  conversation: {
    conversation: { id: 'conv-1', contactId: 'c-1', locationId: 'loc-1', contactName: 'Amanda Chen', lastMessageType: 'TYPE_SMS', unreadCount: 2 },
    contact: { id: 'c-1', locationId: 'loc-1', name: 'Amanda Chen', firstName: 'Amanda', lastName: 'Chen', phone: '+15550100', email: 'amanda@example.com', tags: [], customFields: [] },
    // Newest first, as GHL answers.
    messages: [
      { id: 'm3', conversationId: 'conv-1', direction: 'inbound', messageType: 'TYPE_SMS', body: HOSTILE_SMS, dateAdded: at(3), status: 'delivered' },
      {
        id: 'm2',
        conversationId: 'conv-1',
        direction: 'inbound',
        messageType: 'TYPE_EMAIL',
        contentType: 'text/html',
        subject: 'Floor plan',
        body: `<p>Here is the plan.</p><img src="${TRACKER}"><script>window.__xss=3</script><p>Thanks</p>`,
        attachments: ['https://files.example.com/plans/floor-plan.pdf', 'javascript:alert(1)'],
        dateAdded: at(2),
      },
      { id: 'm1', conversationId: 'conv-1', direction: 'outbound', messageType: 'TYPE_SMS', body: 'Hi Amanda, thanks for reaching out!', dateAdded: at(1), status: 'read' },
    ],
  },
};

interface BubbleView {
  direction: string;
  state: string;
  text: string;
  subject: string;
}

function bubbles(page: Page): Promise<BubbleView[]> {
  return page.$$eval('[data-testid=bubble]', (els) =>
    els.map((el) => ({
      direction: (el as HTMLElement).dataset.direction ?? '',
      state: (el as HTMLElement).dataset.state ?? '',
      text: el.querySelector('[data-testid=bubble-text]')?.textContent ?? '',
      subject: el.querySelector('[data-testid=bubble-subject]')?.textContent ?? '',
    })),
  );
}

async function open(fixtures: HostFixtures = FIXTURES): Promise<OpenedPage> {
  const app = await shared.open({ app: 'conversation', fixtures, initialState: { conversationId: 'conv-1' }, viewport: { width: 900, height: 640 } });
  await app.page.locator('[data-testid=bubble]').first().waitFor();
  return app;
}

async function typeReply(page: Page, text: string): Promise<void> {
  await page.locator('[data-testid=reply-input]').click();
  await page.keyboard.type(text);
}

describe('conversation panel', () => {
  it('shows the thread oldest first by direction; message text stays text and an HTML email loads nothing', async () => {
    const app = await open();
    const { page } = app;
    try {
      const shown = await bubbles(page);
      assert.deepEqual(
        shown.map((b) => [b.direction, b.subject]),
        [
          ['outbound', ''],
          ['inbound', 'Floor plan'],
          ['inbound', ''],
        ],
      );
      assert.equal(shown[2]!.text, HOSTILE_SMS, 'an SMS shows exactly what was typed');
      assert.equal(shown[1]!.text, 'Here is the plan.\nThanks', 'an HTML email as its text');
      const created = await page.evaluate(() => ({
        images: document.querySelectorAll('img').length,
        bold: document.querySelectorAll('b').length,
        scripts: [...document.querySelectorAll('script')].filter((s) => s.textContent?.includes('__xss')).length,
      }));
      assert.deepEqual(created, { images: 0, bold: 0, scripts: 0 });
      // Only the https attachment is a link, and a click hands it to the host.
      assert.equal(await page.locator('[data-testid=attachment]').count(), 1);
      await page.locator('[data-testid=attachment]').click();
      assert.deepEqual(await app.actions(), [{ type: 'open-link', url: 'https://files.example.com/plans/floor-plan.pdf' }]);
      assert.equal(await page.locator('[data-testid=conversation-contact]').textContent(), 'Amanda Chen');
      await screenshot(page, 'webview-conversation.png');
      await assertCleanPage(app);
    } finally {
      await app.close();
    }
  });

  it('Enter sends, Shift+Enter adds a line; the reply shows at once and is sent on the conversation\'s channel', async () => {
    const app = await open();
    const { page } = app;
    try {
      assert.equal(await page.locator('[data-testid=reply-channel]').evaluate((el) => (el as HTMLElement & { value: string }).value), 'SMS');
      await typeReply(page, 'On my way');
      await page.keyboard.press('Shift+Enter');
      await page.keyboard.type('see you at 5');
      assert.deepEqual(await app.posted('ext-ghl:convs-send'), [], 'Shift+Enter sends nothing');
      await page.keyboard.press('Enter');
      await page.waitForFunction(() => document.querySelector('[data-testid=bubble]:last-of-type')?.getAttribute('data-state') === 'sent');
      const [sent] = await app.posted('ext-ghl:convs-send');
      assert.equal((sent!.payload as { message: string }).message, 'On my way\nsee you at 5');
      assert.equal((sent!.payload as { type: string }).type, 'SMS');
      assert.ok((sent!.payload as { clientMessageId?: string }).clientMessageId);
      assert.equal((await bubbles(page)).at(-1)!.text, 'On my way\nsee you at 5');
      assert.equal(await page.locator('[data-testid=reply-input]').evaluate((el) => (el as HTMLElement & { value: string }).value), '', 'the box is empty again');
      await assertCleanPage(app);
    } finally {
      await app.close();
    }
  });

  it('a refused reply is marked failed with the reason; Retry sends the same clientMessageId once', async () => {
    const app = await open();
    const { page } = app;
    try {
      await page.evaluate(() => {
        (window as unknown as { __host: { failNext: Record<string, unknown> } }).__host.failNext['ext-ghl:convs-send'] = {
          code: 'VALIDATION',
          message: 'GHL refused the message: the number is not reachable',
        };
      });
      await typeReply(page, 'Are you free tomorrow?');
      await page.keyboard.press('Enter');
      await page.locator('[data-testid=bubble-retry]').waitFor();
      assert.match((await page.locator('[data-testid=bubble-failed]').textContent()) ?? '', /not reachable/);
      assert.equal((await bubbles(page)).at(-1)!.state, 'failed');
      await page.locator('[data-testid=bubble-retry]').click();
      await page.waitForFunction(() => document.querySelector('[data-testid=bubble]:last-of-type')?.getAttribute('data-state') === 'sent');
      const sends = await app.posted('ext-ghl:convs-send');
      assert.equal(sends.length, 2);
      assert.deepEqual(sends[1]!.payload, sends[0]!.payload, 'the retry is the same request');
      assert.equal((await bubbles(page)).filter((b) => b.text === 'Are you free tomorrow?').length, 1);
      await assertCleanPage(app);
    } finally {
      await app.close();
    }
  });

  it('Email asks for a subject and sends it; a contact with neither phone nor email gets no reply box', async () => {
    const app = await open();
    const { page } = app;
    try {
      await page.locator('[data-testid=reply-channel]').evaluate((el) => {
        (el as HTMLElement & { value: string }).value = 'Email';
        el.dispatchEvent(new Event('change', { bubbles: true }));
      });
      await page.locator('[data-testid=reply-subject]').waitFor();
      await typeReply(page, 'The plan is attached.');
      await page.keyboard.press('Enter');
      await page.locator('[data-testid=conversation-error]').getByText('An email needs a subject.').waitFor();
      assert.deepEqual(await app.posted('ext-ghl:convs-send'), []);
      await page.locator('[data-testid=reply-subject] input').fill('Your floor plan');
      await page.locator('[data-testid=reply-send]').click();
      await page.waitForFunction(() => document.querySelector('[data-testid=bubble]:last-of-type')?.getAttribute('data-state') === 'sent');
      const [sent] = await app.posted('ext-ghl:convs-send');
      assert.deepEqual({ ...(sent!.payload as object), clientMessageId: undefined }, {
        conversationId: 'conv-1',
        type: 'Email',
        message: 'The plan is attached.',
        subject: 'Your floor plan',
        clientMessageId: undefined,
      });
      await assertCleanPage(app);
    } finally {
      await app.close();
    }

    const unreachable = await open({
      conversation: { ...FIXTURES.conversation!, contact: { ...FIXTURES.conversation!.contact, phone: null, email: null } },
    });
    try {
      await unreachable.page.locator('[data-testid=reply-none]').waitFor();
      assert.equal(await unreachable.page.locator('[data-testid=reply-input]').count(), 0);
    } finally {
      await unreachable.close();
    }
  });

  it('#17: opens at the newest message of a long thread; scrolled up, it stays; a reply brings it down', async () => {
    const many = Array.from({ length: 40 }, (_, i) => ({
      id: `m${40 - i}`, conversationId: 'conv-1', direction: i % 2 ? 'outbound' : 'inbound', messageType: 'TYPE_SMS',
      body: `Message ${40 - i}: ${'a line of text '.repeat(6)}`, dateAdded: at(40 - i), status: 'delivered',
    }));
    const app = await open({ conversation: { ...FIXTURES.conversation!, messages: many } });
    const { page } = app;
    const position = () => page.locator('[data-testid=thread]').evaluate((el) => ({ top: el.scrollTop, gap: el.scrollHeight - el.scrollTop - el.clientHeight, height: el.scrollHeight, client: el.clientHeight }));
    try {
      await page.locator('[data-testid=bubble]').nth(39).waitFor();
      const opened = await position();
      assert.ok(opened.height > opened.client * 2, `a thread taller than the panel (${opened.height} > ${opened.client})`);
      await page.waitForFunction(() => {
        const el = document.querySelector('[data-testid=thread]')!;
        return el.scrollHeight - el.scrollTop - el.clientHeight < 2;
      });
      assert.ok((await bubbles(page)).at(-1)!.text.startsWith('Message 40'), 'the newest is last');
      // Scrolled up to read: nothing moves it.
      await page.locator('[data-testid=thread]').evaluate((el) => el.scrollTo({ top: 200 }));
      await page.locator('[data-testid=thread]').evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
      assert.equal((await position()).top, 200, 'a reader scrolled up stays where they are');
      assert.equal(await page.locator('[data-testid=new-messages]').count(), 0, 'no pill without news');
      await typeReply(page, 'Still interested?');
      await page.keyboard.press('Enter');
      await page.locator('[data-testid=bubble]').nth(40).waitFor();
      await page.waitForFunction(() => {
        const el = document.querySelector('[data-testid=thread]')!;
        return el.scrollHeight - el.scrollTop - el.clientHeight < 2;
      });
      assert.equal((await bubbles(page)).at(-1)!.text, 'Still interested?', 'the reply shows at the bottom, in view');
    } finally {
      await app.close();
    }
  });

  it('#17: Add Note… and New Task… next to the reply box ask the host, naming no contact', async () => {
    const app = await open();
    try {
      await app.page.locator('[data-testid=add-note]').click();
      await app.page.locator('[data-testid=new-task]').click();
      assert.deepEqual(await app.actions(), [{ type: 'follow-up', what: 'add-note' }, { type: 'follow-up', what: 'new-task' }]);
      await assertCleanPage(app);
    } finally {
      await app.close();
    }
  });
});
