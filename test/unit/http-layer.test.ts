// The HTTP layer both API clients configure (src/http): backoff, the one sleep, and the request
// loop's retry and scrubbing rules, with an injected fetch and sleep (no network, no waiting).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backoffMs, DEFAULT_BACKOFF } from '../../src/http/backoff';
import { parseJson, requireHttpBaseUrl } from '../../src/http/fetchHelpers';
import { HttpClient, type HttpFailureWords, type HttpMethod } from '../../src/http/httpClient';
import { RateBudget } from '../../src/http/rateBudget';
import { abortableSleep } from '../../src/http/sleep';

const SECRET = 'key-0123456789-secret';

const words: HttpFailureWords = {
  cancelled: () => new Error('cancelled'),
  dailyBudgetSpent: (left) => new Error(`daily budget spent (${left})`),
  unreachable: ({ cause, answered }) => new Error(`unreachable${answered ? ` after ${answered}` : ''}: ${cause}`),
  refused: ({ status, body }) => new Error(`refused ${status}: ${body}`),
};

function clientWith(answers: Array<() => Response>) {
  const sent: string[] = [];
  const waits: number[] = [];
  let now = 0;
  const http = new HttpClient({
    baseUrl: 'http://api.test',
    headers: () => ({ Authorization: SECRET }),
    secrets: [SECRET],
    words,
    budget: new RateBudget(() => now),
    timeoutMs: 1000,
    retry: { maxRetries: 2, maxRateLimitWaits: 1, backoff: { baseMs: 100, maxMs: 1000, jitterMs: 0 } },
    now: () => now,
    sleep: async (ms) => {
      waits.push(ms);
      now += ms;
    },
    fetch: (async (url: string | URL, init?: RequestInit) => {
      sent.push(`${init?.method} ${String(url)}`);
      const next = answers.shift();
      if (!next) throw new Error('no more answers');
      return next();
    }) as typeof fetch,
  });
  const request = (method: HttpMethod) => http.request({ method, path: '/things', query: { q: 'x', skip: undefined, n: Number.NaN }, read: (text) => ({ ok: true, value: text }) });
  return { http, sent, waits, request };
}

describe('HTTP layer', () => {
  it('backs off doubling from the base, capped, with jitter below jitterMs', () => {
    const policy = { baseMs: 250, maxMs: 4000, jitterMs: 100 };
    assert.deepEqual([1, 2, 3, 6].map((n) => backoffMs(n, policy, () => 0)), [250, 500, 1000, 4000]);
    assert.equal(backoffMs(1, policy, () => 0.999), 349);
    assert.ok(DEFAULT_BACKOFF.jitterMs > 0, 'the default policy has jitter');
  });

  it('the sleep rejects as soon as its signal aborts', async () => {
    const controller = new AbortController();
    const sleeping = abortableSleep(60_000, controller.signal);
    controller.abort();
    await assert.rejects(sleeping, { name: 'AbortError' });
  });

  it('a read is asked again after a 5xx, with the backoff between; a write is not', async () => {
    const read = clientWith([() => new Response('busy', { status: 503 }), () => new Response('fine')]);
    assert.equal(await read.request('GET'), 'fine');
    assert.deepEqual(read.sent, ['GET http://api.test/things?q=x', 'GET http://api.test/things?q=x'], 'no undefined or NaN in the query');
    assert.deepEqual(read.waits, [100]);

    const write = clientWith([() => new Response('busy', { status: 503 }), () => new Response('fine')]);
    await assert.rejects(write.request('POST'), /refused 503: busy/);
    assert.equal(write.sent.length, 1);
  });

  it('waits out a 429 for its Retry-After, then the refusal is final', async () => {
    const limited = () => new Response('slow down', { status: 429, headers: { 'Retry-After': '2' } });
    const { http, waits, request } = clientWith([limited, limited]);
    await assert.rejects(request('GET'), /refused 429/);
    assert.deepEqual(waits, [2000]);
    assert.equal(http.rateLimitedCount, 2);
    assert.equal(http.requestCount, 2);
  });

  it('scrubs every secret from what it passes on', async () => {
    const echo = () => new Response(`bad key ${SECRET}`, { status: 400 });
    const { request } = clientWith([echo]);
    await assert.rejects(request('GET'), (err: Error) => !err.message.includes(SECRET) && err.message.includes('bad key ***'));
  });

  it('says why text is not JSON, and refuses a base URL that is not http(s)', () => {
    assert.deepEqual(parseJson('{"a":1}'), { ok: true, value: { a: 1 } });
    assert.deepEqual(parseJson('  '), { ok: false, problem: 'empty answer' });
    const html = parseJson('<html>');
    assert.ok(!html.ok && /^not JSON: /.test(html.problem));
    assert.equal(requireHttpBaseUrl('https://api.test//', () => new Error('no')), 'https://api.test');
    assert.throws(() => requireHttpBaseUrl('ftp://api.test', (shown) => new Error(`not http: ${shown}`)), /not http: ftp:\/\/api\.test/);
  });
});
