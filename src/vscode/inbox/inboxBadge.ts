import * as vscode from 'vscode';
import { Disposable } from '../lifecycle';

export const INBOX_STATUS_ITEM_ID = 'ghl-inbox-status';

export function unreadText(unread: number): string {
  return unread === 1 ? '1 unread conversation' : `${unread} unread conversations`;
}

/**
 * The number of unread conversations, where it is seen without opening anything: the
 * Conversations view's badge (on the activity bar icon while the sidebar is closed) and a
 * status bar item that opens the view. Hidden until a poll has counted, and at zero.
 */
export class InboxBadge extends Disposable {
  private readonly item = this._register(vscode.window.createStatusBarItem(INBOX_STATUS_ITEM_ID, vscode.StatusBarAlignment.Left, 49));
  private unread: number | null = null;

  constructor(private readonly view: vscode.TreeView<unknown>) {
    super();
    this.item.name = 'GoHighLevel Inbox';
    this.item.command = 'ghl.conversations.focus';
  }

  get count(): number | null {
    return this.unread;
  }

  set(unread: number | null): void {
    this.unread = unread === null ? null : Math.max(0, Math.floor(unread));
    const value = this.unread ?? 0;
    this.view.badge = value > 0 ? { value, tooltip: unreadText(value) } : undefined;
    if (value > 0) {
      this.item.text = `$(comment-discussion) ${value}`;
      this.item.tooltip = `${unreadText(value)} in GoHighLevel. Click to open the Conversations view.`;
      this.item.accessibilityInformation = { label: `GoHighLevel: ${unreadText(value)}` };
      this.item.show();
    } else {
      this.item.hide();
    }
  }

  /** One conversation was read here: one fewer, without waiting for the next poll. */
  readOne(): void {
    if (this.unread !== null && this.unread > 0) this.set(this.unread - 1);
  }
}
