import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { protocolJsonSchema, requestSchemas } from '../../src/protocol/requests';

const ok = (channel: keyof typeof requestSchemas, payload: unknown) => {
  const parsed = requestSchemas[channel].safeParse(payload);
  assert.equal(parsed.success, true, `${channel} ${JSON.stringify(payload)}: ${parsed.success ? '' : parsed.error.message}`);
  return parsed.success ? parsed.data : undefined;
};
const bad = (channel: keyof typeof requestSchemas, payload: unknown, field: string) => {
  const parsed = requestSchemas[channel].safeParse(payload);
  assert.equal(parsed.success, false, `${channel} should refuse ${JSON.stringify(payload)}`);
  if (!parsed.success) assert.ok(parsed.error.issues.some((i) => i.path.join('.') === field || (i.code === 'unrecognized_keys' && i.keys.includes(field))), `${channel}: ${field} in ${parsed.error.message}`);
};

describe('inbox channel schemas', () => {
  it('convs-list: filters and the startAfterDate cursor, with the default limit', () => {
    assert.deepEqual(ok('ext-ghl:convs-list', {}), { limit: 20 });
    assert.deepEqual(ok('ext-ghl:convs-list', { status: 'unread', lastMessageType: 'TYPE_SMS', assignedTo: 'u1', startAfterDate: 1_700_000_000_000, limit: 50 }), {
      status: 'unread', lastMessageType: 'TYPE_SMS', assignedTo: 'u1', startAfterDate: 1_700_000_000_000, limit: 50,
    });
    bad('ext-ghl:convs-list', { status: 'recent' }, 'status');
    bad('ext-ghl:convs-list', { lastMessageType: 'SMS' }, 'lastMessageType');
    bad('ext-ghl:convs-list', { startAfterDate: -1 }, 'startAfterDate');
    bad('ext-ghl:convs-list', { startAfterDate: '1700000000000' }, 'startAfterDate');
    bad('ext-ghl:convs-list', { assignedTo: '' }, 'assignedTo');
    bad('ext-ghl:convs-list', { limit: 101 }, 'limit');
    bad('ext-ghl:convs-list', { sort: 'asc' }, 'sort');
  });

  it('convs-send: every channel GHL accepts, a subject only for Email, a clientMessageId', () => {
    for (const type of ['SMS', 'RCS', 'Email', 'WhatsApp', 'IG', 'FB', 'Custom', 'Live_Chat', 'TIKTOK']) ok('ext-ghl:convs-send', { conversationId: 'c', type, message: 'hi' });
    assert.deepEqual(ok('ext-ghl:convs-send', { conversationId: 'c', type: 'Email', message: ' hi ', subject: 'S', clientMessageId: 'b-1' }), {
      conversationId: 'c', type: 'Email', message: 'hi', subject: 'S', clientMessageId: 'b-1',
    });
    bad('ext-ghl:convs-send', { conversationId: 'c', type: 'SMS', message: 'hi', subject: 'S' }, 'subject');
    bad('ext-ghl:convs-send', { conversationId: 'c', type: 'Fax', message: 'hi' }, 'type');
    bad('ext-ghl:convs-send', { conversationId: 'c', type: 'SMS', message: '   ' }, 'message');
    bad('ext-ghl:convs-send', { conversationId: 'c', type: 'SMS', message: 'hi', clientMessageId: '' }, 'clientMessageId');
    bad('ext-ghl:convs-send', { conversationId: 'c', type: 'SMS', message: 'x'.repeat(10_001) }, 'message');
  });

  it('convs-mark-read, convs-star, convs-poll, users-list', () => {
    assert.deepEqual(ok('ext-ghl:convs-mark-read', { id: 'c' }), { id: 'c' });
    bad('ext-ghl:convs-mark-read', {}, 'id');
    bad('ext-ghl:convs-mark-read', { id: 'c', unreadCount: 3 }, 'unreadCount');
    assert.deepEqual(ok('ext-ghl:convs-star', { id: 'c', starred: false }), { id: 'c', starred: false });
    bad('ext-ghl:convs-star', { id: 'c' }, 'starred');
    bad('ext-ghl:convs-star', { id: 'c', starred: 1 }, 'starred');
    assert.deepEqual(ok('ext-ghl:convs-poll', {}), { limit: 50 });
    assert.deepEqual(ok('ext-ghl:convs-poll', { since: 5, limit: 10 }), { since: 5, limit: 10 });
    bad('ext-ghl:convs-poll', { since: 1.5 }, 'since');
    bad('ext-ghl:convs-poll', { limit: 0 }, 'limit');
    bad('ext-ghl:convs-poll', { status: 'all' }, 'status');
    assert.deepEqual(ok('ext-ghl:users-list', {}), {});
    bad('ext-ghl:users-list', { locationId: 'x' }, 'locationId');
  });

  it('the JSON Schema names the new channels and their fields', () => {
    const { channels } = protocolJsonSchema() as { channels: Record<string, { properties?: Record<string, unknown>; required?: string[] }> };
    assert.deepEqual(Object.keys(channels['ext-ghl:convs-list']!.properties!).sort(), ['assignedTo', 'contactId', 'lastMessageType', 'limit', 'startAfterDate', 'status']);
    assert.ok('clientMessageId' in channels['ext-ghl:convs-send']!.properties!);
    assert.deepEqual(channels['ext-ghl:convs-star']!.required!.sort(), ['id', 'starred']);
    assert.deepEqual(Object.keys(channels['ext-ghl:convs-poll']!.properties!).sort(), ['limit', 'since']);
  });
});
