// The days New York's clocks change in 2026, with appointments at the edges of each day, for
// the day-window tests (test/integration/day-windows*.test.ts and the probe they run with TZ set).
import type { SandboxCalendarEvent } from '../sandbox/data';
import type { Sandbox } from '../sandbox/server';

export const NY = 'America/New_York';
const at = (iso: string) => Date.parse(iso);

/** [title, start (UTC), the span New York's clock shows]; every appointment lasts 30 minutes. */
export type Appointment = readonly [title: string, startIso: string, span: string];

export interface ClockChangeDay {
  date: string;
  noon: number;
  /** The calendar day in New York: 23 or 25 hours. */
  window: { startTime: number; endTime: number };
  inside: readonly Appointment[];
  /** Just outside the day, where a 24-hour window from its first midnight reaches or stops short. */
  outside: readonly Appointment[];
}

export const CLOCK_CHANGE_DAYS: readonly ClockChangeDay[] = [
  {
    date: '2026-03-08',
    noon: at('2026-03-08T16:00:00Z'),
    window: { startTime: at('2026-03-08T05:00:00Z'), endTime: at('2026-03-09T04:00:00Z') },
    inside: [
      ['First of the day', '2026-03-08T05:30:00Z', '12:30 AM–1:00 AM'],
      ['Last of the day', '2026-03-09T03:30:00Z', '11:30 PM–12:00 AM'],
    ],
    // Monday 00:30 EDT: inside "midnight EST + 24 h".
    outside: [['Monday early', '2026-03-09T04:30:00Z', '12:30 AM–1:00 AM']],
  },
  {
    date: '2026-11-01',
    noon: at('2026-11-01T17:00:00Z'),
    window: { startTime: at('2026-11-01T04:00:00Z'), endTime: at('2026-11-02T05:00:00Z') },
    inside: [
      ['First of the day', '2026-11-01T04:30:00Z', '12:30 AM–1:00 AM'],
      // Sunday 23:30 EST: after "midnight EDT + 24 h".
      ['Last of the day', '2026-11-02T04:30:00Z', '11:30 PM–12:00 AM'],
    ],
    outside: [['Saturday late', '2026-11-01T03:30:00Z', '11:30 PM–12:00 AM']],
  },
];

/** Replaces the sandbox's appointments with these, all in its first calendar. */
export function seedAppointments(sandbox: Sandbox, appointments: ReadonlyArray<readonly [string, string, ...string[]]>): void {
  const calendar = sandbox.store.calendars[0]!;
  sandbox.store.events.clear();
  for (const [title, startIso] of appointments) {
    const start = at(startIso);
    const event: SandboxCalendarEvent = {
      id: `ev-${start}`,
      title,
      calendarId: calendar.id,
      locationId: sandbox.locationId,
      contactId: null,
      groupId: calendar.groupId,
      appointmentStatus: 'confirmed',
      assignedUserId: 'u',
      users: [],
      notes: '',
      address: '',
      startTime: new Date(start).toISOString(),
      endTime: new Date(start + 30 * 60_000).toISOString(),
      dateAdded: new Date(start).toISOString(),
      dateUpdated: new Date(start).toISOString(),
    };
    sandbox.store.events.set(event.id, event);
  }
}
