// The scheduler tasks in "Run Task" (type ghl) and the daily briefing they produce.
import * as assert from 'node:assert/strict';
import { agendaSections, agendaSpan } from '../../../src/calendar/agendaSections';
import * as vscode from 'vscode';
import { call, canRun, poll, ensureConfiguredAndSynced } from './ghl';

function runTask(task: vscode.Task): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`task ${task.name} did not end`)), 15_000);
    const ended = vscode.tasks.onDidEndTask((e) => {
      if (e.execution.task.name !== task.name) return;
      clearTimeout(timer);
      ended.dispose();
      resolve();
    });
    vscode.tasks.executeTask(task).then(undefined, reject);
  });
}

describe('GHL: tasks and the daily briefing', () => {
  before(async function () {
    if (!canRun()) this.skip();
    await ensureConfiguredAndSynced();
  });

  it('offers the daily briefing and ARV enrichment as ghl tasks', async () => {
    const tasks = await vscode.tasks.fetchTasks({ type: 'ghl' });
    assert.deepEqual(tasks.map((t) => [t.name, t.definition.task]).sort(), [
      ['ARV Enrichment', 'ghl-arv-enrichment'],
      ['Daily Briefing', 'ghl-daily-briefing'],
    ]);
  });

  it('the briefing task opens a Markdown briefing from the cache and today\'s calendar', async () => {
    const task = (await vscode.tasks.fetchTasks({ type: 'ghl' })).find((t) => t.definition.task === 'ghl-daily-briefing')!;
    await runTask(task);
    const briefing = await poll(
      'a briefing document',
      async () => vscode.workspace.textDocuments.find((d) => d.languageId === 'markdown' && d.getText().startsWith('# Daily briefing')),
      (d) => d !== undefined,
    );
    const text = briefing!.getText();
    assert.match(text, /Location: \*\*Sandbox Realty\*\*/);
    assert.match(text, /## Today's appointments/);
    // The sandbox always books appointments for today.
    assert.match(text, /\| Time \| Appointment \| Status \|/);
    assert.match(text, /\*\*\d[\d,]*\*\* open, worth \*\*\$[\d,]+\*\*/);
    assert.match(text, /### Sales Pipeline/);
    assert.ok(!/<img|<script/.test(text.replace(/\\</g, '')), 'CRM text is escaped');
  });

  it('Export Calendar as Markdown (#18) lists the Calendar view\'s appointments by day', async () => {
    await vscode.commands.executeCommand('ghl.showCalendar');
    const agenda = await poll(
      'an agenda document',
      async () => vscode.workspace.textDocuments.find((d) => d.languageId === 'markdown' && d.getText().startsWith('# Calendar')),
      (d) => d !== undefined,
    );
    const text = agenda!.getText();
    const location = await call('ext-ghl:location-get', {});
    const span = agendaSpan(agendaSections(Date.now(), location.timeZone));
    const { items } = await call('ext-ghl:cal-agenda', { from: span.startTime, to: span.endTime, source: 'cache' });
    assert.ok(items.length > 0, 'the sandbox has appointments this week');
    const rows = text.split('\n').filter((l: string) => /^\| \d/.test(l));
    assert.equal(rows.length, items.length, 'one row per appointment');
    assert.match(text, /\| (Showings|Listing Appointments) \| (confirmed|new|showed|cancelled) \|/);
  });

  it('the ARV task runs the job on the default pipeline (after ghl-arv.test every deal is fresh: no lookup)', async () => {
    const before = await call('ext-ghl:arv-enrich-status', {});
    const config = vscode.workspace.getConfiguration();
    await config.update('ghl.defaultPipeline', 'Acquisitions', vscode.ConfigurationTarget.Global);
    try {
      const task = (await vscode.tasks.fetchTasks({ type: 'ghl' })).find((t) => t.definition.task === 'ghl-arv-enrichment')!;
      await runTask(task);
      const status = await poll('the task\'s run to end', () => call('ext-ghl:arv-enrich-status', {}), (s) => s.runId !== before.runId && s.status !== 'running');
      assert.equal(status.status, 'done', status.message);
      assert.equal(status.lookups, 0);
      assert.equal(status.skipped, status.total);
    } finally {
      await config.update('ghl.defaultPipeline', undefined, vscode.ConfigurationTarget.Global);
    }
  });
});
