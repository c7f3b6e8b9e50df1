/**
 * #17's figures: tasks-list from the cache at 20,000 tasks, the tasks sync of 20,000 against
 * GHL's pace (400 ms answers, 100 requests per 10 s) beside its rate-limit floor, and a bulk tag
 * of 500 contacts with a user's write in the middle of it, and contacts-list filtered by a tag at
 * 50,000 contacts (the Contacts view's tag filter). Printed, never asserted.
 *
 *   npm run bench -- --only figures   (with the other figures)
 *   node --import tsx bench/followUpFigures.ts [--smoke]   these alone
 */
import { startHarness } from '../test/helpers/backendHarness';
import { percentile } from '../test/helpers/chatTestKit';

const ms = (value: number, digits = 0) => `${value.toFixed(digits)} ms`;
const line = (text: string) => console.log(`[figure] ${text}`);

/** GHL's burst limit as a new user meets it, and its answer time. */
const GHL_WINDOW = { max: 100, intervalMs: 10_000 };
const GHL_ANSWER_MS = 400;

/**
 * The shortest time `requests` requests can take under a fixed window of `max` per `intervalMs`
 * when each answer takes `answerMs`: every full window but the last, then one answer.
 */
export function rateLimitFloorMs(requests: number, answerMs: number, window = GHL_WINDOW): number {
  return (Math.ceil(requests / window.max) - 1) * window.intervalMs + answerMs;
}

export async function followUpFigures({ smoke }: { smoke: boolean }): Promise<void> {
  await tasksListFigure(smoke);
  await tasksSyncFigure(smoke);
  await bulkTagFigure(smoke);
  await tagFilterFigure(smoke);
}

/** contacts-list filtered by a tag at 50,000 contacts (first pages of the Contacts view, a later page, a tag with a text query). */
async function tagFilterFigure(smoke: boolean): Promise<void> {
  const contacts = smoke ? 5000 : 50_000;
  const h = await startHarness({ sandbox: { contacts, opportunities: 0, conversations: 0 } });
  try {
    await h.data('ext-ghl:contacts-sync');
    await h.backend.flush();
    const counts = new Map<string, number>();
    for (const c of h.sandbox.store.contacts.values()) for (const t of c.tags) counts.set(t, (counts.get(t) ?? 0) + 1);
    const byCount = [...counts].sort((a, b) => b[1] - a[1]);
    const common = byCount[0]![0];
    const rare = byCount.at(-1)![0];
    const payloads: unknown[] = [
      { tag: common, limit: 200 },
      { tag: rare, limit: 200 },
      { tag: common, limit: 200, offset: 2000 },
      { tag: common, query: 'an', limit: 200 },
      { tag: 'no-such-tag', limit: 200 },
    ];
    // The same pages without the tag: what reading 200 contacts costs anyway, beside the filter's share.
    const baseline: unknown[] = [{ limit: 200 }, { limit: 200, offset: 2000 }, { query: 'an', limit: 200 }];
    // The first call builds the index (as the Contacts view's first page does after a start).
    await h.data('ext-ghl:contacts-list', { tag: common, limit: 1 });
    const measure = async (list: unknown[]) => {
      const times: number[] = [];
      for (let round = 0; round < (smoke ? 10 : 60); round++) {
        for (const payload of list) {
          const started = performance.now();
          const answer = await h.backend.request('ext-ghl:contacts-list', payload);
          const took = performance.now() - started;
          if (!answer.success) throw new Error(JSON.stringify(answer.error));
          if (round >= 2) times.push(took);
        }
      }
      return times;
    };
    const times = await measure(payloads);
    const unfiltered = await measure(baseline);
    line(
      `contacts-list filtered by tag at ${contacts.toLocaleString('en-US')} contacts ("${common}" on ${counts.get(common)!.toLocaleString('en-US')}, "${rare}" on ${counts.get(rare)!.toLocaleString('en-US')}; ${times.length} calls over 5 filters, pages of 200): p50 ${ms(percentile(times, 50), 2)}, p95 ${ms(percentile(times, 95), 2)}; the same pages without a tag: p50 ${ms(percentile(unfiltered, 50), 2)}, p95 ${ms(percentile(unfiltered, 95), 2)}`,
    );
  } finally {
    await h.close();
  }
}

/** tasks-list answered from the cache at 20,000 tasks: the Tasks view's default, a user's, a search, a contact's. */
async function tasksListFigure(smoke: boolean): Promise<void> {
  const tasks = smoke ? 2000 : 20_000;
  const h = await startHarness({ sandbox: { contacts: 2000, opportunities: 0, conversations: 0, tasks } });
  try {
    await h.data('ext-ghl:contacts-sync');
    const synced = await h.data('ext-ghl:tasks-sync');
    if (synced.synced !== tasks) throw new Error(`synced ${synced.synced} of ${tasks} tasks`);
    await h.backend.flush();
    const user = h.sandbox.store.users[0]!;
    const contactId = [...h.sandbox.followUp.tasks.values()][5]!.contactId;
    const payloads: unknown[] = [{}, { assignedTo: user }, { status: 'all', query: 'comps' }, { contactId, status: 'all' }, { status: 'completed', limit: 100 }];
    const times: number[] = [];
    for (let round = 0; round < (smoke ? 10 : 60); round++) {
      for (const payload of payloads) {
        const started = performance.now();
        const answer = await h.backend.request('ext-ghl:tasks-list', payload);
        const took = performance.now() - started;
        if (!answer.success) throw new Error(JSON.stringify(answer.error));
        if (round >= 2) times.push(took);
      }
    }
    line(`tasks-list from the cache at ${tasks.toLocaleString('en-US')} tasks (${times.length} calls over 5 filters): p50 ${ms(percentile(times, 50), 2)}, p95 ${ms(percentile(times, 95), 2)} (target p95 ≤ 5 ms)`);
  } finally {
    await h.close();
  }
}

/** The tasks sync at GHL's pace: paced by the rate budget, never a 429, near the floor the window allows. */
async function tasksSyncFigure(smoke: boolean): Promise<void> {
  const tasks = smoke ? 1000 : 20_000;
  const answerMs = smoke ? 40 : GHL_ANSWER_MS;
  const h = await startHarness({
    sandbox: { contacts: 300, opportunities: 0, conversations: 0, tasks, latencyMs: answerMs, latencyJitter: 0.2, rateLimit: GHL_WINDOW },
  });
  try {
    h.sandbox.resetStats();
    const started = performance.now();
    const result = await h.data('ext-ghl:tasks-sync');
    const tookMs = performance.now() - started;
    const floor = rateLimitFloorMs(result.requests, answerMs);
    line(
      `tasks sync of ${result.synced.toLocaleString('en-US')} tasks at ${answerMs} ms ±20 % answers, ${GHL_WINDOW.max} requests / ${GHL_WINDOW.intervalMs / 1000} s: ` +
        `${(tookMs / 1000).toFixed(1)} s in ${result.requests} requests; rate-limit floor ${(floor / 1000).toFixed(1)} s → ${(tookMs / floor).toFixed(2)} × (target ≤ 1.5 ×); ` +
        `${h.sandbox.stats.rateLimited} × 429 (target 0)`,
    );
  } finally {
    await h.close();
  }
}

/** A bulk tag of 500 contacts at GHL's pace, and a user's write while it waits on the window. */
async function bulkTagFigure(smoke: boolean): Promise<void> {
  const contacts = smoke ? 60 : 500;
  const answerMs = smoke ? 40 : GHL_ANSWER_MS;
  const window = smoke ? { max: 20, intervalMs: 1000 } : GHL_WINDOW;
  const h = await startHarness({
    sandbox: { contacts, opportunities: 0, conversations: 0, tasks: 0, latencyMs: answerMs, latencyJitter: 0.2, rateLimit: window },
  });
  try {
    await h.data('ext-ghl:contacts-sync');
    h.sandbox.resetStats();
    const ids = [...h.sandbox.store.contacts.keys()];
    const started = performance.now();
    const run = h.backend.request('ext-ghl:contacts-bulk-tags', { ids, add: ['bench-bulk'] });
    // Until the run has spent its share of the window and waits on it: the worst moment for a click.
    const share = Math.floor(window.max * 0.9);
    for (let check = 0; !(h.sandbox.stats.requests >= share && h.sandbox.requestsInFlight === 0); check++) {
      if (check > 20_000) throw new Error('the bulk run never spent its share of the window');
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const clickStarted = performance.now();
    const write = await h.backend.request('ext-ghl:contacts-update', { id: ids[3]!, data: { city: 'Leeds' } });
    const clickMs = performance.now() - clickStarted;
    if (!write.success) throw new Error(JSON.stringify(write.error));
    const outcome = await run;
    const tookMs = performance.now() - started;
    if (!outcome.success) throw new Error(JSON.stringify(outcome.error));
    const data = outcome.data as { succeeded: number; failed: number };
    const floor = rateLimitFloorMs(contacts + 1, answerMs, window);
    line(
      `bulk tag of ${contacts} contacts at ${answerMs} ms ±20 % answers, ${window.max} requests / ${window.intervalMs / 1000} s: ${(tookMs / 1000).toFixed(1)} s ` +
        `(floor ${(floor / 1000).toFixed(1)} s), ${data.succeeded} tagged, ${data.failed} failed, ${h.sandbox.stats.rateLimited} × 429 (target 0); ` +
        `a contacts-update while it waits on the window answered in ${ms(clickMs)} (target ≤ one answer ${ms(answerMs * 1.2)} + 1,000 ms)`,
    );
  } finally {
    await h.close();
  }
}

if (process.argv[1]?.endsWith('followUpFigures.ts')) {
  const smoke = process.argv.includes('--smoke');
  // --tag-filter: that figure alone.
  (process.argv.includes('--tag-filter') ? tagFilterFigure(smoke) : followUpFigures({ smoke })).catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
