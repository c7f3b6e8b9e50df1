import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_DUE_HOUR, parseDuePhrase } from '../../src/time/datePhrase';

// Monday 7 December 2026, 15:30 UTC: 10:30 in New York, 07:30 in Los Angeles, 02:30 on Tuesday in Tokyo.
const NOW = Date.UTC(2026, 11, 7, 15, 30);

const cases: Array<{ zone: string; phrase: string; iso: string }> = [
  { zone: 'America/New_York', phrase: 'tomorrow 9am', iso: '2026-12-08T09:00:00.000-05:00' },
  { zone: 'America/New_York', phrase: 'in 3 days', iso: '2026-12-10T09:00:00.000-05:00' },
  { zone: 'America/New_York', phrase: 'next monday 2pm', iso: '2026-12-14T14:00:00.000-05:00' },
  { zone: 'America/New_York', phrase: 'friday', iso: '2026-12-11T09:00:00.000-05:00' },
  { zone: 'America/Los_Angeles', phrase: 'tomorrow 9am', iso: '2026-12-08T09:00:00.000-08:00' },
  { zone: 'America/Los_Angeles', phrase: 'friday', iso: '2026-12-11T09:00:00.000-08:00' },
  // Already Tuesday in Tokyo: tomorrow is Wednesday there.
  { zone: 'Asia/Tokyo', phrase: 'tomorrow 9am', iso: '2026-12-09T09:00:00.000+09:00' },
  { zone: 'Asia/Tokyo', phrase: 'next monday 2pm', iso: '2026-12-14T14:00:00.000+09:00' },
];

describe('date phrases in the location time zone', () => {
  for (const { zone, phrase, iso } of cases) {
    it(`"${phrase}" in ${zone} is ${iso}`, () => {
      const parsed = parseDuePhrase(phrase, NOW, zone);
      assert.ok(parsed, 'a date was read');
      assert.equal(parsed.iso, iso);
      assert.equal(parsed.at, Date.parse(iso));
    });
  }

  it('a day-only phrase takes the default hour and says so', () => {
    const parsed = parseDuePhrase('friday', NOW, 'America/New_York');
    assert.equal(parsed?.timeGiven, false);
    assert.equal(DEFAULT_DUE_HOUR, 9);
    assert.equal(parseDuePhrase('tomorrow 9am', NOW, 'America/New_York')?.timeGiven, true);
  });

  it('a wall-clock time across a clock change stays on the wall clock', () => {
    // Friday 6 March 2026 in New York; the clocks go forward on Sunday 8 March.
    const friday = Date.UTC(2026, 2, 6, 15, 0);
    assert.equal(parseDuePhrase('next monday 2pm', friday, 'America/New_York')?.iso, '2026-03-09T14:00:00.000-04:00');
  });

  it('text without a date answers null', () => {
    assert.equal(parseDuePhrase('call the seller', NOW, 'America/New_York'), null);
    assert.equal(parseDuePhrase('', NOW, 'Asia/Tokyo'), null);
  });
});
