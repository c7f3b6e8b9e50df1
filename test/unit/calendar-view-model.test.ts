// #18: the Calendar view's sections, the slot picker's rows and the reminders' plan, pure, on
// the days New York's clocks change and with a reader in another zone.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { agendaSections, agendaSpan } from '../../src/calendar/agendaSections';
import { dueReminders, nextReminderAt, reminderKey } from '../../src/calendar/reminderPlan';
import { slotRows } from '../../src/calendar/slotLabels';

const NY = 'America/New_York';
const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();

describe('Calendar view model (#18)', () => {
  it('Friday: today, tomorrow, the weekend\'s Sunday as this week, next week Monday to Monday, across the spring-forward Sunday', () => {
    const sections = agendaSections(at('2026-03-06T17:00:00Z'), NY);
    assert.deepEqual(sections.map((s) => [s.id, iso(s.window.startTime), iso(s.window.endTime)]), [
      ['today', '2026-03-06T05:00:00.000Z', '2026-03-07T05:00:00.000Z'],
      ['tomorrow', '2026-03-07T05:00:00.000Z', '2026-03-08T05:00:00.000Z'],
      ['thisWeek', '2026-03-08T05:00:00.000Z', '2026-03-09T04:00:00.000Z'], // Sunday: 23 hours
      ['nextWeek', '2026-03-09T04:00:00.000Z', '2026-03-16T04:00:00.000Z'],
    ]);
    assert.deepEqual(agendaSpan(sections), { startTime: at('2026-03-06T05:00:00Z'), endTime: at('2026-03-16T04:00:00Z') });
  });

  it('Saturday and Sunday: no empty "this week"; on Sunday next week starts after tomorrow', () => {
    assert.deepEqual(agendaSections(at('2026-03-07T17:00:00Z'), NY).map((s) => s.id), ['today', 'tomorrow', 'nextWeek']);
    const sunday = agendaSections(at('2026-03-08T17:00:00Z'), NY);
    assert.deepEqual(sunday.map((s) => s.id), ['today', 'tomorrow', 'nextWeek']);
    assert.equal(sunday[2]!.window.startTime, sunday[1]!.window.endTime);
  });

  it('slot rows: a heading per day, "Mon Mar 9 · 9:00 AM", the reader\'s clock beside it when it differs', () => {
    const rows = slotRows([{ date: '2026-03-09', slots: ['2026-03-09T09:00:00-04:00', '2026-03-09T21:30:00-04:00'] }, { date: '2026-03-10', slots: [] }], { location: NY, user: 'Europe/Berlin' });
    assert.deepEqual(rows, [
      { kind: 'day', label: 'Mon Mar 9' },
      { kind: 'slot', label: 'Mon Mar 9 · 9:00 AM', description: '2:00 PM your time', slot: '2026-03-09T09:00:00-04:00' },
      { kind: 'slot', label: 'Mon Mar 9 · 9:30 PM', description: 'Tue Mar 10 2:30 AM your time', slot: '2026-03-09T21:30:00-04:00' },
    ]);
    assert.equal(slotRows([{ date: '2026-03-09', slots: ['2026-03-09T09:00:00-04:00'] }], { location: NY, user: NY })[1]!.kind, 'slot');
    assert.equal((slotRows([{ date: '2026-03-09', slots: ['2026-03-09T09:00:00-04:00'] }], { location: NY, user: NY })[1] as { description?: string }).description, undefined);
  });

  it('reminders: due within the lead, once per time, none for cancelled or past ones; the next wake-up', () => {
    const events = [
      { id: 'a', startTime: '2026-03-09T14:10:00Z', appointmentStatus: 'confirmed' },
      { id: 'b', startTime: '2026-03-09T14:30:00Z', appointmentStatus: 'new' },
      { id: 'c', startTime: '2026-03-09T14:05:00Z', appointmentStatus: 'cancelled' },
      { id: 'd', startTime: '2026-03-09T13:59:00Z', appointmentStatus: 'confirmed' },
    ];
    const now = at('2026-03-09T14:00:00Z');
    assert.deepEqual(dueReminders(events, now, 10, new Set()).map((e) => e.id), ['a']);
    assert.deepEqual(dueReminders(events, now, 10, new Set([reminderKey(events[0]!)])), []);
    assert.equal(nextReminderAt(events, now, 10, new Set([reminderKey(events[0]!)])), at('2026-03-09T14:20:00Z'));
    assert.deepEqual(dueReminders(events, now, 0, new Set()), []);
    assert.equal(nextReminderAt(events, now, 0, new Set()), null);
    const moved = { ...events[0]!, startTime: '2026-03-09T14:08:00Z' };
    assert.deepEqual(dueReminders([moved], now, 10, new Set([reminderKey(events[0]!)])).map((e) => e.id), ['a']);
  });
});
