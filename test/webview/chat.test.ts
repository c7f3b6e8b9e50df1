// The Chat panel, built and run in headless Chromium behind the host's CSP with a fake host.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { assertCleanPage, inChromium, screenshot } from './harness';

const shared = inChromium();

const HOSTILE_REPLY = '<img src=x onerror="window.__xss=1"> **not markdown** <script>window.__xss=2</script>';

function messages(page: Page): Promise<Array<{ role: string; text: string }>> {
  return page.$$eval('[data-testid=chat-message]', (els) =>
    els.map((el) => ({
      role: (el as HTMLElement).dataset.role ?? '',
      text: (el.querySelector('[data-testid=chat-message-text]')?.textContent ?? '').trim(),
    })),
  );
}

async function waitForMessages(page: Page, n: number): Promise<void> {
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid=chat-message]').length === n, n, { timeout: 5000 });
}

/** Focuses the vscode-textarea and types like a user. */
async function type(page: Page, text: string): Promise<void> {
  await page.locator('[data-testid=chat-input]').click();
  await page.keyboard.type(text);
}

describe('chat', () => {
  it('Enter sends, Shift+Enter adds a line; both bubbles render as text; the view keeps them across reloads', async () => {
    const app = await shared.open({ app: 'chat', fixtures: { chatReply: HOSTILE_REPLY, chatModel: { vendor: 'test', family: 'scripted', id: 'm1' } } });
    const { page } = app;
    try {
      await page.locator('[data-testid=chat-empty]').waitFor();
      await type(page, 'Which deals close');
      await page.keyboard.press('Shift+Enter');
      await page.keyboard.type('this week?');
      assert.equal((await app.posted('ext-ghl:chat-send')).length, 0, 'Shift+Enter does not send');
      await page.keyboard.press('Enter');
      await waitForMessages(page, 2);
      const sent = await app.posted('ext-ghl:chat-send');
      assert.equal(sent.length, 1);
      assert.deepEqual(sent[0]!.payload, { message: 'Which deals close\nthis week?' });
      // Markdown renders (bold), HTML in the answer stays text: no element is made from it.
      assert.deepEqual(await messages(page), [
        { role: 'user', text: 'Which deals close\nthis week?' },
        { role: 'assistant', text: HOSTILE_REPLY.replace('**not markdown**', 'not markdown') },
      ]);
      assert.equal(await page.locator('#app img, #app script').count(), 0, 'no element from the reply\'s HTML');
      assert.equal(await page.locator('[data-testid=chat-message-text] strong').textContent(), 'not markdown');
      assert.equal(await page.locator('[data-testid=chat-no-model]').count(), 0, 'a model is available');
      assert.equal(await page.locator('[data-testid=chat-input]').evaluate((el) => (el as HTMLTextAreaElement).value), '');
      // User right, assistant left.
      const [user, assistant] = await page.$$eval('[data-testid=chat-message] .bubble', (els) =>
        els.map((el) => el.getBoundingClientRect()),
      );
      assert.ok(user!.right > assistant!.right && user!.left > assistant!.left, 'user bubble right of assistant bubble');

      // The Send button works too.
      await type(page, 'And the Oak Street deal?');
      await page.locator('[data-testid=chat-send]').click();
      await waitForMessages(page, 4);
      await screenshot(page, 'webview-chat.png');

      await page.reload({ waitUntil: 'domcontentloaded' });
      await waitForMessages(page, 4);
      assert.deepEqual(
        (await messages(page)).map((m) => m.role),
        ['user', 'assistant', 'user', 'assistant'],
      );
      assert.equal((await messages(page))[1]!.text, HOSTILE_REPLY.replace('**not markdown**', 'not markdown'));
      await assertCleanPage(app);
    } finally {
      await app.close();
    }
  });

  it('tool lines, record buttons and a confirmation card; Approve and Cancel post chat-confirm; the no-model notice', async () => {
    const app = await shared.open({
      app: 'chat',
      fixtures: {
        chatReply: 'Amanda Chen has **one** open deal.',
        chatTurn: {
          toolCalls: [{ tool: 'ghl_search_contacts', input: { query: 'Chen' }, ok: true, summary: 'Searched contacts for "Chen" — 1 found' }],
          refs: [{ kind: 'contact', id: 'c-1', label: '<b>Amanda</b> Chen' }],
          pendingActions: [
            { id: 'a-1', tool: 'ghl_update_contact', summary: 'Update contact "Amanda Chen": phone → +1 555 0100', input: {} },
            { id: 'a-2', tool: 'ghl_send_message', summary: 'Send an SMS to "Amanda Chen": "Hi"', input: {} },
          ],
        },
      },
    });
    const { page } = app;
    try {
      await page.locator('[data-testid=chat-no-model]').waitFor();
      assert.match((await page.locator('[data-testid=chat-no-model]').textContent()) ?? '', /No chat model[\s\S]*\/find/);
      await type(page, 'who is Amanda Chen?');
      await page.keyboard.press('Enter');
      await page.locator('[data-testid=chat-confirm-card]').nth(1).waitFor();
      assert.equal(await page.locator('[data-testid=chat-tool-line]').textContent().then((t) => t?.trim()), 'Searched contacts for "Chen" — 1 found');
      assert.equal(await page.locator('[data-testid=chat-ref]').textContent(), '<b>Amanda</b> Chen', 'CRM text is text');
      await page.locator('[data-testid=chat-ref]').click();
      await page.waitForFunction(() => (window as any).__host.posted.some((m: any) => m.channel === 'ext-ghl:chat-open'));
      assert.deepEqual((await app.posted('ext-ghl:chat-open'))[0]!.payload, { kind: 'contact', id: 'c-1' });
      assert.equal(await page.locator('[data-testid=chat-confirm-summary]').first().textContent(), 'Update contact "Amanda Chen": phone → +1 555 0100');
      await screenshot(page, 'webview-chat-confirm.png');
      await page.locator('[data-testid=chat-approve]').first().click();
      await page.locator('[data-testid=chat-confirm-card]').nth(1).waitFor({ state: 'detached' });
      await page.locator('[data-testid=chat-cancel]').first().click();
      await page.locator('[data-testid=chat-confirm-card]').waitFor({ state: 'detached' });
      assert.deepEqual(
        (await app.posted('ext-ghl:chat-confirm')).map((m) => m.payload),
        [{ actionId: 'a-1', approve: true }, { actionId: 'a-2', approve: false }],
      );
      const texts = (await messages(page)).map((m) => m.text);
      assert.deepEqual(texts.slice(-2), ['Done: the change', 'Cancelled, nothing was changed: the change']);
      await assertCleanPage(app);
    } finally {
      await app.close();
    }
  });

  it('Clear posts chat-clear and empties the list; errors show inline', async () => {
    const app = await shared.open({ app: 'chat' });
    const { page } = app;
    try {
      await type(page, 'hello');
      await page.keyboard.press('Enter');
      await waitForMessages(page, 2);
      await page.locator('[data-testid=chat-clear]').click();
      await waitForMessages(page, 0);
      assert.equal((await app.posted('ext-ghl:chat-clear')).length, 1);
      await page.locator('[data-testid=chat-empty]').waitFor();

      await page.evaluate(() => {
        (window as unknown as { __host: { failNext: Record<string, unknown> } }).__host.failNext['ext-ghl:chat-send'] = {
          code: 'NOT_CONFIGURED',
          message: 'Connect GoHighLevel first.',
        };
      });
      await type(page, 'are you there?');
      await page.keyboard.press('Enter');
      const error = page.locator('[data-testid=chat-error]');
      await error.waitFor({ state: 'visible' });
      assert.equal(await error.getAttribute('role'), 'alert');
      assert.match((await error.textContent()) ?? '', /Connect GoHighLevel first\./);
      assert.deepEqual(
        (await messages(page)).map((m) => m.role),
        ['user'],
      );
      assert.equal(await page.locator('[data-testid=chat-message].failed').count(), 1);
      // Empty input sends nothing.
      await page.keyboard.press('Enter');
      assert.equal((await app.posted('ext-ghl:chat-send')).length, 2);
      await assertCleanPage(app);
    } finally {
      await app.close();
    }
  });
});
