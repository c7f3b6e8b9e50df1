import * as vscode from 'vscode';
import { EXT_GHL_IPC } from '../../protocol/channels';
import type { Contact, Task } from '../../protocol/entities';
import { MAX_BULK_TAG_CONTACTS } from '../../protocol/requests';
import type { Note } from '../../protocol/responses';
import { formatDueDate, parseDuePhrase } from '../../time/datePhrase';
import { machineTimeZone } from '../../time/dayWindows';
import type { BackendHost } from '../backendHost';
import { AppointmentNode } from '../calendar/calendarTree';
import { ContactNode, contactLabel } from '../contactsTree';
import { TaskNode } from '../followUp/tasksTree';
import { OpportunityNode } from '../pipelinesTree';
import { guarded, type CommandDeps } from './deps';
import type { CommandTable } from './ids';
import { pickContactFromCache } from './pickers';

/** #17: tasks, notes, tags and workflows from the sidebar, the board and the palette. */

type FollowUpCommands =
  | 'ghl.syncTasks'
  | 'ghl.newTask'
  | 'ghl.tasks.openContact'
  | 'ghl.tasks.complete'
  | 'ghl.tasks.edit'
  | 'ghl.tasks.reschedule'
  | 'ghl.tasks.delete'
  | 'ghl.tasks.showMine'
  | 'ghl.tasks.showAll'
  | 'ghl.addNote'
  | 'ghl.editNote'
  | 'ghl.deleteNote'
  | 'ghl.editTags'
  | 'ghl.tagContacts'
  | 'ghl.addToWorkflow'
  | 'ghl.removeFromWorkflow';

/** The contact a command is about: a contact row, a deal card, a task row, a Calendar appointment row, a contact id, or one the user picks. */
export async function contactOf(host: BackendHost, target: unknown, placeHolder: string): Promise<Contact | undefined> {
  if (target instanceof ContactNode) return target.contact;
  const id =
    target instanceof TaskNode ? target.task.contactId
    : target instanceof OpportunityNode ? target.opportunity.contactId
    : target instanceof AppointmentNode ? target.event.contactId
    : typeof target === 'string' && target.trim() ? target.trim()
    : webviewCardContactId(target);
  if (id) return host.call(EXT_GHL_IPC.CONTACTS_GET, { id });
  return pickContactFromCache(host, placeHolder);
}

/**
 * The contact of a board card's context menu (VS Code hands the card's data-vscode-context:
 * `{ webviewSection: 'dealCard', contactId, … }`); null for anything else.
 */
function webviewCardContactId(target: unknown): string | null {
  if (typeof target !== 'object' || target === null) return null;
  const { webviewSection, contactId } = target as Record<string, unknown>;
  return webviewSection === 'dealCard' && typeof contactId === 'string' && contactId.trim() ? contactId.trim() : null;
}

/** The contacts of a (multi-)selection in the Contacts view: the clicked row and the others selected with it. */
function selectedContacts(node: unknown, nodes: unknown): Contact[] {
  const all = Array.isArray(nodes) && nodes.length > 0 ? nodes : [node];
  return all.filter((n): n is ContactNode => n instanceof ContactNode).map((n) => n.contact);
}

const who = (contacts: Contact[]) =>
  contacts.length === 1 ? `"${contactLabel(contacts[0]!)}"` : `${contacts.length} contacts (${contacts.slice(0, 3).map(contactLabel).join(', ')}${contacts.length > 3 ? ', …' : ''})`;

async function locationZone(host: BackendHost): Promise<string> {
  const location = await host.request(EXT_GHL_IPC.LOCATION_GET, {});
  return location.success ? location.data.timeZone : machineTimeZone();
}

/**
 * Asks for a due date as people say it; the box shows the absolute date it reads (on the
 * location's clock) while the user types, so what is saved is what was shown.
 */
async function askDueDate(host: BackendHost, title: string, value?: string): Promise<number | undefined> {
  const zone = await locationZone(host);
  const zones = { location: zone, user: machineTimeZone() };
  const read = (text: string) => parseDuePhrase(text, Date.now(), zone);
  const answer = await vscode.window.showInputBox({
    title,
    prompt: 'When is it due? e.g. "tomorrow 9am", "in 3 days", "next monday 2pm", "friday"',
    value,
    ignoreFocusOut: true,
    validateInput: (text) => {
      if (!text.trim()) return { message: 'Type when the task is due.', severity: vscode.InputBoxValidationSeverity.Error };
      const parsed = read(text);
      if (!parsed) return { message: `"${text}" is not a date I can read. Try "tomorrow 9am" or "friday".`, severity: vscode.InputBoxValidationSeverity.Error };
      return { message: `Due ${formatDueDate(parsed.at, zones)}${parsed.timeGiven ? '' : ' (no time given: 9:00 AM)'}`, severity: vscode.InputBoxValidationSeverity.Info };
    },
  });
  if (answer === undefined) return undefined;
  return read(answer)?.at;
}

async function pickNote(host: BackendHost, contact: Contact, placeHolder: string): Promise<Note | undefined> {
  const notes = await host.call(EXT_GHL_IPC.NOTES_LIST, { contactId: contact.id });
  if (notes.items.length === 0) {
    void vscode.window.showInformationMessage(`${contactLabel(contact)} has no notes.`);
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    notes.items.map((note) => ({ label: note.body.split('\n')[0]!.slice(0, 120), description: note.dateAdded ? new Date(note.dateAdded).toLocaleString() : '', note })),
    { placeHolder, ignoreFocusOut: true },
  );
  return picked?.note;
}

export function followUpCommands({ host, logger, tasks, documents, contactSelection }: CommandDeps): Pick<CommandTable, FollowUpCommands> {
  const taskOf = (node: unknown): Task | undefined => (node instanceof TaskNode ? node.task : undefined);
  const needTask = () => void vscode.window.showInformationMessage('Pick a task in the Tasks view first.');
  const refreshContactDocument = (contact: Contact) => {
    if (documents.isOpen(`contact/${contact.id}`)) void vscode.commands.executeCommand('ghl.showContact', new ContactNode(contact));
  };

  return {
    'ghl.syncTasks': guarded('Syncing tasks', logger, async () => {
      await vscode.window.withProgress({ location: { viewId: 'ghl.tasks' }, title: 'Syncing tasks' }, async (_progress, token) => host.call(EXT_GHL_IPC.TASKS_SYNC, {}, token));
      tasks.refresh();
    }),
    'ghl.newTask': guarded('Creating the task', logger, async (target?: unknown) => {
      const contact = await contactOf(host, target, 'New task for which contact?');
      if (!contact) return;
      const title = await vscode.window.showInputBox({
        title: `New task for ${contactLabel(contact)} (1/3)`,
        prompt: 'What to do',
        placeHolder: 'Call back about the offer',
        ignoreFocusOut: true,
        validateInput: (text) => (text.trim() ? undefined : 'The task needs a title.'),
      });
      if (!title) return;
      const due = await askDueDate(host, `New task for ${contactLabel(contact)} (2/3)`);
      if (due === undefined) return;
      const body = await vscode.window.showInputBox({ title: `New task for ${contactLabel(contact)} (3/3)`, prompt: 'A note on the task (optional; Enter to skip)', ignoreFocusOut: true });
      if (body === undefined) return;
      const task = await host.call(EXT_GHL_IPC.TASKS_CREATE, { contactId: contact.id, title: title.trim(), dueDate: due, ...(body.trim() ? { body: body.trim() } : {}) });
      tasks.refresh();
      const zones = { location: await locationZone(host), user: machineTimeZone() };
      void vscode.window.showInformationMessage(`Task "${task.title}" for ${contactLabel(contact)}, due ${formatDueDate(due, zones)}.`);
    }),
    'ghl.tasks.openContact': guarded('Opening the contact', logger, async (node?: unknown) => {
      // A task row, or a contact id (a reminder's Open Contact).
      const contactId = typeof node === 'string' ? node : taskOf(node)?.contactId;
      if (!contactId) return needTask();
      await vscode.commands.executeCommand('ghl.showContact', new ContactNode(await host.call(EXT_GHL_IPC.CONTACTS_GET, { id: contactId })));
    }),
    'ghl.tasks.complete': guarded('Completing the task', logger, async (node?: unknown) => {
      const task = taskOf(node);
      if (!task) return needTask();
      await host.call(EXT_GHL_IPC.TASKS_COMPLETE, { contactId: task.contactId, taskId: task.id, completed: !task.completed });
      tasks.refresh();
    }),
    'ghl.tasks.edit': guarded('Editing the task', logger, async (node?: unknown) => {
      const task = taskOf(node);
      if (!task) return needTask();
      const title = await vscode.window.showInputBox({ title: 'Edit task (1/2)', prompt: 'Title', value: task.title, ignoreFocusOut: true, validateInput: (t) => (t.trim() ? undefined : 'The task needs a title.') });
      if (!title) return;
      const body = await vscode.window.showInputBox({ title: 'Edit task (2/2)', prompt: 'Note', value: task.body ?? '', ignoreFocusOut: true });
      if (body === undefined) return;
      const data = { ...(title.trim() !== task.title ? { title: title.trim() } : {}), ...(body !== (task.body ?? '') ? { body } : {}) };
      if (Object.keys(data).length === 0) return;
      await host.call(EXT_GHL_IPC.TASKS_UPDATE, { contactId: task.contactId, taskId: task.id, data });
      tasks.refresh();
    }),
    'ghl.tasks.reschedule': guarded('Rescheduling the task', logger, async (node?: unknown) => {
      const task = taskOf(node);
      if (!task) return needTask();
      const due = await askDueDate(host, `Reschedule "${task.title}"`);
      if (due === undefined) return;
      await host.call(EXT_GHL_IPC.TASKS_UPDATE, { contactId: task.contactId, taskId: task.id, data: { dueDate: due } });
      tasks.refresh();
    }),
    'ghl.tasks.delete': guarded('Deleting the task', logger, async (node?: unknown) => {
      const task = taskOf(node);
      if (!task) return needTask();
      const confirm = await vscode.window.showWarningMessage(`Delete the task "${task.title}"${task.contactName ? ` of ${task.contactName}` : ''}?`, { modal: true, detail: 'It is deleted in GoHighLevel.' }, 'Delete');
      if (confirm !== 'Delete') return;
      await host.call(EXT_GHL_IPC.TASKS_DELETE, { contactId: task.contactId, taskId: task.id });
      tasks.refresh();
    }),
    'ghl.tasks.showMine': guarded('Filtering the tasks', logger, async () => {
      const userId = vscode.workspace.getConfiguration().get<string>('ghl.inbox.userId')?.trim();
      if (!userId) {
        await vscode.commands.executeCommand('ghl.chooseInboxUser');
        const chosen = vscode.workspace.getConfiguration().get<string>('ghl.inbox.userId')?.trim();
        if (!chosen) return;
        return tasks.setAssignee(chosen);
      }
      await tasks.setAssignee(userId);
    }),
    'ghl.tasks.showAll': () => tasks.setAssignee(undefined),
    'ghl.addNote': guarded('Adding the note', logger, async (target?: unknown, text?: unknown) => {
      const contact = await contactOf(host, target, 'Add a note to which contact?');
      if (!contact) return;
      const body =
        typeof text === 'string' && text.trim()
          ? text
          : await vscode.window.showInputBox({ title: `Add Note — ${contactLabel(contact)}`, prompt: 'What did they say?', ignoreFocusOut: true, validateInput: (t) => (t.trim() ? undefined : 'The note is empty.') });
      if (!body?.trim()) return;
      await host.call(EXT_GHL_IPC.NOTES_CREATE, { contactId: contact.id, body: body.trim() });
      void vscode.window.setStatusBarMessage(`Note added to ${contactLabel(contact)}.`, 4000);
      refreshContactDocument(contact);
    }),
    'ghl.editNote': guarded('Editing the note', logger, async (target?: unknown) => {
      const contact = await contactOf(host, target, 'Edit a note of which contact?');
      if (!contact) return;
      const note = await pickNote(host, contact, 'Which note?');
      if (!note) return;
      const body = await vscode.window.showInputBox({ title: `Edit Note — ${contactLabel(contact)}`, value: note.body, ignoreFocusOut: true, validateInput: (t) => (t.trim() ? undefined : 'The note is empty.') });
      if (!body?.trim() || body === note.body) return;
      await host.call(EXT_GHL_IPC.NOTES_UPDATE, { contactId: contact.id, noteId: note.id, body: body.trim() });
      refreshContactDocument(contact);
    }),
    'ghl.deleteNote': guarded('Deleting the note', logger, async (target?: unknown) => {
      const contact = await contactOf(host, target, 'Delete a note of which contact?');
      if (!contact) return;
      const note = await pickNote(host, contact, 'Which note to delete?');
      if (!note) return;
      const confirm = await vscode.window.showWarningMessage(`Delete this note of ${contactLabel(contact)}?`, { modal: true, detail: note.body.slice(0, 300) }, 'Delete');
      if (confirm !== 'Delete') return;
      await host.call(EXT_GHL_IPC.NOTES_DELETE, { contactId: contact.id, noteId: note.id });
      refreshContactDocument(contact);
    }),
    'ghl.editTags': guarded('Editing the tags', logger, async (target?: unknown) => {
      const contact = await contactOf(host, target, 'Edit the tags of which contact?');
      if (!contact) return;
      const locationTags = await host.call(EXT_GHL_IPC.TAGS_LIST, {});
      const names = [...new Set([...contact.tags, ...locationTags.items.map((t) => t.name)])].sort((a, b) => a.localeCompare(b));
      const chosen = await pickTags(names, new Set(contact.tags), `Tags of ${contactLabel(contact)}`);
      if (!chosen) return;
      const current = new Set(contact.tags);
      const add = [...chosen].filter((t) => !current.has(t));
      const remove = contact.tags.filter((t) => !chosen.has(t));
      if (add.length === 0 && remove.length === 0) return;
      await host.call(EXT_GHL_IPC.CONTACTS_TAGS, { id: contact.id, ...(add.length ? { add } : {}), ...(remove.length ? { remove } : {}) });
      void vscode.window.setStatusBarMessage(`Tags of ${contactLabel(contact)} saved.`, 4000);
    }),
    'ghl.tagContacts': guarded('Tagging the contacts', logger, async (node?: unknown, nodes?: unknown, tags?: unknown) => {
      // From the palette (no row given): the rows selected in the Contacts view.
      let contacts = node === undefined ? selectedContacts(contactSelection()[0], contactSelection()) : selectedContacts(node, nodes);
      if (contacts.length === 0) {
        const one = await pickContactFromCache(host, 'Tag which contact?');
        if (!one) return;
        contacts = [one];
      }
      if (contacts.length > MAX_BULK_TAG_CONTACTS) {
        void vscode.window.showWarningMessage(`Select at most ${MAX_BULK_TAG_CONTACTS} contacts at once.`);
        return;
      }
      const given = Array.isArray(tags) ? tags.filter((t): t is string => typeof t === 'string' && t.trim() !== '') : [];
      const chosen =
        given.length > 0 ? new Set(given) : await pickTags((await host.call(EXT_GHL_IPC.TAGS_LIST, {})).items.map((t) => t.name), new Set(), `Add tags to ${who(contacts)}`);
      if (!chosen || chosen.size === 0) return;
      const add = [...chosen];
      const outcome = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Tagging ${who(contacts)}`, cancellable: true },
        async (progress, token) => {
          const cancel = token.onCancellationRequested(() => void host.request(EXT_GHL_IPC.CONTACTS_BULK_TAGS_CANCEL, {}));
          const listener = host.onPush((event) => {
            if (event.channel === EXT_GHL_IPC.BULK_TAGS_PROGRESS && !event.payload.finished) {
              progress.report({ message: `${event.payload.processed} / ${event.payload.total}`, increment: 100 / event.payload.total });
            }
          });
          try {
            return await host.call(EXT_GHL_IPC.CONTACTS_BULK_TAGS, { ids: contacts.map((c) => c.id), add });
          } finally {
            cancel.dispose();
            listener.dispose();
          }
        },
      );
      const tagText = add.map((t) => `"${t}"`).join(', ');
      if (outcome.failed === 0) void vscode.window.showInformationMessage(`Tagged ${outcome.succeeded} contact${outcome.succeeded === 1 ? '' : 's'} ${tagText}.`);
      else {
        const firstError = outcome.results.find((r) => !r.ok)?.error ?? '';
        void vscode.window.showWarningMessage(`Tagged ${outcome.succeeded} of ${outcome.results.length} contacts ${tagText}${outcome.cancelled ? ' (cancelled)' : ''}; ${outcome.failed} not: ${firstError}`);
      }
    }),
    'ghl.addToWorkflow': guarded('Adding to the workflow', logger, async (node?: unknown, nodes?: unknown, workflow?: unknown) =>
      node === undefined ? workflowMembership(host, 'add', contactSelection()[0], contactSelection(), workflow) : workflowMembership(host, 'add', node, nodes, workflow),
    ),
    'ghl.removeFromWorkflow': guarded('Removing from the workflow', logger, async (node?: unknown) => workflowMembership(host, 'remove', node, undefined)),
  };
}

/** A multi-select quick pick of tags, `checked` ticked; typing a name that is not there offers it as a new tag. */
async function pickTags(names: string[], checked: ReadonlySet<string>, title: string): Promise<Set<string> | undefined> {
  type Item = vscode.QuickPickItem & { tag: string };
  const quickPick = vscode.window.createQuickPick<Item>();
  quickPick.title = title;
  quickPick.canSelectMany = true;
  quickPick.placeholder = 'Tick the tags; type to find one or to add a new one';
  quickPick.ignoreFocusOut = true;
  const base: Item[] = names.map((tag) => ({ label: tag, tag }));
  quickPick.items = base;
  quickPick.selectedItems = base.filter((i) => checked.has(i.tag));
  quickPick.onDidChangeValue((value) => {
    const typed = value.trim().toLowerCase();
    const kept = quickPick.selectedItems;
    const extra: Item[] = typed && !names.includes(typed) ? [{ label: typed, description: 'new tag', tag: typed, alwaysShow: true }] : [];
    quickPick.items = [...extra, ...base, ...kept.filter((i) => !names.includes(i.tag) && i.tag !== typed)];
    quickPick.selectedItems = quickPick.items.filter((i) => kept.some((k) => k.tag === i.tag));
  });
  const result = await new Promise<Set<string> | undefined>((resolve) => {
    quickPick.onDidAccept(() => resolve(new Set(quickPick.selectedItems.map((i) => i.tag))));
    quickPick.onDidHide(() => resolve(undefined));
    quickPick.show();
  });
  quickPick.dispose();
  return result;
}

/** Adds the selected contacts to a published workflow (or removes one contact), after a confirmation naming both. */
async function workflowMembership(host: BackendHost, action: 'add' | 'remove', node: unknown, nodes: unknown, workflow?: unknown): Promise<void> {
  let contacts = selectedContacts(node, nodes);
  if (contacts.length === 0) {
    const one = await contactOf(host, node, action === 'add' ? 'Add which contact to a workflow?' : 'Remove which contact from a workflow?');
    if (!one) return;
    contacts = [one];
  }
  const workflows = await host.call(EXT_GHL_IPC.WORKFLOWS_LIST, {});
  const published = workflows.items.filter((w) => w.status === 'published');
  if (published.length === 0) {
    void vscode.window.showInformationMessage('This location has no published workflow.');
    return;
  }
  const named = typeof workflow === 'string' ? published.find((w) => w.id === workflow || w.name === workflow) : undefined;
  const picked = named ? { workflow: named } : await vscode.window.showQuickPick(
    published.map((w) => ({ label: w.name, workflow: w })),
    { placeHolder: action === 'add' ? `Add ${who(contacts)} to which workflow?` : `Remove ${who(contacts)} from which workflow?`, ignoreFocusOut: true },
  );
  if (!picked) return;
  const verb = action === 'add' ? 'Add' : 'Remove';
  // A quick pick rather than a modal (as Estimate ARV…): it names who and what, needs an explicit choice, and works in every host.
  const confirm = await vscode.window.showQuickPick(
    [
      { label: `$(check) ${verb}`, description: action === 'add' ? 'GoHighLevel starts the workflow for them: its messages and actions run' : 'GoHighLevel stops the workflow for them', go: true },
      { label: '$(close) Cancel', description: 'nothing changes', go: false },
    ],
    { title: `${verb} ${who(contacts)} ${action === 'add' ? 'to' : 'from'} the workflow "${picked.workflow.name}"?`, ignoreFocusOut: true },
  );
  if (!confirm?.go) return;
  let failed = 0;
  let firstError = '';
  for (const contact of contacts) {
    const answer = await host.request(EXT_GHL_IPC.CONTACTS_WORKFLOW, { id: contact.id, workflowId: picked.workflow.id, action });
    if (!answer.success) {
      failed++;
      firstError ||= answer.error.message;
    }
  }
  const done = contacts.length - failed;
  const message = `${action === 'add' ? 'Added' : 'Removed'} ${done} of ${contacts.length} ${action === 'add' ? 'to' : 'from'} "${picked.workflow.name}".`;
  if (failed === 0) void vscode.window.showInformationMessage(message);
  else void vscode.window.showErrorMessage(`${message} ${failed} failed: ${firstError}`);
}
