import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { estimateArv } from '../../src/arv/estimate';
import { ValuationError } from '../../src/arv/provider';
import { RentcastProvider, type RentcastCallLog } from '../../src/arv/rentcast';
import { parseRentcastAnswer } from '../../src/arv/rentcastAnswer';
import { DEFAULT_ESTIMATE_SETTINGS } from '../../src/arv/types';
import { generateStore } from '../sandbox/data';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { contactAddresses, createRentcastStandIn, RENTCAST_FIXED_ADDRESSES, startRentcastSandbox, type RentcastSandbox } from '../sandbox/rentcast';

const KEY = 'rc_live_7f3a9c1e5b2d4f60';

/**
 * A clock that moves only when the provider (or the stand-in's rate window) is told to wait, so
 * pacing is checked in its time and a test never waits out a real second. A wait still yields to
 * the event loop once, so the stand-in's answers (real sockets) arrive meanwhile.
 */
function virtualClock() {
  let now = 0;
  return {
    now: () => now,
    sleep: async (ms: number, signal?: AbortSignal) => {
      await new Promise((resolve) => setImmediate(resolve));
      signal?.throwIfAborted();
      now += ms;
    },
  };
}

async function failure(promise: Promise<unknown>): Promise<ValuationError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof ValuationError, `a ValuationError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected the lookup to fail');
}

describe('RentCast provider against the stand-in', () => {
  let rc: RentcastSandbox;
  let addresses: string[];
  before(async () => {
    addresses = contactAddresses(generateStore({ contacts: 300, seed: 7 }).contacts.values());
    rc = await startRentcastSandbox({ apiKey: KEY, addresses });
  });
  after(() => rc.close());

  const provider = (over: Partial<ConstructorParameters<typeof RentcastProvider>[0]> = {}) => new RentcastProvider({ apiKey: KEY, baseUrl: rc.url, ...over });

  it('answers a known address with the comps and subject the stand-in holds, deterministically', async () => {
    const calls: RentcastCallLog[] = [];
    rc.resetStats();
    const v = await provider({ onCall: (c) => calls.push(c) }).lookup(RENTCAST_FIXED_ADDRESSES.tight, { squareFootage: 1800 });
    const expected = rc.valuationFor(RENTCAST_FIXED_ADDRESSES.tight, 10)!;
    assert.equal(v.price, expected.price);
    assert.equal(v.subjectSquareFootage, (expected.subjectProperty as { squareFootage: number }).squareFootage);
    assert.equal(v.comparables.length, 10);
    assert.deepEqual(
      v.comparables.map((c) => c.formattedAddress),
      (expected.comparables as { formattedAddress: string }[]).map((c) => c.formattedAddress),
    );
    const again = await provider().lookup(RENTCAST_FIXED_ADDRESSES.tight, {});
    assert.deepEqual(again.comparables, v.comparables, 'same address, same comps');

    const query = rc.stats.queries[0]!;
    assert.equal(query.get('address'), RENTCAST_FIXED_ADDRESSES.tight);
    assert.equal(query.get('compCount'), '10');
    assert.equal(query.get('squareFootage'), '1800');
    assert.ok(![...query.values()].some((v) => v.includes(KEY)), 'the key is not in the URL');
    assert.deepEqual(calls.map((c) => [c.path, c.status]), [['/v1/avm/value', 200]]);
  });

  it('knows the GHL sandbox contacts’ addresses (any casing and punctuation)', async () => {
    assert.ok(addresses.length > 100);
    const v = await provider().lookup(addresses[0]!.toUpperCase().replace(',', ''), {});
    assert.ok(v.price > 0 && v.comparables.length > 0);
  });

  it('passes maxRadius and daysOld through and gets comps within them', async () => {
    const v = await provider({ maxRadius: 1, daysOld: 120, compCount: 25 }).lookup(RENTCAST_FIXED_ADDRESSES.spread, {});
    assert.ok(v.comparables.length > 0);
    assert.ok(v.comparables.every((c) => c.distance! <= 1 && c.daysOld! <= 120));
  });

  it('404 → not-found', async () => {
    const err = await failure(provider().lookup('1 Nowhere Rd, Atlantis, ZZ 00000', {}));
    assert.equal(err.kind, 'not-found');
    assert.equal(err.code, 'NOT_FOUND');
    assert.equal(err.isPerDeal, true);
    assert.deepEqual(err.toInfo(), { code: 'NOT_FOUND', message: err.message, details: { status: 404 } }, 'the dispatcher answers it as an envelope');
    assert.match(err.message, /no valuation for this address/);
  });

  it('401 → unauthorized, and the key it sent is never repeated', async () => {
    const wrong = 'rc_wrong_key_SECRET_123';
    // The stand-in echoes the key it got, so a careless client would leak it.
    const raw = await fetch(`${rc.url}/v1/avm/value?address=x`, { headers: { 'X-Api-Key': wrong } });
    assert.match(await raw.text(), new RegExp(wrong));
    const logs: RentcastCallLog[] = [];
    const err = await failure(new RentcastProvider({ apiKey: wrong, baseUrl: rc.url, onCall: (c) => logs.push(c) }).lookup(RENTCAST_FIXED_ADDRESSES.tight, {}));
    assert.equal(err.kind, 'unauthorized');
    assert.equal(err.status, 401);
    assert.match(err.message, /rejected the API key/);
    assert.ok(!err.message.includes(wrong) && !JSON.stringify(err).includes(wrong) && !String(err.stack).includes(wrong));
    assert.ok(!JSON.stringify(logs).includes(wrong));
  });

  it('a broken or partial 200 is an error, not data', async () => {
    const broken = await failure(provider().lookup(RENTCAST_FIXED_ADDRESSES.broken, {}));
    assert.equal(broken.kind, 'bad-data');
    assert.match(broken.message, /price/);
    const partial = await failure(provider().lookup(RENTCAST_FIXED_ADDRESSES.partial, {}));
    assert.equal(partial.kind, 'bad-data');
  });

  it('a 400 (bad parameter) is bad-data; an unreachable host is network, key-free', async () => {
    const bad = await failure(provider().lookup('   ', {}));
    assert.equal(bad.kind, 'bad-data');
    const closed = await startRentcastSandbox({ apiKey: KEY });
    const deadUrl = closed.url;
    await closed.close();
    const err = await failure(new RentcastProvider({ apiKey: KEY, baseUrl: deadUrl, maxRetries: 0 }).lookup(RENTCAST_FIXED_ADDRESSES.tight, {}));
    assert.equal(err.kind, 'network');
    assert.ok(!err.message.includes(KEY));
    assert.throws(() => new RentcastProvider({ apiKey: '', baseUrl: rc.url }), (e: unknown) => e instanceof ValuationError && e.kind === 'unauthorized');
    assert.throws(() => new RentcastProvider({ apiKey: KEY, baseUrl: 'ftp://x' }), /not an http/);
  });

  it('cancelling aborts a lookup in flight', async () => {
    // The stand-in holds its answer back; the lookup is cancelled once its request is on the way.
    rc.latencyMs = 2000;
    try {
      const controller = new AbortController();
      const sendThenCancel: typeof fetch = (url, init) => {
        const answer = fetch(url, init);
        controller.abort();
        return answer;
      };
      const err = await failure(provider({ fetch: sendThenCancel }).lookup(RENTCAST_FIXED_ADDRESSES.tight, {}, controller.signal));
      assert.equal(err.kind, 'cancelled');
      assert.equal(err.code, 'CANCELLED');
    } finally {
      rc.latencyMs = 0;
    }
  });

  it('cancelling ends a wait for a slot, without sending', async () => {
    const clock = virtualClock();
    const controller = new AbortController();
    const sent: string[] = [];
    const countingFetch: typeof fetch = (url, init) => {
      sent.push(String(url));
      return fetch(url, init);
    };
    // One request per second: the second lookup waits for the next window, and is cancelled there.
    const slow = provider({ requestsPerSecond: 1, now: clock.now, sleep: clock.sleep, fetch: countingFetch });
    await slow.lookup(RENTCAST_FIXED_ADDRESSES.tight, {});
    const waiting = slow.lookup(RENTCAST_FIXED_ADDRESSES.spread, {}, controller.signal);
    controller.abort();
    assert.equal((await failure(waiting)).kind, 'cancelled');
    assert.equal(sent.length, 1);
  });

  it('waits out 429s (Retry-After) when it sends faster than the limit', async () => {
    const clock = virtualClock();
    const limited = await startRentcastSandbox({ apiKey: KEY, addresses, now: clock.now });
    try {
      const waits: number[] = [];
      const hasty = new RentcastProvider({
        apiKey: KEY,
        baseUrl: limited.url,
        requestsPerSecond: 1000,
        now: clock.now,
        sleep: (ms, signal) => (waits.push(ms), clock.sleep(ms, signal)),
      });
      const results = await Promise.all(addresses.slice(0, 30).map((a) => hasty.lookup(a, {})));
      assert.equal(results.length, 30);
      assert.ok(results.every((v) => v.price > 0));
      assert.ok(limited.stats.rateLimited > 0, 'the stand-in did refuse some');
      assert.equal(hasty.rateLimitedCount, limited.stats.rateLimited);
      assert.equal(limited.stats.ok, 30);
      assert.ok(waits.includes(1000), 'each 429 is waited out for its Retry-After (1 s)');
    } finally {
      await limited.close();
    }
  });

  it('gives up with rate-limited after its waits are spent', async () => {
    // The stand-in's clock stands still: its one request per second is spent for good.
    const strict = await startRentcastSandbox({ apiKey: KEY, ratePerSecond: 1, now: () => 0 });
    try {
      const p = new RentcastProvider({ apiKey: KEY, baseUrl: strict.url, requestsPerSecond: 1000, maxRateLimitWaits: 0 });
      await p.lookup(RENTCAST_FIXED_ADDRESSES.tight, {});
      const err = await failure(p.lookup(RENTCAST_FIXED_ADDRESSES.tight, {}));
      assert.equal(err.kind, 'rate-limited');
      assert.match(err.message, /auth\/rate-limit-exceeded/);
    } finally {
      await strict.close();
    }
  });

  /**
   * Runs `lookups` with a provider and a stand-in on one virtual clock (the stand-in's 20/s
   * window is the provider's): every lookup answered, none refused, at most 20 in any second,
   * and the clock shows the windows that pace took.
   */
  async function assertPaced(count: number, lookups: (paced: RentcastProvider, batch: string[]) => Promise<unknown>) {
    const clock = virtualClock();
    const standIn = await startRentcastSandbox({ apiKey: KEY, addresses, now: clock.now });
    try {
      await lookups(new RentcastProvider({ apiKey: KEY, baseUrl: standIn.url, now: clock.now, sleep: clock.sleep }), addresses.slice(0, count));
      assert.deepEqual([standIn.stats.ok, standIn.stats.rateLimited], [count, 0]);
      assert.ok(standIn.stats.peakPerSecond <= 20, `peak ${standIn.stats.peakPerSecond}/s`);
      const windows = count / 20 - 1;
      assert.ok(clock.now() >= windows * 1000, `${count} at 20/s waits for ${windows} more windows, took ${clock.now()} ms of the clock`);
    } finally {
      await standIn.close();
    }
  }

  it('paces 60 concurrent lookups to 20/s with zero 429s', () => assertPaced(60, (paced, batch) => Promise.all(batch.map((a) => paced.lookup(a, {})))));

  it('paces 100 lookups one after another (as the job runs them) to 20/s with zero 429s', () =>
    assertPaced(100, async (paced, batch) => {
      for (const a of batch) await paced.lookup(a, {});
    }));
});

describe('RentCast stand-in', () => {
  it('answers errors in RentCast’s shape, 429 with Retry-After, and counts requests', async () => {
    const rc = await startRentcastSandbox({ apiKey: KEY, ratePerSecond: 2 });
    try {
      const get = (address: string, key = KEY) => fetch(`${rc.url}/v1/avm/value?address=${encodeURIComponent(address)}`, { headers: { 'X-Api-Key': key } });
      assert.equal((await get(RENTCAST_FIXED_ADDRESSES.tight)).status, 200);
      const notFound = await get('1 Unknown Rd, Nowhere, ZZ 00000');
      assert.deepEqual(await notFound.json(), { status: 404, error: 'resource/not-found', message: 'No property data found for the specified address' });
      const limited = await get(RENTCAST_FIXED_ADDRESSES.tight);
      assert.equal(limited.status, 429);
      assert.equal(limited.headers.get('retry-after'), '1');
      assert.equal(((await limited.json()) as { error: string }).error, 'auth/rate-limit-exceeded');
      const unauthorized = await get(RENTCAST_FIXED_ADDRESSES.tight, 'nope');
      assert.equal(unauthorized.status, 401);
      assert.deepEqual([rc.stats.requests, rc.stats.ok, rc.stats.notFound, rc.stats.rateLimited, rc.stats.unauthorized], [4, 1, 1, 1, 1]);
      assert.equal((await fetch(`${rc.url}/v1/avm/rent`, { headers: { 'X-Api-Key': KEY } })).status, 404);
    } finally {
      await rc.close();
    }
  });

  it('is deterministic per address and seed, and the fixed addresses behave as named', async () => {
    const a = await startRentcastSandbox({ seed: 5 });
    const b = await startRentcastSandbox({ seed: 5 });
    const c = await startRentcastSandbox({ seed: 6 });
    try {
      const address = RENTCAST_FIXED_ADDRESSES.spread;
      assert.deepEqual(a.valuationFor(address), b.valuationFor(address));
      assert.notDeepEqual(a.valuationFor(address), c.valuationFor(address));
      assert.equal(a.valuationFor('1 Unknown Rd'), undefined);
      const estimateOf = (addr: string) => {
        const parsed = parseRentcastAnswer(a.valuationFor(addr, 10));
        assert.ok(parsed.ok, addr);
        return estimateArv(parsed.valuation, { subjectSquareFootage: null, repairs: 0 }, DEFAULT_ESTIMATE_SETTINGS);
      };
      assert.deepEqual([estimateOf(RENTCAST_FIXED_ADDRESSES.tight).method, estimateOf(RENTCAST_FIXED_ADDRESSES.tight).confidence], ['comps', 'high']);
      assert.deepEqual([estimateOf(RENTCAST_FIXED_ADDRESSES.spread).method, estimateOf(RENTCAST_FIXED_ADDRESSES.spread).confidence], ['comps', 'medium']);
      assert.deepEqual([estimateOf(RENTCAST_FIXED_ADDRESSES.fewComps).method, estimateOf(RENTCAST_FIXED_ADDRESSES.fewComps).confidence], ['avm', 'low']);
      assert.equal(estimateOf(RENTCAST_FIXED_ADDRESSES.noSqft).method, 'avm');
      assert.equal(parseRentcastAnswer(a.valuationFor(RENTCAST_FIXED_ADDRESSES.broken)).ok, false);
      assert.equal(parseRentcastAnswer(a.valuationFor(RENTCAST_FIXED_ADDRESSES.partial)).ok, false);
    } finally {
      await Promise.all([a.close(), b.close(), c.close()]);
    }
  });

  it('mounts beside another server on the same port, answering only /v1/avm/*', async () => {
    const standIn = createRentcastStandIn({ apiKey: KEY });
    const server = http.createServer((req, res) => {
      if (standIn.handle(req, res)) return;
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end('the other server');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const v = await new RentcastProvider({ apiKey: KEY, baseUrl: url }).lookup(RENTCAST_FIXED_ADDRESSES.tight, {});
      assert.ok(v.price > 0);
      assert.equal(await (await fetch(`${url}/contacts/`)).text(), 'the other server');
      assert.equal(standIn.stats.ok, 1);
    } finally {
      standIn.dispose();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
