// The board's state (src/webview/board/boardModel.ts) in plain Node, against a scripted fake
// of the webview's host client: what the components render comes from here.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Opportunity } from '../../src/protocol/entities';
import type { Envelope } from '../../src/protocol/envelope';
import { BoardModel, summaryText, type SavedBoardState } from '../../src/webview/board/boardModel';
import { BULK, SALES, salesOpportunities } from './fixtures/data';
import { fakeIpc, type FakeHandler } from '../helpers/fakeIpc';
import { pollUntil } from '../helpers/waitUntil';

function host(opps: Opportunity[], extra: Record<string, FakeHandler> = {}, settings: { defaultPipeline?: string | null } = {}) {
  return fakeIpc({
    'ext-ghl:pipelines-list': () => ({ success: true, data: { items: [SALES, BULK], total: 2 } }),
    'ext-ghl:settings-get': () => ({
      success: true,
      data: { configured: true, defaultPipeline: settings.defaultPipeline ?? null, locationId: 'loc-1', token: 'pit-…beef' },
    }),
    'ext-ghl:opps-list': ({ pipelineId }) => {
      const items = opps.filter((o) => o.pipelineId === pipelineId);
      return { success: true, data: { items, total: items.length } };
    },
    ...extra,
  });
}

/** A promise plus its resolve, to hold a reply back. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

const opps = salesOpportunities();

describe('BoardModel', () => {
  it('picks the pipeline: saved state, then the host\'s, then the default (by name), then the first', async () => {
    const pick = async (options: ConstructorParameters<typeof BoardModel>[1], defaultPipeline?: string) => {
      const model = new BoardModel(host(opps, {}, { defaultPipeline }).ipc, options);
      await model.start();
      model.dispose();
      return model.pipelineId;
    };
    assert.equal(await pick({ saved: { pipelineId: BULK.id }, initialPipelineId: SALES.id }), BULK.id);
    assert.equal(await pick({ saved: { pipelineId: 'gone' }, initialPipelineId: BULK.id }), BULK.id);
    assert.equal(await pick({}, `  ${BULK.name.toUpperCase()} `), BULK.id, 'the default by name, trimmed, any case');
    assert.equal(await pick({}, BULK.id), BULK.id, 'the default by id');
    assert.equal(await pick({}, 'no such pipeline'), SALES.id);
  });

  it('persists the pipeline and the filter, and ignores a filter or a status that is not one', async () => {
    const states: SavedBoardState[] = [];
    const model = new BoardModel(host(opps).ipc, { persist: (s) => states.push(s), initialFilter: 'bogus' });
    await model.start();
    assert.equal(model.filter, 'all');
    model.setFilter('won');
    model.setFilter('<script>');
    assert.equal(model.filter, 'won');
    assert.deepEqual(states.at(-1), { pipelineId: SALES.id, filter: 'won' });
    const card = model.columns()[0]!.opportunities[0];
    assert.equal(card?.status, 'won', 'the filter applies to the columns');
    await model.setStatus(card!.id, 'closed-ish');
    assert.equal(model.opportunity(card!.id)?.status, 'won');
    model.dispose();
  });

  it('a move shows at once, survives a reload while in flight, and rolls back with an error when refused', async () => {
    const reply = deferred<Envelope>();
    const { ipc, push, requests } = host(opps, { 'ext-ghl:opps-update': () => reply.promise });
    const model = new BoardModel(ipc, { reloadDebounceMs: 1 });
    await model.start();
    const card = opps.find((o) => o.pipelineStageId === 'st-new' && o.id !== 'opp-hostile')!;
    const stageOf = () => model.columns().find((c) => c.opportunities.some((o) => o.id === card.id))?.stage.id;
    const moving = model.moveOpportunity(card.id, 'st-offer');
    assert.equal(stageOf(), 'st-offer', 'optimistic');
    assert.match(model.announcement, /Moved .* to Offer Made\./);
    // A sync lands meanwhile: the cache still says st-new, the board keeps the move in flight.
    const listsBefore = requests.filter((r) => r.channel === 'ext-ghl:opps-list').length;
    push('host:data-changed', { kinds: ['opportunities'] });
    await pollUntil('the reload to land', () => requests.filter((r) => r.channel === 'ext-ghl:opps-list').length > listsBefore && !model.loading, { intervalMs: 1 });
    assert.equal(stageOf(), 'st-offer', 'the in-flight move is re-applied over reloaded data');
    reply.resolve({ success: false, error: { code: 'API', message: 'Stage is locked' } });
    await moving;
    assert.equal(stageOf(), 'st-new', 'rolled back');
    assert.equal(model.error, `Could not move “${card.name}” to Offer Made: Stage is locked`);
    assert.match(model.announcement, /it is back in New Lead/);
    model.dismissError();
    assert.equal(model.error, '');
    model.dispose();
  });

  it('moveBy goes one stage left or right, asks for focus, and does nothing past the ends', async () => {
    const { ipc, requests } = host(opps, {
      'ext-ghl:opps-update': ({ id, data }) => ({ success: true, data: { ...opps.find((o) => o.id === id)!, ...data } }),
    });
    const model = new BoardModel(ipc);
    await model.start();
    const first = opps.find((o) => o.pipelineStageId === 'st-new')!;
    await model.moveBy(first.id, -1);
    assert.equal(requests.filter((r) => r.channel === 'ext-ghl:opps-update').length, 0);
    assert.equal(model.takeFocusRequest(), null);
    await model.moveBy(first.id, 1);
    assert.deepEqual(requests.at(-1), { channel: 'ext-ghl:opps-update', payload: { id: first.id, data: { pipelineStageId: 'st-contacted' } } });
    assert.equal(model.takeFocusRequest(), first.id);
    assert.equal(model.takeFocusRequest(), null, 'once');
    assert.equal(model.opportunity(first.id)?.pipelineStageId, 'st-contacted');
    model.dispose();
  });

  it('drops a card the server moved to another pipeline, and sums what it shows', async () => {
    const card = opps.find((o) => o.pipelineStageId === 'st-appt')!;
    const { ipc } = host(opps, {
      'ext-ghl:opps-update-status': ({ id }) => ({ success: true, data: { ...card, id, pipelineId: BULK.id, status: 'won' } }),
    });
    const model = new BoardModel(ipc);
    await model.start();
    const before = model.summary();
    assert.equal(before.count, opps.length);
    assert.equal(summaryText(model), `${opps.length} opportunities · ${new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', maximumFractionDigits: 0 }).format(before.total)}`);
    await model.setStatus(card.id, 'won');
    assert.equal(model.opportunity(card.id), undefined);
    assert.equal(model.summary().count, opps.length - 1);
    assert.equal(model.summary().total, before.total - card.monetaryValue);
    model.dispose();
  });

  it('shows a notice instead of the columns when not configured or when there are no pipelines', async () => {
    const notConfigured = new BoardModel(
      fakeIpc({
        'ext-ghl:pipelines-list': () => ({ success: false, error: { code: 'NOT_CONFIGURED', message: 'Set a token' } }),
        'ext-ghl:settings-get': () => ({ success: true, data: { configured: false, defaultPipeline: null } }),
      }).ipc,
    );
    await notConfigured.start();
    assert.equal(notConfigured.notice?.title, 'Not connected to GoHighLevel');
    assert.equal(notConfigured.pipeline, undefined);
    const empty = new BoardModel(
      fakeIpc({
        'ext-ghl:pipelines-list': () => ({ success: true, data: { items: [], total: 0 } }),
        'ext-ghl:settings-get': () => ({ success: true, data: { configured: true, defaultPipeline: null } }),
      }).ipc,
    );
    await empty.start();
    assert.equal(empty.notice?.title, 'No pipelines yet — run GHL: Sync Opportunities');
  });
});
