// The board's ARV line: the model asks for the stored estimates of the cards it loaded and
// hands them to the columns; without estimates (or when the request fails) cards show none.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Envelope } from '../../src/protocol/envelope';
import { BoardModel } from '../../src/webview/board/boardModel';
import { fakeIpc, type FakeHandler } from '../helpers/fakeIpc';
import { BULK, SALES, salesOpportunities } from './fixtures/data';

function fakeHost(estimates: (ids: string[]) => Envelope) {
  const opps = salesOpportunities();
  const asked: string[][] = [];
  const answers: Record<string, FakeHandler> = {
    'ext-ghl:pipelines-list': () => ({ success: true, data: { items: [SALES, BULK], total: 2 } }),
    'ext-ghl:settings-get': () => ({ success: true, data: { configured: true, defaultPipeline: null, locationId: 'loc-1', token: 'pit-…beef' } }),
    'ext-ghl:opps-list': ({ pipelineId }) => {
      const items = opps.filter((o) => o.pipelineId === pipelineId);
      return { success: true, data: { items, total: items.length } };
    },
    'ext-ghl:arv-estimates-list': ({ opportunityIds }) => {
      asked.push(opportunityIds);
      return estimates(opportunityIds);
    },
  };
  const { ipc } = fakeIpc(answers);
  return { ipc, opps, asked };
}

describe('BoardModel: ARV on the cards', () => {
  it('loads the estimates of the loaded cards and gives every column the ARV, MAO and confidence', async () => {
    const host = fakeHost((ids) => ({
      success: true,
      data: {
        items: [
          { opportunityId: ids[0], arv: 310_000, mao: 192_000, confidence: 'high', method: 'comps' },
          // A failed lookup has no ARV: no line on its card.
          { opportunityId: ids[1], arv: null, mao: null, confidence: null, method: null, error: 'not found' },
        ],
      },
    }));
    const model = new BoardModel(host.ipc, {});
    await model.start();
    const loaded = host.opps.filter((o) => o.pipelineId === SALES.id).map((o) => o.id);
    assert.deepEqual(host.asked, [loaded], 'one request with every loaded id');
    const columns = model.columns();
    assert.ok(columns.every((c) => c.arv === columns[0]!.arv), 'one map for all columns');
    assert.deepEqual(columns[0]!.arv.get(loaded[0]!), { arv: 310_000, mao: 192_000, confidence: 'high', method: 'comps' });
    assert.equal(columns[0]!.arv.has(loaded[1]!), false);
    model.dispose();
  });

  it('shows the cards without ARV when the estimates cannot be read', async () => {
    const host = fakeHost(() => ({ success: false, error: { code: 'INTERNAL', message: 'no table' } }));
    const model = new BoardModel(host.ipc, {});
    await model.start();
    assert.ok(model.columns().some((c) => c.opportunities.length > 0), 'the cards are there');
    assert.equal(model.columns()[0]!.arv.size, 0);
    assert.equal(model.error, '', 'no error banner for the optional ARV line');
    model.dispose();
  });
});
