import * as vscode from 'vscode';
import { EXT_GHL_IPC } from '../../protocol/channels';
import { guarded, type CommandDeps } from './deps';
import type { CommandTable } from './ids';

/** #17: filter the Contacts view by a tag of the location (GHL's list; the cached contacts' tags when GHL cannot be asked). */
export function contactTagFilterCommands({ host, logger, contacts }: CommandDeps): Pick<CommandTable, 'ghl.filterContactsByTag' | 'ghl.clearContactsTagFilter'> {
  return {
    'ghl.filterContactsByTag': guarded('Filtering the contacts by tag', logger, async (tag?: unknown) => {
      if (typeof tag === 'string' && tag.trim()) return contacts.setTagFilter(tag);
      const tags = await vscode.window.withProgress(
        { location: { viewId: 'ghl.contacts' }, title: 'Reading the tags' },
        () => host.call(EXT_GHL_IPC.TAGS_LIST, {}),
      );
      if (tags.items.length === 0) {
        void vscode.window.showInformationMessage(tags.fromCache ? 'GoHighLevel could not be asked for its tags, and no cached contact has one.' : 'This location has no tags yet. Add one with "Edit Tags…" on a contact.');
        return;
      }
      const active = contacts.tagFilter;
      type Item = vscode.QuickPickItem & { tag: string };
      const items: Item[] = tags.items.map((t) => ({ label: t.name, tag: t.name, ...(t.name === active ? { description: 'the filter now' } : {}) }));
      if (active) items.unshift({ label: '$(close) Clear Tag Filter', description: `show all contacts, not only "${active}"`, tag: '' });
      const picked = await vscode.window.showQuickPick(items, {
        title: 'Filter Contacts by Tag',
        placeHolder: tags.fromCache ? `Offline: the tags of the cached contacts (${tags.staleReason ?? 'GoHighLevel did not answer'})` : 'Show only the contacts with this tag',
        matchOnDescription: false,
      });
      if (picked) await contacts.setTagFilter(picked.tag);
    }),
    'ghl.clearContactsTagFilter': () => contacts.setTagFilter(''),
  };
}
