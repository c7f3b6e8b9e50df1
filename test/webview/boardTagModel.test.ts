// #17: the board's contact-tag filter in the BoardModel (plain Node, scripted host): the request
// carries the tag, the state round trip keeps it, and a contact change reloads only while it filters.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Opportunity } from '../../src/protocol/entities';
import { requestSchemas } from '../../src/protocol/requests';
import { BoardModel, type SavedBoardState } from '../../src/webview/board/boardModel';
import { SALES, salesOpportunities } from './fixtures/data';
import { fakeIpc } from '../helpers/fakeIpc';
import { pollUntil } from '../helpers/waitUntil';

const opps = salesOpportunities();
/** Every third deal's contact is "motivated". */
const motivated = new Set(opps.filter((_, i) => i % 3 === 0).map((o) => o.contactId));

function host(tagged = motivated) {
  return fakeIpc({
    'ext-ghl:pipelines-list': () => ({ success: true, data: { items: [SALES], total: 1 } }),
    'ext-ghl:settings-get': () => ({ success: true, data: { configured: true, defaultPipeline: null, locationId: 'loc-1', token: 'pit-…beef' } }),
    'ext-ghl:tags-list': () => ({ success: true, data: { items: [{ id: 't1', name: 'Motivated' }, { id: 't2', name: 'cash-buyer' }], total: 2, fromCache: false } }),
    'ext-ghl:opps-list': ({ pipelineId, contactTag }) => {
      const items = opps.filter((o: Opportunity) => o.pipelineId === pipelineId && (!contactTag || (contactTag === 'motivated' && tagged.has(o.contactId))));
      return { success: true, data: { items, total: items.length } };
    },
  });
}

const shown = (model: BoardModel) => model.columns().flatMap((c) => c.opportunities.map((o) => o.id)).sort();

describe('BoardModel: the contact-tag filter (#17)', () => {
  it('asks the cache for the tagged deals only, lists the location tags, and saves the tag in the state', async () => {
    const states: SavedBoardState[] = [];
    const fake = host();
    const model = new BoardModel(fake.ipc, { persist: (s) => states.push(s) });
    await model.start();
    await pollUntil('the tags listed', () => model.tags.length === 2);
    assert.deepEqual(model.tagChoices, ['cash-buyer', 'motivated'], 'lower case, as GHL keeps them, sorted');
    assert.equal(shown(model).length, opps.length);
    await model.setTag('  Motivated ');
    assert.equal(model.tag, 'motivated');
    assert.deepEqual(shown(model), opps.filter((o) => motivated.has(o.contactId)).map((o) => o.id).sort());
    const last = fake.requests.filter((r) => r.channel === 'ext-ghl:opps-list').at(-1)!;
    assert.equal(last.payload.contactTag, 'motivated');
    assert.ok(requestSchemas['ext-ghl:opps-list'].safeParse(last.payload).success, 'a valid opps-list request');
    assert.deepEqual(states.at(-1), { pipelineId: SALES.id, filter: 'all', tag: 'motivated' });
    assert.match(model.announcement, /tagged motivated/);
    await model.setTag('');
    assert.equal(shown(model).length, opps.length);
    assert.deepEqual(states.at(-1), { pipelineId: SALES.id, filter: 'all' });
    model.dispose();
  });

  it('a page started from the saved state (or a restored panel\'s initial state) filters by that tag; junk is no filter', async () => {
    for (const options of [{ saved: { pipelineId: SALES.id, filter: 'all' as const, tag: 'motivated' } }, { initialTag: 'MOTIVATED' }]) {
      const fake = host();
      const model = new BoardModel(fake.ipc, options);
      await model.start();
      assert.equal(model.tag, 'motivated');
      assert.equal(fake.requests.find((r) => r.channel === 'ext-ghl:opps-list')!.payload.contactTag, 'motivated', 'the first load is already filtered');
      assert.deepEqual(shown(model), opps.filter((o) => motivated.has(o.contactId)).map((o) => o.id).sort());
      model.dispose();
    }
    for (const junk of [42, { tag: 'x' }, 'x'.repeat(101), '   ']) {
      const model = new BoardModel(host().ipc, { saved: { tag: junk as unknown as string } });
      assert.equal(model.tag, '', JSON.stringify(junk));
    }
  });

  it('a contact change reloads the deals while a tag filters them, not otherwise', async () => {
    const tagged = new Set(motivated);
    const fake = host(tagged);
    const model = new BoardModel(fake.ipc, { reloadDebounceMs: 0 });
    await model.start();
    const lists = () => fake.requests.filter((r) => r.channel === 'ext-ghl:opps-list').length;
    const before = lists();
    fake.push('host:data-changed', { kinds: ['contacts'] });
    // The debounce's 0 ms timer was set first, so it has fired by the time this one does.
    await new Promise((r) => setTimeout(r, 0));
    assert.equal(lists(), before, 'no tag filter: a contact change does not reload the board');
    await model.setTag('motivated');
    const extra = opps.find((o) => !tagged.has(o.contactId))!;
    tagged.add(extra.contactId);
    fake.push('host:data-changed', { kinds: ['contacts'] });
    await pollUntil('the newly tagged deal shown', () => shown(model).includes(extra.id));
    model.dispose();
  });
});
