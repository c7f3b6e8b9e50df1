// Run by test/unit/day-windows.test.ts in a child process with TZ set: what the day windows,
// /today and the chat's zones make of the machine's zone. Prints one JSON object.
import type { ChannelClient } from '../../src/chat/channelClient';
import { runSlashCommand } from '../../src/chat/slashCommands';
import type { CalendarEvent } from '../../src/protocol/responses';
import { machineTimeZone, todayWindow, zoneOrMachine, type TimeWindow } from '../../src/time/dayWindows';

const event = (title: string, startIso: string): CalendarEvent => {
  const start = Date.parse(startIso);
  return { id: title, calendarId: 'cal', title, startTime: new Date(start).toISOString(), endTime: new Date(start + 30 * 60_000).toISOString() };
  };
  
  /** A backend that answers the location's zone (or fails to, like GHL offline) and the events in the window asked for. */
  function fakeBackend(locationZone: string | null, events: CalendarEvent[]): { client: ChannelClient; asked: TimeWindow[] } {
    const asked: TimeWindow[] = [];
    const client: ChannelClient = {
      async request(channel, payload) {
        if (channel === 'ext-ghl:location-get') {
          return locationZone
            ? ({ success: true, data: { locationId: 'loc', name: 'Loc', timeZone: locationZone, timeZoneSource: 'location' } } as never)
            : ({ success: false, error: { code: 'NETWORK', message: 'offline' } } as never);
        }
        if (channel === 'ext-ghl:cal-events-list') {
          const { startTime, endTime } = payload as TimeWindow;
          asked.push({ startTime, endTime });
          const items = events.filter((e) => Date.parse(e.startTime) >= startTime && Date.parse(e.startTime) < endTime);
          return { success: true, data: { items, total: items.length } } as never;
        }
        if (channel === 'ext-ghl:cals-list') return { success: true, data: { items: [], total: 0 } } as never;
        return { success: false, error: { code: 'INTERNAL', message: `unexpected ${channel}` } } as never;
      },
  };
  return { client, asked };
  }
  
  async function today(locationZone: string | null, now: number, events: CalendarEvent[]) {
    const { client, asked } = fakeBackend(locationZone, events);
    const answer = await runSlashCommand({ name: 'today', arg: '' }, { client, now: () => now });
  return { asked: asked[0], reply: answer.reply };
  }
  
  async function main() {
    const machine = zoneOrMachine(undefined);
  return {
    machineZone: machineTimeZone(),
    fallbackWindows: [todayWindow(Date.parse('2026-03-08T16:00:00Z'), machine), todayWindow(Date.parse('2026-11-01T16:00:00Z'), machine)],
    offline: await today(null, Date.parse('2026-03-08T16:00:00Z'), [
      event('Early showing', '2026-03-08T05:30:00Z'),
      event('Late showing', '2026-03-09T03:30:00Z'),
      event('Monday showing', '2026-03-09T04:30:00Z'),
    ]),
    sydney: await today('Australia/Sydney', Date.parse('2026-11-01T16:00:00Z'), [event('Sydney showing', '2026-11-01T23:30:00Z')]),
  };
}

main().then(
  (result) => process.stdout.write(JSON.stringify(result)),
  (err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  },
);
