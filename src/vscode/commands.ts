import * as vscode from 'vscode';
import type { Contact, Opportunity, OpportunityStatus, Pipeline } from '../protocol/entities';
import { md, money } from '../format';
import { OPPORTUNITY_STATUSES } from '../protocol/entities';
import type { CalendarEvent, Conversation, CustomField, Message } from '../protocol/responses';
import { RequestFailed, type BackendHost } from './backendHost';
import { BoardPanel } from './boardPanel';
import type { GhlDocuments } from './documents';
import { ContactNode, contactLabel, type ContactsTreeProvider } from './contactsTree';
import type { Logger } from './logger';
import { OpportunityNode, PipelineNode, StageNode, type PipelinesTreeProvider } from './pipelinesTree';
import type { ExtensionState } from './state';
import type { SyncRunner } from './syncRunner';

export interface CommandDeps {
  context: vscode.ExtensionContext;
  host: BackendHost;
  logger: Logger;
  state: ExtensionState;
  contacts: ContactsTreeProvider;
  pipelines: PipelinesTreeProvider;
  sync: SyncRunner;
  documents: GhlDocuments;
  refreshViews(): void;
  showBriefing(): Promise<void>;
}

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

/** Shows a failed request with actions that can fix it; never throws. */
export async function showRequestError(err: unknown, what: string, logger: Logger, retry?: () => unknown): Promise<void> {
  const error = err instanceof RequestFailed ? err.error : { code: 'INTERNAL', message: err instanceof Error ? err.message : String(err) };
  logger.error(`${what} failed: ${error.code} ${error.message}`, 'ui');
  const actions = [
    ...(retry && !['VALIDATION', 'NOT_FOUND', 'NOT_CONFIGURED'].includes(error.code) ? ['Retry'] : []),
    ...(error.code === 'AUTH' || error.code === 'NOT_CONFIGURED' ? ['Set API Token'] : []),
    'Show Log',
  ];
  const choice = await vscode.window.showErrorMessage(`${what} failed: ${error.message}`, ...actions);
  if (choice === 'Retry') void retry?.();
  else if (choice === 'Set API Token') void vscode.commands.executeCommand('ghl.setApiToken');
  else if (choice === 'Show Log') logger.show();
}

export function registerCommands(deps: CommandDeps): vscode.Disposable[] {
  const { host, logger, state, contacts, sync } = deps;

  /** Runs a command body; request failures become an error message with actions. */
  const guarded =
    (what: string, body: (...args: any[]) => Promise<unknown>) =>
    async (...args: any[]) => {
      try {
        await body(...args);
      } catch (err) {
        // Not awaited: the command is done once the error is shown. Awaiting the user's choice
        // kept executeCommand (keybindings, tasks, other extensions) pending until dismissed.
        void showRequestError(err, what, logger, () => guarded(what, body)(...args));
      }
    };

  const pickContact = async (node?: unknown): Promise<Contact | undefined> => {
    if (node instanceof ContactNode) return node.contact;
    return pickContactFromCache(host, 'Pick a contact');
  };

  const pickOpportunity = async (node?: unknown): Promise<{ opportunity: Opportunity; pipeline?: Pipeline } | undefined> => {
    if (node instanceof OpportunityNode) return { opportunity: node.opportunity, pipeline: node.pipeline };
    const { items } = await host.call('ext-ghl:opps-list', { limit: 500 });
    const picked = await vscode.window.showQuickPick(
      items.map((o) => ({ label: o.name, description: `${money.format(o.monetaryValue)} · ${o.status}`, detail: o.contactName ?? undefined, opportunity: o })),
      { placeHolder: 'Pick an opportunity', matchOnDescription: true, matchOnDetail: true },
    );
    if (!picked) return undefined;
    const pipelineList = await host.call('ext-ghl:pipelines-list', {});
    return { opportunity: picked.opportunity, pipeline: pipelineList.items.find((p) => p.id === picked.opportunity.pipelineId) };
  };

  const afterConfigChange = async () => {
    await state.refreshConfiguration();
    deps.refreshViews();
  };

  const commands: Record<string, (...args: any[]) => unknown> = {
    // Both setup commands take an optional argument so keybindings and automation can skip the prompt.
    'ghl.setApiToken': guarded('Setting the API token', async (tokenArg?: unknown) => {
      const token = typeof tokenArg === 'string' && tokenArg.trim() ? tokenArg : await vscode.window.showInputBox({
        title: 'GoHighLevel API token',
        prompt: 'Paste a Private Integration token (Settings → Private Integrations in GHL). It is kept in VS Code\'s secret storage.',
        password: true,
        ignoreFocusOut: true,
        placeHolder: 'pit-…',
        validateInput: (value) => (value.trim().length < 8 ? 'The token looks too short.' : undefined),
      });
      if (token === undefined) return;
      const view = await host.call('ext-ghl:settings-set', { token: token.trim() });
      await afterConfigChange();
      void vscode.window.showInformationMessage(`GHL API token saved (${view.token}).`);
      if (!view.locationId && tokenArg === undefined) void vscode.commands.executeCommand('ghl.setLocationId');
    }),
    'ghl.setLocationId': guarded('Setting the location', async (locationArg?: unknown) => {
      const current = vscode.workspace.getConfiguration('ghl').get<string>('locationId') ?? '';
      const locationId = typeof locationArg === 'string' && locationArg.trim() ? locationArg : await vscode.window.showInputBox({
        title: 'GoHighLevel location ID',
        prompt: 'The sub-account (location) id, as in app.gohighlevel.com/v2/location/<id>/…',
        value: current,
        ignoreFocusOut: true,
        validateInput: (value) => (/^[A-Za-z0-9_-]{3,64}$/.test(value.trim()) ? undefined : 'Letters, digits, - and _ only.'),
      });
      if (locationId === undefined) return;
      await host.call('ext-ghl:settings-set', { locationId: locationId.trim() });
      await afterConfigChange();
      if (state.configured && locationArg === undefined) {
        const choice = await vscode.window.showInformationMessage('GHL location set.', 'Test Connection', 'Sync Now');
        if (choice === 'Test Connection') void vscode.commands.executeCommand('ghl.testConnection');
        else if (choice === 'Sync Now') void vscode.commands.executeCommand('ghl.syncAll');
      }
    }),
    'ghl.testConnection': guarded('Connection test', async () => {
      const result = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Window, title: 'Testing GHL connection…' },
        () => host.call('ext-ghl:connection-test', {}),
      );
      void vscode.window.showInformationMessage(`Connected to GoHighLevel location "${result.locationName}" (${result.locationId}).`);
    }),
    'ghl.syncContacts': () => sync.run(['contacts']),
    'ghl.syncOpportunities': () => sync.run(['opportunities']),
    'ghl.syncAll': () => (state.configured ? sync.run(['contacts', 'opportunities']) : vscode.commands.executeCommand('ghl.setApiToken')),
    'ghl.fullResync': () => sync.run(['contacts', 'opportunities'], { full: true }),
    'ghl.cancelSync': () => host.cancelSync(),
    'ghl.refreshViews': () => deps.refreshViews(),
    'ghl.contacts.loadMore': () => contacts.loadMore(),
    'ghl.searchContacts': guarded('Contact search', async () => {
      const contact = await pickContactFromCache(host, 'Search contacts by name, email, phone or company');
      if (!contact) return;
      const action = await vscode.window.showQuickPick(
        [
          { label: '$(edit) Edit', id: 'ghl.editContact' },
          { label: '$(comment-discussion) Show Conversations', id: 'ghl.showConversations' },
          ...(contact.email ? [{ label: '$(copy) Copy Email', id: 'ghl.copyEmail' }] : []),
          ...(contact.phone ? [{ label: '$(copy) Copy Phone', id: 'ghl.copyPhone' }] : []),
          { label: '$(link-external) Open in GoHighLevel', id: 'ghl.openInGhl' },
        ],
        { placeHolder: contactLabel(contact) },
      );
      if (action) await vscode.commands.executeCommand(action.id, new ContactNode(contact));
    }),
    'ghl.filterContacts': async () => {
      const query = await vscode.window.showInputBox({
        title: 'Filter contacts',
        prompt: 'Name, email, phone or company (empty clears the filter)',
        value: contacts.filter,
      });
      if (query !== undefined) await contacts.setFilter(query);
    },
    'ghl.clearContactsFilter': () => contacts.setFilter(''),
    'ghl.newContact': guarded('Creating the contact', async () => {
      const firstName = await ask('First name', 'New contact (1/4)');
      if (firstName === undefined) return;
      const lastName = await ask('Last name', 'New contact (2/4)');
      if (lastName === undefined) return;
      const email = await ask('Email (optional)', 'New contact (3/4)', (v) => (v && !/^\S+@\S+\.\S+$/.test(v) ? 'Not an email address.' : undefined));
      if (email === undefined) return;
      const phone = await ask('Phone (optional)', 'New contact (4/4)');
      if (phone === undefined) return;
      const contact = Object.fromEntries(
        Object.entries({ firstName, lastName, email, phone }).filter(([, v]) => v.trim() !== '').map(([k, v]) => [k, v.trim()]),
      );
      const created = await host.call('ext-ghl:contacts-create', { contact });
      void vscode.window.showInformationMessage(`Contact "${contactLabel(created)}" created in GoHighLevel.`);
    }),
    'ghl.editContact': guarded('Updating the contact', async (node?: unknown) => {
      const contact = await pickContact(node);
      if (!contact) return;
      const field = await vscode.window.showQuickPick(
        EDITABLE_CONTACT_FIELDS.map((f) => ({ label: f.label, description: String(contact[f.key] ?? ''), key: f.key })),
        { title: `Edit ${contactLabel(contact)}`, placeHolder: 'Pick a field to change' },
      );
      if (!field) return;
      const value = await vscode.window.showInputBox({ title: `${field.label} of ${contactLabel(contact)}`, value: String(contact[field.key] ?? '') });
      if (value === undefined) return;
      await host.call('ext-ghl:contacts-update', { id: contact.id, data: { [field.key]: value.trim() } });
      void vscode.window.setStatusBarMessage(`$(check) ${field.label} updated`, 3000);
    }),
    'ghl.deleteContact': guarded('Deleting the contact', async (node?: unknown) => {
      const contact = await pickContact(node);
      if (!contact) return;
      const confirm = await vscode.window.showWarningMessage(
        `Delete "${contactLabel(contact)}" from GoHighLevel?`,
        { modal: true, detail: 'The contact is deleted in GoHighLevel itself, not only in this cache. This cannot be undone.' },
        'Delete',
      );
      if (confirm !== 'Delete') return;
      await host.call('ext-ghl:contacts-delete', { id: contact.id });
    }),
    'ghl.showContact': guarded('Showing the contact', async (node?: unknown) => {
      const contact = await pickContact(node);
      if (!contact) return;
      const [opportunities, pipelines, fields] = await Promise.all([
        host.call('ext-ghl:opps-list', { contactId: contact.id, limit: 100 }),
        host.call('ext-ghl:pipelines-list', {}),
        // Live and optional: offline, custom fields show by id.
        host.request('ext-ghl:custom-fields-list', {}),
      ]);
      const fieldNames = new Map(fields.success ? (fields.data as { items: CustomField[] }).items.map((f) => [f.id, f.name]) : []);
      await deps.documents.show(`contact/${contact.id}`, contactLabel(contact), renderContact(contact, opportunities.items, pipelines.items, fieldNames));
    }),
    'ghl.copyEmail': async (node?: unknown) => {
      const contact = await pickContact(node);
      if (contact?.email) await copy(contact.email, 'Email');
      else if (contact) void vscode.window.showWarningMessage(`${contactLabel(contact)} has no email.`);
    },
    'ghl.copyPhone': async (node?: unknown) => {
      const contact = await pickContact(node);
      if (contact?.phone) await copy(contact.phone, 'Phone');
      else if (contact) void vscode.window.showWarningMessage(`${contactLabel(contact)} has no phone.`);
    },
    'ghl.openInGhl': async (node?: unknown) => {
      const contact = await pickContact(node);
      if (!contact) return;
      const url = `https://app.gohighlevel.com/v2/location/${encodeURIComponent(contact.locationId)}/contacts/detail/${encodeURIComponent(contact.id)}`;
      await vscode.env.openExternal(vscode.Uri.parse(url));
    },
    'ghl.showConversations': guarded('Loading conversations', async (node?: unknown) => {
      const contact = await pickContact(node);
      if (!contact) return;
      const { items } = await host.call('ext-ghl:convs-list', { contactId: contact.id, limit: 50 });
      if (items.length === 0) {
        void vscode.window.showInformationMessage(`No conversations with ${contactLabel(contact)} yet.`);
        return;
      }
      const conversation =
        items.length === 1
          ? items[0]!
          : (
              await vscode.window.showQuickPick(
                items.map((c) => ({ label: c.lastMessageBody?.slice(0, 80) || '(no messages)', description: c.lastMessageType, conversation: c })),
                { placeHolder: `Conversations with ${contactLabel(contact)}` },
              )
            )?.conversation;
      if (conversation) await showConversation(host, deps.documents, contact, conversation);
    }),
    'ghl.newOpportunity': guarded('Creating the opportunity', async (node?: unknown) => {
      const pipelineList = (await host.call('ext-ghl:pipelines-list', {})).items;
      if (pipelineList.length === 0) {
        void vscode.window.showWarningMessage('No pipelines cached yet. Run GHL: Sync Opportunities first.');
        return;
      }
      const pipeline =
        node instanceof PipelineNode || node instanceof StageNode
          ? node.pipeline
          : (await vscode.window.showQuickPick(pipelineList.map((p) => ({ label: p.name, pipeline: p })), { placeHolder: 'Pipeline' }))?.pipeline;
      if (!pipeline) return;
      const stage =
        node instanceof StageNode
          ? node.stage
          : (await vscode.window.showQuickPick(pipeline.stages.map((s) => ({ label: s.name, stage: s })), { placeHolder: 'Stage' }))?.stage;
      if (!stage) return;
      const name = await ask('Opportunity name', 'New opportunity', (v) => (v.trim() ? undefined : 'A name is required.'));
      if (!name) return;
      const contact = await pickContactFromCache(host, 'Contact for this opportunity');
      if (!contact) return;
      const value = await ask('Value in USD (optional)', 'New opportunity', (v) => (v && !(Number(v) >= 0) ? 'A number, please.' : undefined));
      if (value === undefined) return;
      await host.call('ext-ghl:opps-create', {
        opportunity: { name: name.trim(), pipelineId: pipeline.id, pipelineStageId: stage.id, contactId: contact.id, ...(value ? { monetaryValue: Number(value) } : {}) },
      });
    }),
    'ghl.setOpportunityStatus': guarded('Changing the status', async (node?: unknown, statusArg?: OpportunityStatus) => {
      const target = await pickOpportunity(node);
      if (!target) return;
      const status =
        statusArg ??
        (
          await vscode.window.showQuickPick(
            OPPORTUNITY_STATUSES.map((s) => ({ label: s, description: s === target.opportunity.status ? 'current' : undefined })),
            { placeHolder: `Status of ${target.opportunity.name}` },
          )
        )?.label;
      if (!status || status === target.opportunity.status) return;
      await host.call('ext-ghl:opps-update-status', { id: target.opportunity.id, status });
    }),
    'ghl.moveOpportunityStage': guarded('Moving the opportunity', async (node?: unknown, stageIdArg?: string) => {
      const target = await pickOpportunity(node);
      if (!target?.pipeline) return;
      const stageId =
        stageIdArg ??
        (
          await vscode.window.showQuickPick(
            target.pipeline.stages
              .filter((s) => s.id !== target.opportunity.pipelineStageId)
              .map((s) => ({ label: s.name, id: s.id })),
            { placeHolder: `Move ${target.opportunity.name} to…` },
          )
        )?.id;
      if (!stageId) return;
      await host.call('ext-ghl:opps-update', { id: target.opportunity.id, data: { pipelineStageId: stageId } });
    }),
    'ghl.openBoard': (node?: unknown) => {
      const pipelineId =
        node instanceof PipelineNode || node instanceof StageNode
          ? node.pipeline.id
          : node instanceof OpportunityNode
            ? node.pipeline.id
            : typeof node === 'string'
              ? node
              : undefined;
      BoardPanel.show(deps.context.extensionUri, host, logger, pipelineId);
    },
    'ghl.openChat': () => vscode.commands.executeCommand('ghl-chat.focus'),
    'ghl.showDailyBriefing': guarded('Building the daily briefing', () => deps.showBriefing()),
    'ghl.showCalendar': guarded('Loading the calendar', async () => {
      const [events, calendars] = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Window, title: 'Loading GHL calendars…' },
        () => Promise.all([host.call('ext-ghl:cal-events-list', {}), host.call('ext-ghl:cals-list', {})]),
      );
      await deps.documents.show('calendar', 'Calendar', renderAgenda(events.items, new Map(calendars.items.map((c) => [c.id, c.name]))));
    }),
    'ghl.showLog': () => logger.show(),
    'ghl.clearCache': guarded('Clearing the cache', async () => {
      const confirm = await vscode.window.showWarningMessage(
        'Clear the local GHL cache?',
        { modal: true, detail: 'Cached contacts, pipelines and opportunities are removed from this computer. Nothing changes in GoHighLevel; the next sync downloads them again.' },
        'Clear Cache',
      );
      if (confirm !== 'Clear Cache') return;
      await host.clearCache();
      deps.refreshViews();
      void vscode.window.showInformationMessage('The local GHL cache is empty.');
    }),
  };

  return Object.entries(commands).map(([id, handler]) => vscode.commands.registerCommand(id, handler));
}

function ask(prompt: string, title: string, validateInput?: (value: string) => string | undefined): Thenable<string | undefined> {
  return vscode.window.showInputBox({ title, prompt, ignoreFocusOut: true, validateInput });
}

async function copy(text: string, what: string): Promise<void> {
  await vscode.env.clipboard.writeText(text);
  void vscode.window.setStatusBarMessage(`$(copy) ${what} copied`, 2500);
}

/** A QuickPick that searches the cache as the user types (fast even at 50k contacts). */
async function pickContactFromCache(host: BackendHost, placeHolder: string): Promise<Contact | undefined> {
  type Item = vscode.QuickPickItem & { contact: Contact };
  const quickPick = vscode.window.createQuickPick<Item>();
  quickPick.placeholder = placeHolder;
  quickPick.matchOnDescription = true;
  quickPick.matchOnDetail = true;
  let generation = 0;
  const search = async (query: string) => {
    const mine = ++generation;
    quickPick.busy = true;
    const response = await host.request('ext-ghl:contacts-list', { limit: 50, ...(query.trim() ? { query: query.trim() } : {}) });
    if (mine !== generation) return;
    quickPick.busy = false;
    if (!response.success) {
      quickPick.items = [];
      quickPick.placeholder = response.error.message;
      return;
    }
    const { items } = response.data as { items: Contact[] };
    quickPick.items = items.map((c) => ({
      label: contactLabel(c),
      description: c.email ?? c.phone ?? '',
      detail: c.companyName ?? undefined,
      contact: c,
    }));
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

async function showConversation(host: BackendHost, documents: GhlDocuments, contact: Contact, conversation: Conversation): Promise<void> {
  const { items } = await host.call('ext-ghl:convs-messages', { conversationId: conversation.id, limit: 50 });
  const lines = [`# Conversation with ${md(contactLabel(contact))}`, ''];
  for (const message of [...items].reverse() as Message[]) {
    const who = message.direction === 'outbound' ? 'You' : md(contactLabel(contact));
    const when = message.dateAdded ? new Date(message.dateAdded).toLocaleString() : '';
    lines.push(`**${who}** · ${when} · ${md(message.messageType ?? '')}`, '', `> ${(message.body ?? '').split('\n').map(md).join('  \n> ')}`, '');
  }
  await documents.show(`conversation/${conversation.id}`, `Conversation with ${contactLabel(contact)}`, lines.join('\n'));
  const reply = await vscode.window.showInputBox({
    title: `Reply to ${contactLabel(contact)} by SMS`,
    prompt: 'Press Enter to send, Escape to close without replying.',
    ignoreFocusOut: false,
  });
  if (reply?.trim()) {
    await host.call('ext-ghl:convs-send', { conversationId: conversation.id, type: 'SMS', message: reply.trim() });
    void vscode.window.showInformationMessage('Message sent.');
  }
}

/** A contact's details, tags, custom fields and opportunities, as Markdown. */
export function renderContact(contact: Contact, opportunities: Opportunity[], pipelines: Pipeline[], fieldNames: Map<string, string>): string {
  const lines = [`# ${md(contactLabel(contact))}`, ''];
  const rows: Array<[string, string | null]> = [
    ['Email', contact.email],
    ['Phone', contact.phone],
    ['Company', contact.companyName],
    ['Address', [contact.address1, contact.city, contact.state, contact.postalCode].filter(Boolean).join(', ') || null],
    ['Tags', contact.tags.join(', ') || null],
    ['Added', contact.createdAt ? new Date(contact.createdAt).toLocaleString() : null],
  ];
  for (const [label, value] of rows) if (value) lines.push(`- **${label}:** ${md(value)}`);
  const custom = contact.customFields.filter((f) => f.value !== null && f.value !== undefined && f.value !== '');
  if (custom.length > 0) {
    lines.push('', '## Custom fields', '');
    for (const f of custom) lines.push(`- **${md(fieldNames.get(f.id) ?? f.id)}:** ${md(typeof f.value === 'string' ? f.value : JSON.stringify(f.value))}`);
  }
  lines.push('', '## Opportunities', '');
  if (opportunities.length === 0) lines.push('None in the local cache.');
  for (const o of opportunities) {
    const pipeline = pipelines.find((p) => p.id === o.pipelineId);
    const stage = pipeline?.stages.find((s) => s.id === o.pipelineStageId);
    lines.push(`- ${md(o.name)} — ${money.format(o.monetaryValue)} · ${o.status}${pipeline ? ` · ${md(pipeline.name)} › ${md(stage?.name ?? '?')}` : ''}`);
  }
  lines.push('', `_From the local cache, synced ${new Date(contact.syncedAt).toLocaleString()}._`, '');
  return lines.join('\n');
}

/** The next seven days of appointments, grouped by day, as Markdown. */
export function renderAgenda(events: CalendarEvent[], calendarNames: Map<string, string>): string {
  const lines = ['# Calendar — the next 7 days', ''];
  if (events.length === 0) lines.push('No appointments in the next 7 days.');
  let day = '';
  for (const event of events) {
    const start = new Date(event.startTime);
    const end = new Date(event.endTime);
    const heading = start.toLocaleDateString(undefined, { weekday: 'long', month: 'long', day: 'numeric' });
    if (heading !== day) {
      day = heading;
      lines.push(`## ${day}`, '', '| Time | Appointment | Calendar | Status |', '| --- | --- | --- | --- |');
    }
    const time = (d: Date) => d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
    lines.push(
      `| ${time(start)}–${time(end)} | ${md(event.title ?? '(untitled)')} | ${md(calendarNames.get(event.calendarId) ?? '')} | ${md(event.appointmentStatus ?? '')} |`,
    );
  }
  return lines.join('\n') + '\n';
}
