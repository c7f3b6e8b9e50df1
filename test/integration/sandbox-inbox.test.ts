import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { injectRandomInbound, parseArgs } from '../sandbox/cli';
import { generateStore, Rng, SANDBOX_INBOUND_TEXTS, startSandbox, type Sandbox, type SandboxConversation } from '../sandbox/server';

const V2 = '2021-04-15';

/** The sandbox's inbox as GHL's API shows it: unread, stars, assignees, directions, channels, paging, PUT, users, inbound injection. */
describe('sandbox inbox', () => {
  let sb: Sandbox;
  const call = async (method: string, path: string, body?: unknown, version = path.startsWith('/users') ? '2021-07-28' : V2) => {
    const res = await fetch(sb.url + path, {
      method,
      headers: { Authorization: `Bearer ${sb.token}`, Version: version, Accept: 'application/json', ...(body ? { 'Content-Type': 'application/json' } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : null };
  };
  const search = (query: string) => call('GET', `/conversations/search?locationId=${sb.locationId}&${query}`);
  const all = () => [...sb.store.conversations.values()];

  before(async () => {
    sb = await startSandbox({ contacts: 200, opportunities: 0, conversations: 24, seed: 3 });
  });
  after(async () => sb.close());

  it('generates unread counts, stars, assignees, both directions and several channels, deterministically', () => {
    const now = Date.parse('2026-03-10T15:00:00Z');
    const a = generateStore({ seed: 3, contacts: 200, conversations: 24, now });
    const b = generateStore({ seed: 3, contacts: 200, conversations: 24, now });
    assert.deepEqual([...a.conversations.values()], [...b.conversations.values()]);
    assert.deepEqual([...a.messages.values()], [...b.messages.values()]);
    const convs = [...a.conversations.values()];
    const messages = [...a.messages.values()].flat();
    assert.ok(convs.some((c) => c.unreadCount > 0) && convs.some((c) => c.unreadCount === 0));
    assert.ok(convs.some((c) => c.starred) && convs.some((c) => !c.starred));
    assert.ok(convs.some((c) => c.assignedTo) && convs.some((c) => !c.assignedTo));
    assert.ok(convs.every((c) => !c.assignedTo || a.users.includes(c.assignedTo)));
    assert.equal(new Set(convs.map((c) => c.lastMessageDate)).size, convs.length, 'no two threads end on the same millisecond');
    for (const c of convs) {
      const last = a.messages.get(c.id)!.at(-1)!;
      assert.equal(c.lastMessageDate, Date.parse(last.dateAdded));
      assert.equal(c.lastMessageDirection, last.direction, 'the conversation names its last message');
      assert.equal(c.lastMessageType, last.messageType);
      assert.equal(c.lastMessageBody, last.body);
    }
    const types = new Set(messages.map((m) => m.messageType));
    for (const type of ['TYPE_SMS', 'TYPE_EMAIL', 'TYPE_WHATSAPP', 'TYPE_CALL']) assert.ok(types.has(type), type);
    assert.ok(messages.filter((m) => m.messageType === 'TYPE_EMAIL').every((m) => m.subject), 'every email has a subject');
    assert.ok(messages.some((m) => m.direction === 'inbound') && messages.some((m) => m.direction === 'outbound'));
    assert.ok(messages.filter((m) => m.attachments?.length).length >= 2, 'a couple of attachments');
    assert.deepEqual(
      a.locationUsers.map((u) => u.id),
      a.users,
    );
  });

  it('search honours status, lastMessageType, assignedTo, contactId and lastMessageDirection', async () => {
    const ids = (r: { json: { conversations: Array<{ id: string }> } }) => r.json.conversations.map((c) => c.id).sort();
    const expect = (pred: (c: SandboxConversation) => boolean) => all().filter(pred).map((c) => c.id).sort();
    assert.deepEqual(ids(await search('status=unread&limit=100')), expect((c) => c.unreadCount > 0));
    assert.deepEqual(ids(await search('status=read&limit=100')), expect((c) => c.unreadCount === 0));
    assert.deepEqual(ids(await search('status=starred&limit=100')), expect((c) => c.starred));
    assert.deepEqual(ids(await search('status=all&limit=100')), expect(() => true));
    assert.deepEqual(ids(await search('lastMessageType=TYPE_SMS&limit=100')), expect((c) => c.lastMessageType === 'TYPE_SMS'));
    const user = sb.store.users[1]!;
    assert.deepEqual(ids(await search(`assignedTo=${user}&limit=100`)), expect((c) => c.assignedTo === user));
    assert.deepEqual(ids(await search('assignedTo=unassigned&limit=100')), expect((c) => !c.assignedTo));
    assert.deepEqual(ids(await search('lastMessageDirection=inbound&limit=100')), expect((c) => c.lastMessageDirection === 'inbound'));
    const one = all()[5]!;
    assert.deepEqual(ids(await search(`contactId=${one.contactId}`)), [one.id]);
    const unread = await search('status=unread&limit=100');
    assert.equal(unread.json.total, expect((c) => c.unreadCount > 0).length, 'total counts the filter');
    assert.equal((await search('status=maybe')).status, 422);
    const hit = (await search('limit=100')).json.conversations.find((c: { id: string }) => c.id === one.id);
    assert.deepEqual(hit.sort, [one.lastMessageDate]);
    assert.equal('assignedTo' in hit, Boolean(one.assignedTo), 'no assignee key when unassigned, like GHL');
  });

  it('startAfterDate pages newest first (and oldest first) with every conversation exactly once', async () => {
    for (const sort of ['desc', 'asc'] as const) {
      const seen: string[] = [];
      let after: number | null = null;
      for (let page = 0; page < 20; page++) {
        const r = await search(`limit=5&sortBy=last_message_date&sort=${sort}${after === null ? '' : `&startAfterDate=${after}`}`);
        assert.equal(r.status, 200);
        const items = r.json.conversations as Array<{ id: string; sort: number[] }>;
        seen.push(...items.map((c) => c.id));
        if (items.length < 5) break;
        after = items.at(-1)!.sort[0]!;
      }
      const expected = all()
        .sort((a, b) => (sort === 'desc' ? b.lastMessageDate - a.lastMessageDate : a.lastMessageDate - b.lastMessageDate))
        .map((c) => c.id);
      assert.deepEqual(seen, expected, sort);
    }
  });

  it('PUT /conversations/{id} sets unreadCount and starred; 400 for a bad body, 403 another location, 404 unknown id', async () => {
    const target = all().find((c) => c.unreadCount > 0)!;
    const read = await call('PUT', `/conversations/${target.id}`, { locationId: sb.locationId, unreadCount: 0 });
    assert.equal(read.status, 200);
    assert.equal(read.json.success, true);
    assert.equal(read.json.conversation.unreadCount, 0);
    assert.equal(sb.store.conversations.get(target.id)!.unreadCount, 0);
    const star = await call('PUT', `/conversations/${target.id}`, { locationId: sb.locationId, starred: true });
    assert.equal(star.json.conversation.starred, true);
    assert.equal((await call('GET', `/conversations/${target.id}`)).json.starred, true, 'GET shows the star');
    await call('PUT', `/conversations/${target.id}`, { locationId: sb.locationId, starred: false });
    assert.equal(sb.store.conversations.get(target.id)!.starred, false);

    const unknownKey = await call('PUT', `/conversations/${target.id}`, { locationId: sb.locationId, unread: 0 });
    assert.equal(unknownKey.status, 400);
    assert.deepEqual(unknownKey.json.message, ['property unread should not exist']);
    const noLocation = await call('PUT', `/conversations/${target.id}`, { unreadCount: 0 });
    assert.equal(noLocation.status, 400);
    assert.ok(noLocation.json.message.includes('locationId should not be empty'));
    assert.equal((await call('PUT', `/conversations/${target.id}`, { locationId: sb.locationId, unreadCount: -1 })).status, 400);
    assert.equal((await call('PUT', `/conversations/${target.id}`, { locationId: sb.locationId, starred: 'yes' })).status, 400);
    assert.equal((await call('PUT', `/conversations/${target.id}`, { locationId: 'elsewhere', unreadCount: 0 })).status, 403);
    assert.equal((await call('PUT', '/conversations/nope', { locationId: sb.locationId, unreadCount: 0 })).status, 404);
  });

  it('POST /conversations/messages stores the right messageType and subject, and the conversation turns outbound', async () => {
    const target = all().find((c) => sb.store.contacts.get(c.contactId)!.phone && sb.store.contacts.get(c.contactId)!.email)!;
    const expected: Record<string, string> = { SMS: 'TYPE_SMS', RCS: 'TYPE_RCS', WhatsApp: 'TYPE_WHATSAPP', Email: 'TYPE_EMAIL', TIKTOK: 'TYPE_TIKTOK' };
    for (const [type, messageType] of Object.entries(expected)) {
      const sent = await call('POST', '/conversations/messages', {
        type,
        contactId: target.contactId,
        message: `via ${type}`,
        ...(type === 'Email' ? { subject: 'About the house' } : {}),
        attachments: type === 'SMS' ? ['https://files.example/a.pdf'] : undefined,
      });
      assert.equal(sent.status, 200, type);
      const stored = sb.store.messages.get(target.id)!.at(-1)!;
      assert.equal(stored.id, sent.json.messageId);
      assert.equal(stored.messageType, messageType, type);
      assert.equal(stored.direction, 'outbound');
      assert.equal(stored.subject, type === 'Email' ? 'About the house' : undefined);
      if (type === 'SMS') assert.deepEqual(stored.attachments, ['https://files.example/a.pdf']);
      assert.equal(sb.store.conversations.get(target.id)!.lastMessageType, messageType);
      assert.equal(sb.store.conversations.get(target.id)!.lastMessageDirection, 'outbound');
    }
    const phoneless = sb.store.contacts.get(target.contactId)!;
    const phone = phoneless.phone;
    phoneless.phone = null;
    const refused = await call('POST', '/conversations/messages', { type: 'SMS', contactId: target.contactId, message: 'x' });
    assert.equal(refused.status, 400, 'GHL cannot text a contact without a phone');
    phoneless.phone = phone;
  });

  it('a 422 fault on POST /conversations/messages answers once and stores nothing', async () => {
    const target = all()[0]!;
    const before = sb.store.messages.get(target.id)!.length;
    sb.injectFault({ method: 'POST', path: '/conversations/messages', status: 422, times: 1 });
    const failed = await call('POST', '/conversations/messages', { type: 'SMS', contactId: target.contactId, message: 'x' });
    assert.equal(failed.status, 422);
    assert.deepEqual(failed.json.message, ['Unprocessable Entity']);
    assert.equal(sb.store.messages.get(target.id)!.length, before);
    const next = await call('POST', '/conversations/messages', { type: 'SMS', contactId: target.contactId, message: 'x' });
    assert.equal(next.status, 200, 'the fault was used up');
  });

  it('injectInbound appends an inbound message, bumps unread and lastMessageDate, and creates a conversation when needed', async () => {
    const target = all().find((c) => c.unreadCount === 0)!;
    const lastDate = target.lastMessageDate;
    const { message, conversation } = sb.injectInbound({ conversationId: target.id, type: 'Email', body: 'Is it still available?', subject: 'Listing' });
    assert.equal(conversation, target);
    assert.equal(message.direction, 'inbound');
    assert.equal(message.messageType, 'TYPE_EMAIL');
    assert.equal(message.subject, 'Listing');
    assert.equal(target.unreadCount, 1);
    assert.ok(target.lastMessageDate > lastDate, 'strictly newer than the last message');
    assert.equal(target.lastMessageDirection, 'inbound');
    assert.equal(target.lastMessageBody, 'Is it still available?');
    assert.equal(sb.store.messages.get(target.id)!.at(-1), message);
    sb.injectInbound({ conversationId: target.id, type: 'TYPE_SMS', body: 'Hello?' });
    assert.equal(target.unreadCount, 2);
    assert.equal(target.lastMessageType, 'TYPE_SMS');
    const unread = await search('status=unread&limit=1');
    assert.equal(unread.json.conversations[0].id, target.id, 'the newest unread conversation');

    const byContact = sb.injectInbound({ contactId: all()[3]!.contactId, type: 'SMS', body: 'Me again' });
    assert.equal(byContact.conversation.id, all()[3]!.id, "the contact's own conversation");
    const lonely = [...sb.store.contacts.values()].find((c) => !all().some((cv) => cv.contactId === c.id))!;
    const size = sb.store.conversations.size;
    const created = sb.injectInbound({ contactId: lonely.id, type: 'SMS', body: 'New lead here' });
    assert.equal(sb.store.conversations.size, size + 1);
    assert.equal(created.conversation.contactId, lonely.id);
    assert.equal(created.conversation.unreadCount, 1);
    assert.throws(() => sb.injectInbound({ conversationId: 'nope', type: 'SMS', body: 'x' }), /no conversation nope/);
    assert.throws(() => sb.injectInbound({ contactId: lonely.id, type: 'Fax', body: 'x' }), /unknown message type/);
    assert.throws(() => sb.injectInbound({ type: 'SMS', body: 'x' }), /conversationId or a contactId/);
  });

  it('GET /users/ lists the location users; another location is 403', async () => {
    const users = await call('GET', `/users/?locationId=${sb.locationId}`);
    assert.equal(users.status, 200);
    assert.deepEqual(
      users.json.users.map((u: { id: string; name: string }) => u.id),
      sb.store.users,
    );
    assert.ok(users.json.users.every((u: { name: string; email: string }) => u.name && u.email.includes('@')));
    assert.equal((await call('GET', '/users/?locationId=other')).status, 403);
    assert.equal((await call('GET', `/users/?locationId=${sb.locationId}`, undefined, V2)).status, 400, 'the Users API is on 2021-07-28');
  });

  it('the CLI takes --inbound-every seconds (0 = off) and injects a plausible message into a random conversation', () => {
    assert.equal(parseArgs(['--inbound-every', '30']).inboundEverySeconds, 30);
    assert.equal(parseArgs([]).inboundEverySeconds, undefined);
    assert.equal(parseArgs(['--inbound-every=0']).inboundEverySeconds, 0);
    const rng = new Rng(11);
    const unreadBefore = all().reduce((n, c) => n + c.unreadCount, 0);
    const { message, conversation } = injectRandomInbound(sb, rng);
    assert.equal(message.direction, 'inbound');
    assert.ok(SANDBOX_INBOUND_TEXTS.some((t) => t.replace('{street}', sb.store.contacts.get(conversation.contactId)!.address1 ?? 'Main St') === message.body), message.body);
    const contact = sb.store.contacts.get(conversation.contactId)!;
    assert.equal(message.messageType, contact.phone ? 'TYPE_SMS' : 'TYPE_EMAIL', 'a channel the contact has');
    assert.equal(all().reduce((n, c) => n + c.unreadCount, 0), unreadBefore + 1);
  });
});
