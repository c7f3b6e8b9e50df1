import * as vscode from 'vscode';
import { guarded, type CommandDeps } from './deps';
import { COMMANDS, type CommandTable } from './ids';

type SyncCommands = Pick<
  CommandTable,
  'ghl.syncContacts' | 'ghl.syncOpportunities' | 'ghl.syncAll' | 'ghl.fullResync' | 'ghl.cancelSync' | 'ghl.refreshViews' | 'ghl.clearCache'
>;

/** Filling, refreshing and emptying the local cache. */
export function syncCommands({ host, logger, state, sync, refreshViews }: CommandDeps): SyncCommands {
  return {
    [COMMANDS.syncContacts]: () => sync.run(['contacts']),
    [COMMANDS.syncOpportunities]: () => sync.run(['opportunities']),
    [COMMANDS.syncAll]: () => (state.configured ? sync.run(['contacts', 'opportunities', 'tasks']) : vscode.commands.executeCommand(COMMANDS.setApiToken)),
    [COMMANDS.fullResync]: () => sync.run(['contacts', 'opportunities', 'tasks'], { full: true }),
    [COMMANDS.cancelSync]: () => host.cancelSync(),
    [COMMANDS.refreshViews]: () => refreshViews(),
    [COMMANDS.clearCache]: guarded('Clearing the cache', logger, async () => {
      const confirm = await vscode.window.showWarningMessage(
        'Clear the local GHL cache?',
        {
          modal: true,
          detail: 'Cached contacts, pipelines and opportunities are removed from this computer. Nothing changes in GoHighLevel; the next sync downloads them again.',
        },
        'Clear Cache',
      );
      if (confirm !== 'Clear Cache') return;
      await host.clearCache();
      refreshViews();
      void vscode.window.showInformationMessage('The local GHL cache is empty.');
    }),
  };
}
