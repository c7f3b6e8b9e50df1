// The public API as another extension sees it: test/vscode/api-consumer, installed beside the
// product, calls getApi(1) through its commands. By default its writes answer FORBIDDEN and
// reach nothing; with ghl.api.allowWrites on they go through and the log names the caller;
// reads work either way. The suite configures the extension itself (any order, any grep).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { CHANNEL_ACCESS } from '../../../src/protocol/access';
import { EXT_GHL_IPC as C } from '../../../src/protocol/channels';
import type { Envelope } from '../../../src/protocol/envelope';
import { REQUEST_CHANNELS } from '../../../src/protocol/requests';
import { activateOnce, call, canRun, control, poll, readExtensionLog, sandbox } from './ghl';

const CONSUMER_ID = 'ghl-vscode-test.ghl-test-api-consumer';
const ALLOW_WRITES = 'ghl.api.allowWrites';

/** A request made by the consumer extension through getApi(1). */
const consumerRequest = async (channel: string, payload: unknown) => (await vscode.commands.executeCommand<Envelope>('ghlApiConsumer.request', channel, payload))!;

const setAllowWrites = (value: boolean | undefined) => vscode.workspace.getConfiguration().update(ALLOW_WRITES, value, vscode.ConfigurationTarget.Global);

function errorCode(envelope: Envelope): string {
  return envelope.success ? 'success' : envelope.error.code;
}

describe('GHL: public API for other extensions', () => {
  let conversationId = '';
  let contactId = '';

  before(async function () {
    if (!canRun()) this.skip();
    await activateOnce();
    await call(C.SETTINGS_SET, { token: sandbox.token, locationId: sandbox.locationId });
    await setAllowWrites(undefined);
    const conversations = await call<{ items: Array<{ id: string; phone?: string }> }>(C.CONVS_LIST, { limit: 20 });
    conversationId = conversations.items.find((c) => c.phone)?.id ?? '';
    assert.ok(conversationId, 'no sandbox conversation with a phone number to text');
    // A contact of the suite's own, so deleting it takes nothing from the suites after this one.
    contactId = (await call<{ id: string }>(C.CONTACTS_CREATE, { contact: { firstName: 'Api', lastName: 'Consumer Probe', phone: '+15550100999' } })).id;
  });

  after(async () => {
    if (!canRun()) return;
    await setAllowWrites(undefined);
    if (contactId && (await control.hasContact(contactId))) await call(C.CONTACTS_DELETE, { id: contactId });
  });

  it('is another extension, installed beside this one', () => {
    const consumer = vscode.extensions.getExtension(CONSUMER_ID);
    assert.ok(consumer, `${CONSUMER_ID} is not installed (prepare.mjs installs it)`);
    const ours = vscode.extensions.getExtension('ghl-vscode.ghl-vscode')!;
    assert.notEqual(consumer.extensionUri.toString(), ours.extensionUri.toString());
    assert.ok(!consumer.extensionUri.path.startsWith(ours.extensionUri.path + '/'), 'the consumer lives inside the product folder');
  });

  it('gets FORBIDDEN for convs-send and contacts-delete by default, naming the setting, and GHL sees neither', async () => {
    const messagesBefore = (await control.conversation(conversationId)).messages.length;
    const sent = await consumerRequest(C.CONVS_SEND, { conversationId, type: 'SMS', message: 'Sent behind your back' });
    const deleted = await consumerRequest(C.CONTACTS_DELETE, { id: contactId });
    for (const refused of [sent, deleted]) {
      assert.equal(errorCode(refused), 'FORBIDDEN', JSON.stringify(refused));
      assert.match(refused.success ? '' : refused.error.message, /ghl\.api\.allowWrites/);
    }
    assert.equal((await control.conversation(conversationId)).messages.length, messagesBefore, 'a message reached the sandbox');
    assert.equal(await control.hasContact(contactId), true, 'the contact was deleted');
    await poll('the refusal in the GoHighLevel log, naming the caller', readExtensionLog, (log) =>
      log.includes(`Refused ${C.CONVS_SEND} from ${CONSUMER_ID}`) && log.includes(`Refused ${C.CONTACTS_DELETE} from ${CONSUMER_ID}`),
    );
  });

  it('gets FORBIDDEN for every write channel by default, before its payload is even looked at', async () => {
    const api = (await activateOnce()).exports.getApi(1);
    const request = api.request as (channel: string, payload: unknown) => Promise<Envelope>;
    const writes = REQUEST_CHANNELS.filter((channel) => CHANNEL_ACCESS[channel] === 'write');
    assert.ok(writes.length >= 15, writes.join(', '));
    for (const channel of writes) assert.equal(errorCode(await request(channel, { notAField: 1 })), 'FORBIDDEN', channel);
  });

  it('reads with the setting off', async () => {
    for (const [channel, payload] of [
      [C.CONTACTS_GET, { id: contactId }],
      [C.CONTACTS_LIST, { query: 'Consumer Probe', limit: 5 }],
      [C.CONVS_MESSAGES, { conversationId, limit: 5 }],
      [C.SETTINGS_GET, {}],
    ] as const) {
      const response = await consumerRequest(channel, payload);
      assert.equal(errorCode(response), 'success', `${channel}: ${JSON.stringify(response)}`);
    }
  });

  it('sends and deletes once the user turns the setting on (no reload), logs the caller, and refuses again once it is off', async () => {
    await setAllowWrites(true);
    try {
      const text = `Allowed by the user ${Date.now().toString(36)}`;
      const sent = await consumerRequest(C.CONVS_SEND, { conversationId, type: 'SMS', message: text });
      assert.equal(errorCode(sent), 'success', JSON.stringify(sent));
      const messages = (await control.conversation(conversationId)).messages;
      assert.equal(messages.at(-1)?.body, text);
      assert.equal(messages.at(-1)?.direction, 'outbound');

      const read = await consumerRequest(C.CONTACTS_GET, { id: contactId });
      assert.equal(errorCode(read), 'success', 'reads work with the setting on too');
      const deleted = await consumerRequest(C.CONTACTS_DELETE, { id: contactId });
      assert.equal(errorCode(deleted), 'success', JSON.stringify(deleted));
      assert.equal(await control.hasContact(contactId), false, 'the contact is still in the sandbox');

      const log = await poll('the allowed writes in the GoHighLevel log', readExtensionLog, (text) =>
        text.includes(`${CONSUMER_ID} called ${C.CONVS_SEND}`) && text.includes(`${CONSUMER_ID} called ${C.CONTACTS_DELETE}`),
      );
      assert.equal(log.includes(text), false, 'the message text is in the log');
    } finally {
      await setAllowWrites(undefined);
    }
    const again = await consumerRequest(C.CONVS_SEND, { conversationId, type: 'SMS', message: 'After the setting went off' });
    assert.equal(errorCode(again), 'FORBIDDEN');
  });

  it('answers getApi(1), and a clear error for a version it does not offer', async () => {
    assert.deepEqual(await vscode.commands.executeCommand('ghlApiConsumer.getApi', 1), { version: 1 });
    const unknown = await vscode.commands.executeCommand<{ error?: string }>('ghlApiConsumer.getApi', 2);
    assert.match(unknown?.error ?? '', /no API version 2: ask for getApi\(1\)/);
  });
});
