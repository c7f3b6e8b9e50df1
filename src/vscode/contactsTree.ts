import { count } from '../format';
import * as vscode from 'vscode';
import type { Contact } from '../protocol/entities';
import { EXT_GHL_IPC } from '../protocol/channels';
import type { BackendHost } from './backendHost';
import { Disposable } from './lifecycle';

/** #17: where the Contacts view's tag filter is kept, so it survives a reload of the window. */
export const CONTACTS_TAG_FILTER_KEY = 'ghl.contacts.tagFilter';

/** Contacts fetched per "Load more…"; the cache answers a page in a few ms even at 50k. */
export const CONTACTS_PAGE_SIZE = 200;

export class ContactNode {
  constructor(readonly contact: Contact) {}
}

export class LoadMoreNode {
  constructor(readonly remaining: number) {}
}

type Node = ContactNode | LoadMoreNode;


export function contactLabel(contact: Contact): string {
  return contact.name?.trim() || [contact.firstName, contact.lastName].filter(Boolean).join(' ') || contact.email || contact.phone || '(no name)';
}

/** The Contacts view: the cache, sorted by name, paged, optionally filtered. */
export class ContactsTreeProvider extends Disposable implements vscode.TreeDataProvider<Node> {
  private readonly changed = this._register(new vscode.EventEmitter<Node | undefined>());
  readonly onDidChangeTreeData = this.changed.event;
  private loaded: Contact[] = [];
  private total = 0;
  private complete = false;
  /** How many rows the user has asked to see; a refresh keeps it, so "Load more" survives edits and syncs. */
  private wanted = CONTACTS_PAGE_SIZE;
  /** Bumped by every refresh: answers to an older generation are dropped, never appended. */
  private generation = 0;
  private query = '';
  /** #17: only contacts carrying this tag ('' = all). */
  private tag: string;
  private loading: Promise<void> | undefined;
  private view: vscode.TreeView<Node> | undefined;

  constructor(
    private readonly host: BackendHost,
    private readonly onCount: (total: number) => void,
    private readonly memento?: vscode.Memento,
  ) {
    super();
    const saved = memento?.get<unknown>(CONTACTS_TAG_FILTER_KEY);
    this.tag = typeof saved === 'string' ? saved.trim().toLowerCase() : '';
    void vscode.commands.executeCommand('setContext', 'ghl.contactsTagFiltered', this.tag !== '');
  }

  attach(view: vscode.TreeView<Node>): void {
    this.view = view;
  }

  get filter(): string {
    return this.query;
  }

  get tagFilter(): string {
    return this.tag;
  }

  /** #17: shows only contacts carrying `tag` ('' shows all); kept in the workspace state. */
  async setTagFilter(tag: string): Promise<void> {
    // As GHL keeps tags (and as contacts-list compares them).
    this.tag = tag.trim().toLowerCase();
    this.wanted = CONTACTS_PAGE_SIZE;
    await this.memento?.update(CONTACTS_TAG_FILTER_KEY, this.tag || undefined);
    await vscode.commands.executeCommand('setContext', 'ghl.contactsTagFiltered', this.tag !== '');
    this.refresh();
  }

  get totalCount(): number {
    return this.total;
  }

  async setFilter(query: string): Promise<void> {
    this.query = query.trim();
    this.wanted = CONTACTS_PAGE_SIZE;
    await vscode.commands.executeCommand('setContext', 'ghl.contactsFiltered', this.query !== '');
    this.refresh();
  }

  /** Reloads from the cache, as many rows as were shown. */
  refresh(): void {
    this.generation++;
    this.loaded = [];
    this.total = 0;
    this.complete = false;
    this.loading = undefined;
    this.changed.fire(undefined);
  }

  loadMore(): void {
    this.wanted = Math.max(this.wanted, this.loaded.length) + CONTACTS_PAGE_SIZE;
    this.changed.fire(undefined);
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if (node instanceof LoadMoreNode) {
      const item = new vscode.TreeItem(`Load more… (${count.format(node.remaining)} more)`);
      item.command = { command: 'ghl.contacts.loadMore', title: 'Load more contacts' };
      item.iconPath = new vscode.ThemeIcon('ellipsis');
      item.contextValue = 'loadMore';
      return item;
    }
    const { contact } = node;
    const item = new vscode.TreeItem(contactLabel(contact), vscode.TreeItemCollapsibleState.None);
    item.id = `contact:${contact.id}`;
    item.description = contact.email || contact.phone || contact.companyName || '';
    item.iconPath = new vscode.ThemeIcon('person');
    item.tooltip = contactTooltip(contact);
    item.contextValue = ['contact', contact.email ? ':email' : '', contact.phone ? ':phone' : ''].join('');
    item.command = { command: 'ghl.showContact', title: 'Show Contact', arguments: [node] };
    item.accessibilityInformation = { label: `${contactLabel(contact)}${item.description ? `, ${item.description}` : ''}` };
    return item;
  }

  async getChildren(element?: Node): Promise<Node[]> {
    if (element) return [];
    if (!this.loading) {
      const loading = this.ensureLoaded().finally(() => {
        if (this.loading === loading) this.loading = undefined;
      });
      this.loading = loading;
    }
    await this.loading;
    const nodes: Node[] = this.loaded.map((c) => new ContactNode(c));
    if (this.loaded.length < this.total) nodes.push(new LoadMoreNode(this.total - this.loaded.length));
    return nodes;
  }

  /** The view's description: the active filters and how many contacts pass them. */
  private description(total: number): string | undefined {
    const filters = [this.tag ? `tag: ${this.tag}` : '', this.query ? `"${this.query}"` : ''].filter(Boolean);
    if (filters.length === 0) return total ? count.format(total) : undefined;
    return `${filters.join(' · ')} · ${count.format(total)}`;
  }

  private emptyMessage(): string | undefined {
    if (this.tag && this.query) return `No contacts tagged "${this.tag}" match "${this.query}".`;
    if (this.tag) return `No cached contact is tagged "${this.tag}". Clear the tag filter to see all contacts.`;
    if (this.query) return `No contacts match "${this.query}".`;
    return undefined;
  }

  /** Fetches pages until `wanted` rows are loaded or the cache has no more. */
  private async ensureLoaded(): Promise<void> {
    const generation = this.generation;
    while (this.loaded.length < this.wanted && !this.complete) {
      const offset = this.loaded.length;
      const response = await this.host.request(EXT_GHL_IPC.CONTACTS_LIST, {
        limit: Math.min(500, this.wanted - offset),
        offset,
        ...(this.query ? { query: this.query } : {}),
        ...(this.tag ? { tag: this.tag } : {}),
      });
      if (generation !== this.generation) return;
      if (!response.success) {
        if (this.view) this.view.message = response.error.code === 'NOT_CONFIGURED' ? undefined : `Could not read the cache: ${response.error.message}`;
        return;
      }
      const { data } = response;
      this.loaded.push(...data.items);
      this.total = data.total;
      this.complete = data.items.length === 0 || this.loaded.length >= data.total;
      if (this.view) {
        this.view.message = data.total === 0 ? this.emptyMessage() : undefined;
        this.view.description = this.description(data.total);
      }
      if (!this.query && !this.tag) this.onCount(data.total);
    }
  }

}

/** CRM text as a Markdown code span: shown literally, never turned into a link or HTML. */
export function codeSpan(text: string): string {
  const single = text.replace(/\s*\n\s*/g, ' ');
  const longestRun = Math.max(0, ...(single.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longestRun + 1);
  return `${fence} ${single} ${fence}`;
}

function contactTooltip(contact: Contact): vscode.MarkdownString {
  // appendText escapes: CRM data never becomes markdown, links or HTML.
  const md = new vscode.MarkdownString();
  md.appendMarkdown('**');
  md.appendText(contactLabel(contact));
  md.appendMarkdown('**\n\n');
  const rows: Array<[string, string | null | undefined]> = [
    ['Email', contact.email],
    ['Phone', contact.phone],
    ['Company', contact.companyName],
    ['Address', [contact.address1, contact.city, contact.state, contact.postalCode].filter(Boolean).join(', ')],
    ['Tags', contact.tags.join(', ')],
  ];
  for (const [label, value] of rows) {
    if (!value) continue;
    md.appendMarkdown(`${label}: ${codeSpan(value)}  \n`);
  }
  return md;
}
