import { makeContact } from '../helpers/fixtures';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildDailyBriefing } from '../../src/briefing/dailyBriefing';
import { md } from '../../src/format';
import type { Contact, Opportunity, Task } from '../../src/protocol/entities';

const UTC = { location: 'UTC', user: 'UTC' };
const contact = (name: string): Contact => makeContact(name, { locationId: 'L', name, email: `${name.length}@x.io`, syncedAt: 0 });

describe('daily briefing', () => {
  const base = {
    now: new Date('2026-11-25T15:00:00Z'),
    since: null,
    newContacts: { total: 12, newest: [contact('Ada Lovelace'), contact('[evil](http://x) <img src=x onerror=alert(1)>')] },
    pipelines: [
      {
        pipeline: { id: 'p', locationId: 'L', name: 'Sales', syncedAt: 0, stages: [{ id: 's1', name: 'New', position: 0 }, { id: 's2', name: 'Won?', position: 1 }] },
        stages: [{ stageId: 's1', count: 3, totalValue: 1500 }],
      },
    ],
    openOpportunities: { count: 3, totalValue: 1500, biggest: [{ name: 'Big | deal', monetaryValue: 1000, contactName: 'Bo' } as Opportunity] },
    events: [{ id: 'e', calendarId: 'c', title: 'Showing at 12 Elm', startTime: '2026-11-25T16:00:00Z', endTime: '2026-11-25T16:30:00Z', appointmentStatus: 'confirmed' }],
  };

  it('lists appointments, new contacts and open value per stage', () => {
    const text = buildDailyBriefing(base, UTC);
    assert.match(text, /# Daily briefing — Wednesday, November 25, 2026/);
    assert.match(text, /\| 4:00 PM–4:30 PM \| Showing at 12 Elm \| confirmed \|/);
    assert.match(text, /\*\*12\*\* new contacts/);
    assert.match(text, /…and 10 more/);
    assert.match(text, /\| New \| 3 \| \$1,500 \|/);
    assert.match(text, /\| Won\? \| 0 \| \$0 \|/);
    assert.match(text, /Big \\\| deal — \$1,000 \(Bo\)/);
  });

  it('escapes CRM text so it cannot become links, images or HTML', () => {
    const text = buildDailyBriefing(base, UTC);
    assert.doesNotMatch(text, /(^|[^\\])</m, 'every < is escaped');
    assert.doesNotMatch(text, /[^\\]\]\(/, 'no markdown link');
    assert.match(text, /\\\[evil\\\]\\\(http:\/\/x\\\)/);
    assert.equal(md('a\nb'), 'a b');
  });

  it('says so when the calendar could not be read and keeps the rest', () => {
    const text = buildDailyBriefing({ ...base, events: [], eventsError: 'No GHL API token is set.' }, UTC);
    assert.match(text, /Could not load today's calendar: No GHL API token is set\\\./);
    assert.match(text, /Open opportunities/);
  });

  it('#17: lists overdue tasks and those due later today on the location clock', () => {
    const task = (title: string, dueDate: string, contactName: string | null): Task => ({
      id: title, locationId: 'L', contactId: 'c', contactName, title, body: null, assignedTo: null, dueDate, completed: false, syncedAt: 0,
    });
    const text = buildDailyBriefing(
      {
        ...base,
        tasks: {
          overdue: { items: [task('Send comps <b>', '2026-11-23T14:00:00Z', 'Ada')], total: 3 },
          today: { items: [], total: 0 },
        },
      },
      { location: 'America/New_York', user: 'America/New_York' },
    );
    assert.match(text, /## Tasks/);
    assert.match(text, /\*\*Overdue: 3\*\*/);
    assert.match(text, /- Send comps \\<b\\> — Ada \(Nov 23, 9:00 AM\)/);
    assert.match(text, /…and 2 more/);
    assert.match(text, /\*\*Due later today: 0\*\*\n\nNothing else due today\./);
    assert.doesNotMatch(buildDailyBriefing(base, UTC), /## Tasks/, 'no task data, no section');
  });
});
