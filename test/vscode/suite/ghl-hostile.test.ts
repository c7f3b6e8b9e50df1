// Hostile CRM data: prepare.mjs put a contact named `<img src=x onerror="window.__xss=1">` and an
// opportunity named `<script>window.__xss=2</script>` (of that contact, in the Sales Pipeline's
// first stage) into the sandbox. After the sync they must show as literal text in the trees,
// the board and the chat, create no element, and run nothing.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { bridge } from './bridge';
import { CHAT, call, canRun, control, openChat, pane, poll, readRows, clickRow, sendChat, showSidebar, type SandboxState, ensureConfiguredAndSynced } from './ghl';

const BOARD = 'Opportunities';

/** Elements the markup would have created, and the flag its script would have set. */
const INJECTED = `() => ({
  elements:
    document.querySelectorAll('img[src="x"], img[onerror]').length +
    [...document.querySelectorAll('script')].filter((s) => s.textContent.includes('__xss')).length +
    [...document.querySelectorAll('b, i')].filter((e) => e.textContent === 'Bold Co' || e.textContent === 'tag').length,
  xss: window.__xss ?? null,
})`;

interface Injected {
  elements: number;
  xss: unknown;
}

describe('GHL: hostile CRM data stays text', () => {
  let state: SandboxState;

  before(async function () {
    if (!canRun()) this.skip();
    await ensureConfiguredAndSynced();
    state = await control.state();
  });

  it('is in the cache as sent', async () => {
    const contact = await call('ext-ghl:contacts-get', { id: state.hostile.contactId });
    assert.equal(contact.firstName, state.hostile.contactName);
    const opp = await call('ext-ghl:opps-get', { id: state.hostile.opportunityId });
    assert.equal(opp.name, state.hostile.opportunityName);
  });

  it('shows as text in the Contacts and Pipelines trees, and runs nothing in the workbench', async () => {
    await showSidebar();
    // Sorted by name, "<img…" comes first.
    // Keyboard focus into the list without clicking a row: a click opens that contact's details, which take the focus (and the Home key).
    await vscode.commands.executeCommand('ghl.contacts.focus');
    await bridge.press('Home');
    const contactRow = await poll('the hostile contact row', () => readRows('Contacts'), (rs) =>
      rs.some((r) => r.label === state.hostile.contactName),
    );
    const hostileRow = contactRow.find((r) => r.label === state.hostile.contactName)!;
    assert.equal(hostileRow.description, 'xss@example.com');
    // Its tooltip (Markdown) shows name, company and tags as text too. The hover opens when the
    // mouse enters the row, so come from another one.
    const hover = '.monaco-hover, .workbench-hover';
    const readTip = async () => {
      await bridge.waitFor(hover);
      return bridge.evaluate<{ text: string; markup: number }>(
        // (MarkdownString.appendText turns spaces into &nbsp;: normalise them.)
        `(el) => ({ text: el.innerText.replace(/[^\\S\\n]+/g, ' '), markup: el.querySelectorAll('img, script, b, i, a').length })`,
        { selector: hover },
      );
    };
    // Under load the other row's (delayed) hover can still be the one showing: wait for ours.
    const tip = await poll(
      "the hostile contact's tooltip",
      async () => {
        await bridge.hover(`${pane('Contacts')} .monaco-list-row[data-index="${hostileRow.index + 2}"]`);
        await bridge.hover(`${pane('Contacts')} .monaco-list-row[data-index="${hostileRow.index}"] .label-name`);
        return readTip();
      },
      (t) => t.text.includes(state.hostile.contactName),
    );
    assert.ok(tip.text.includes(state.hostile.contactName), `tooltip: ${tip.text}`);
    assert.ok(tip.text.includes('Company: <b>Bold Co</b>'), `tooltip: ${tip.text}`);
    assert.ok(tip.text.includes('Tags: <i>tag</i>'), `tooltip: ${tip.text}`);
    assert.equal(tip.markup, 0, 'elements (or links) created from the tooltip text');
    await bridge.screenshot('vscode-tooltip-hostile', { selector: hover });
    await bridge.press('Escape');

    // The opportunity sits in the first stage of Sales Pipeline.
    const sales = state.pipelines.find((p) => p.name === 'Sales Pipeline')!;
    const firstStage = sales.stages[0]!.name;
    let rows = await readRows('Pipelines');
    if (!rows.some((r) => r.label === firstStage)) await clickRow('Pipelines', 'Sales Pipeline');
    await poll(`the ${firstStage} row`, () => readRows('Pipelines'), (rs) => rs.some((r) => r.label === firstStage));
    rows = await readRows('Pipelines');
    if (rows.find((r) => r.label === firstStage)?.expanded !== 'true') await clickRow('Pipelines', firstStage);
    const oppRows = await poll('the hostile opportunity row', () => readRows('Pipelines'), (rs) =>
      rs.some((r) => r.label === state.hostile.opportunityName),
    );
    const oppRow = oppRows.find((r) => r.label === state.hostile.opportunityName)!;
    assert.match(oppRow.description, new RegExp(`^\\$1,234 · ${escapeRe(state.hostile.contactName)}$`));

    await bridge.screenshot('vscode-sidebar-hostile', { selector: '[id="workbench.parts.sidebar"]' });
    const page = await bridge.evaluate<Injected>(INJECTED);
    assert.deepEqual(page, { elements: 0, xss: null });
    // The labels are text nodes, not markup.
    const markupInRows = await bridge.evaluate<number>(
      `(root) => [...root.querySelectorAll('.monaco-list-row .label-name')].filter((l) => l.querySelector('img, script')).length`,
      { selector: '[id="workbench.parts.sidebar"]' },
    );
    assert.equal(markupInRows, 0);
    // Collapse the stage again (other suites read stage rows).
    await clickRow('Pipelines', firstStage);
  });

  it('a click on the contact shows its details and its opportunity as text', async () => {
    await showSidebar();
    // Keyboard focus into the list without clicking a row: a click opens that contact's details, which take the focus (and the Home key).
    await vscode.commands.executeCommand('ghl.contacts.focus');
    await bridge.press('Home');
    await clickRow('Contacts', state.hostile.contactName);
    const details = await poll(
      'the contact details document',
      async () => vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'ghl' && d.uri.path.startsWith(`/contact/${state.hostile.contactId}/`)),
      (d) => d !== undefined,
    );
    const text = details!.getText();
    assert.ok(text.startsWith('# \\<img src=x onerror="window\\.\\_\\_xss=1"\\>'), text.slice(0, 120));
    assert.ok(text.includes('**Company:** \\<b\\>Bold Co\\</b\\>'), text);
    assert.ok(text.includes('\\<script\\>window\\.\\_\\_xss=2\\</script\\> — $1,234 · open · Sales Pipeline'), text);
    assert.doesNotMatch(text, /(^|[^\\])</m, 'every < of CRM data is escaped');
    assert.deepEqual(await bridge.evaluate<Injected>(INJECTED), { elements: 0, xss: null });
    // The rendered preview opens after the document: let it, or it comes up over the board the next test opens.
    await poll('the details preview in front', () => vscode.window.tabGroups.activeTabGroup.activeTab?.label ?? '', (label) => label.startsWith('Preview'));
  });

  it('shows as text on the board, and runs nothing in its webview', async () => {
    const sales = state.pipelines.find((p) => p.name === 'Sales Pipeline')!;
    // A board left open by an earlier suite sits behind the details preview: start from no editors, so it opens in front.
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('ghl.openBoard', sales.id);
    const card = `[data-testid="board-card"][data-opp-id="${state.hostile.opportunityId}"]`;
    await bridge.waitFor(card, { webview: BOARD });
    const shown = await bridge.evaluate<{ title: string; contact: string; label: string | null }>(
      `(card) => ({
        title: card.querySelector('.card-title').textContent,
        contact: card.querySelector('.card-contact').textContent,
        label: card.getAttribute('aria-label'),
      })`,
      { selector: card, webview: BOARD },
    );
    assert.equal(shown.title, state.hostile.opportunityName);
    assert.equal(shown.contact, state.hostile.contactName);
    assert.ok(shown.label?.startsWith(state.hostile.opportunityName), `aria-label: ${shown.label}`);
    assert.deepEqual(await bridge.evaluate<Injected>(INJECTED, { webview: BOARD }), { elements: 0, xss: null });
    await bridge.screenshot('vscode-board-hostile', { selector: card, webview: BOARD });
  });

  it('shows as text in the chat, and runs nothing in its webview', async () => {
    await openChat();
    const lines = await sendChat(state.hostile.contactName);
    const user = lines[lines.length - 2]!;
    assert.equal(user.text, state.hostile.contactName);
    assert.ok(!user.html.includes('<img'), `rendered as markup: ${user.html}`);
    // An answer that quotes the record (a slash command's Markdown) shows it as text too.
    const found = (await sendChat('/find xss@example.com')).at(-1)!;
    assert.ok(found.text.includes(state.hostile.contactName), found.text);
    assert.ok(!found.html.includes('<img'), `rendered as markup: ${found.html}`);
    assert.deepEqual(await bridge.evaluate<Injected>(INJECTED, { webview: CHAT }), { elements: 0, xss: null });
    await bridge.click('[data-testid="chat-clear"]', { webview: CHAT });
  });
});

function escapeRe(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
