// Run by test/integration/day-windows.test.ts in a child process with TZ set: what the day windows,
// /today, the briefing and the calendar tool make of the machine's zone when the location's is
// unknown. Prints one JSON object.
import type { ChannelClient } from '../../src/chat/channelClient';
import { ChatService } from '../../src/chat/chatService';
import { runSlashCommand } from '../../src/chat/slashCommands';
import { parseToolCall, runReadTool } from '../../src/chat/toolSet';
import type { CalendarEvent } from '../../src/protocol/responses';
import { machineTimeZone, todayWindow, zoneOrMachine, type TimeWindow } from '../../src/time/dayWindows';
import { startHarness } from './backendHarness';
import { channelClient, parseDataBlock } from './chatTestKit';
import { CLOCK_CHANGE_DAYS, seedAppointments } from './clockChangeDays';

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
        if (channel === 'ext-ghl:cal-agenda') {
          // #18: /today and the briefing read the agenda.
          const { from, to } = payload as { from: number; to: number };
          asked.push({ startTime: from, endTime: to });
          const items = events.filter((e) => Date.parse(e.startTime) >= from && Date.parse(e.startTime) < to);
          return { success: true, data: { items, total: items.length, from: '', to: '', timeZone: locationZone ?? '', fetchedAt: 0, fromCache: false } } as never;
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
  
  /** The briefing, /today and the calendar tool through the backend, for a location GHL gives no zone. */
async function throughTheBackend() {
  let now = 0;
  const clock = () => now;
  const h = await startHarness({ sandbox: { locationTimeZone: '', now: clock, contacts: 5, opportunities: 2, conversations: 1 }, backend: { now: clock } });
  try {
    const days = [];
    for (const day of CLOCK_CHANGE_DAYS) {
      now = day.noon;
      seedAppointments(h.sandbox, [...day.inside, ...day.outside]);
      const briefing = await h.backend.dailyBriefing({ since: null });
      const today = await new ChatService({ client: channelClient(h), now: clock }).send({ message: '/today', model: null, location: { id: h.sandbox.locationId } });
      const parsed = parseToolCall('ghl_calendar_events', {});
      if (!parsed.ok) throw new Error('ghl_calendar_events refused {}');
      const tool = parseDataBlock((await runReadTool(parsed.tool as never, parsed.input, { client: channelClient(h), now: clock })).content);
      days.push({
        date: day.date,
        briefingRows: briefing.split('\n').filter((line) => line.endsWith('| confirmed |')),
        todayReply: today.reply,
        toolRange: tool.range,
        toolTitles: tool.items.map((e: { title: string }) => e.title),
      });
    }
    return { days, location: await h.data('ext-ghl:location-get'), warned: h.logs.filter((line) => line.startsWith('warn GHL gave location')) };
  } finally {
    await h.close();
  }
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
    backend: await throughTheBackend(),
  };
}

main().then(
  (result) => process.stdout.write(JSON.stringify(result)),
  (err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  },
);
