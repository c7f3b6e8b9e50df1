import * as vscode from 'vscode';
import { EXT_GHL_IPC } from '../../protocol/channels';
import type { Contact } from '../../protocol/entities';
import { ContactNode, contactLabel } from '../contactsTree';
import { guarded, type CommandDeps } from './deps';
import { COMMANDS, type CommandId, type CommandTable } from './ids';
import { ask, pickContact, pickContactFromCache } from './pickers';
import { renderContact } from './renderers';

type ContactCommands = Pick<
  CommandTable,
  | 'ghl.searchContacts'
  | 'ghl.filterContacts'
  | 'ghl.clearContactsFilter'
  | 'ghl.contacts.loadMore'
  | 'ghl.newContact'
  | 'ghl.editContact'
  | 'ghl.deleteContact'
  | 'ghl.showContact'
  | 'ghl.copyEmail'
  | 'ghl.copyPhone'
  | 'ghl.openInGhl'
>;

const EDITABLE_CONTACT_FIELDS: Array<{ key: keyof Contact & string; label: string }> = [
  { key: 'firstName', label: 'First name' },
  { key: 'lastName', label: 'Last name' },
  { key: 'email', label: 'Email' },
  { key: 'phone', label: 'Phone' },
  { key: 'companyName', label: 'Company' },
  { key: 'address1', label: 'Address' },
  { key: 'city', label: 'City' },
  { key: 'state', label: 'State' },
  { key: 'postalCode', label: 'Postal code' },
];

/** Finding, reading, editing and reaching contacts. */
export function contactCommands({ host, logger, contacts, documents }: CommandDeps): ContactCommands {
  return {
    [COMMANDS.searchContacts]: guarded('Contact search', logger, async () => {
      const contact = await pickContactFromCache(host, 'Search contacts by name, email, phone or company');
      if (!contact) return;
      const actions: Array<{ label: string; id: CommandId }> = [
        { label: '$(edit) Edit', id: COMMANDS.editContact },
        { label: '$(comment-discussion) Show Conversations', id: COMMANDS.showConversations },
        // Issue 19: the contact's deals in the deal analyzer.
        { label: '$(graph) Analyze Deal…', id: COMMANDS.analyzeDeal },
        ...(contact.email ? [{ label: '$(copy) Copy Email', id: COMMANDS.copyEmail }] : []),
        ...(contact.phone ? [{ label: '$(copy) Copy Phone', id: COMMANDS.copyPhone }] : []),
        { label: '$(link-external) Open in GoHighLevel', id: COMMANDS.openInGhl },
      ];
      const action = await vscode.window.showQuickPick(actions, { placeHolder: contactLabel(contact) });
      if (action) await vscode.commands.executeCommand(action.id, new ContactNode(contact));
    }),
    [COMMANDS.filterContacts]: async () => {
      const query = await vscode.window.showInputBox({
        title: 'Filter contacts',
        prompt: 'Name, email, phone or company (empty clears the filter)',
        value: contacts.filter,
      });
      if (query !== undefined) await contacts.setFilter(query);
    },
    [COMMANDS.clearContactsFilter]: () => contacts.setFilter(''),
    [COMMANDS.loadMoreContacts]: () => contacts.loadMore(),
    [COMMANDS.newContact]: guarded('Creating the contact', logger, async () => {
      const firstName = await ask('First name', 'New contact (1/4)');
      if (firstName === undefined) return;
      const lastName = await ask('Last name', 'New contact (2/4)');
      if (lastName === undefined) return;
      const email = await ask('Email (optional)', 'New contact (3/4)', (v) => (v && !/^\S+@\S+\.\S+$/.test(v) ? 'Not an email address.' : undefined));
      if (email === undefined) return;
      const phone = await ask('Phone (optional)', 'New contact (4/4)');
      if (phone === undefined) return;
      const contact = Object.fromEntries(
        Object.entries({ firstName, lastName, email, phone })
          .filter(([, v]) => v.trim() !== '')
          .map(([k, v]) => [k, v.trim()]),
      );
      const created = await host.call(EXT_GHL_IPC.CONTACTS_CREATE, { contact });
      void vscode.window.showInformationMessage(`Contact "${contactLabel(created)}" created in GoHighLevel.`);
    }),
    [COMMANDS.editContact]: guarded('Updating the contact', logger, async (node?: unknown) => {
      const contact = await pickContact(host, node);
      if (!contact) return;
      const field = await vscode.window.showQuickPick(
        EDITABLE_CONTACT_FIELDS.map((f) => ({ label: f.label, description: String(contact[f.key] ?? ''), key: f.key })),
        { title: `Edit ${contactLabel(contact)}`, placeHolder: 'Pick a field to change' },
      );
      if (!field) return;
      const value = await vscode.window.showInputBox({ title: `${field.label} of ${contactLabel(contact)}`, value: String(contact[field.key] ?? '') });
      if (value === undefined) return;
      await host.call(EXT_GHL_IPC.CONTACTS_UPDATE, { id: contact.id, data: { [field.key]: value.trim() } });
      void vscode.window.setStatusBarMessage(`$(check) ${field.label} updated`, 3000);
    }),
    [COMMANDS.deleteContact]: guarded('Deleting the contact', logger, async (node?: unknown) => {
      const contact = await pickContact(host, node);
      if (!contact) return;
      const confirm = await vscode.window.showWarningMessage(
        `Delete "${contactLabel(contact)}" from GoHighLevel?`,
        { modal: true, detail: 'The contact is deleted in GoHighLevel itself, not only in this cache. This cannot be undone.' },
        'Delete',
      );
      if (confirm !== 'Delete') return;
      await host.call(EXT_GHL_IPC.CONTACTS_DELETE, { id: contact.id });
    }),
    [COMMANDS.showContact]: guarded('Showing the contact', logger, async (node?: unknown) => {
      const contact = await pickContact(host, node);
      if (!contact) return;
      const [opportunities, pipelines, fields] = await Promise.all([
        host.call(EXT_GHL_IPC.OPPS_LIST, { contactId: contact.id, limit: 100 }),
        host.call(EXT_GHL_IPC.PIPELINES_LIST, {}),
        // Live and optional: offline, custom fields show by id.
        host.request(EXT_GHL_IPC.CUSTOM_FIELDS_LIST, {}),
      ]);
      const fieldNames = new Map(fields.success ? fields.data.items.map((f) => [f.id, f.name]) : []);
      // Optional too: the comps table of each deal that has an ARV estimate.
      const estimates = await host.request(EXT_GHL_IPC.ARV_ESTIMATES_LIST, { opportunityIds: opportunities.items.map((o) => o.id) });
      const arv = new Map(estimates.success ? estimates.data.items.map((e) => [e.opportunityId, e]) : []);
      // #17: the notes, live and optional (offline: the section says why); authors by name when the users can be read.
      const [notes, users] = await Promise.all([host.request(EXT_GHL_IPC.NOTES_LIST, { contactId: contact.id }), host.request(EXT_GHL_IPC.USERS_LIST, {})]);
      const userNames = new Map(users.success ? users.data.items.map((u) => [u.id, u.name]) : []);
      const notesSection = notes.success ? { notes: notes.data.items, userNames } : { error: notes.error.message };
      await documents.show(`contact/${contact.id}`, contactLabel(contact), renderContact(contact, opportunities.items, pipelines.items, fieldNames, arv, notesSection));
    }),
    [COMMANDS.copyEmail]: async (node?: unknown) => {
      const contact = await pickContact(host, node);
      if (contact?.email) await copy(contact.email, 'Email');
      else if (contact) void vscode.window.showWarningMessage(`${contactLabel(contact)} has no email.`);
    },
    [COMMANDS.copyPhone]: async (node?: unknown) => {
      const contact = await pickContact(host, node);
      if (contact?.phone) await copy(contact.phone, 'Phone');
      else if (contact) void vscode.window.showWarningMessage(`${contactLabel(contact)} has no phone.`);
    },
    [COMMANDS.openInGhl]: async (node?: unknown) => {
      const contact = await pickContact(host, node);
      if (!contact) return;
      const url = `https://app.gohighlevel.com/v2/location/${encodeURIComponent(contact.locationId)}/contacts/detail/${encodeURIComponent(contact.id)}`;
      await vscode.env.openExternal(vscode.Uri.parse(url));
    },
  };
}

async function copy(text: string, what: string): Promise<void> {
  await vscode.env.clipboard.writeText(text);
  void vscode.window.setStatusBarMessage(`$(copy) ${what} copied`, 2500);
}
