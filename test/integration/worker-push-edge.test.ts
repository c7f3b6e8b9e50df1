import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { PushEvent } from '../../src/protocol/pushes';
import { createWorkerBackend } from '../../src/worker/client';

const fakeWorker = path.join(__dirname, '../helpers/fake-push-worker.cjs');

describe('pushes at the worker edge', () => {
  it('delivers only the pushes that match the push table, and logs each one it drops', async () => {
    const delivered: PushEvent[] = [];
    const logged: Array<{ level: string; message: string }> = [];
    const backend = await createWorkerBackend({
      workerPath: fakeWorker,
      storageDir: 'unused',
      connection: { token: null, locationId: null, defaultPipeline: null, apiBaseUrl: null },
      onPush: (event) => delivered.push(event),
      log: (level, message) => logged.push({ level, message }),
    });
    try {
      // The fake sends its pushes before it answers, and JSON-RPC keeps their order on the port.
      const answer = await backend.request('ext-ghl:contacts-sync', {});
      assert.equal(answer.success, true);
      assert.deepEqual(delivered, [{ channel: 'ext-ghl:sync-progress', payload: { kind: 'contacts', synced: 20, total: 20, done: true } }]);
      const dropped = logged.filter((l) => l.message.startsWith('Dropped a push'));
      assert.equal(dropped.length, 4, JSON.stringify(logged));
      assert.ok(dropped.every((l) => l.level === 'error'));
      assert.match(dropped[0]!.message, /ext-ghl:sync-progress: synced: /);
      assert.match(dropped[1]!.message, /extra/);
      assert.match(dropped[2]!.message, /"ext-ghl:contacts-list" is not a push channel/);
      assert.match(dropped[3]!.message, /"host:data-changed" is not a push channel/);
    } finally {
      await backend.dispose();
    }
  });
});
