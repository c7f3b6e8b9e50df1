// The conversation panel's state (src/webview/conversation/conversationModel.ts) in plain Node,
// against a scripted fake of the webview's host client: the thread, older pages, the reply
// state machine and the channels the reply box offers.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { channelLabel, replyTypeFor } from '../../src/inbox/channels';
import type { Envelope } from '../../src/protocol/envelope';
import type { Message } from '../../src/protocol/responses';
import {
  ConversationModel,
  channelOptions,
  httpsLinks,
  mergeThread,
  type Bubble,
  type ConversationIpc,
} from '../../src/webview/conversation/conversationModel';
import { fakeIpc, type FakeHandler } from '../helpers/fakeIpc';

const T0 = Date.parse('2026-11-30T10:00:00Z');

/** n messages, oldest first, alternating inbound/outbound, a minute apart. */
function messages(n: number, prefix = 'm'): Message[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `${prefix}${i}`,
    conversationId: 'conv-1',
    body: `message ${i}`,
    direction: i % 2 === 0 ? 'inbound' : 'outbound',
    messageType: 'TYPE_SMS',
    status: 'delivered',
    dateAdded: new Date(T0 + i * 60_000).toISOString(),
  }));
}

/** A sandbox-like thread: GHL answers newest first, `limit` at a time, older by lastMessageId. */
function thread(all: Message[]) {
  return ({ limit, lastMessageId }: { limit: number; lastMessageId?: string }): Envelope => {
    const end = lastMessageId ? all.findIndex((m) => m.id === lastMessageId) : all.length;
    const page = all.slice(Math.max(0, end - limit), end).reverse();
    return { success: true, data: { items: page, lastMessageId: page.at(-1)?.id ?? null, nextPage: end - limit > 0 } };
  };
}

function host(all: Message[], extra: Record<string, FakeHandler> = {}, contact: { phone?: string | null; email?: string | null } = { phone: '+15550100', email: 'a@example.com' }) {
  const fake = fakeIpc({
    'ext-ghl:convs-get': () => ({
      success: true,
      data: { id: 'conv-1', contactId: 'c-1', locationId: 'loc', contactName: 'Amanda Chen', lastMessageType: 'TYPE_SMS', unreadCount: 2 },
    }),
    'ext-ghl:contacts-get': () => ({ success: true, data: { id: 'c-1', name: 'Amanda Chen', firstName: 'Amanda', lastName: 'Chen', tags: [], customFields: [], ...contact } }),
    'ext-ghl:convs-messages': thread(all),
    ...extra,
  });
  return { ...fake, sent: () => fake.requests.filter((r) => r.channel === 'ext-ghl:convs-send') };
}

function model(ipc: ConversationIpc, ids = ['cm-1', 'cm-2', 'cm-3']) {
  let n = 0;
  return new ConversationModel(ipc, {
    conversationId: 'conv-1',
    channelLabel,
    replyTypeFor,
    htmlToText: (html) => html.replace(/<[^>]*>/g, ''),
    newId: () => ids[n++] ?? `cm-${n}`,
    now: () => T0 + 3_600_000,
  });
}

const deferred = <T>() => {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
};

describe('ConversationModel: the thread', () => {
  it('shows the newest page oldest first, by direction, and loads older pages in front of it', async () => {
    const all = messages(70);
    const { ipc, requests } = host(all);
    const m = model(ipc);
    await m.start();
    assert.equal(m.contactName, 'Amanda Chen');
    assert.equal(m.thread.length, 30);
    assert.deepEqual(m.thread.map((b) => b.key), all.slice(40).map((x) => x.id));
    assert.equal(m.thread[0]!.direction, 'inbound');
    assert.equal(m.thread[1]!.direction, 'outbound');
    assert.equal(m.thread[0]!.channel, 'SMS');
    assert.equal(m.hasOlder, true);

    await m.loadOlder();
    assert.equal(m.thread.length, 60);
    assert.deepEqual(m.thread.map((b) => b.key), all.slice(10).map((x) => x.id));
    assert.equal(requests.filter((r) => r.channel === 'ext-ghl:convs-messages').at(-1)!.payload.lastMessageId, 'm40');
    await m.loadOlder();
    assert.equal(m.thread.length, 70);
    assert.equal(m.hasOlder, false);
    const before = requests.length;
    await m.loadOlder();
    assert.equal(requests.length, before, 'no request past the first message');
  });

  it('a refresh adds the new messages without doubling the shown ones and keeps how far back it goes', async () => {
    const all = messages(40);
    const { ipc, push } = host(all);
    const m = model(ipc);
    await m.start();
    await m.loadOlder();
    assert.equal(m.thread.length, 40);
    all.push({ id: 'new-1', conversationId: 'conv-1', body: 'Is it still available?', direction: 'inbound', messageType: 'TYPE_SMS', dateAdded: new Date(T0 + 41 * 60_000).toISOString() });
    push('host:conversation-changed', { conversationId: 'other' });
    await new Promise((r) => setImmediate(r));
    assert.equal(m.thread.length, 40, "another conversation's news is not this one's");
    push('host:conversation-changed', { conversationId: 'conv-1' });
    await new Promise((r) => setImmediate(r));
    assert.equal(m.thread.length, 41);
    assert.equal(m.thread.at(-1)!.body, 'Is it still available?');
    assert.equal(new Set(m.thread.map((b) => b.key)).size, 41);
    assert.equal(m.hasOlder, false);
  });

  it('keeps CRM text as text: HTML email bodies reduced to their text, subjects, https attachments only', async () => {
    const all: Message[] = [
      {
        id: 'e1',
        conversationId: 'conv-1',
        body: '<p>Hello <img src=x onerror=alert(1)>there</p>',
        contentType: 'text/html',
        subject: 'Re: your property',
        direction: 'inbound',
        messageType: 'TYPE_EMAIL',
        dateAdded: new Date(T0).toISOString(),
        attachments: ['https://files.example.com/a/plan.pdf', 'javascript:alert(1)', 'http://plain.example.com/x', 42],
      } as unknown as Message,
      { id: 's1', conversationId: 'conv-1', body: '<script>alert(2)</script>', direction: 'inbound', messageType: 'TYPE_SMS', dateAdded: new Date(T0 + 1000).toISOString() },
    ];
    const m = model(host(all).ipc);
    await m.start();
    assert.equal(m.thread[0]!.body, 'Hello there');
    assert.equal(m.thread[0]!.subject, 'Re: your property');
    assert.equal(m.thread[0]!.channel, 'Email');
    assert.deepEqual(m.thread[0]!.attachments, ['https://files.example.com/a/plan.pdf']);
    // An SMS is what the lead typed, tags and all: shown exactly so (and bound as text by the view).
    assert.equal(m.thread[1]!.body, '<script>alert(2)</script>');
    assert.deepEqual(httpsLinks(['https://ok.example/x', 'data:text/html,<b>', 'ftp://x']), ['https://ok.example/x']);
  });

  it('says why when the conversation cannot be read', async () => {
    const { ipc } = fakeIpc({ 'ext-ghl:convs-get': () => ({ success: false, error: { code: 'NOT_FOUND', message: 'Conversation not found' } }), 'ext-ghl:convs-messages': thread([]) });
    const m = model(ipc);
    await m.start();
    assert.equal(m.loading, false);
    assert.equal(m.error, 'Conversation not found');
  });
});

describe('ConversationModel: replies', () => {
  it('shows a reply at once as pending, then sent under GHL\'s id; the next page does not double it', async () => {
    const all = messages(3);
    const gate = deferred<Envelope>();
    const { ipc, sent } = host(all, { 'ext-ghl:convs-send': () => gate.promise });
    const m = model(ipc);
    await m.start();
    const delivered = m.send('  On my way  ');
    assert.ok(delivered);
    const bubble = m.thread.at(-1)!;
    assert.equal(bubble.reply?.state, 'pending');
    assert.equal(bubble.body, 'On my way');
    assert.equal(bubble.direction, 'outbound');
    assert.equal(sent().length, 1);
    assert.deepEqual(sent()[0]!.payload, { conversationId: 'conv-1', type: 'SMS', message: 'On my way', clientMessageId: 'cm-1' });
    gate.resolve({ success: true, data: { conversationId: 'conv-1', messageId: 'ghl-99', clientMessageId: 'cm-1' } });
    await delivered;
    assert.equal(m.thread.at(-1)!.reply?.state, 'sent');
    assert.equal(m.thread.at(-1)!.key, 'ghl-99');
    all.push({ id: 'ghl-99', conversationId: 'conv-1', body: 'On my way', direction: 'outbound', messageType: 'TYPE_SMS', status: 'delivered', dateAdded: new Date(T0 + 3_600_000).toISOString() });
    await m.refresh();
    assert.equal(m.thread.filter((b) => b.body === 'On my way').length, 1);
    assert.equal(m.thread.at(-1)!.status, 'delivered');
  });

  it('a refused reply is failed with the reason; Retry sends the same clientMessageId, once per click', async () => {
    let answers: Envelope[] = [
      { success: false, error: { code: 'VALIDATION', message: 'GHL refused the message (422).' } },
      { success: true, data: { conversationId: 'conv-1', messageId: 'ghl-7', clientMessageId: 'cm-1' } },
    ];
    const { ipc, sent } = host(messages(2), { 'ext-ghl:convs-send': () => answers.shift()! });
    const m = model(ipc);
    await m.start();
    await m.send('Call me back');
    const failed = m.thread.at(-1)!;
    assert.equal(failed.reply?.state, 'failed');
    assert.equal(failed.reply?.error, 'GHL refused the message (422).');
    await m.retry('cm-1');
    assert.equal(sent().length, 2);
    assert.deepEqual(sent()[1]!.payload, sent()[0]!.payload, 'the retry is the same request, same clientMessageId');
    assert.equal(m.thread.at(-1)!.reply?.state, 'sent');
    assert.equal(m.thread.filter((b) => b.body === 'Call me back').length, 1);
    // Retrying what was sent does nothing.
    answers = [];
    await m.retry('cm-1');
    assert.equal(sent().length, 2);
  });

  it('a second Retry while the first is in flight does not send again', async () => {
    const gate = deferred<Envelope>();
    let calls = 0;
    const { ipc, sent } = host(messages(1), {
      'ext-ghl:convs-send': () => (++calls === 1 ? { success: false, error: { code: 'NETWORK', message: 'offline' } } : gate.promise),
    });
    const m = model(ipc);
    await m.start();
    await m.send('hello');
    const first = m.retry('cm-1');
    const second = m.retry('cm-1');
    gate.resolve({ success: true, data: { conversationId: 'conv-1', messageId: 'ghl-1' } });
    await Promise.all([first, second]);
    assert.equal(sent().length, 2);
  });

  it('Email takes a subject; a reply without one, an empty one or a too long one is not sent', async () => {
    const { ipc, sent } = host(messages(1), { 'ext-ghl:convs-send': () => ({ success: true, data: { conversationId: 'conv-1', messageId: 'x' } }) });
    const m = model(ipc);
    await m.start();
    assert.equal(m.send('   '), null);
    assert.equal(m.send('x'.repeat(10_001)), null);
    assert.match(m.error, /too long/);
    m.setReplyType('Email');
    assert.equal(m.needsSubject, true);
    assert.equal(m.send('Details attached', ''), null);
    assert.match(m.error, /subject/);
    await m.send('Details attached', 'Your offer');
    assert.equal(m.error, '');
    assert.deepEqual(sent().map((r) => r.payload), [{ conversationId: 'conv-1', type: 'Email', message: 'Details attached', subject: 'Your offer', clientMessageId: 'cm-1' }]);
    assert.equal(m.thread.at(-1)!.subject, 'Your offer');
  });

  it('pending and failed replies stay at the end when older or newer messages come in', () => {
    const at = (key: string, t: number, reply?: Bubble['reply']): Bubble => ({ key, direction: 'outbound', body: key, channel: 'SMS', at: t, attachments: [], ...(reply ? { reply } : {}) });
    const pending = at('local:a', 50, { clientMessageId: 'a', type: 'SMS', message: 'a', state: 'failed' });
    const merged = mergeThread([at('m2', 20), pending], [at('m1', 10), at('m3', 100)]);
    assert.deepEqual(merged.map((b) => b.key), ['m1', 'm2', 'm3', 'local:a']);
  });
});

describe('ConversationModel: reply channels', () => {
  it('defaults to the conversation\'s channel and offers only what the contact can be reached on', async () => {
    assert.deepEqual(channelOptions({ phone: '+1555', email: 'a@b.c' }, 'SMS').map((o) => o.type), ['SMS', 'WhatsApp', 'Email']);
    assert.deepEqual(channelOptions({ phone: null, email: 'a@b.c' }, 'SMS').map((o) => o.type), ['Email']);
    assert.deepEqual(channelOptions({ phone: '+1555', email: null }, 'Email').map((o) => o.type), ['SMS', 'WhatsApp']);
    assert.deepEqual(channelOptions({ phone: null, email: null }, 'FB').map((o) => o.type), ['FB']);
    assert.deepEqual(channelOptions({}, null), []);

    const m = model(host(messages(1), {}, { phone: null, email: 'a@example.com' }).ipc);
    await m.start();
    // An SMS conversation with a contact who has no phone (any more): the reply goes by email.
    assert.equal(m.replyType, 'Email');
    assert.deepEqual(m.options.map((o) => o.type), ['Email']);
    m.setReplyType('SMS');
    assert.equal(m.replyType, 'Email', 'a channel the contact cannot be reached on is not taken');
  });

  it('with no way to reach the contact, nothing is sent', async () => {
    const { ipc, sent } = host(messages(1), {}, { phone: null, email: null });
    const m = model(ipc);
    await m.start();
    assert.equal(m.replyType, null);
    assert.equal(m.send('hello?'), null);
    assert.match(m.error, /no phone or email/);
    assert.equal(sent().length, 0);
  });
});
