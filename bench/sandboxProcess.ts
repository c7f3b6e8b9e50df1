/**
 * The GHL sandbox in its own process for the benchmark, driven over IPC, so its CPU and
 * memory never count against the process being measured.
 */
import { startSandbox, type Sandbox, type SandboxOptions } from '../test/sandbox/server';

type Command =
  | { id: number; cmd: 'start'; options: SandboxOptions }
  | { id: number; cmd: 'touch'; n: number }
  | { id: number; cmd: 'stats' }
  | { id: number; cmd: 'sample' }
  | { id: number; cmd: 'resetStats' }
  | { id: number; cmd: 'close' };

let sandbox: Sandbox | undefined;

process.on('message', async (message: Command) => {
  const reply = (value: unknown) => process.send?.({ id: message.id, value });
  switch (message.cmd) {
    case 'start':
      sandbox = await startSandbox(message.options);
      reply({ url: sandbox.url, token: sandbox.token, locationId: sandbox.locationId });
      break;
    case 'touch':
      reply(sandbox?.touchContacts(message.n).length ?? 0);
      break;
    case 'stats':
      reply(sandbox?.stats);
      break;
    case 'sample':
      // One contact and one opportunity a user could act on during a sync.
      reply({ contactId: sandbox?.store.contacts.keys().next().value, opportunityId: sandbox?.store.opportunities.keys().next().value });
      break;
    case 'resetStats':
      sandbox?.resetStats();
      reply(true);
      break;
    case 'close':
      await sandbox?.close();
      reply(true);
      process.exit(0);
  }
});
