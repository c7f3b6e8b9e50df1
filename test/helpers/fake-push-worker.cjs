// A stand-in for the backend worker that sends the host pushes the push table does not
// describe (and one it does), to test that the host delivers only the valid one.
const { parentPort } = require('node:worker_threads');
const { createMessageConnection, PortMessageReader, PortMessageWriter } = require('vscode-jsonrpc/node');

const connection = createMessageConnection(new PortMessageReader(parentPort), new PortMessageWriter(parentPort));
connection.onRequest('backend/ready', () => ({ recoveredCache: null }));
connection.onRequest('backend/request', async () => {
  const pushes = [
    // A field of the wrong type.
    { channel: 'ext-ghl:sync-progress', payload: { kind: 'contacts', synced: 'ten', total: 20 } },
    // A field the table does not have.
    { channel: 'ext-ghl:sync-progress', payload: { kind: 'contacts', synced: 10, total: 20, extra: true } },
    // No such push channel.
    { channel: 'ext-ghl:contacts-list', payload: { kind: 'contacts', synced: 10, total: 20 } },
    // A host event is the host's to send, never the worker's.
    { channel: 'host:data-changed', payload: { kinds: ['contacts'] } },
    { channel: 'ext-ghl:sync-progress', payload: { kind: 'contacts', synced: 20, total: 20, done: true } },
  ];
  for (const push of pushes) await connection.sendNotification('worker/push', push);
  return { success: true, data: { synced: 20 } };
});
connection.onRequest('backend/dispose', () => {
  setImmediate(() => {
    connection.dispose();
    parentPort.close();
  });
});
connection.listen();
