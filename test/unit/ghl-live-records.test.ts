// Calendars, their events and custom fields are read through their schemas at the GHL edge: a
// record the protocol cannot describe makes the whole answer an API error, never a shorter list
// or a record that only claims to be a CalendarEvent.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readCalendarEvents, readCalendars, readCustomFields } from '../../src/ghl/liveRecords';
import { ExtGhlError } from '../../src/protocol/envelope';

const event = { id: 'ev1', calendarId: 'cal1', title: 'Viewing', startTime: '2026-03-08T10:00:00-05:00', endTime: '2026-03-08T10:30:00-05:00' };

function apiError(read: () => unknown, message: RegExp): void {
  assert.throws(read, (err: unknown) => err instanceof ExtGhlError && err.code === 'API' && message.test(err.message));
}

describe('GHL live records', () => {
  it('reads calendar events with the fields the protocol names, and keeps the rest as GHL sent it', () => {
    const [read] = readCalendarEvents([{ ...event, address: null, assignedUserId: 'u1' }]);
    assert.deepEqual(read, { ...event, assignedUserId: 'u1' });
  });

  it('an event without a readable start or a calendar fails the whole answer', () => {
    apiError(() => readCalendarEvents([event, { ...event, id: 'ev2', startTime: 'soon' }]), /1 of 2 calendar events .*#2: startTime is not a date/);
    apiError(() => readCalendarEvents([{ ...event, calendarId: undefined }]), /#1: no calendarId/);
    apiError(() => readCalendarEvents({ events: [] }), /no calendar events list/);
  });

  it('a calendar or a custom field needs its id and name', () => {
    assert.deepEqual(readCalendars([{ id: 'cal1', name: 'Showings', isActive: 'yes' }]), [{ id: 'cal1', name: 'Showings' }]);
    apiError(() => readCalendars([{ id: 'cal1' }]), /#1: no name/);
    assert.deepEqual(readCustomFields([{ id: 'f1', name: 'ARV', fieldKey: 'opportunity.arv', dataType: 'MONETORY' }]), [
      { id: 'f1', name: 'ARV', fieldKey: 'opportunity.arv', dataType: 'MONETORY' },
    ]);
    apiError(() => readCustomFields([{ name: 'ARV' }]), /#1: no id/);
  });
});
