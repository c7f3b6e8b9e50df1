import * as vscode from 'vscode';

/** What a new-message notification needs (the core's InboxAlert). */
export interface AlertText {
  contactName: string;
  channelLabel: string;
  preview: string;
}

/** "Amanda Chen (SMS): Is the house still available?" — plain text, as notifications show it. */
export function alertMessage(alert: AlertText): string {
  const preview = alert.preview.replace(/\s+/g, ' ').trim();
  return `${alert.contactName.trim() || 'A contact'} (${alert.channelLabel})${preview ? `: ${preview}` : ''}`;
}

/**
 * Shows one new-message notification with Reply and Open. Not awaited by the caller: a
 * notification stays until it is dismissed, and the poll must not wait for that.
 */
export function showAlert(alert: AlertText, open: (focusReply: boolean) => unknown): void {
  void vscode.window.showInformationMessage(alertMessage(alert), 'Reply', 'Open').then((choice) => {
    if (choice === 'Reply') open(true);
    else if (choice === 'Open') open(false);
  });
}

/** "…and 4 more new messages", when one poll brings more than the notifications it shows one by one. */
export function showSummary(more: number, openView: () => unknown): void {
  const text = `GoHighLevel: ${more} more new ${more === 1 ? 'message' : 'messages'} in Conversations.`;
  void vscode.window.showInformationMessage(text, 'Show Conversations').then((choice) => {
    if (choice) openView();
  });
}
