import { count } from '../format';
import * as vscode from 'vscode';
import { EXT_GHL_IPC } from '../protocol/channels';
import type { SyncResult } from '../protocol/responses';
import type { BackendHost } from './backendHost';
import { errorInfo, reportError } from './errorReporter';
import type { Logger } from './logger';
import type { ExtensionState } from './state';

/** #17: tasks are part of Sync All (always a full pass: GHL's task search has no change filter). */
export type SyncKind = 'contacts' | 'opportunities' | 'tasks';


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
              // Cancelling the notification cancels the request: the worker stops after the page in flight.
              const result = await this.syncOne(kind, options.full === true, token);
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
          }
        },
      );
    } catch (err) {
      const error = errorInfo(err);
      if (error.code === 'CANCELLED') {
        void vscode.window.showInformationMessage('GHL sync cancelled. What was fetched so far is kept.');
        return false;
      }
      this.state.markFailed(error.message);
      reportError(err, 'GHL sync', this.logger, () => this.run(kinds, options));
      return false;
    } finally {
      this.state.setSyncing(false);
      this.afterSync();
    }
  }

  private async syncOne(kind: SyncKind, full: boolean, token: vscode.CancellationToken): Promise<SyncResult> {
    const payload = full ? { full } : {};
    if (kind === 'tasks') return { ...(await this.host.call(EXT_GHL_IPC.TASKS_SYNC, {}, token)), mode: 'full' };
    return kind === 'contacts' ? this.host.call(EXT_GHL_IPC.CONTACTS_SYNC, payload, token) : this.host.call(EXT_GHL_IPC.OPPS_SYNC, payload, token);
  }
}
