// Configure through the commands (token and location passed as arguments, so no input box),
// Test Connection, Sync All against the sandbox, then the Contacts and Pipelines trees and the
// status bar as the user sees them (DOM), checked against the sandbox's own data.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { bridge, parts } from './bridge';
import {
  call,
  canRun,
  clearNotifications,
  control,
  pane,
  poll,
  readRows,
  clickRow,
  sandbox,
  showSidebar,
  statusText,
  testHandle,
  waitForNotification,
  type SandboxState,
  requireFreshWindow,
} from './ghl';

const money = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', maximumFractionDigits: 0 });

describe('GHL: configure and sync', () => {
  let state: SandboxState;

  before(async function () {
    if (!canRun()) this.skip();
    await requireFreshWindow('GHL: configure and sync');
    state = await control.state();
    await showSidebar();
  });

  it('sets the token and the location through the commands', async () => {
    const statusBefore = await statusText();
    assert.match(statusBefore, /not configured/);

    await vscode.commands.executeCommand('ghl.setApiToken', sandbox.token);
    await waitForNotification('"token saved"', 'GHL API token saved (pit-…oken).');
    // Token alone is not enough.
    assert.equal((await call('ext-ghl:settings-get', {})).configured, false);

    await vscode.commands.executeCommand('ghl.setLocationId', sandbox.locationId);
    const settings = await call('ext-ghl:settings-get', {});
    assert.deepEqual(
      { configured: settings.configured, locationId: settings.locationId, token: settings.token },
      { configured: true, locationId: sandbox.locationId, token: 'pit-…oken' },
    );
    assert.equal(vscode.workspace.getConfiguration('ghl').get('locationId'), sandbox.locationId);
    // The token is a secret, never a setting.
    assert.ok(!JSON.stringify(vscode.workspace.getConfiguration('ghl')).includes(sandbox.token));

    await poll('status bar "not synced"', statusText, (t) => t.includes('GHL: not synced'));
    await poll('the "No contacts cached yet" welcome', () => bridge.text(`${pane('Contacts')} .welcome-view-content`), (t) =>
      t.includes('No contacts cached yet.'),
    );
  });

  it('Test Connection shows the location name', async () => {
    await clearNotifications();
    await vscode.commands.executeCommand('ghl.testConnection');
    const text = await waitForNotification('"Connected to…"', 'Connected to GoHighLevel');
    assert.equal(text, `Connected to GoHighLevel location "${state.location.name}" (${state.location.id}).`);
    assert.equal(state.location.name, 'Sandbox Realty');
  });

  it('a location changed in the settings (not through the protocol) reaches the backend', async () => {
    const ghl = await testHandle();
    const connectionTest = () => ghl.request('ext-ghl:connection-test', {});
    const config = () => vscode.workspace.getConfiguration('ghl');
    await config().update('locationId', 'someone-else', vscode.ConfigurationTarget.Global);
    try {
      // The host sends the change to the worker on its own: nobody called settings-set.
      const denied = await poll('connection-test with the other location', connectionTest, (r) => !r.success);
      assert.equal(!denied.success && denied.error.code, 'FORBIDDEN');
      assert.equal((await call('ext-ghl:settings-get', {})).locationId, 'someone-else');
    } finally {
      await config().update('locationId', sandbox.locationId, vscode.ConfigurationTarget.Global);
    }
    await poll('connection-test with the sandbox location again', connectionTest, (r) => r.success);
  });

  it('Test Connection reports a rejected token, and the command still returns', async () => {
    await clearNotifications();
    await control.fault({ method: 'GET', path: '/locations/{locationId}', status: 401 });
    // A command whose failure is shown must not keep its caller waiting for the user to
    // dismiss the error notification (keybindings, tasks and other extensions await it).
    const outcome = await Promise.race([
      Promise.resolve(vscode.commands.executeCommand('ghl.testConnection')).then(() => 'returned'),
      new Promise((r) => setTimeout(() => r('still waiting after 5 s'), 5_000)),
    ]);
    const text = await waitForNotification('"Connection test failed"', 'Connection test failed');
    assert.match(text, /^Connection test failed: GHL rejected the API token/);
    assert.equal(outcome, 'returned');
    await clearNotifications();
  });

  it('Sync All fills the cache, and the status bar follows', async () => {
    const progress: Array<{ kind: string; synced: number; total: number; done?: boolean }> = [];
    const listener = (await testHandle()).onPush((event) => {
      if (event.channel === 'ext-ghl:sync-progress') progress.push(event.payload);
    });
    // One transient 503 on the first page: the client retries it after a short backoff, which
    // also keeps the sync running long enough for the status bar to be seen syncing.
    await control.fault({ method: 'POST', path: '/contacts/search', status: 503, times: 1 });
    // Sample the status bar while the sync runs.
    const seen = new Set<string>();
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        seen.add(await statusText().catch(() => ''));
        await new Promise((r) => setTimeout(r, 30));
      }
    })();
    try {
      const ok = await vscode.commands.executeCommand<boolean>('ghl.syncAll');
      assert.equal(ok, true, 'ghl.syncAll resolved false');
    } finally {
      sampling = false;
      await sampler;
      listener.dispose();
    }
    await poll('status bar "synced just now"', statusText, (t) => t.includes('GHL: synced just now'));
    console.log(`      status bar during the sync: ${JSON.stringify([...seen])}`);
    assert.ok([...seen].some((t) => /GHL: syncing/.test(t)), `the status bar never said it was syncing: ${JSON.stringify([...seen])}`);
    assert.ok(progress.some((p) => p.kind === 'contacts' && p.done), 'no final contacts progress push');
    assert.ok(progress.some((p) => p.kind === 'opportunities' && p.done), 'no final opportunities progress push');

    const contacts = await call('ext-ghl:contacts-list', { limit: 1 });
    assert.equal(contacts.total, state.contacts);
    const opps = await call('ext-ghl:opps-list', { limit: 500 });
    assert.equal(opps.total, state.opportunities);
  });

  it('the Contacts tree shows one page of 200 and a "Load more…" row, then all of them', async () => {
    assert.equal(state.contacts, 251, 'prepare.mjs seeds 250 contacts + 1 hostile one');
    const first = await poll('contact rows', () => readRows('Contacts'), (rs) => rs.length > 0 && rs[0]!.setsize > 0);
    // The list is virtualised, so count with ARIA: every top-level row knows the total.
    assert.equal(first[0]!.setsize, 201, 'rows in the Contacts tree (200 contacts + Load more)');
    const header = await bridge.text(`${pane('Contacts')} .pane-header`);
    assert.match(header, /251/, `the view's description shows the total: ${header}`);

    // Go to the last row with the keyboard, as a user would.
    await bridge.click(`${pane('Contacts')} .monaco-list-row >> nth=0`);
    await bridge.press('End');
    const last = await poll('the last row', () => readRows('Contacts'), (rs) => rs.some((r) => r.posinset === 201));
    const loadMore = last.find((r) => r.posinset === 201)!;
    assert.equal(loadMore.label, 'Load more… (51 more)');

    await clickRow('Contacts', 'Load more… (51 more)');
    const after = await poll('251 contact rows', () => readRows('Contacts'), (rs) => rs.length > 0 && rs[0]!.setsize === 251);
    assert.ok(!after.some((r) => r.label.startsWith('Load more')), 'Load more row still there');
    await bridge.press('Home');
  });

  it('the Pipelines tree shows pipelines, their stages and per-stage counts and totals', async () => {
    const top = await poll('pipeline rows', () => readRows('Pipelines'), (rs) => rs.filter((r) => r.level === 1).length === 2);
    const byName = new Map(top.map((r) => [r.label, r]));
    for (const p of state.pipelines) {
      assert.ok(byName.has(p.name), `no row for pipeline ${p.name}: ${JSON.stringify(top)}`);
      assert.equal(byName.get(p.name)!.description, `${p.stages.length} stages`);
    }
    const { items: opps } = await call('ext-ghl:opps-list', { limit: 500 });
    for (const p of state.pipelines) {
      await clickRow('Pipelines', p.name);
      const rs = await poll(`stages of ${p.name}`, () => readRows('Pipelines'), (all) =>
        p.stages.every((s) => all.some((r) => r.label === s.name && r.level === 2)),
      );
      for (const s of p.stages) {
        const count = state.stageCounts[p.id]![s.id]!;
        const total = opps.filter((o: any) => o.pipelineStageId === s.id).reduce((sum: number, o: any) => sum + o.monetaryValue, 0);
        const stageRow = rs.find((r) => r.label === s.name && r.level === 2)!;
        assert.equal(stageRow.description, `${count} · ${money.format(total)}`, `${p.name} / ${s.name}`);
      }
    }
    // Collapse Acquisitions again so the sidebar screenshot shows Sales Pipeline's stages.
    await clickRow('Pipelines', 'Acquisitions');
    await clearNotifications();
    await bridge.screenshot('vscode-sidebar', { selector: parts.sidebar });
  });
});
