import * as vscode from 'vscode';
import { count } from '../../format';
import { EXT_GHL_IPC } from '../../protocol/channels';
import type { Task } from '../../protocol/entities';
import { formatDueDate } from '../../time/datePhrase';
import { machineTimeZone, todayWindow } from '../../time/dayWindows';
import type { BackendHost } from '../backendHost';
import { Disposable } from '../lifecycle';

/** #17: the Tasks view: open tasks grouped by when they fall due, done ones last (collapsed). */

export type TaskGroupKind = 'overdue' | 'today' | 'upcoming' | 'undated' | 'done';

const GROUPS: ReadonlyArray<{ kind: TaskGroupKind; label: string; icon: string }> = [
  { kind: 'overdue', label: 'Overdue', icon: 'warning' },
  { kind: 'today', label: 'Today', icon: 'calendar' },
  { kind: 'upcoming', label: 'Upcoming', icon: 'arrow-right' },
  { kind: 'undated', label: 'No date', icon: 'circle-large-outline' },
  { kind: 'done', label: 'Done', icon: 'pass' },
];

/** Open tasks the view loads at most (the cache answers 1,000 in a few ms); done ones: the latest 100. */
const OPEN_LIMIT = 1000;
const DONE_LIMIT = 100;

export class TaskGroupNode {
  constructor(
    readonly kind: TaskGroupKind,
    readonly tasks: Task[],
  ) {}
}

export class TaskNode {
  constructor(readonly task: Task) {}
}

type Node = TaskGroupNode | TaskNode;

/** Which group an open task falls in, on the location's calendar (`today` its window). */
export function taskGroup(task: Task, now: number, today: { startTime: number; endTime: number }): TaskGroupKind {
  if (task.completed) return 'done';
  if (task.dueDate === null) return 'undated';
  const due = Date.parse(task.dueDate);
  if (due < now) return 'overdue';
  if (due < today.endTime) return 'today';
  return 'upcoming';
}

const relative = new Intl.RelativeTimeFormat('en-US', { numeric: 'auto' });

/** "in 3 hours", "2 days ago": the nearest whole unit. */
export function relativeDue(due: number, now: number): string {
  const minutes = Math.round((due - now) / 60_000);
  if (Math.abs(minutes) < 60) return relative.format(minutes, 'minute');
  const hours = Math.round(minutes / 60);
  if (Math.abs(hours) < 24) return relative.format(hours, 'hour');
  return relative.format(Math.round(hours / 24), 'day');
}

export class TasksTreeProvider extends Disposable implements vscode.TreeDataProvider<Node> {
  private readonly changed = this._register(new vscode.EventEmitter<Node | undefined>());
  readonly onDidChangeTreeData = this.changed.event;
  private readonly overdueChanged = this._register(new vscode.EventEmitter<number>());
  /** The number of overdue open tasks after each load (the badge and the status bar). */
  readonly onDidChangeOverdue = this.overdueChanged.event;
  private groups: TaskGroupNode[] | undefined;
  private loading: Promise<void> | undefined;
  private view: vscode.TreeView<Node> | undefined;
  private zone = machineTimeZone();
  private generation = 0;
  /** A GHL user id: only their tasks ("Assigned to me"); undefined: everyone's. */
  private assignee: string | undefined;

  constructor(
    private readonly host: BackendHost,
    private readonly now: () => number = Date.now,
  ) {
    super();
  }

  attach(view: vscode.TreeView<Node>): void {
    this.view = view;
    this._register(view.onDidChangeCheckboxState((event) => void this.checkboxesChanged(event)));
  }

  get assignedTo(): string | undefined {
    return this.assignee;
  }

  async setAssignee(userId: string | undefined): Promise<void> {
    this.assignee = userId;
    await vscode.commands.executeCommand('setContext', 'ghl.tasksMine', userId !== undefined);
    this.refresh();
  }

  refresh(): void {
    this.generation++;
    this.groups = undefined;
    this.loading = undefined;
    this.changed.fire(undefined);
  }

  /** Every task the view shows now (for the reminders). */
  get openTasks(): Task[] {
    return (this.groups ?? []).filter((g) => g.kind !== 'done').flatMap((g) => g.tasks);
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if (node instanceof TaskGroupNode) {
      const group = GROUPS.find((g) => g.kind === node.kind)!;
      const collapsed = node.kind === 'done' || node.tasks.length === 0 ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.Expanded;
      const item = new vscode.TreeItem(group.label, collapsed);
      // An empty group has an id of its own: VS Code keeps a row's expansion by id, and a group first
      // drawn empty (before the first sync) would otherwise stay collapsed once its tasks arrive.
      item.id = `tasks-group:${node.kind}${node.tasks.length === 0 ? ':empty' : ''}`;
      item.description = count.format(node.tasks.length);
      item.iconPath = new vscode.ThemeIcon(group.icon, node.kind === 'overdue' && node.tasks.length > 0 ? new vscode.ThemeColor('list.warningForeground') : undefined);
      item.contextValue = `taskGroup:${node.kind}`;
      return item;
    }
    const { task } = node;
    const now = this.now();
    const item = new vscode.TreeItem(task.title, vscode.TreeItemCollapsibleState.None);
    item.id = `task:${task.id}`;
    const due = task.dueDate === null ? null : Date.parse(task.dueDate);
    item.description = [task.contactName ?? '', due === null ? '' : relativeDue(due, now)].filter(Boolean).join(' · ');
    item.checkboxState = task.completed ? vscode.TreeItemCheckboxState.Checked : vscode.TreeItemCheckboxState.Unchecked;
    const tooltip = new vscode.MarkdownString();
    // appendText escapes: CRM text never becomes markdown, links or HTML.
    tooltip.appendMarkdown('**');
    tooltip.appendText(task.title);
    tooltip.appendMarkdown('**\n\n');
    if (task.contactName) tooltip.appendText(`Contact: ${task.contactName}\n\n`);
    tooltip.appendText(due === null ? 'No due date' : `Due ${formatDueDate(due, { location: this.zone, user: machineTimeZone() })}`);
    if (task.body) tooltip.appendText(`\n\n${task.body}`);
    item.tooltip = tooltip;
    item.contextValue = task.completed ? 'task:done' : 'task:open';
    item.command = { command: 'ghl.tasks.openContact', title: 'Open Contact', arguments: [node] };
    item.accessibilityInformation = {
      label: `${task.completed ? 'Done' : 'Open'} task ${task.title}${task.contactName ? `, ${task.contactName}` : ''}${due === null ? '' : `, due ${relativeDue(due, now)}`}`,
    };
    return item;
  }

  async getChildren(element?: Node): Promise<Node[]> {
    if (element instanceof TaskNode) return [];
    if (element instanceof TaskGroupNode) return element.tasks.map((t) => new TaskNode(t));
    this.loading ??= this.load();
    await this.loading;
    return this.groups ?? [];
  }

  private async load(): Promise<void> {
    const generation = this.generation;
    const location = await this.host.request(EXT_GHL_IPC.LOCATION_GET, {});
    if (location.success) this.zone = location.data.timeZone;
    const filter = this.assignee ? { assignedTo: this.assignee } : {};
    const [open, done] = await Promise.all([
      this.host.request(EXT_GHL_IPC.TASKS_LIST, { status: 'open', limit: OPEN_LIMIT, ...filter }),
      this.host.request(EXT_GHL_IPC.TASKS_LIST, { status: 'completed', limit: DONE_LIMIT, ...filter }),
    ]);
    if (generation !== this.generation) return;
    if (!open.success || !done.success) {
      const error = !open.success ? open.error : !done.success ? done.error : undefined;
      this.groups = [];
      if (this.view) this.view.message = error?.code === 'NOT_CONFIGURED' ? undefined : `Could not read the tasks: ${error?.message}`;
      return;
    }
    const now = this.now();
    const today = todayWindow(now, this.zone);
    const byKind = new Map<TaskGroupKind, Task[]>(GROUPS.map((g) => [g.kind, []]));
    for (const task of open.data.items) byKind.get(taskGroup(task, now, today))!.push(task);
    byKind.set('done', done.data.items);
    this.groups = GROUPS.map((g) => new TaskGroupNode(g.kind, byKind.get(g.kind)!));
    const overdue = byKind.get('overdue')!.length;
    if (this.view) {
      this.view.message = open.data.total === 0 && done.data.total === 0 ? undefined : undefined;
      this.view.description = this.assignee ? 'Assigned to me' : undefined;
      this.view.badge = overdue > 0 ? { value: overdue, tooltip: `${count.format(overdue)} overdue task${overdue === 1 ? '' : 's'}` } : undefined;
    }
    this.overdueChanged.fire(overdue);
  }

  /** A checkbox completes its task in GHL (or opens it again); a failure puts the box back and says why. */
  private async checkboxesChanged(event: vscode.TreeCheckboxChangeEvent<Node>): Promise<void> {
    for (const [node, state] of event.items) {
      if (!(node instanceof TaskNode)) continue;
      const completed = state === vscode.TreeItemCheckboxState.Checked;
      const answer = await this.host.request(EXT_GHL_IPC.TASKS_COMPLETE, { contactId: node.task.contactId, taskId: node.task.id, completed });
      if (!answer.success) void vscode.window.showErrorMessage(`Could not ${completed ? 'complete' : 'reopen'} "${node.task.title}": ${answer.error.message}`);
    }
    this.refresh();
  }
}
