import * as vscode from 'vscode';
import { webviewOptions } from './webviewBridge';

export interface RevivablePanel {
  readonly panel: vscode.WebviewPanel;
}

/**
 * Lets VS Code bring a panel back after "Developer: Reload Window" (package.json needs
 * `onWebviewPanel:<viewType>` so VS Code activates the extension for it). `revive` gets the new
 * panel and the page's saved state; it keeps the panel, or disposes it and answers the one
 * already open (or nothing, for a state it cannot use). Under the extension tests a window
 * cannot be reloaded without ending the run, so `testCommand` hands the same revive a new panel
 * and a state, as VS Code does, and answers whether that panel was kept.
 */
export function registerPanelSerializer(
  context: vscode.ExtensionContext,
  spec: { viewType: string; title: string; testCommand: string; revive(panel: vscode.WebviewPanel, state: unknown): RevivablePanel | undefined | Promise<RevivablePanel | undefined> },
): vscode.Disposable {
  const registrations = [
    vscode.window.registerWebviewPanelSerializer(spec.viewType, {
      async deserializeWebviewPanel(panel, state) {
        await spec.revive(panel, state);
      },
    }),
  ];
  if (context.extensionMode === vscode.ExtensionMode.Test) {
    registrations.push(
      vscode.commands.registerCommand(spec.testCommand, async (state: unknown) => {
        // What VS Code does: a panel of the view type with the options it kept, then revive.
        const panel = vscode.window.createWebviewPanel(spec.viewType, spec.title, vscode.ViewColumn.Active, webviewOptions(context.extensionUri));
        return (await spec.revive(panel, state))?.panel === panel;
      }),
    );
  }
  return vscode.Disposable.from(...registrations);
}
