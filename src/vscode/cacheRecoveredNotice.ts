import * as vscode from 'vscode';
import { COMMANDS } from './commands/ids';

/** Says once that the cache file was set aside (corrupt, a directory, too new), with the way back. */
export async function showCacheRecoveredNotice(): Promise<void> {
  const syncNow = 'Sync Now';
  const showLog = 'Show Log';
  const choice = await vscode.window.showWarningMessage(
    'GHL: the local cache could not be read, so it was set aside and a fresh one started. Sync to fill it again.',
    syncNow,
    showLog,
  );
  if (choice === syncNow) await vscode.commands.executeCommand(COMMANDS.syncAll);
  else if (choice === showLog) await vscode.commands.executeCommand(COMMANDS.showLog);
}
