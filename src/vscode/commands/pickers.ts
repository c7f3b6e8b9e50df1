import * as vscode from 'vscode';
import { money } from '../../format';
import { EXT_GHL_IPC } from '../../protocol/channels';
import type { Contact, Opportunity, Pipeline } from '../../protocol/entities';
import type { BackendHost } from '../backendHost';
import { ContactNode, contactLabel } from '../contactsTree';
import { OpportunityNode } from '../pipelinesTree';

/** A non-blank string argument (keybindings, automation) as it is; otherwise asks with `options`. */
export function argOrAsk(arg: unknown, options: vscode.InputBoxOptions): Thenable<string | undefined> {
  return typeof arg === 'string' && arg.trim() ? Promise.resolve(arg) : vscode.window.showInputBox({ ignoreFocusOut: true, ...options });
}

export function ask(prompt: string, title: string, validateInput?: (value: string) => string | undefined): Thenable<string | undefined> {
  return vscode.window.showInputBox({ title, prompt, ignoreFocusOut: true, validateInput });
}

/** The contact of a tree node, or one the user picks from the cache. */
export async function pickContact(host: BackendHost, node: unknown): Promise<Contact | undefined> {
  if (node instanceof ContactNode) return node.contact;
  return pickContactFromCache(host, 'Pick a contact');
}

/**
 * A QuickPick that searches the cache as the user types (fast even at 50k contacts).
 *
 * VS Code names a pick's items by their index in the last array set, and filters the shown rows
 * itself while our search is still on its way: an Enter on a row VS Code filtered, reaching us after
 * a new answer replaced the array, would name another contact or none. So the array only grows while
 * the pick is open, each contact keeping its index; the latest answer's contacts are always shown
 * (the cache also matches on fields the row does not show, a phone typed with spaces), earlier ones
 * only when VS Code matches them.
 */
export async function pickContactFromCache(host: BackendHost, placeHolder: string): Promise<Contact | undefined> {
  type Item = vscode.QuickPickItem & { contact: Contact };
  const quickPick = vscode.window.createQuickPick<Item>();
  quickPick.placeholder = placeHolder;
  quickPick.matchOnDescription = true;
  quickPick.matchOnDetail = true;
  const seen = new Map<string, Item>();
  let generation = 0;
  const search = async (query: string) => {
    const mine = ++generation;
    quickPick.busy = true;
    const response = await host.request(EXT_GHL_IPC.CONTACTS_LIST, { limit: 50, ...(query.trim() ? { query: query.trim() } : {}) });
    if (mine !== generation) return;
    quickPick.busy = false;
    if (!response.success) {
      quickPick.placeholder = response.error.message;
      return;
    }
    const latest = new Set(query.trim() ? response.data.items.map((c) => c.id) : []);
    for (const [id, item] of seen) seen.set(id, { ...item, alwaysShow: false });
    for (const c of response.data.items) {
      seen.set(c.id, { label: contactLabel(c), description: c.email ?? c.phone ?? '', detail: c.companyName ?? undefined, alwaysShow: latest.has(c.id), contact: c });
    }
    quickPick.items = [...seen.values()];
  };
  const picked = new Promise<Contact | undefined>((resolve) => {
    quickPick.onDidChangeValue((value) => void search(value));
    quickPick.onDidAccept(() => {
      resolve(quickPick.selectedItems[0]?.contact);
      quickPick.hide();
    });
    quickPick.onDidHide(() => {
      resolve(undefined);
      quickPick.dispose();
    });
  });
  quickPick.show();
  void search('');
  return picked;
}

/** The opportunity of a tree node (with its pipeline), or one the user picks from the cache. */
export async function pickOpportunity(host: BackendHost, node: unknown): Promise<{ opportunity: Opportunity; pipeline?: Pipeline } | undefined> {
  if (node instanceof OpportunityNode) return { opportunity: node.opportunity, pipeline: node.pipeline };
  const { items } = await host.call(EXT_GHL_IPC.OPPS_LIST, { limit: 500 });
  const picked = await vscode.window.showQuickPick(
    items.map((o) => ({ label: o.name, description: `${money.format(o.monetaryValue)} · ${o.status}`, detail: o.contactName ?? undefined, opportunity: o })),
    { placeHolder: 'Pick an opportunity', matchOnDescription: true, matchOnDetail: true },
  );
  if (!picked) return undefined;
  const pipelineList = await host.call(EXT_GHL_IPC.PIPELINES_LIST, {});
  return { opportunity: picked.opportunity, pipeline: pipelineList.items.find((p) => p.id === picked.opportunity.pipelineId) };
}
