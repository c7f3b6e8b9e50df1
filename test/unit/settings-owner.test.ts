import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createSettingsDispatcher } from '../../src/handlers/settings';
import { SECRET_TOKEN_KEY, SETTING_DEFAULT_PIPELINE, SETTING_LOCATION_ID } from '../../src/protocol/settings';
import { EXT_GHL_IPC } from '../../src/protocol/channels';
import { CHANNEL_MUTATIONS, dataChangedBy } from '../../src/protocol/mutations';
import { REQUEST_CHANNELS, isRequestChannel } from '../../src/protocol/requests';
import { MemorySecrets, MemorySettings } from '../helpers/backendHarness';

describe('settings answered by their owner', () => {
  const stores = () => ({ secrets: new MemorySecrets(), settings: new MemorySettings() });

  it('stores the token as a secret and the location under its VS Code key', async () => {
    const { secrets, settings } = stores();
    const owner = createSettingsDispatcher({ secrets, settings });
    const response = await owner.dispatch(EXT_GHL_IPC.SETTINGS_SET, { token: '  pit-0123456789abcdef  ', locationId: 'loc-1', defaultPipeline: 'Sales' });
    assert.deepEqual(response, { success: true, data: { token: 'pit-…cdef', locationId: 'loc-1', defaultPipeline: 'Sales', configured: true, rentcastApiKey: null } });
    assert.equal(secrets.values.get(SECRET_TOKEN_KEY), 'pit-0123456789abcdef');
    assert.equal(settings.get(SETTING_LOCATION_ID), 'loc-1');
    assert.equal(settings.get(SETTING_DEFAULT_PIPELINE), 'Sales');
    assert.equal(SETTING_LOCATION_ID, 'ghl.locationId');
    const cleared = await owner.dispatch(EXT_GHL_IPC.SETTINGS_SET, { defaultPipeline: '' });
    assert.equal(cleared.success && (cleared.data as { defaultPipeline: string | null }).defaultPipeline, null);
  });

  it('validates like the core: a short token or an unknown key is a VALIDATION error and changes nothing', async () => {
    const { secrets, settings } = stores();
    const owner = createSettingsDispatcher({ secrets, settings });
    const short = await owner.dispatch(EXT_GHL_IPC.SETTINGS_SET, { token: 'x' });
    assert.equal(!short.success && short.error.code, 'VALIDATION');
    assert.deepEqual(!short.success && short.error.details, { fields: [{ field: 'token', message: 'token looks too short' }] });
    const extra = await owner.dispatch(EXT_GHL_IPC.SETTINGS_GET, { extra: 1 });
    assert.equal(!extra.success && extra.error.code, 'VALIDATION');
    assert.equal(secrets.values.size + settings.values.size, 0);
  });

  it('answers no other channel', async () => {
    const owner = createSettingsDispatcher(stores());
    const other = await owner.dispatch(EXT_GHL_IPC.CONTACTS_LIST, {});
    assert.equal(!other.success && other.error.code, 'UNKNOWN_CHANNEL');
  });
});

describe('which channels change cached data', () => {
  it('names request channels only', () => {
    for (const channel of Object.keys(CHANNEL_MUTATIONS)) assert.ok(isRequestChannel(channel), channel);
  });

  it('lists every channel that writes: creates, updates, deletes, syncs and settings-set', () => {
    // Conversations and (#17) notes are live from GHL, never cached.
    const writers = REQUEST_CHANNELS.filter((c) => /-(create|update|update-status|delete|sync)$/.test(c) && !c.startsWith('ext-ghl:convs') && !c.startsWith('ext-ghl:notes'));
    assert.ok(writers.length >= 9);
    for (const channel of [...writers, EXT_GHL_IPC.SETTINGS_SET]) assert.ok(dataChangedBy(channel).length > 0, channel);
    assert.deepEqual(dataChangedBy(EXT_GHL_IPC.OPPS_SYNC), ['opportunities', 'pipelines']);
    assert.deepEqual(dataChangedBy(EXT_GHL_IPC.CONTACTS_LIST), []);
  });
});
