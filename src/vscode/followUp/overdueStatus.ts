import * as vscode from 'vscode';
import { Disposable } from '../lifecycle';

export const TASKS_STATUS_ITEM_ID = 'ghl-tasks-overdue';

/** #17: overdue tasks in the status bar (the Tasks view's badge says the same); hidden at zero. Click: the Tasks view. */
export class OverdueTasksStatus extends Disposable {
  private readonly item = this._register(vscode.window.createStatusBarItem(TASKS_STATUS_ITEM_ID, vscode.StatusBarAlignment.Left, 48));

  constructor() {
    super();
    this.item.name = 'GoHighLevel Overdue Tasks';
    this.item.command = 'ghl.tasks.focus';
  }

  set(overdue: number): void {
    if (overdue <= 0) {
      this.item.hide();
      return;
    }
    const text = overdue === 1 ? '1 overdue task' : `${overdue} overdue tasks`;
    this.item.text = `$(checklist) ${overdue}`;
    this.item.tooltip = `${text} in GoHighLevel. Click to open the Tasks view.`;
    this.item.accessibilityInformation = { label: `GoHighLevel: ${text}` };
    this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
    this.item.show();
  }
}
