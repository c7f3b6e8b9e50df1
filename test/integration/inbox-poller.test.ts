import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { channelLabel, InboxPoller, MAX_BACKOFF_MS, pollDelayMs, previewLine, replyTypeFor, requiredContactField, SYNC_RECHECK_MS } from '../../src/inbox';
import { SendOnce } from '../../src/inbox/sendOnce';
import type { Envelope } from '../../src/protocol/envelope';
import { LAST_MESSAGE_TYPES, MESSAGE_TYPES } from '../../src/protocol/requests';
import type { Conversation, ConversationPoll } from '../../src/protocol/responses';
import { startHarness, type Harness } from '../helpers/backendHarness';

const T0 = Date.parse('2026-12-01T10:00:00Z');

function conversation(id: string, lastMessageDate: number, extra: Partial<Conversation> = {}): Conversation {
  return {
    id,
    contactId: `contact-${id}`,
    locationId: 'loc',
    fullName: `Lead ${id}`,
    lastMessageBody: `Message of ${id}`,
    lastMessageType: 'TYPE_SMS',
    lastMessageDirection: 'inbound',
    unreadCount: 1,
    lastMessageDate,
    ...extra,
  };
}

/** A stand-in for convs-poll: answers the scripted unread list, filtered by `since` as the handler does. */
function scriptedPoll() {
  const calls: Array<{ since?: number }> = [];
  let unread: Conversation[] = [];
  let next: Envelope<ConversationPoll> | null = null;
  return {
    calls,
    set(list: Conversation[]) {
      unread = list;
    },
    failNext(code: string, message: string) {
      next = { success: false, error: { code: code as never, message } };
    },
    skipNext() {
      next = { success: true, data: { status: 'skipped', reason: 'sync-running' } };
    },
    poll: async (input: { since?: number }): Promise<Envelope<ConversationPoll>> => {
      calls.push(input);
      if (next) {
        const answer = next;
        next = null;
        return answer;
      }
      const changed = input.since === undefined ? unread : unread.filter((c) => c.lastMessageDate! > input.since!);
      return {
        success: true,
        data: { status: 'checked', checkedAt: 0, unreadConversations: unread.length, changed, unreadIds: unread.map((c) => c.id), unreadIdsComplete: true },
      };
    },
  };
}

describe('InboxPoller', () => {
  it('sets a baseline on the first poll: nothing that was unread before is announced', async () => {
    const script = scriptedPoll();
    script.set([conversation('a', T0), conversation('b', T0 + 1000)]);
    const poller = new InboxPoller({ poll: script.poll });
    const first = await poller.pollOnce();
    assert.equal(first.status, 'checked');
    assert.equal(first.unreadConversations, 2);
    assert.deepEqual(first.alerts, []);
    assert.equal(first.changed.length, 2);
    assert.deepEqual(script.calls, [{}]);
  });

  it('announces a new inbound message once, with contact, channel, preview and time', async () => {
    const script = scriptedPoll();
    script.set([conversation('a', T0)]);
    const poller = new InboxPoller({ poll: script.poll });
    await poller.pollOnce();
    script.set([conversation('b', T0 + 5000, { fullName: 'Amanda Chen', lastMessageBody: 'Is the house\non Oak Ave still available?', lastMessageType: 'TYPE_EMAIL' }), conversation('a', T0)]);
    const second = await poller.pollOnce();
    assert.deepEqual(second.alerts, [
      { conversationId: 'b', contactId: 'contact-b', contactName: 'Amanda Chen', channel: 'TYPE_EMAIL', channelLabel: 'Email', preview: 'Is the house', at: T0 + 5000 },
    ]);
    assert.deepEqual(script.calls[1], { since: T0 }, 'since = the newest lastMessageDate of the first poll');
    assert.deepEqual((await poller.pollOnce()).alerts, [], 'told once');
  });

  it('at most one alert per conversation per poll, even if GHL repeats it', async () => {
    const script = scriptedPoll();
    const poller = new InboxPoller({ poll: script.poll });
    await poller.pollOnce();
    script.set([conversation('a', T0 + 2), conversation('a', T0 + 1), conversation('b', T0 + 1)]);
    const outcome = await poller.pollOnce();
    assert.deepEqual(outcome.alerts.map((a) => a.conversationId), ['a', 'b']);
  });

  it('a conversation that wrote again later is announced again; one whose last message is ours is not', async () => {
    const script = scriptedPoll();
    const poller = new InboxPoller({ poll: script.poll });
    await poller.pollOnce();
    script.set([conversation('a', T0 + 10)]);
    assert.equal((await poller.pollOnce()).alerts.length, 1);
    script.set([conversation('a', T0 + 20, { unreadCount: 2 })]);
    assert.equal((await poller.pollOnce()).alerts.length, 1, 'a second message from the lead');
    script.set([conversation('a', T0 + 30, { lastMessageDirection: 'outbound', unreadCount: 2 })]);
    const outbound = await poller.pollOnce();
    assert.deepEqual(outbound.alerts, [], 'our own reply (or an automation) is no alert');
    assert.equal(outbound.changed.length, 1, 'but it is a change the view shows');
  });

  it('without a direction, a rising unread count means the lead wrote', async () => {
    const script = scriptedPoll();
    script.set([conversation('a', T0, { lastMessageDirection: undefined, unreadCount: 1 })]);
    const poller = new InboxPoller({ poll: script.poll });
    await poller.pollOnce();
    script.set([conversation('a', T0 + 10, { lastMessageDirection: undefined, unreadCount: 1 })]);
    assert.deepEqual((await poller.pollOnce()).alerts, [], 'newer, but the count did not rise: someone else sent it');
    script.set([conversation('a', T0 + 20, { lastMessageDirection: undefined, unreadCount: 2 })]);
    assert.equal((await poller.pollOnce()).alerts.length, 1);
    script.set([conversation('new', T0 + 30, { lastMessageDirection: undefined, unreadCount: 1 })]);
    assert.equal((await poller.pollOnce()).alerts.length, 1, 'a new unread conversation rose from 0');
  });

  it('since follows GHL\'s dates, not our clock: a server clock behind ours loses nothing', async () => {
    const script = scriptedPoll();
    // GHL's clock is an hour behind the machine's: every date is "in the past" for us.
    const behind = T0 - 3_600_000;
    script.set([conversation('a', behind)]);
    const poller = new InboxPoller({ poll: script.poll });
    await poller.pollOnce();
    script.set([conversation('b', behind + 1000), conversation('a', behind)]);
    const outcome = await poller.pollOnce();
    assert.deepEqual(outcome.alerts.map((a) => a.conversationId), ['b']);
    assert.deepEqual(script.calls.map((c) => c.since), [undefined, behind]);
  });

  it('knows what is unread now when GHL listed it all: a conversation read elsewhere rises from zero again', async () => {
    const script = scriptedPoll();
    script.set([conversation('a', T0, { lastMessageDirection: undefined, unreadCount: 2 }), conversation('b', T0 + 1)]);
    const poller = new InboxPoller({ poll: script.poll });
    const first = await poller.pollOnce();
    assert.deepEqual([...(first.unreadNow ?? [])].sort(), ['a', 'b']);
    // 'a' read in GHL's own app: it is no longer among the unread.
    script.set([conversation('b', T0 + 1)]);
    const read = await poller.pollOnce();
    assert.deepEqual([...(read.unreadNow ?? [])], ['b']);
    // The lead writes again (GHL leaves the direction out): unread 1 is a rise from 0, not a fall from 2.
    script.set([conversation('a', T0 + 5, { lastMessageDirection: undefined, unreadCount: 1 }), conversation('b', T0 + 1)]);
    const again = await poller.pollOnce();
    assert.deepEqual(again.alerts.map((a) => a.conversationId), ['a']);
  });

  it('a failed poll keeps since and says why; a skipped one changes nothing', async () => {
    const script = scriptedPoll();
    script.set([conversation('a', T0)]);
    const poller = new InboxPoller({ poll: script.poll });
    await poller.pollOnce();
    script.failNext('NETWORK', 'Could not reach GHL');
    const failed = await poller.pollOnce();
    assert.deepEqual(failed, {
      status: 'failed',
      unreadConversations: null,
      alerts: [],
      changed: [],
      unreadNow: null,
      error: { kind: 'NETWORK', message: 'Could not reach GHL' },
    });
    assert.equal(poller.consecutiveFailures, 1);
    script.skipNext();
    const skipped = await poller.pollOnce();
    assert.equal(skipped.status, 'skipped');
    assert.equal(skipped.unreadConversations, null);
    script.set([conversation('b', T0 + 1), conversation('a', T0)]);
    const recovered = await poller.pollOnce();
    assert.deepEqual(recovered.alerts.map((a) => a.conversationId), ['b'], 'the message that came during the failure is still announced');
    assert.deepEqual(script.calls.map((c) => c.since), [undefined, T0, T0, T0]);
    assert.equal(poller.consecutiveFailures, 0);
  });

  it('a poll function that throws is a failed poll, not a rejection', async () => {
    const poller = new InboxPoller({
      poll: async () => {
        throw new Error('worker gone');
      },
    });
    const outcome = await poller.pollOnce();
    assert.equal(outcome.status, 'failed');
    assert.deepEqual(outcome.error, { kind: 'INTERNAL', message: 'worker gone' });
  });

  it('markSeen: what the user opened is not announced; a newer message after it is', async () => {
    const script = scriptedPoll();
    const poller = new InboxPoller({ poll: script.poll });
    await poller.pollOnce();
    poller.markSeen('a', T0 + 10);
    script.set([conversation('a', T0 + 10)]);
    assert.deepEqual((await poller.pollOnce()).alerts, []);
    script.set([conversation('a', T0 + 20)]);
    assert.equal((await poller.pollOnce()).alerts.length, 1);
  });

  it('an alert is plain text: the first line, 120 characters at most, no control or bidi characters', async () => {
    const script = scriptedPoll();
    const poller = new InboxPoller({ poll: script.poll });
    await poller.pollOnce();
    const hostile = '\n\n  <img src=x onerror="alert(1)">\u202Egnp.exe  ' + 'x'.repeat(200);
    script.set([conversation('a', T0, { fullName: '<b>Bold</b>\u0007', lastMessageBody: hostile }), conversation('b', T0 - 1, { fullName: '', contactName: undefined, email: 'b@example.com', lastMessageBody: '' })]);
    const [a, b] = (await poller.pollOnce()).alerts;
    assert.equal(a!.contactName, '<b>Bold</b>', 'markup stays as its characters');
    assert.ok(a!.preview.startsWith('<img src=x onerror="alert(1)">gnp.exe'));
    assert.equal([...a!.preview].length, 120);
    assert.ok(a!.preview.endsWith('…'));
    assert.doesNotMatch(a!.preview, /[\u0000-\u001F\u202E\n]/);
    assert.equal(b!.contactName, 'b@example.com');
    assert.equal(b!.preview, '(no text)');
  });
});

describe('InboxPoller against the sandbox through convs-poll', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ sandbox: { contacts: 80, opportunities: 0, conversations: 12, seed: 9 } });
  });
  after(async () => h.close());

  it('an injected inbound message raises exactly one alert, on the next poll', async () => {
    const poller = new InboxPoller({ poll: (input) => h.backend.request('ext-ghl:convs-poll', input) as Promise<Envelope<ConversationPoll>> });
    const baseline = await poller.pollOnce();
    assert.equal(baseline.status, 'checked');
    assert.deepEqual(baseline.alerts, []);
    assert.equal(baseline.unreadConversations, [...h.sandbox.store.conversations.values()].filter((c) => c.unreadCount > 0).length);
    const target = [...h.sandbox.store.conversations.values()].find((c) => h.sandbox.store.contacts.get(c.contactId)!.phone)!;
    h.sandbox.injectInbound({ conversationId: target.id, type: 'SMS', body: 'Can I see it tomorrow at 10?' });
    h.sandbox.resetStats();
    const outcome = await poller.pollOnce();
    assert.equal(h.sandbox.stats.requests, 1);
    assert.deepEqual(outcome.alerts.map((a) => [a.conversationId, a.channelLabel, a.preview]), [[target.id, 'SMS', 'Can I see it tomorrow at 10?']]);
    assert.equal(outcome.alerts[0]!.contactName, target.fullName);
    assert.deepEqual((await poller.pollOnce()).alerts, []);
  });
});

describe('pollDelayMs', () => {
  it('polls every pollSeconds while focused; 0 is off, unfocused waits for focus', () => {
    assert.equal(pollDelayMs({ pollSeconds: 60, focused: true }), 60_000);
    assert.equal(pollDelayMs({ pollSeconds: 0, focused: true }), null);
    assert.equal(pollDelayMs({ pollSeconds: -5, focused: true }), null);
    assert.equal(pollDelayMs({ pollSeconds: Number.NaN, focused: true }), null);
    assert.equal(pollDelayMs({ pollSeconds: 60, focused: false }), null);
    assert.equal(pollDelayMs({ pollSeconds: 1, focused: true }), 10_000, 'raised to the minimum');
  });

  it('backs off after failures, up to a cap, and looks again soon while a sync runs', () => {
    const delays = [1, 2, 3, 4, 5, 6, 30].map((n) => pollDelayMs({ pollSeconds: 60, focused: true, consecutiveFailures: n }));
    assert.deepEqual(delays, [120_000, 240_000, 480_000, MAX_BACKOFF_MS, MAX_BACKOFF_MS, MAX_BACKOFF_MS, MAX_BACKOFF_MS]);
    assert.equal(pollDelayMs({ pollSeconds: 60, focused: true, lastOutcome: 'failed' }), 120_000);
    assert.equal(pollDelayMs({ pollSeconds: 60, focused: true, syncRunning: true }), SYNC_RECHECK_MS);
    assert.equal(pollDelayMs({ pollSeconds: 60, focused: true, lastOutcome: 'skipped' }), SYNC_RECHECK_MS);
    assert.equal(pollDelayMs({ pollSeconds: 10, focused: true, syncRunning: true }), 10_000, 'never later than the interval');
  });

  it('polls 60 times an hour at the default 60 s, half that focused half the hour, and backs off when GHL fails (simulated)', () => {
    /** Requests one hour of polling sends, following the helper's delays; `focusedAt(t)` says when the window is focused. */
    const simulate = (pollSeconds: number, focusedAt: (t: number) => boolean, failing = false) => {
      let requests = 0;
      let failures = 0;
      for (let t = 0; t < 3_600_000; ) {
        if (!focusedAt(t)) {
          t += 1000; // the host polls again when focus returns (checked here each second)
          continue;
        }
        requests++;
        failures = failing ? failures + 1 : 0;
        t += pollDelayMs({ pollSeconds, focused: true, consecutiveFailures: failures })!;
      }
      return requests;
    };
    const focused = simulate(60, () => true);
    const halfFocused = simulate(60, (t) => t < 1_800_000);
    const failing = simulate(60, () => true, true);
    const everyTen = simulate(10, () => true);
    assert.equal(focused, 60);
    assert.equal(halfFocused, 30);
    assert.ok(failing <= 8, `backing off: ${failing}`);
    assert.equal(everyTen, 360);
  });
});

describe('channels and replies', () => {
  it('labels every lastMessageType GHL names, and a future one from its words', () => {
    assert.equal(channelLabel('TYPE_SMS'), 'SMS');
    assert.equal(channelLabel('TYPE_EMAIL'), 'Email');
    assert.equal(channelLabel('TYPE_WHATSAPP'), 'WhatsApp');
    assert.equal(channelLabel('TYPE_CALL'), 'Call');
    assert.equal(channelLabel(undefined), 'Message');
    assert.equal(channelLabel('TYPE_HOLOGRAM_CALL'), 'Hologram call');
    for (const type of LAST_MESSAGE_TYPES) assert.doesNotMatch(channelLabel(type), /TYPE_|_/, type);
  });

  it('answers each channel on its own send type, and says which contact field it needs', () => {
    assert.equal(replyTypeFor('TYPE_SMS'), 'SMS');
    assert.equal(replyTypeFor('TYPE_EMAIL'), 'Email');
    assert.equal(replyTypeFor('TYPE_WHATSAPP'), 'WhatsApp');
    assert.equal(replyTypeFor('TYPE_CALL'), 'SMS');
    assert.equal(replyTypeFor('TYPE_INSTAGRAM'), 'IG');
    assert.equal(replyTypeFor('TYPE_LIVE_CHAT'), 'Live_Chat');
    assert.equal(replyTypeFor('TYPE_ACTIVITY_PAYMENT'), null);
    assert.equal(replyTypeFor(undefined), null);
    for (const type of LAST_MESSAGE_TYPES) {
      const reply = replyTypeFor(type);
      assert.ok(reply === null || (MESSAGE_TYPES as readonly string[]).includes(reply), type);
    }
    assert.deepEqual(MESSAGE_TYPES.map(requiredContactField), ['phone', 'phone', 'email', 'phone', null, null, null, null, null]);
  });

  it('previewLine keeps the first non-blank line', () => {
    assert.equal(previewLine('\n  \n Hello   there \nsecond'), 'Hello there');
    assert.equal(previewLine(undefined), '(no text)');
  });
});

describe('SendOnce', () => {
  it('runs a key once while in flight and after success, again after a failure, and forgets the oldest beyond its size', async () => {
    const once = new SendOnce<number>(3);
    let sends = 0;
    const send = (value: number, ok = true) => async () => {
      sends++;
      // Still in flight when the second run of the key starts (it starts in the same turn).
      await Promise.resolve();
      if (!ok) throw new Error('refused');
      return value;
    };
    const [a, b] = await Promise.all([once.run('k', send(1)), once.run('k', send(2))]);
    assert.deepEqual([a, b], [{ result: 1, repeated: false }, { result: 1, repeated: true }]);
    assert.equal(sends, 1);
    await assert.rejects(once.run('bad', send(0, false)), /refused/);
    assert.deepEqual(await once.run('bad', send(5)), { result: 5, repeated: false });
    assert.equal(sends, 3);
    await once.run('x', send(6));
    await once.run('y', send(7));
    assert.equal(once.size, 3);
    assert.deepEqual(await once.run('k', send(8)), { result: 8, repeated: false }, 'the oldest key was forgotten');
  });
});
