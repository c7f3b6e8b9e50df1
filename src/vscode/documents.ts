import * as vscode from 'vscode';
import { Disposable } from './lifecycle';

/**
 * Read-only Markdown documents for the briefing, the calendar and contact
 * details (`ghl:` URIs): no "Untitled" tabs asking to be saved, and showing one again
 * updates it in place.
 */
export class GhlDocuments extends Disposable implements vscode.TextDocumentContentProvider {
  static readonly scheme = 'ghl';
  private readonly contents = new Map<string, string>();
  private readonly changed = this._register(new vscode.EventEmitter<vscode.Uri>());
  readonly onDidChange = this.changed.event;

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.contents.get(uri.path) ?? '';
  }

  /**
   * Opens (or refreshes) `title` under `folder` rendered, as a Markdown preview tab in the
   * current editor group (the source is one click away); `source: true` opens the text.
   */
  async show(folder: string, title: string, markdown: string, options: { source?: boolean } = {}): Promise<vscode.TextDocument> {
    const safeTitle = title.replace(/[\\/:*?"<>|#%\u0000-\u001f]+/g, ' ').trim().slice(0, 80) || 'untitled';
    const uri = vscode.Uri.from({ scheme: GhlDocuments.scheme, path: `/${folder}/${safeTitle}.md` });
    this.contents.set(uri.path, markdown);
    this.changed.fire(uri);
    const document = await vscode.workspace.openTextDocument(uri);
    const rendered =
      !options.source &&
      (await vscode.commands.executeCommand('markdown.showPreview', uri).then(
        () => true,
        () => false,
      ));
    // Without the built-in Markdown extension (or when asked), the text itself.
    if (!rendered) await vscode.window.showTextDocument(document, { preview: true });
    return document;
  }

  /** #17: whether a document under `folder` was shown (a contact's details, to refresh after a note). */
  isOpen(folder: string): boolean {
    for (const path of this.contents.keys()) if (path.startsWith(`/${folder}/`)) return true;
    return false;
  }

  override dispose(): void {
    super.dispose();
    this.contents.clear();
  }
}
