import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Task } from '../../src/protocol/entities';
import { newReminderState, snooze, SNOOZE_MS, takeDueReminders } from '../../src/vscode/followUp/reminderPolicy';

const START = Date.parse('2026-12-07T15:00:00Z');
const task = (id: string, dueMs: number | null, completed = false): Task => ({
  id, locationId: 'L', contactId: 'c', contactName: 'Ada', title: id, body: null, assignedTo: null,
  dueDate: dueMs === null ? null : new Date(dueMs).toISOString(), completed, syncedAt: 0,
});

describe('task reminders (#17)', () => {
  it('reminds once when a task falls due, never for done, undated or already overdue ones', () => {
    const state = newReminderState(START);
    const tasks = [task('soon', START + 60_000), task('old', START - 60_000), task('done', START + 60_000, true), task('undated', null), task('later', START + 3_600_000)];
    assert.deepEqual(takeDueReminders(tasks, START + 30_000, state), []);
    assert.deepEqual(takeDueReminders(tasks, START + 60_000, state).map((t) => t.id), ['soon']);
    assert.deepEqual(takeDueReminders(tasks, START + 120_000, state), [], 'at most one per task');
    assert.deepEqual(takeDueReminders(tasks, START + 3_600_000, state).map((t) => t.id), ['later']);
  });

  it('a snoozed task comes back an hour later, once', () => {
    const state = newReminderState(START);
    const tasks = [task('soon', START + 60_000)];
    assert.equal(takeDueReminders(tasks, START + 60_000, state).length, 1);
    snooze(state, 'soon', START + 60_000);
    assert.deepEqual(takeDueReminders(tasks, START + 60_000 + SNOOZE_MS - 1, state), []);
    assert.deepEqual(takeDueReminders(tasks, START + 60_000 + SNOOZE_MS, state).map((t) => t.id), ['soon']);
    assert.deepEqual(takeDueReminders(tasks, START + 60_000 + SNOOZE_MS + 1, state), []);
    assert.deepEqual(takeDueReminders([task('soon', START + 60_000, true)], START + 60_000 + 2 * SNOOZE_MS, state), [], 'done since: no reminder');
  });
});
