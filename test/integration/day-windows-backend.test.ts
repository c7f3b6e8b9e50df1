// The briefing, /today, the calendar tool and cal-events-list's default week through the real
// backend and the GHL sandbox, on the days New York's clocks change (2026-03-08: 23 h,
// 2026-11-01: 25 h), with the clock injected into both and the location's zone read from GHL.
// Each day has appointments just inside and just outside its midnights, so a 24-hour window
// or the machine's zone lists the wrong ones.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ChatService } from '../../src/chat/chatService';
import { parseToolCall, runReadTool } from '../../src/chat/toolSet';
import { startHarness, type Harness } from '../helpers/backendHarness';
import { CLOCK_CHANGE_DAYS, NY, seedAppointments } from '../helpers/clockChangeDays';
import { channelClient, parseDataBlock } from '../helpers/chatTestKit';

const at = (iso: string) => Date.parse(iso);

describe('day windows through the backend, in the location\'s zone', () => {
  let h: Harness;
  let now = CLOCK_CHANGE_DAYS[0]!.noon;
  const clock = () => now;

  before(async () => {
    h = await startHarness({
      sandbox: { locationTimeZone: NY, now: clock, contacts: 20, opportunities: 5, conversations: 1 },
      backend: { now: clock },
    });
  });
  after(async () => h.close());

  for (const day of CLOCK_CHANGE_DAYS) {
    describe(`${day.date} (${(day.window.endTime - day.window.startTime) / 3_600_000} hours in New York)`, () => {
      before(() => {
        now = day.noon;
        seedAppointments(h.sandbox, [...day.inside, ...day.outside]);
      });

      it('the briefing lists the appointments of the location\'s calendar day, on its clock', async () => {
        const briefing = await h.backend.dailyBriefing({ since: null, timeZone: NY });
        for (const [title, , span] of day.inside) assert.match(briefing, new RegExp(`\\| ${span} \\| ${title} \\| confirmed \\|`));
        for (const [title] of day.outside) assert.doesNotMatch(briefing, new RegExp(title));
        assert.match(briefing, /_Times in America\/New_York\._/);
      });

      it('/today lists the same appointments', async () => {
        const service = new ChatService({ client: channelClient(h), now: clock, timeZone: NY });
        const { reply } = await service.send({ message: '/today', model: null, location: { id: h.sandbox.locationId } });
        assert.match(reply, /^Today's appointments \(2\)\. Times in America\/New_York\./);
        for (const [title, , span] of day.inside) assert.match(reply, new RegExp(`- ${span} \\*\\*${title}\\*\\*`));
        for (const [title] of day.outside) assert.doesNotMatch(reply, new RegExp(title));
      });

      it('the calendar tool reads the whole day, today by default and by its date', async () => {
        for (const input of [{}, { from: day.date }]) {
          const parsed = parseToolCall('ghl_calendar_events', input);
          assert.ok(parsed.ok);
          const outcome = await runReadTool(parsed.tool as never, parsed.input, { client: channelClient(h), now: clock, userTimeZone: NY });
          const data = parseDataBlock(outcome.content);
          assert.deepEqual(data.range, { from: new Date(day.window.startTime).toISOString(), to: new Date(day.window.endTime).toISOString(), timeZone: NY });
          assert.deepEqual(data.items.map((e: { title: string }) => e.title), day.inside.map(([title]) => title));
          assert.match(outcome.summary, new RegExp(`from ${day.date} — 2 events`));
        }
      });
    });
  }

  it('cal-events-list without an end lists 7 calendar days: a week from Saturday noon EST ends Saturday noon EDT', async () => {
    now = at('2026-03-07T17:00:00Z');
    seedAppointments(h.sandbox, [
      ['Next Saturday 11:30 EDT', '2026-03-14T15:30:00Z'],
      // 12:30 EDT is before "start + 7 × 24 h" (13:00 EDT) but after the same time a week on.
      ['Next Saturday 12:30 EDT', '2026-03-14T16:30:00Z'],
    ]);
    const week = await h.data('ext-ghl:cal-events-list', { startTime: now });
    assert.deepEqual(week.items.map((e: { title: string }) => e.title), ['Next Saturday 11:30 EDT']);
  });

  it('a location in another zone than the reader\'s: Kolkata\'s Monday, with New York\'s Sunday clock beside it', async () => {
    h.sandbox.store.location.timezone = 'Asia/Kolkata';
    await h.data('ext-ghl:connection-test'); // reads the location afresh
    assert.equal((await h.data('ext-ghl:location-get')).timeZone, 'Asia/Kolkata');
    now = at('2026-03-08T20:00:00Z'); // Sunday 16:00 EDT, Monday 01:30 IST
    seedAppointments(h.sandbox, [
      ['Kolkata morning', '2026-03-09T03:30:00Z'], // Monday 09:00 IST, Sunday 23:30 EDT
      ['New York morning', '2026-03-08T13:00:00Z'], // Sunday 09:00 EDT, Sunday 18:30 IST
    ]);
    const briefing = await h.backend.dailyBriefing({ since: null, timeZone: NY });
    assert.match(briefing, /# Daily briefing — Monday, March 9, 2026/);
    assert.match(briefing, /\| 9:00 AM–9:30 AM \(Sun 11:30 PM–12:00 AM your time\) \| Kolkata morning \|/);
    assert.doesNotMatch(briefing, /New York morning/);
    assert.match(briefing, /_Times in the location's zone \(Asia\/Kolkata\); yours \(America\/New_York\) in brackets\._/);

    const service = new ChatService({ client: channelClient(h), now: clock, timeZone: NY });
    const { reply } = await service.send({ message: '/today', model: null, location: { id: h.sandbox.locationId } });
    assert.match(reply, /- 9:00 AM–9:30 AM \(Sun 11:30 PM–12:00 AM your time\) \*\*Kolkata morning\*\*/);
    assert.doesNotMatch(reply, /New York morning/);
  });

  it('a zone GHL names that Intl does not know falls back to the machine\'s, with a warning in the log', async () => {
    h.sandbox.store.location.timezone = 'Mars/Olympus_Mons';
    const details = await h.data('ext-ghl:connection-test').then(() => h.data('ext-ghl:location-get'));
    assert.equal(details.timeZoneSource, 'machine');
    assert.equal(details.timeZone, Intl.DateTimeFormat().resolvedOptions().timeZone);
    assert.ok(h.logs.some((line) => /^warn GHL gave location .* "Mars\/Olympus_Mons", which is not a known time zone; days are counted in the machine's zone/.test(line)));
  });
});
