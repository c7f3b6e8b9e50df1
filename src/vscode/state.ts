import * as vscode from 'vscode';
import type { SyncProgress } from '../protocol/channels';
import type { BackendHost } from './backendHost';
import type { HostSettings } from './hostSettings';
import { Disposable } from './lifecycle';

const LAST_SYNC_KEY = 'ghl.lastSyncAt';

export interface SyncActivity {
  kind: SyncProgress['kind'];
  synced: number;
  total: number;
}

/**
 * What the UI shows about the account and the cache, mirrored into context keys for
 * `when` clauses: ghl.configured, ghl.syncing, ghl.cacheEmpty, ghl.pipelinesEmpty.
 */
export class ExtensionState extends Disposable {
  configured = false;
  locationId: string | null = null;
  syncing: SyncActivity | null = null;
  lastError: string | null = null;
  private readonly changed = this._register(new vscode.EventEmitter<void>());
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly context: vscode.ExtensionContext,
    host: BackendHost,
    private readonly settings: HostSettings,
  ) {
    super();
    this._register(
      host.onSyncProgress((progress) => {
        this.syncing = progress.done ? null : { kind: progress.kind, synced: progress.synced, total: progress.total };
        void vscode.commands.executeCommand('setContext', 'ghl.syncing', this.syncing !== null);
        this.changed.fire();
      }),
    );
    // However the token or location changed (a command, settings.json, another window).
    this._register(settings.onDidChange(() => void this.refreshConfiguration()));
  }

  get lastSyncAt(): number | null {
    return this.context.globalState.get<number>(LAST_SYNC_KEY) ?? null;
  }

  async markSynced(at: number): Promise<void> {
    this.lastError = null;
    await this.context.globalState.update(LAST_SYNC_KEY, at);
    this.changed.fire();
  }

  markFailed(message: string): void {
    this.lastError = message;
    this.changed.fire();
  }

  setSyncing(active: boolean): void {
    if (!active) this.syncing = null;
    else this.syncing ??= { kind: 'contacts', synced: 0, total: 0 };
    void vscode.commands.executeCommand('setContext', 'ghl.syncing', active);
    this.changed.fire();
  }

  /** Re-reads whether a token and a location are set (cheap: no cache, no network). */
  async refreshConfiguration(): Promise<void> {
    const { configured, locationId } = await this.settings.view();
    const changed = configured !== this.configured || locationId !== this.locationId;
    this.configured = configured;
    this.locationId = locationId;
    await vscode.commands.executeCommand('setContext', 'ghl.configured', configured);
    if (changed) this.changed.fire();
  }

  async setCacheCounts(contacts: number, pipelines: number): Promise<void> {
    await vscode.commands.executeCommand('setContext', 'ghl.cacheEmpty', contacts === 0);
    await vscode.commands.executeCommand('setContext', 'ghl.pipelinesEmpty', pipelines === 0);
  }
}
