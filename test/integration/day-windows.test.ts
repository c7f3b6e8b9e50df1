// Calendar days in a named zone (src/time/dayWindows.ts) on the days New York's clocks change,
// 2026-03-08 (23 h) and 2026-11-01 (25 h), in zones other than the machine's, and the machine's
// zone as the fallback (in a child process started with TZ=America/New_York).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { ChannelClient } from '../../src/chat/channelClient';
import { daysSinceChange, findOpportunities } from '../../src/chat/tools/crmQueries';
import type { Opportunity } from '../../src/protocol/entities';
import {
  addCalendarDays,
  calendarDate,
  calendarDateWindow,
  formatSpan,
  formatTime,
  isTimeZone,
  nextDaysWindow,
  startOfDayIn,
  todayWindow,
  tomorrowWindow,
  wholeDaysBetween,
  zoneOrMachine,
} from '../../src/time/dayWindows';
import { CLOCK_CHANGE_DAYS, NY } from '../helpers/clockChangeDays';

const HOUR = 3_600_000;
const at = (iso: string) => Date.parse(iso);
const hours = (w: { startTime: number; endTime: number }) => (w.endTime - w.startTime) / HOUR;

describe('day windows in America/New_York', () => {
  it('2026-03-08 is 23 hours: midnight EST to midnight EDT', () => {
    const today = todayWindow(at('2026-03-08T16:00:00Z'), NY);
    assert.deepEqual(today, { startTime: at('2026-03-08T05:00:00Z'), endTime: at('2026-03-09T04:00:00Z') });
    assert.equal(hours(today), 23);
  });

  it('2026-11-01 is 25 hours: midnight EDT to midnight EST', () => {
    const today = todayWindow(at('2026-11-01T16:00:00Z'), NY);
    assert.deepEqual(today, { startTime: at('2026-11-01T04:00:00Z'), endTime: at('2026-11-02T05:00:00Z') });
    assert.equal(hours(today), 25);
  });

  it('tomorrow, seen the evening before a clock change, is the short or the long day', () => {
    assert.deepEqual(tomorrowWindow(at('2026-03-08T02:00:00Z'), NY), todayWindow(at('2026-03-08T16:00:00Z'), NY), 'Sat 21:00 EST → Sunday 8 March');
    assert.equal(hours(tomorrowWindow(at('2026-10-31T22:00:00Z'), NY)), 25);
  });

  it('the next 7 days end at a midnight, 167 or 169 hours after the first', () => {
    const spring = nextDaysWindow(at('2026-03-05T17:00:00Z'), 7, NY);
    assert.deepEqual(spring, { startTime: at('2026-03-05T05:00:00Z'), endTime: at('2026-03-12T04:00:00Z') });
    assert.equal(hours(spring), 7 * 24 - 1);
    const fall = nextDaysWindow(at('2026-10-29T16:00:00Z'), 7, NY);
    assert.deepEqual(fall, { startTime: at('2026-10-29T04:00:00Z'), endTime: at('2026-11-05T05:00:00Z') });
    assert.equal(hours(fall), 7 * 24 + 1);
  });

  it('a YYYY-MM-DD names a day on the zone\'s calendar; a date that does not exist is null', () => {
    assert.deepEqual(calendarDateWindow('2026-11-01', 1, NY), { startTime: at('2026-11-01T04:00:00Z'), endTime: at('2026-11-02T05:00:00Z') });
    assert.equal(hours(calendarDateWindow('2026-03-08', 2, NY)!), 47);
    assert.equal(calendarDateWindow('2026-02-30', 1, NY), null, 'Date would roll it over into March');
    assert.equal(calendarDateWindow('next tuesday', 1, NY), null);
    assert.equal(calendarDate(at('2026-03-09T03:30:00Z'), NY), '2026-03-08');
  });

  it('whole days count the same wall-clock time on a later calendar day, not 24-hour blocks', () => {
    // Saturday noon EST to Sunday noon EDT: 23 hours, one day.
    assert.equal(wholeDaysBetween(at('2026-03-07T17:00:00Z'), at('2026-03-08T16:00:00Z'), NY), 1);
    // Saturday 23:30 EDT to Sunday 23:00 EST: 24.5 hours, but 23:30 has not come round again.
    assert.equal(wholeDaysBetween(at('2026-11-01T03:30:00Z'), at('2026-11-02T04:00:00Z'), NY), 0);
    assert.equal(addCalendarDays(at('2026-03-08T16:00:00Z'), -7, NY), at('2026-03-01T17:00:00Z'), 'noon EDT → noon EST a week before');
  });

  it('deal ages and the stale filter use calendar days in the given zone', async () => {
    const now = at('2026-03-08T16:00:00Z');
    const updatedAWeekAgo = { updatedAt: '2026-03-01T17:00:00.000Z' } as Opportunity;
    assert.equal(daysSinceChange(updatedAWeekAgo, { now, timeZone: NY }), 7, '167 elapsed hours are 7 calendar days');

    const asked: unknown[] = [];
    const client: ChannelClient = {
      async request(channel, payload) {
        if (channel === 'ext-ghl:opps-list') asked.push(payload);
        const data = channel === 'ext-ghl:opps-list' ? { items: [], total: 0, totalValue: 0 } : { items: [], total: 0 };
        return { success: true, data } as never;
      },
    };
    await findOpportunities(client, { staleDays: 7 }, { now, timeZone: NY });
    assert.equal((asked[0] as { updatedBefore: number }).updatedBefore, at('2026-03-01T17:00:00Z'), 'noon a week before, not 7 × 24 h');
  });
});

describe('day windows in zones other than the machine\'s', () => {
  it('Asia/Kolkata: the day already begun there, whatever the process zone', () => {
    // 20:00 UTC on 8 March is 01:30 on 9 March in Kolkata (UTC+5:30, no clock changes).
    assert.deepEqual(todayWindow(at('2026-03-08T20:00:00Z'), 'Asia/Kolkata'), { startTime: at('2026-03-08T18:30:00Z'), endTime: at('2026-03-09T18:30:00Z') });
  });

  it('Australia/Sydney has its own 25- and 23-hour days (5 April, 4 October 2026)', () => {
    assert.equal(hours(calendarDateWindow('2026-04-05', 1, 'Australia/Sydney')!), 25);
    assert.equal(hours(calendarDateWindow('2026-10-04', 1, 'Australia/Sydney')!), 23);
    assert.equal(startOfDayIn(at('2026-04-05T15:00:00Z'), 'Australia/Sydney'), at('2026-04-05T14:00:00Z'), 'Monday 6 April starts at 14:00 UTC (AEST, +10)');
  });

  it('times show the location\'s clock, and the reader\'s too when the zones differ', () => {
    const start = at('2026-03-09T03:30:00Z');
    const end = at('2026-03-09T04:00:00Z');
    assert.equal(formatSpan(start, end, { location: NY, user: NY }), '11:30 PM–12:00 AM');
    assert.equal(formatTime(start, { location: 'Asia/Kolkata', user: 'Asia/Kolkata' }), '9:00 AM');
    // The reader in New York is still on Sunday.
    assert.equal(formatSpan(start, end, { location: 'Asia/Kolkata', user: NY }), '9:00 AM–9:30 AM (Sun 11:30 PM–12:00 AM your time)');
    assert.equal(formatTime(at('2026-03-09T14:00:00Z'), { location: 'Asia/Kolkata', user: NY }), '7:30 PM (10:00 AM your time)');
    assert.equal(formatSpan(NaN, end, { location: NY, user: NY }), '—', 'a bad event time is a dash, not a RangeError');
  });

  it('GHL\'s legacy zone names count; an unknown one falls back to the machine\'s and says so', () => {
    assert.ok(isTimeZone('US/Central'), 'the spec\'s own example');
    assert.equal(zoneOrMachine('Asia/Kolkata'), 'Asia/Kolkata');
    const said: string[] = [];
    const zone = zoneOrMachine('Mars/Olympus_Mons', (message) => said.push(message));
    assert.equal(zone, Intl.DateTimeFormat().resolvedOptions().timeZone);
    assert.match(said[0] ?? '', /"Mars\/Olympus_Mons" is not a known time zone; days are counted in the machine's zone/);
    assert.equal(zoneOrMachine(undefined, (message) => said.push(message)), zone);
    assert.equal(said.length, 1, 'no zone at all is no news');
  });
});

describe('the machine\'s zone as the fallback (child process, TZ=America/New_York)', () => {
  it('counts /today, the briefing and the calendar tool in the machine\'s zone when the location\'s is unknown, and shows both clocks when it is known', () => {
    const probe = path.join(import.meta.dirname, '../helpers/machineZoneProbe.ts');
    const run = spawnSync(process.execPath, ['--import', 'tsx', probe], {
      env: { ...process.env, TZ: NY },
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.equal(run.status, 0, run.stderr);
    const result = JSON.parse(run.stdout);
    assert.equal(result.machineZone, NY);
    assert.deepEqual(result.fallbackWindows, [
      { startTime: at('2026-03-08T05:00:00Z'), endTime: at('2026-03-09T04:00:00Z') },
      { startTime: at('2026-11-01T04:00:00Z'), endTime: at('2026-11-02T05:00:00Z') },
    ]);
    // GHL unreachable: /today asks for New York's 23-hour day and shows New York's clock alone.
    assert.deepEqual(result.offline.asked, { startTime: at('2026-03-08T05:00:00Z'), endTime: at('2026-03-09T04:00:00Z') });
    assert.match(result.offline.reply, /Times in America\/New_York\./);
    assert.match(result.offline.reply, /- 12:30 AM–1:00 AM \*\*Early showing\*\*/);
    assert.match(result.offline.reply, /- 11:30 PM–12:00 AM \*\*Late showing\*\*/);
    assert.doesNotMatch(result.offline.reply, /Monday showing/, 'Monday 00:30 EDT is not on Sunday 8 March');
    // A Sydney location read by a user in New York: Sydney's Monday, New York's clock in brackets.
    assert.deepEqual(result.sydney.asked, { startTime: at('2026-11-01T13:00:00Z'), endTime: at('2026-11-02T13:00:00Z') });
    assert.match(result.sydney.reply, /Times in the location's zone \(Australia\/Sydney\); yours \(America\/New_York\) in brackets\./);
    assert.match(result.sydney.reply, /- 10:30 AM–11:00 AM \(Sun 6:30 PM–7:00 PM your time\) \*\*Sydney showing\*\*/);

    // Through the backend, for a location GHL gives no zone: New York's clock-change days.
    assert.equal(result.backend.location.timeZone, NY);
    assert.equal(result.backend.location.timeZoneSource, 'machine');
    assert.equal(result.backend.warned.length, 1, 'one warning: the location is read once');
    for (const day of CLOCK_CHANGE_DAYS) {
      const seen = result.backend.days.find((d: { date: string }) => d.date === day.date);
      assert.deepEqual(seen.briefingRows, day.inside.map(([title, , span]) => `| ${span} | ${title} | confirmed |`), `${day.date} briefing`);
      assert.match(seen.todayReply, /^Today's appointments \(2\)\. Times in America\/New_York\./, `${day.date} /today`);
      for (const [title, , span] of day.inside) assert.match(seen.todayReply, new RegExp(`- ${span} \\*\\*${title}\\*\\*`));
      assert.deepEqual(seen.toolRange, { from: new Date(day.window.startTime).toISOString(), to: new Date(day.window.endTime).toISOString(), timeZone: NY });
      assert.deepEqual(seen.toolTitles, day.inside.map(([title]) => title), `${day.date} calendar tool`);
    }
  });
});
