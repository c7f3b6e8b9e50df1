/**
 * The location's details (its time zone counts every "today") are kept in the cache: a restart,
 * another window or the MCP server reads them there without asking GHL; they are read again after
 * a day, and while GHL cannot answer the cached ones, however old, beat the machine's zone.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LOCATION_DETAILS_MAX_AGE_MS } from '../../src/handlers/locationDetails';
import { startHarness } from '../helpers/backendHarness';
import { virtualClock } from '../helpers/virtualClock';

const ROUTE = 'GET /locations/{locationId}';

describe('location details in the cache', () => {
  it('a restart answers from the cache without a request; after a day it asks GHL again; offline the cached zone stands', async () => {
    // The backend's clock and its retry waits: a day passes, and GHL's 503s cost no wall time.
    const clock = virtualClock(Date.parse('2026-03-07T12:00:00Z'));
    const h = await startHarness({ sandbox: { contacts: 5, opportunities: 0, locationTimeZone: 'Asia/Kolkata' }, backend: { now: clock.now, sleep: clock.sleep } });
    try {
      const expected = { locationId: h.sandbox.locationId, name: 'Sandbox Realty', timeZone: 'Asia/Kolkata', timeZoneSource: 'location' };
      assert.deepEqual(await h.data('ext-ghl:location-get'), expected);
      assert.equal(h.sandbox.stats.byRoute[ROUTE], 1);
      await h.backend.flush();

      await h.restart();
      h.sandbox.resetStats();
      assert.deepEqual(await h.data('ext-ghl:location-get'), expected, 'from the cache');
      assert.equal(h.sandbox.stats.byRoute[ROUTE] ?? 0, 0, 'no request after a restart');

      // A day later the location is read again, and its new zone is kept.
      h.sandbox.store.location.timezone = 'Europe/Lisbon';
      await clock.sleep(LOCATION_DETAILS_MAX_AGE_MS + 1);
      await h.restart();
      assert.equal((await h.data('ext-ghl:location-get')).timeZone, 'Europe/Lisbon');
      assert.equal(h.sandbox.stats.byRoute[ROUTE], 1);
      await h.backend.flush();

      // Another day on, GHL fails: the cached zone, not the machine's.
      await clock.sleep(LOCATION_DETAILS_MAX_AGE_MS + 1);
      await h.restart();
      h.sandbox.injectFault({ method: 'GET', path: '/locations/{locationId}', status: 503, times: 20 });
      assert.deepEqual(await h.data('ext-ghl:location-get'), { ...expected, timeZone: 'Europe/Lisbon' });
    } finally {
      await h.close();
    }
  });

  it('without cached details a failed read is an error, and nothing is kept', async () => {
    const h = await startHarness({ sandbox: { contacts: 5, opportunities: 0 } });
    try {
      h.sandbox.injectFault({ method: 'GET', path: '/locations/{locationId}', status: 401 });
      const failed = await h.backend.request('ext-ghl:location-get', {});
      assert.equal(failed.success, false);
      assert.equal((await h.data('ext-ghl:location-get')).timeZone, 'America/Chicago', 'the next call asks again');
    } finally {
      await h.close();
    }
  });
});
