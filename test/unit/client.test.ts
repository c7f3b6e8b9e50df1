import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { anyAnswer, contactsSearchAnswer } from '../../src/ghl/answers';
import { GhlClient, versionFor } from '../../src/ghl/client';
import { RateBudget } from '../../src/http/rateBudget';
import { ExtGhlError } from '../../src/protocol/envelope';

function recordingFetch(respond: (url: string, init: RequestInit) => Response) {
  const calls: Array<{ url: string; init: RequestInit }> = [];
  const fetchImpl = (async (url: string | URL, init: RequestInit = {}) => {
    calls.push({ url: String(url), init });
    return respond(String(url), init);
  }) as typeof fetch;
  return { calls, fetchImpl };
}

describe('GhlClient', () => {
  it('sends the bearer token, JSON accept and the Version of each API family', async () => {
    const { calls, fetchImpl } = recordingFetch(() => Response.json({ ok: true }));
    const client = new GhlClient({ token: 'pit-secret-value-1234', baseUrl: 'http://ghl.test/', fetch: fetchImpl });
    await client.call('GET', '/contacts/abc', anyAnswer);
    await client.call('GET', '/conversations/search', anyAnswer, { query: { locationId: 'L', contactId: undefined } });
    const [contacts, conversations] = calls.map((c) => c.init.headers as Record<string, string>);
    assert.equal(contacts!.Authorization, 'Bearer pit-secret-value-1234');
    assert.equal(contacts!.Accept, 'application/json');
    assert.equal(contacts!.Version, '2021-07-28');
    assert.equal(conversations!.Version, '2021-04-15');
    assert.equal(calls[1]!.url, 'http://ghl.test/conversations/search?locationId=L');
    assert.ok(calls.every((c) => !c.url.includes('pit-secret')));
    assert.equal(versionFor('/calendars/events'), '2021-04-15');
    assert.equal(versionFor('/opportunities/search'), '2021-07-28');
  });

  it('stops before the daily budget is spent', async () => {
    const headers = { 'X-RateLimit-Daily-Remaining': '0', 'X-RateLimit-Max': '100', 'X-RateLimit-Remaining': '99', 'X-RateLimit-Interval-Milliseconds': '10000' };
    const { calls, fetchImpl } = recordingFetch(() => Response.json({}, { headers }));
    const client = new GhlClient({ token: 't0ken-abcdefgh', baseUrl: 'http://ghl.test', fetch: fetchImpl });
    await client.call('GET', '/locations/L', anyAnswer);
    await assert.rejects(client.call('GET', '/locations/L', anyAnswer), (err: unknown) => err instanceof ExtGhlError && err.code === 'RATE_LIMITED' && /daily/.test(err.message));
    assert.equal(calls.length, 1);
  });

  it('scrubs the token from error text', async () => {
    const token = 'pit-echoed-token-9999';
    const { fetchImpl } = recordingFetch(() => Response.json({ statusCode: 400, message: `bad token ${token}` }, { status: 400 }));
    const client = new GhlClient({ token, baseUrl: 'http://ghl.test', fetch: fetchImpl });
    await assert.rejects(client.call('POST', '/contacts/', anyAnswer, { body: {} }), (err: unknown) => err instanceof Error && !err.message.includes(token) && err.message.includes('***'));
  });
});

describe('GhlClient answers', () => {
  it('checks an answer against its schema: the wrong shape is an API error, asked once', async () => {
    const { calls, fetchImpl } = recordingFetch(() => Response.json({ contacts: [], total: 'many' }));
    const client = new GhlClient({ token: 'pit-abcdefgh-1234', baseUrl: 'http://ghl.test', fetch: fetchImpl, sleep: async () => undefined });
    await assert.rejects(
      client.call('POST', '/contacts/search', contactsSearchAnswer, { body: {}, idempotent: true, listField: 'contacts' }),
      (err: unknown) => err instanceof ExtGhlError && err.code === 'API' && /cannot read \(POST \/contacts\/search: total /.test(err.message),
    );
    assert.equal(calls.length, 1, 'the same answer would come back: no retry');
  });

  it('asks a read again when the answer is not JSON, and gives up with a clear error', async () => {
    const { calls, fetchImpl } = recordingFetch(() => new Response('<html>proxy error</html>', { status: 200 }));
    const client = new GhlClient({ token: 'pit-abcdefgh-1234', baseUrl: 'http://ghl.test', fetch: fetchImpl, maxRetries: 2, sleep: async () => undefined });
    await assert.rejects(client.call('GET', '/contacts/abc', anyAnswer), (err: unknown) => err instanceof ExtGhlError && err.code === 'API' && /not a JSON object/.test(err.message));
    assert.equal(calls.length, 3);
  });

  it('passes a well-formed answer through with its types', async () => {
    const { fetchImpl } = recordingFetch(() => Response.json({ contacts: [{ id: 'c1' }], total: 1 }));
    const client = new GhlClient({ token: 'pit-abcdefgh-1234', baseUrl: 'http://ghl.test', fetch: fetchImpl });
    const answer = await client.call('POST', '/contacts/search', contactsSearchAnswer, { body: {}, idempotent: true, listField: 'contacts' });
    assert.equal(answer.total, 1);
    assert.deepEqual(answer.contacts, [{ id: 'c1' }]);
  });
});

describe('RateBudget', () => {
  it('never lets more than max requests into one interval', () => {
    let now = 0;
    const budget = new RateBudget(() => now, { max: 5, intervalMs: 1000 }, 0);
    // The server sees each request 7 ms after it is sent; it is answered 3 ms later.
    const arrivals: number[] = [];
    while (arrivals.length < 23) {
      const wait = budget.delayBeforeNext();
      if (wait > 0) {
        now += wait;
        continue;
      }
      const ticket = budget.recordSend();
      now += 7;
      arrivals.push(now);
      now += 3;
      budget.recordAnswer(ticket);
    }
    for (const t of arrivals) {
      const inWindow = arrivals.filter((s) => s >= t && s < t + 1000).length;
      assert.ok(inWindow <= 5, `window at ${t} holds ${inWindow}`);
    }
    // ...and keeps close to the limit: 23 requests need just over 4 windows.
    assert.ok(now < 4 * 1000 + 200, `took ${now} ms`);
  });

  it('after a 429 waits as Retry-After says, in seconds or as a date', () => {
    const now = Date.parse('2026-03-08T10:00:00Z');
    const budget = new RateBudget(() => now);
    assert.equal(budget.backoffAfter429(new Headers({ 'Retry-After': '3' }), 1), 3000);
    assert.equal(budget.backoffAfter429(new Headers({ 'Retry-After': 'Sun, 08 Mar 2026 10:00:05 GMT' }), 1), 5000);
    // Unreadable: the exponential fallback from half a second.
    assert.equal(budget.backoffAfter429(new Headers({ 'Retry-After': 'soon' }), 2), 1000);
  });

  it('adopts the limits GHL announces and waits when GHL says none remain', () => {
    let now = 0;
    const budget = new RateBudget(() => now);
    budget.recordHeaders(new Headers({ 'X-RateLimit-Max': '3', 'X-RateLimit-Interval-Milliseconds': '2000', 'X-RateLimit-Remaining': '0' }));
    assert.deepEqual({ ...budget.snapshot() }, { max: 3, intervalMs: 2000, remaining: 0, dailyRemaining: null });
    assert.ok(budget.delayBeforeNext() > 0);
    now = 2100;
    assert.equal(budget.delayBeforeNext(), 0);
  });
});

describe('GhlClient configuration', () => {
  it('refuses a base URL that is not http(s)', () => {
    assert.throws(
      () => new GhlClient({ token: 'pit-abcdefgh-1234', baseUrl: 'file:///etc/passwd' }),
      (err: unknown) => err instanceof ExtGhlError && err.code === 'NOT_CONFIGURED' && /ghl\.apiBaseUrl/.test(err.message),
    );
  });
});
