import { count } from '../format';
import * as vscode from 'vscode';
import { Disposable } from './lifecycle';
import type { ExtensionState } from './state';

export function formatAgo(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h ago`;
  return `${Math.floor(hours / 24)} d ago`;
}

/** The `ghl-sync-status` item: not configured / syncing n / N / synced x ago / failed. */
export class SyncStatusBar extends Disposable {
  private readonly item = this._register(vscode.window.createStatusBarItem('ghl-sync-status', vscode.StatusBarAlignment.Left, 50));

  constructor(private readonly state: ExtensionState) {
    super();
    this.item.name = 'GoHighLevel Sync';
    this._register(state.onDidChange(() => this.render()));
    // Keeps "synced 5 min ago" honest without waking the host more than once a minute.
    const timer = setInterval(() => this.render(), 60_000);
    timer.unref?.();
    this._register({ dispose: () => clearInterval(timer) });
    this.render();
    this.item.show();
  }

  render(): void {
    const { configured, syncing, lastError, lastSyncAt } = this.state;
    this.item.backgroundColor = undefined;
    if (!configured) {
      this.item.text = '$(circle-slash) GHL: not configured';
      this.item.tooltip = 'Set a GoHighLevel API token and location to start.';
      this.item.command = 'ghl.setApiToken';
    } else if (syncing) {
      const what = syncing.kind === 'contacts' ? 'contacts' : 'opportunities';
      this.item.text =
        syncing.total > 0
          ? `$(sync~spin) GHL: syncing ${count.format(syncing.synced)} / ${count.format(syncing.total)}`
          : '$(sync~spin) GHL: syncing…';
      this.item.tooltip = `Syncing ${what}… (click to cancel)`;
      this.item.command = 'ghl.cancelSync';
    } else if (lastError) {
      this.item.text = '$(error) GHL: sync failed';
      this.item.tooltip = `${lastError}\nClick to sync again.`;
      this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
      this.item.command = 'ghl.syncAll';
    } else if (lastSyncAt) {
      this.item.text = `$(check) GHL: synced ${formatAgo(Date.now() - lastSyncAt)}`;
      this.item.tooltip = `Last sync ${new Date(lastSyncAt).toLocaleString()}. Click to sync now.`;
      this.item.command = 'ghl.syncAll';
    } else {
      this.item.text = '$(sync) GHL: not synced';
      this.item.tooltip = 'Click to sync contacts and opportunities.';
      this.item.command = 'ghl.syncAll';
    }
  }
}
