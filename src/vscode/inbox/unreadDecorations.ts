import * as vscode from 'vscode';

/** The scheme of the Conversations rows' resourceUri: it carries only the id and the unread count. */
export const CONVERSATION_SCHEME = 'ghl-conversation';

export function conversationUri(conversationId: string, unread: number): vscode.Uri {
  return vscode.Uri.from({ scheme: CONVERSATION_SCHEME, path: `/${conversationId}`, query: `unread=${Math.max(0, Math.floor(unread))}` });
}

/** A badge holds two characters. */
export function unreadBadge(unread: number): string {
  return unread > 9 ? '9+' : String(unread);
}

/**
 * The unread count of a conversation row as a badge and a colored label. Stateless: the row's
 * URI says how many, so a row whose count changes gets a new URI and VS Code asks again.
 */
export class UnreadDecorations implements vscode.FileDecorationProvider {
  provideFileDecoration(uri: vscode.Uri): vscode.FileDecoration | undefined {
    if (uri.scheme !== CONVERSATION_SCHEME) return undefined;
    const unread = Number(new URLSearchParams(uri.query).get('unread'));
    if (!Number.isInteger(unread) || unread <= 0) return undefined;
    return new vscode.FileDecoration(unreadBadge(unread), `${unread} unread`, new vscode.ThemeColor('list.highlightForeground'));
  }
}
