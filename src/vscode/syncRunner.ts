import { count } from '../format';
import * as vscode from 'vscode';
import type { SyncResult } from '../protocol/responses';
import { RequestFailed, type BackendHost } from './backendHost';
import type { Logger } from './logger';
import type { ExtensionState } from './state';

export type SyncKind = 'contacts' | 'opportunities';


/**
 * Runs syncs under a cancellable progress notification. Cancel stops after the page in
 * flight; what was fetched stays cached and consistent, and the next sync picks up.
 */
export class SyncRunner {
  private running: Promise<boolean> | undefined;

  constructor(
    private readonly host: BackendHost,
    private readonly state: ExtensionState,
    private readonly logger: Logger,
    private readonly afterSync: () => void,
  ) {}

  /** Resolves true when every kind synced. */
  run(kinds: SyncKind[], options: { full?: boolean } = {}): Promise<boolean> {
    this.running ??= this.runWithProgress(kinds, options).finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async runWithProgress(kinds: SyncKind[], options: { full?: boolean }): Promise<boolean> {
    this.state.setSyncing(true);
    const started = Date.now();
    try {
      return await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: 'GHL', cancellable: true },
        async (progress, token) => {
          const cancel = token.onCancellationRequested(() => void this.host.cancelSync());
          let lastShare = 0;
          const listener = this.host.onSyncProgress((p) => {
            const share = p.total > 0 ? Math.min(1, p.synced / p.total) : 0;
            const perKind = 100 / kinds.length;
            const base = kinds.indexOf(p.kind) * perKind;
            const target = base + share * perKind;
            progress.report({
              message: `Syncing ${p.kind}: ${count.format(p.synced)} / ${count.format(p.total)}`,
              increment: Math.max(0, target - lastShare),
            });
            lastShare = Math.max(lastShare, target);
          });
          try {
            const results: string[] = [];
            for (const kind of kinds) {
              if (token.isCancellationRequested) break;
              const result = await this.syncOne(kind, options.full === true);
              results.push(`${count.format(result.synced)} ${kind} (${result.mode})`);
            }
            if (token.isCancellationRequested) {
              void vscode.window.showInformationMessage('GHL sync cancelled. What was fetched so far is kept.');
              return false;
            }
            await this.state.markSynced(Date.now());
            this.logger.info(`Sync finished in ${Date.now() - started} ms: ${results.join(', ')}.`, 'sync');
            return true;
          } finally {
            listener.dispose();
            cancel.dispose();
          }
        },
      );
    } catch (err) {
      const error = err instanceof RequestFailed ? err.error : { code: 'INTERNAL', message: String(err) };
      if (error.code === 'CANCELLED') {
        void vscode.window.showInformationMessage('GHL sync cancelled. What was fetched so far is kept.');
        return false;
      }
      this.state.markFailed(error.message);
      this.logger.error(`Sync failed: ${error.code} ${error.message}`, 'sync');
      void this.offerRetry(error.code, error.message, kinds, options);
      return false;
    } finally {
      this.state.setSyncing(false);
      this.afterSync();
    }
  }

  private async syncOne(kind: SyncKind, full: boolean): Promise<SyncResult> {
    return kind === 'contacts'
      ? this.host.call('ext-ghl:contacts-sync', full ? { full } : {})
      : this.host.call('ext-ghl:opps-sync', full ? { full } : {});
  }

  private async offerRetry(code: string, message: string, kinds: SyncKind[], options: { full?: boolean }): Promise<void> {
    const actions = code === 'AUTH' ? ['Set API Token', 'Show Log'] : code === 'NOT_CONFIGURED' ? ['Set API Token', 'Set Location ID'] : ['Retry', 'Show Log'];
    const choice = await vscode.window.showErrorMessage(`GHL sync failed: ${message}`, ...actions);
    if (choice === 'Retry') void this.run(kinds, options);
    else if (choice === 'Show Log') this.logger.show();
    else if (choice === 'Set API Token') void vscode.commands.executeCommand('ghl.setApiToken');
    else if (choice === 'Set Location ID') void vscode.commands.executeCommand('ghl.setLocationId');
  }
}
