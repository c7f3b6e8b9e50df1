// #18: the calendar channels' times as instants and free-slot ranges in GHL's 31-day pieces,
// on the days New York's clocks change.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readInstant } from '../../src/calendar/instants';
import { groupSlotsByDay, splitFreeSlotRange } from '../../src/calendar/slotRanges';
import { zonedIso } from '../../src/time/zonedTimes';

const NY = 'America/New_York';
const at = (iso: string) => Date.parse(iso);

describe('calendar times (#18)', () => {
  it('reads a time without an offset on the zone\'s clock, and one with an offset as it says', () => {
    assert.equal(readInstant('2026-03-09T11:00', NY), at('2026-03-09T15:00:00Z'));
    assert.equal(readInstant('2026-03-06T11:00', NY), at('2026-03-06T16:00:00Z'));
    assert.equal(readInstant('2026-03-09', NY), at('2026-03-09T04:00:00Z'));
    assert.equal(readInstant('2026-03-09T11:00:00-0500', NY), at('2026-03-09T16:00:00Z'));
    assert.equal(readInstant('2026-03-09T11:00:00.5Z', NY), at('2026-03-09T11:00:00.500Z'));
    assert.equal(readInstant(1_773_000_000_000, NY), 1_773_000_000_000);
  });

  it('a skipped wall-clock time is the same time after the jump; a repeated one is the first', () => {
    assert.equal(zonedIso(readInstant('2026-03-08T02:30', NY)!, NY), '2026-03-08T03:30:00-04:00');
    assert.equal(zonedIso(readInstant('2026-11-01T01:30', NY)!, NY), '2026-11-01T01:30:00-04:00');
  });

  it('refuses what names no time', () => {
    for (const bad of ['2026-02-30', '2026-03-09T24:00', '2026-13-01', '2026-03-09T10:00+19:00', 'tomorrow', -1, 1.5]) assert.equal(readInstant(bad, NY), null, String(bad));
  });

  it('splits a range into pieces of at most 31 days, never over 31 × 24 h across the fall-back day', () => {
    const start = at('2026-10-15T04:00:00Z');
    const end = at('2026-12-31T05:00:00Z');
    const pieces = splitFreeSlotRange(start, end, NY);
    assert.equal(pieces[0]!.startTime, start);
    assert.equal(pieces.at(-1)!.endTime, end);
    for (const [i, piece] of pieces.entries()) {
      assert.ok(piece.endTime - piece.startTime <= 31 * 86_400_000, `piece ${i}`);
      if (i > 0) assert.equal(piece.startTime, pieces[i - 1]!.endTime);
    }
    assert.equal(pieces.length, 3);
    assert.equal(splitFreeSlotRange(start, start + 14 * 86_400_000, NY).length, 1);
  });

  it('groups slots by the zone\'s calendar day, once each, in the zone\'s offset', () => {
    const slots = [at('2026-11-02T15:00:00Z'), at('2026-10-31T14:00:00Z'), at('2026-11-02T15:00:00Z'), at('2026-11-03T04:30:00Z')];
    assert.deepEqual(groupSlotsByDay(slots, 0, at('2026-12-01T00:00:00Z'), NY), [
      { date: '2026-10-31', slots: ['2026-10-31T10:00:00-04:00'] },
      { date: '2026-11-02', slots: ['2026-11-02T10:00:00-05:00', '2026-11-02T23:30:00-05:00'] },
    ]);
  });
});
