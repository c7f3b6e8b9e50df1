import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MESSAGE_TYPES } from '../../src/protocol/requests';
import type { Conversation, ConversationPage } from '../../src/protocol/responses';
import { startHarness, type Harness } from '../helpers/backendHarness';
import { pollUntil } from '../helpers/waitUntil';

/** The inbox channels through createBackend against the sandbox: what reaches GHL, what comes back. */
describe('inbox channels against the sandbox', () => {
  let h: Harness;
  const convs = () => [...h.sandbox.store.conversations.values()];
  const posts = () => h.sandbox.stats.byRoute['POST /conversations/messages'] ?? 0;
  const fail = async (channel: string, payload: unknown) => {
    const response = await h.backend.request(channel, payload);
    assert.equal(response.success, false, `${channel} should fail`);
    return !response.success ? response.error : (undefined as never);
  };

  before(async () => {
    h = await startHarness({ sandbox: { contacts: 150, opportunities: 0, conversations: 23, seed: 5 } });
  });
  after(async () => h.close());

  it('convs-list pages newest first through every conversation exactly once, answering a cursor', async () => {
    h.sandbox.resetStats();
    const seen: string[] = [];
    let startAfterDate: number | undefined;
    for (let page = 0; page < 10; page++) {
      const result: ConversationPage = await h.data('ext-ghl:convs-list', { limit: 5, ...(startAfterDate === undefined ? {} : { startAfterDate }) });
      assert.equal(result.total, 23);
      seen.push(...result.items.map((c) => c.id));
      if (result.nextStartAfterDate === null) break;
      assert.equal(result.nextStartAfterDate, result.items.at(-1)!.lastMessageDate, 'the last item is where the next page starts');
      startAfterDate = result.nextStartAfterDate;
    }
    const newestFirst = convs().sort((a, b) => b.lastMessageDate - a.lastMessageDate).map((c) => c.id);
    assert.deepEqual(seen, newestFirst);
    assert.equal(h.sandbox.stats.byRoute['GET /conversations/search'], 5, 'five pages, the last one short: no extra request');
  });

  it('convs-list filters by status, lastMessageType, assignedTo and contactId', async () => {
    const ids = (page: ConversationPage) => page.items.map((c) => c.id).sort();
    const expect = (pred: (c: ReturnType<typeof convs>[number]) => boolean) => convs().filter(pred).map((c) => c.id).sort();
    const unread: ConversationPage = await h.data('ext-ghl:convs-list', { status: 'unread', limit: 100 });
    assert.deepEqual(ids(unread), expect((c) => c.unreadCount > 0));
    assert.ok(unread.items.length > 0 && unread.items.every((c) => (c.unreadCount ?? 0) > 0));
    assert.equal(unread.nextStartAfterDate, null);
    assert.deepEqual(ids(await h.data('ext-ghl:convs-list', { status: 'starred', limit: 100 })), expect((c) => c.starred));
    assert.deepEqual(ids(await h.data('ext-ghl:convs-list', { status: 'read', limit: 100 })), expect((c) => c.unreadCount === 0));
    const whatsapp: ConversationPage = await h.data('ext-ghl:convs-list', { lastMessageType: 'TYPE_WHATSAPP', limit: 100 });
    assert.deepEqual(ids(whatsapp), expect((c) => c.lastMessageType === 'TYPE_WHATSAPP'));
    assert.ok(whatsapp.items.length > 0, 'the sandbox has WhatsApp threads');
    const user = h.sandbox.store.users[0]!;
    const mine: ConversationPage = await h.data('ext-ghl:convs-list', { assignedTo: user, limit: 100 });
    assert.deepEqual(ids(mine), expect((c) => c.assignedTo === user));
    assert.ok(mine.items.every((c) => c.assignedTo === user));
    const one = convs()[4]!;
    assert.deepEqual(ids(await h.data('ext-ghl:convs-list', { contactId: one.contactId })), [one.id]);
    const row = (await h.data<ConversationPage>('ext-ghl:convs-list', { contactId: one.contactId })).items[0]!;
    assert.equal(row.lastMessageDirection, one.lastMessageDirection);
    assert.equal(row.starred, one.starred);
    assert.equal(row.email ?? null, one.email, 'null fields are left out, not sent as null');
  });

  it('a broken conversation record in GHL\'s answer is an API error, not a shorter list', async () => {
    h.sandbox.injectFault({
      method: 'GET',
      path: '/conversations/search',
      status: 200,
      body: { conversations: [{ id: 'ok1', contactId: 'c1', locationId: h.sandbox.locationId }, { id: 'broken' }], total: 2 },
    });
    const error = await fail('ext-ghl:convs-list', {});
    assert.equal(error.code, 'API');
    assert.equal(error.message, 'GHL sent 1 of 2 conversations that cannot be read (#2: no contactId).');
    h.sandbox.injectFault({ method: 'GET', path: '/conversations/search', status: 200, body: { conversations: ['text'], total: 1 } });
    assert.match((await fail('ext-ghl:convs-poll', {})).message, /#1: not an object/);
    h.sandbox.injectFault({ method: 'GET', path: '/users/', status: 200, body: { users: [{ name: 'No id' }] } });
    assert.match((await fail('ext-ghl:users-list', {})).message, /1 of 1 users .*no id/);
  });

  it('convs-mark-read clears unread in GHL; convs-star sets and clears the star', async () => {
    const target = convs().find((c) => c.unreadCount > 0)!;
    assert.deepEqual(await h.data('ext-ghl:convs-mark-read', { id: target.id }), { id: target.id, unreadCount: 0 });
    assert.equal(h.sandbox.store.conversations.get(target.id)!.unreadCount, 0);
    const unread: ConversationPage = await h.data('ext-ghl:convs-list', { status: 'unread', limit: 100 });
    assert.ok(!unread.items.some((c) => c.id === target.id));

    assert.deepEqual(await h.data('ext-ghl:convs-star', { id: target.id, starred: true }), { id: target.id, starred: true });
    assert.equal(h.sandbox.store.conversations.get(target.id)!.starred, true);
    const starred: ConversationPage = await h.data('ext-ghl:convs-list', { status: 'starred', limit: 100 });
    assert.ok(starred.items.some((c) => c.id === target.id));
    await h.data('ext-ghl:convs-star', { id: target.id, starred: false });
    assert.equal(h.sandbox.store.conversations.get(target.id)!.starred, false);
    assert.equal((await fail('ext-ghl:convs-mark-read', { id: 'no-such-conversation' })).code, 'NOT_FOUND');
  });

  it('convs-messages maps attachments and the email subject, keeping the nested paging', async () => {
    const withAttachment = convs().find((c) => h.sandbox.store.messages.get(c.id)!.some((m) => m.attachments?.length))!;
    const stored = h.sandbox.store.messages.get(withAttachment.id)!;
    const page = await h.data('ext-ghl:convs-messages', { conversationId: withAttachment.id, limit: 100 });
    assert.deepEqual(page.items.map((m: { id: string }) => m.id), stored.map((m) => m.id).reverse());
    const mapped = page.items.find((m: { attachments?: string[] }) => m.attachments);
    assert.deepEqual(mapped.attachments, stored.find((m) => m.id === mapped.id)!.attachments);
    const emailThread = convs().find((c) => h.sandbox.store.messages.get(c.id)!.some((m) => m.messageType === 'TYPE_EMAIL'))!;
    const emails = (await h.data('ext-ghl:convs-messages', { conversationId: emailThread.id, limit: 100 })).items.filter(
      (m: { messageType: string }) => m.messageType === 'TYPE_EMAIL',
    );
    assert.ok(emails.length > 0 && emails.every((m: { subject?: string }) => typeof m.subject === 'string' && m.subject.length > 0));
    assert.ok(page.items.every((m: { direction: string }) => m.direction === 'inbound' || m.direction === 'outbound'));

    // GHL's other spelling of the subject: meta.email.subject.
    h.sandbox.injectFault({
      method: 'GET',
      path: '/conversations/{conversationId}/messages',
      status: 200,
      body: { messages: { lastMessageId: 'm1', nextPage: false, messages: [{ id: 'm1', messageType: 'TYPE_EMAIL', body: 'x', meta: { email: { subject: 'From meta' } } }] } },
    });
    const meta = await h.data('ext-ghl:convs-messages', { conversationId: emailThread.id });
    assert.equal(meta.items[0].subject, 'From meta');
    assert.equal(meta.items[0].conversationId, emailThread.id);
  });

  it('convs-send reaches GHL with the right messageType on every channel, and the subject on Email', async () => {
    const target = convs().find((c) => {
      const contact = h.sandbox.store.contacts.get(c.contactId)!;
      return contact.phone && contact.email;
    })!;
    const expected: Record<(typeof MESSAGE_TYPES)[number], string> = {
      SMS: 'TYPE_SMS', RCS: 'TYPE_RCS', Email: 'TYPE_EMAIL', WhatsApp: 'TYPE_WHATSAPP', IG: 'TYPE_INSTAGRAM', FB: 'TYPE_FACEBOOK',
      Custom: 'TYPE_CUSTOM_SMS', Live_Chat: 'TYPE_LIVE_CHAT', TIKTOK: 'TYPE_TIKTOK',
    };
    assert.deepEqual(Object.keys(expected).sort(), [...MESSAGE_TYPES].sort(), 'every type GHL accepts');
    for (const type of MESSAGE_TYPES) {
      const sent = await h.data('ext-ghl:convs-send', {
        conversationId: target.id,
        type,
        message: `Hello on ${type}`,
        ...(type === 'Email' ? { subject: 'Your showing' } : {}),
      });
      const stored = h.sandbox.store.messages.get(target.id)!.at(-1)!;
      assert.equal(stored.id, sent.messageId, type);
      assert.equal(sent.conversationId, target.id);
      assert.equal(stored.messageType, expected[type], type);
      assert.equal(stored.body, `Hello on ${type}`);
      assert.equal(stored.subject, type === 'Email' ? 'Your showing' : undefined, type);
    }
    const subjectOnSms = await fail('ext-ghl:convs-send', { conversationId: target.id, type: 'SMS', message: 'x', subject: 'no' });
    assert.equal(subjectOnSms.code, 'VALIDATION');
    assert.match(subjectOnSms.message, /subject is for Email only/);
    assert.equal((await fail('ext-ghl:convs-send', { conversationId: target.id, type: 'Email', message: 'x' })).code, 'VALIDATION');
  });

  it('convs-send refuses, before sending, a channel the contact has no address for', async () => {
    const target = convs().find((c) => {
      const contact = h.sandbox.store.contacts.get(c.contactId)!;
      return contact.phone && contact.email;
    })!;
    const contact = h.sandbox.store.contacts.get(target.contactId)!;
    const { phone, email } = contact;
    contact.phone = null;
    contact.email = null;
    try {
      h.sandbox.resetStats();
      for (const type of ['SMS', 'RCS', 'WhatsApp'] as const) {
        const error = await fail('ext-ghl:convs-send', { conversationId: target.id, type, message: 'x' });
        assert.equal(error.code, 'VALIDATION', type);
        assert.match(error.message, new RegExp(`no phone number: ${type} needs a phone number`));
        assert.deepEqual((error.details as { fields: unknown[] }).fields, [{ field: 'contact.phone', message: `required for ${type}` }]);
      }
      const email = await fail('ext-ghl:convs-send', { conversationId: target.id, type: 'Email', message: 'x', subject: 'Hi' });
      assert.equal(email.code, 'VALIDATION');
      assert.match(email.message, /no email address: Email needs an email address/);
      assert.equal(posts(), 0, 'nothing was sent');
      assert.equal(h.sandbox.stats.byRoute['GET /contacts/{contactId}'], 4, 'not in the cache: asked GHL each time');
    } finally {
      contact.phone = phone;
      contact.email = email;
    }
  });

  it('convs-send reads the contact from the cache, and asks GHL only when the cache lacks the address', async () => {
    await h.data('ext-ghl:contacts-sync');
    const target = convs().find((c) => h.sandbox.store.contacts.get(c.contactId)!.phone)!;
    h.sandbox.resetStats();
    await h.data('ext-ghl:convs-send', { conversationId: target.id, type: 'SMS', message: 'cached phone' });
    assert.equal(h.sandbox.stats.byRoute['GET /contacts/{contactId}'] ?? 0, 0, 'the cached contact has the phone');
    assert.equal(posts(), 1);

    // The cache predates the phone someone just added in GHL: GHL's answer wins, and the message goes.
    const phoneless = convs().find((c) => {
      const contact = h.sandbox.store.contacts.get(c.contactId)!;
      return contact.phone && c.id !== target.id;
    })!;
    const contact = h.sandbox.store.contacts.get(phoneless.contactId)!;
    const phone = contact.phone;
    contact.phone = null;
    await h.data('ext-ghl:contacts-sync', { full: true });
    contact.phone = phone;
    h.sandbox.resetStats();
    await h.data('ext-ghl:convs-send', { conversationId: phoneless.id, type: 'SMS', message: 'fresh phone' });
    assert.equal(h.sandbox.stats.byRoute['GET /contacts/{contactId}'], 1);
    assert.equal(posts(), 1);
  });

  it('clientMessageId: two sends in flight at once send once; after a success a repeat answers it, repeated', async () => {
    const target = convs().find((c) => h.sandbox.store.contacts.get(c.contactId)!.phone)!;
    const before = h.sandbox.store.messages.get(target.id)!.length;
    h.sandbox.resetStats();
    const payload = { conversationId: target.id, type: 'SMS', message: 'Only once', clientMessageId: 'bubble-1' };
    const [a, b] = await Promise.all([h.data('ext-ghl:convs-send', payload), h.data('ext-ghl:convs-send', payload)]);
    assert.equal(posts(), 1, 'one POST for two requests');
    assert.equal(h.sandbox.store.messages.get(target.id)!.length, before + 1);
    assert.equal(a.messageId, b.messageId);
    assert.deepEqual([a.repeated, b.repeated].sort(), [true, undefined].sort());
    assert.equal(a.clientMessageId, 'bubble-1');
    const again = await h.data('ext-ghl:convs-send', payload);
    assert.deepEqual(again, { ...a, repeated: true });
    assert.equal(posts(), 1, 'a repeat after the success sends nothing');
    await h.data('ext-ghl:convs-send', { ...payload, clientMessageId: 'bubble-2' });
    assert.equal(posts(), 2, 'another id is another message');
  });

  it('clientMessageId: after GHL refuses with a 422 the retry sends exactly once', async () => {
    const target = convs().find((c) => h.sandbox.store.contacts.get(c.contactId)!.phone)!;
    const before = h.sandbox.store.messages.get(target.id)!.length;
    h.sandbox.resetStats();
    h.sandbox.injectFault({ method: 'POST', path: '/conversations/messages', status: 422, body: { statusCode: 422, message: ['message too long for the carrier'], error: 'Unprocessable Entity' } });
    const payload = { conversationId: target.id, type: 'SMS', message: 'Retry me', clientMessageId: 'bubble-422' };
    const refused = await fail('ext-ghl:convs-send', payload);
    assert.equal(refused.code, 'API');
    assert.match(refused.message, /message too long for the carrier/);
    assert.equal(posts(), 1, 'a write is never retried by the client');
    assert.equal(h.sandbox.store.messages.get(target.id)!.length, before);
    const retried = await h.data('ext-ghl:convs-send', payload);
    assert.equal(retried.repeated, undefined, 'the retry really sent');
    assert.equal(posts(), 2);
    assert.equal(h.sandbox.store.messages.get(target.id)!.length, before + 1);
    assert.equal((await h.data('ext-ghl:convs-send', payload)).repeated, true);
    assert.equal(posts(), 2, 'and only once');
  });

  it('convs-poll is one request for the newest unread; `changed` holds what is newer than since', async () => {
    h.sandbox.resetStats();
    const askedAt = Date.now();
    const first = await h.data('ext-ghl:convs-poll', {});
    assert.equal(h.sandbox.stats.requests, 1, 'one request');
    assert.equal(first.status, 'checked');
    const unread = convs().filter((c) => c.unreadCount > 0);
    assert.equal(first.unreadConversations, unread.length);
    assert.deepEqual(first.changed.map((c: Conversation) => c.id).sort(), unread.map((c) => c.id).sort());
    assert.ok(first.changed.every((c: Conversation, i: number, all: Conversation[]) => i === 0 || all[i - 1]!.lastMessageDate! >= c.lastMessageDate!), 'newest first');
    assert.ok(first.checkedAt >= askedAt && first.checkedAt <= Date.now(), 'stamped when it checked');
    const since = Math.max(...first.changed.map((c: Conversation) => c.lastMessageDate!));

    const quiet = await h.data('ext-ghl:convs-poll', { since });
    assert.deepEqual(quiet.changed, []);
    const lead = convs().find((c) => c.unreadCount === 0)!;
    h.sandbox.injectInbound({ conversationId: lead.id, type: 'SMS', body: 'Is the house still for sale?' });
    const news = await h.data('ext-ghl:convs-poll', { since });
    assert.deepEqual(news.changed.map((c: Conversation) => c.id), [lead.id]);
    assert.equal(news.changed[0].lastMessageDirection, 'inbound');
    assert.equal(news.unreadConversations, unread.length + 1);
    assert.equal(h.sandbox.stats.requests, 3);
  });

  it('convs-poll lists every unread id when one answer holds them all, and says when it does not', async () => {
    const unread = convs().filter((c) => c.unreadCount > 0);
    assert.ok(unread.length >= 3, `the sandbox has unread conversations (${unread.length})`);
    const all = await h.data('ext-ghl:convs-poll', {});
    assert.equal(all.unreadIdsComplete, true);
    assert.deepEqual([...all.unreadIds].sort(), unread.map((c) => c.id).sort());
    const some = await h.data('ext-ghl:convs-poll', { limit: unread.length - 1 });
    assert.equal(some.unreadIdsComplete, false, 'a page short of the total is not the whole list');
    assert.equal(some.unreadIds.length, unread.length - 1);
    // Read in GHL's own app: the next answer no longer lists it.
    const readElsewhere = unread[0]!;
    readElsewhere.unreadCount = 0;
    const after = await h.data('ext-ghl:convs-poll', {});
    assert.equal(after.unreadIdsComplete, true);
    assert.equal(after.unreadIds.includes(readElsewhere.id), false);
  });

  it('convs-poll answers skipped, with no request, while a sync runs', async () => {
    // The sync's first page hangs until the sync is cancelled.
    h.sandbox.injectFault({ method: 'POST', path: '/contacts/search', hang: true, times: 1 });
    const sync = h.backend.request('ext-ghl:contacts-sync', { full: true });
    await pollUntil('the sync\'s first request', () => (h.sandbox.stats.byRoute['POST /contacts/search'] ?? 0) > 0, { intervalMs: 5 });
    h.sandbox.resetStats();
    const skipped = await h.data('ext-ghl:convs-poll', {});
    assert.deepEqual(skipped, { status: 'skipped', reason: 'sync-running' });
    assert.equal(h.sandbox.stats.requests, 0, 'no request while the sync runs');
    h.backend.cancelSync();
    await sync;
    assert.equal((await h.data('ext-ghl:convs-poll', {})).status, 'checked', 'polls again once the sync is over');
  });

  it('users-list answers the location users', async () => {
    const users = await h.data('ext-ghl:users-list');
    assert.equal(users.total, h.sandbox.store.locationUsers.length);
    assert.deepEqual(
      users.items,
      h.sandbox.store.locationUsers.map((u) => ({ id: u.id, name: u.name, email: u.email })),
    );
  });
});
