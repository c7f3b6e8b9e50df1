/**
 * Issue 8, section 1 at the two depths it is fixed at, with fakes so every edge is exact:
 * the client (a body that fails to read, does not parse or lacks its list is an error,
 * retried for reads) and the pass (where it ends, when it may prune, what it records).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GhlApi } from '../../src/ghl/api';
import { GhlClient } from '../../src/ghl/client';
import { migrate } from '../../src/cacheSchema';
import { loadSqlJs } from '../../src/db/sqljs';
import { GhlSyncStateRepo } from '../../src/db/syncStateRepo';
import { ExtGhlError } from '../../src/protocol/envelope';
import { syncContacts } from '../../src/sync/contactsSync';
import { chooseMode, runIncrementalSync, type IncrementalDeps } from '../../src/sync/incremental';
import { totalMargin } from '../../src/sync/paging';
import { memoryRepo } from '../helpers/memoryRepo';

const noSleep = async () => undefined;

/** A 200 whose body breaks off after `sent` with the given error (a reset, a short body). */
function cutOff(sent: string, error = new TypeError('terminated', { cause: { code: 'UND_ERR_SOCKET' } })): Response {
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new TextEncoder().encode(sent));
      controller.error(error);
    },
  });
  return new Response(stream, { status: 200, headers: { 'content-type': 'application/json' } });
}

function clientAnswering(answers: Array<() => Response>, maxRetries = 2) {
  let calls = 0;
  const client = new GhlClient({
    token: 'pit-test-token',
    baseUrl: 'http://ghl.test',
    maxRetries,
    sleep: noSleep,
    fetch: (async () => answers[Math.min(calls++, answers.length - 1)]!()) as typeof fetch,
  });
  return { client, get calls() { return calls; } };
}

const isError = (code: string, pattern: RegExp) => (err: unknown) => err instanceof ExtGhlError && err.code === code && pattern.test(err.message);

describe('reliability: the client never takes a broken body for data', () => {
  it('retries a read whose body was cut off, and answers with the good one', async () => {
    const t = clientAnswering([() => cutOff('{"contacts":[{"id":"a"'), () => Response.json({ contacts: [{ id: 'a' }], total: 1 })]);
    const page = await new GhlApi(t.client).searchContacts({ locationId: 'L', pageLimit: 500 });
    assert.deepEqual(page, { contacts: [{ id: 'a' }], total: 1 });
    assert.equal(t.calls, 2);
  });

  it('a read cut off on every try is NETWORK after the retries, with no token in the message', async () => {
    const t = clientAnswering([() => cutOff('{"pipelines":[')]);
    await assert.rejects(new GhlApi(t.client).getPipelines('L'), (err: unknown) => {
      assert.ok(err instanceof ExtGhlError && err.code === 'NETWORK', String(err));
      assert.match(err.message, /cut off/);
      assert.ok(!err.message.includes('pit-test-token'));
      return true;
    });
    assert.equal(t.calls, 3, 'one try and two retries');
  });

  it('a write whose answer was cut off is NETWORK and never sent twice', async () => {
    const t = clientAnswering([() => cutOff('{"contact":{"id":')]);
    await assert.rejects(new GhlApi(t.client).createContact({ firstName: 'Once' }), isError('NETWORK', /cut off/));
    assert.equal(t.calls, 1);
  });

  it('an empty 200, a JSON array or text is an API error for a read (retried), never {}', async () => {
    for (const body of ['', '   ', '[]', '"ok"', '{"contacts":']) {
      const t = clientAnswering([() => new Response(body, { status: 200 })]);
      await assert.rejects(new GhlApi(t.client).searchContacts({ locationId: 'L', pageLimit: 500 }), isError('API', /empty|not a JSON object/), JSON.stringify(body));
      assert.equal(t.calls, 3, `retried: ${JSON.stringify(body)}`);
    }
  });

  it('a list endpoint answering without its list is an API error; the retry that has it succeeds', async () => {
    const t = clientAnswering([() => Response.json({}), () => Response.json({ opportunities: 'none' }), () => Response.json({ opportunities: [], meta: { total: 0 } })]);
    const page = await new GhlApi(t.client).searchOpportunities({ location_id: 'L', limit: 100 });
    assert.deepEqual(page.opportunities, []);
    assert.equal(t.calls, 3);
    const persistent = clientAnswering([() => Response.json({ pipelines: null })], 1);
    await assert.rejects(new GhlApi(persistent.client).getPipelines('L'), isError('API', /no "pipelines" list/));
    assert.equal(persistent.calls, 2);
  });

  it('an error repeats at most 1,000 characters of GHL\'s message, token scrubbed', async () => {
    const huge = `pit-test-token ${'bad field; '.repeat(100_000)}`;
    const t = clientAnswering([() => Response.json({ statusCode: 422, message: [huge] }, { status: 422 })]);
    await assert.rejects(new GhlApi(t.client).createContact({ firstName: 'A' }), (err: unknown) => {
      assert.ok(err instanceof ExtGhlError && err.code === 'API');
      assert.ok(err.message.length < 1200, `${err.message.length} characters`);
      assert.ok(!err.message.includes('pit-test-token'));
      assert.match(err.message, /characters\)$/);
      return true;
    });
  });

  it('a write may answer with no body (a delete): that is success, sent once', async () => {
    const t = clientAnswering([() => new Response(null, { status: 200 })]);
    assert.deepEqual(await new GhlApi(t.client).deleteContact('c1'), {});
    assert.equal(t.calls, 1);
  });

  it('a body stalled until the timeout is NETWORK, retried for reads', async () => {
    let calls = 0;
    const client = new GhlClient({
      token: 'pit-test-token',
      baseUrl: 'http://ghl.test',
      maxRetries: 1,
      timeoutMs: 100,
      sleep: noSleep,
      fetch: (async (_url: string, init: RequestInit) => {
        calls++;
        const signal = init.signal!;
        const stream = new ReadableStream<Uint8Array>({
          start(controller) {
            controller.enqueue(new TextEncoder().encode('{"contacts":['));
            signal.addEventListener('abort', () => controller.error(signal.reason), { once: true });
          },
        });
        return new Response(stream, { status: 200 });
      }) as typeof fetch,
    });
    // AbortSignal.timeout does not hold the event loop open; a real socket would.
    const keepAlive = setInterval(() => undefined, 20);
    try {
      await assert.rejects(new GhlApi(client).searchContacts({ locationId: 'L', pageLimit: 500 }), isError('NETWORK', /did not arrive in full/));
    } finally {
      clearInterval(keepAlive);
    }
    assert.equal(calls, 2);
  });
});

// ---------------------------------------------------------------------------------------------

const contact = (i: number) => ({ id: `c${String(i).padStart(5, '0')}`, firstName: `F${i}`, searchAfter: [i, `c${i}`] });

/** GHL as pages of `ids` (500 a page) with `total` reported on each; `failAt` breaks that page. */
function pagedContacts(count: number, options: { total?: number | null; failAt?: number } = {}) {
  const all = Array.from({ length: count }, (_, i) => contact(i));
  let pages = 0;
  return {
    get pages() { return pages; },
    async searchContacts(body: { searchAfter?: Array<string | number> }) {
      pages++;
      if (options.failAt === pages) throw new ExtGhlError('NETWORK', 'GHL\'s answer was cut off (POST /contacts/search): terminated');
      const from = body.searchAfter ? Number(body.searchAfter[0]) + 1 : 0;
      const total = options.total === undefined ? count : options.total;
      return { contacts: all.slice(from, from + 500), ...(total === null ? {} : { total }) };
    },
  };
}

async function depsWith(ghl: ReturnType<typeof pagedContacts>, cachedIds: string[]) {
  const SQL = await loadSqlJs();
  const db = new SQL.Database();
  migrate(db);
  const contacts = memoryRepo<any>();
  for (const id of cachedIds) contacts.rows.set(id, { id });
  let requests = 0;
  const api = {
    client: { get requestCount() { return requests; } },
    searchContacts: (body: any) => (requests++, ghl.searchContacts(body)),
  };
  let clock = Date.parse('2026-06-01T10:00:00.000Z');
  const logs: string[] = [];
  const deps: IncrementalDeps = {
    api: api as any,
    locationId: 'L',
    contacts,
    opportunities: memoryRepo<any>(),
    pipelines: memoryRepo<any>(),
    syncState: new GhlSyncStateRepo(db),
    cachedCount: () => contacts.rows.size,
    markDirty: () => undefined,
    onProgress: () => undefined,
    now: () => (clock += 1000),
    log: (level, message) => logs.push(`${level} ${message}`),
  };
  return { deps, contacts, logs };
}

describe('reliability: a pass ends, prunes and is recorded only when GHL\'s total agrees', () => {
  it('a full pass that sees all of GHL\'s total prunes and is recorded: the next sync is a delta', async () => {
    const ghl = pagedContacts(1200);
    const t = await depsWith(ghl, ['gone1', 'gone2']);
    const result = await runIncrementalSync(t.deps, 'contacts');
    assert.deepEqual({ synced: result.synced, pruned: result.pruned, mode: result.mode }, { synced: 1200, pruned: 2, mode: 'full' });
    assert.equal('verified' in result, false, 'the wire answer keeps its shape');
    assert.equal(chooseMode(t.deps, 'contacts', false).mode, 'delta');
  });

  it('a page that fails mid-pass prunes nothing and leaves a full pass owed, even right after a complete one', async () => {
    const t = await depsWith(pagedContacts(1200), ['gone1']);
    await runIncrementalSync(t.deps, 'contacts');
    assert.equal(chooseMode(t.deps, 'contacts', false).mode, 'delta');
    t.contacts.rows.set('gone2', { id: 'gone2' });
    t.deps.api = { ...t.deps.api, searchContacts: pagedContacts(1200, { failAt: 2 }).searchContacts } as any;
    await assert.rejects(runIncrementalSync(t.deps, 'contacts', { full: true }), isError('NETWORK', /cut off/));
    assert.ok(t.contacts.rows.has('gone2'), 'not pruned');
    assert.equal(chooseMode(t.deps, 'contacts', false).mode, 'full');
  });

  it('a failed delta keeps the previous window: the next delta asks from the same time again', async () => {
    const t = await depsWith(pagedContacts(600), []);
    await runIncrementalSync(t.deps, 'contacts');
    const before = chooseMode(t.deps, 'contacts', false);
    assert.equal(before.mode, 'delta');
    t.deps.api = { ...t.deps.api, searchContacts: pagedContacts(600, { failAt: 1 }).searchContacts } as any;
    await assert.rejects(runIncrementalSync(t.deps, 'contacts'), isError('NETWORK', /cut off/));
    assert.deepEqual(chooseMode(t.deps, 'contacts', false), before);
  });

  it('pages that end far short of GHL\'s total fail with API and prune nothing', async () => {
    const t = await depsWith(pagedContacts(700, { total: 1500 }), ['gone']);
    await assert.rejects(runIncrementalSync(t.deps, 'contacts'), (err: unknown) => {
      assert.ok(isError('API', /ended after 700 of the 1500/)(err), String(err));
      assert.deepEqual((err as ExtGhlError).details, { seen: 700, total: 1500 });
      return true;
    });
    assert.ok(t.contacts.rows.has('gone'));
    assert.equal(chooseMode(t.deps, 'contacts', false).mode, 'full');
  });

  it('a few short of the total (within the margin) ends the pass, but unverified: no prune, a full pass still owed', async () => {
    assert.equal(totalMargin(1200), 5);
    assert.equal(totalMargin(1_000_000), 100, 'well under one 500-contact page, however large the location');
    const ghl = pagedContacts(1197, { total: 1200 });
    const t = await depsWith(ghl, ['gone']);
    const result = await runIncrementalSync(t.deps, 'contacts');
    assert.equal(result.synced, 1197);
    assert.equal(result.pruned, 0);
    assert.ok(t.contacts.rows.has('gone'), 'a pass that saw fewer than GHL has may have missed what it would prune');
    assert.equal(ghl.pages, 4, 'after the short third page it asked once more, and the empty fourth was the end');
    assert.equal(chooseMode(t.deps, 'contacts', false).mode, 'full');
    assert.ok(t.logs.some((l) => /saw 1197 of the 1200/.test(l)), t.logs.join('\n'));
  });

  it('a few more than the total (deleted while the pass ran) still prunes', async () => {
    const t = await depsWith(pagedContacts(1203, { total: 1200 }), ['gone']);
    const result = await runIncrementalSync(t.deps, 'contacts');
    assert.equal(result.pruned, 1);
    assert.equal(chooseMode(t.deps, 'contacts', false).mode, 'delta');
  });

  it('without a total from GHL a full pass cannot be verified: it prunes nothing and stays owed', async () => {
    const t = await depsWith(pagedContacts(800, { total: null }), ['gone']);
    const result = await runIncrementalSync(t.deps, 'contacts');
    assert.equal(result.synced, 800);
    assert.equal(result.pruned, 0);
    assert.ok(t.contacts.rows.has('gone'));
    assert.equal(chooseMode(t.deps, 'contacts', false).mode, 'full');
  });

  it('a short page while the total says more remain fetches on from its last record', async () => {
    const all = Array.from({ length: 900 }, (_, i) => contact(i));
    let pages = 0;
    const t = await depsWith(pagedContacts(0), []);
    t.deps.api = {
      client: { requestCount: 0 },
      async searchContacts(body: { searchAfter?: Array<string | number> }) {
        pages++;
        const from = body.searchAfter ? Number(body.searchAfter[0]) + 1 : 0;
        // GHL sending 120 a page although 500 were asked for.
        return { contacts: all.slice(from, from + 120), total: 900 };
      },
    } as any;
    const result = await syncContacts(t.deps);
    assert.equal(result.synced, 900);
    assert.equal(result.verified, true);
    assert.equal(pages, 8);
  });

  it('a page without its list is an API error, not an empty last page', async () => {
    const t = await depsWith(pagedContacts(0), ['kept']);
    t.deps.api = { client: { requestCount: 0 }, searchContacts: async () => ({ total: 10 }) } as any;
    await assert.rejects(syncContacts(t.deps), isError('API', /without its "contacts" list/));
    assert.ok(t.contacts.rows.has('kept'));
  });
});
