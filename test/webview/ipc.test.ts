// src/webview/shared/ipc.ts, the error banner and src/format.ts in a real page (fixtures/ipcHarness.ts exposes them
// as window.__ipc with a 300 ms request timeout).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { buildBundles, launchBrowser, openApp, type Built, type OpenedPage } from './harness';

let built: Built;
let browser: Browser;
let app: OpenedPage;

before(async () => {
  [built, browser] = await Promise.all([buildBundles(), launchBrowser()]);
  app = await openApp(browser, built, {
    app: 'ipc-harness',
    initialState: { pipelineId: 'p-1', note: '"quoted" & <tagged>' },
  });
  await app.page.waitForFunction(() => document.body.dataset.ready === 'true');
});

after(async () => {
  await app?.close();
  await browser?.close();
  built?.dispose();
});

describe('ipc', () => {
  it('resolves a request whose reply never comes with a NETWORK timeout error, after its 300 ms', async () => {
    // Its own page, on Playwright's clock: the 300 ms pass when the test says so.
    const timed = await openApp(browser, built, { app: 'ipc-harness', clock: true });
    try {
      const { page } = timed;
      await page.waitForFunction(() => document.body.dataset.ready === 'true');
      await page.clock.pauseAt(new Date('2026-01-05T15:01:00Z'));
      await page.evaluate(() => {
        const w = window as unknown as { __host: { silent: string[] }; __ipc: any; __answer?: unknown };
        w.__host.silent.push('ext-ghl:opps-get');
        void w.__ipc.client.request('ext-ghl:opps-get', { id: 'o-1' }).then((res: unknown) => (w.__answer = res));
      });
      const state = () => page.evaluate(() => ({ answer: (window as any).__answer ?? null, pending: (window as any).__ipc.client.pendingCount as number }));
      await page.clock.runFor(299);
      assert.deepEqual(await state(), { answer: null, pending: 1 }, 'still waiting at 299 ms');
      await page.clock.runFor(1);
      await page.waitForFunction(() => (window as any).__answer !== undefined);
      assert.deepEqual(await state(), {
        answer: { success: false, error: { code: 'NETWORK', message: 'The extension did not answer in time.' } },
        pending: 0,
      });
    } finally {
      await timed.close();
    }
  });

  it('matches replies by id, ignores malformed messages, and delivers pushes until unsubscribed', async () => {
    const result = await app.page.evaluate(async () => {
      const w = window as unknown as {
        __host: { holding: boolean; release(): void; raw(d: unknown): void; push(p: string, d: unknown): void; posted: any[] };
        __ipc: any;
      };
      const client = w.__ipc.client;
      w.__host.holding = true;
      const a = client.request('ext-ghl:settings-get', {});
      const b = client.request('ext-ghl:chat-send', { message: 'hi' });
      const [pa, pb] = w.__host.posted.slice(-2);
      // Garbage and replies with unknown ids or broken envelopes change nothing.
      for (const junk of [null, 'text', 42, [], { id: pa.id }, { id: pa.id, response: 'x' }, { id: 'nope', response: { success: true, data: 1 } }, { push: 5 }]) {
        w.__host.raw(junk);
      }
      const pendingAfterJunk = client.pendingCount;
      w.__host.release();
      const [ra, rb] = await Promise.all([a, b]);
      const seen: unknown[] = [];
      const off = client.onPush('ext-ghl:sync-progress', (p: unknown) => seen.push(p));
      w.__host.push('ext-ghl:sync-progress', { kind: 'contacts', synced: 1, total: 2 });
      w.__host.push('host:data-changed', { kinds: ['contacts'] });
      off();
      w.__host.push('ext-ghl:sync-progress', { kind: 'contacts', synced: 2, total: 2, done: true });
      return {
        ids: [pa.id, pb.id],
        channels: [pa.channel, pb.channel],
        pendingAfterJunk,
        ra: ra.success && ra.data.locationId,
        rb: rb.success && rb.data.reply,
        seen,
      };
    });
    assert.notEqual(result.ids[0], result.ids[1]);
    assert.deepEqual(result.channels, ['ext-ghl:settings-get', 'ext-ghl:chat-send']);
    assert.equal(result.pendingAfterJunk, 2);
    assert.equal(result.ra, 'loc-1');
    assert.equal(result.rb, 'A scripted answer.');
    assert.deepEqual(result.seen, [{ kind: 'contacts', synced: 1, total: 2 }]);
  });

  it('posts ready once, as soon as it listens, and before any request', async () => {
    const handshake = await app.handshake();
    assert.deepEqual(handshake, { readyCount: 1, errors: [] });
  });

  it('readInitialState reads the escaped meta tag; the error banner only ever shows text; money is format.ts\'s', async () => {
    const result = await app.page.evaluate(async () => {
      const { readInitialState, formatMoney, formatCount } = (window as unknown as { __ipc: any }).__ipc;
      const banner = document.createElement('ghl-error-banner');
      banner.dataset.testid = 'probe-error';
      document.body.appendChild(banner);
      await (banner as unknown as { updateComplete: Promise<unknown> }).updateComplete;
      const hiddenWhenEmpty = banner.hidden;
      (banner as unknown as { message: string }).message = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>';
      await (banner as unknown as { updateComplete: Promise<unknown> }).updateComplete;
      let dismissed = 0;
      banner.addEventListener('dismiss', () => dismissed++);
      banner.querySelector<HTMLButtonElement>('[data-testid=probe-error-dismiss]')?.click();
      return {
        state: readInitialState(),
        hiddenWhenEmpty,
        hiddenWithMessage: banner.hidden,
        role: banner.getAttribute('role'),
        text: banner.querySelector('.error-text')?.textContent,
        elementsInText: banner.querySelectorAll('.error-text *').length,
        dismissed,
        money: [formatMoney(1234), formatMoney(99.5), formatMoney(Number.NaN)],
        counts: [formatCount(1234567), formatCount(Number.POSITIVE_INFINITY)],
      };
    });
    assert.deepEqual(result.state, { pipelineId: 'p-1', note: '"quoted" & <tagged>' });
    assert.equal(result.hiddenWhenEmpty, true);
    assert.equal(result.hiddenWithMessage, false);
    assert.equal(result.role, 'alert');
    assert.equal(result.text, '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>');
    assert.equal(result.elementsInText, 0, 'the message made no element');
    assert.equal(result.dismissed, 1);
    assert.deepEqual(result.money, ['$1,234', '$100', '$0']);
    assert.deepEqual(result.counts, ['1,234,567', '0']);
    assert.equal(await app.page.evaluate('window.__xss'), undefined);
    assert.deepEqual(await app.violations(), []);
    assert.deepEqual(app.errors, []);
  });

  it('the CSP and the violation detector are live (so "no violations" elsewhere means something)', async () => {
    await app.page.evaluate(() => {
      const el = document.createElement('div');
      el.setAttribute('style', 'color: red'); // inline style: forbidden by style-src
      document.body.appendChild(el);
      const img = document.createElement('img');
      img.src = 'https://evil.example/x.png'; // not the webview origin: forbidden by img-src
      document.body.appendChild(img);
    });
    await app.page.waitForFunction(() => (window as unknown as { __host: { violations: unknown[] } }).__host.violations.length >= 2);
    const directives = ((await app.violations()) as Array<{ directive: string }>).map((v) => v.directive).sort();
    assert.deepEqual(directives, ['img-src', 'style-src-attr']);
  });
});
