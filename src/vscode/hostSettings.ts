import * as vscode from 'vscode';
import { ARV_SETTING_KEYS, SECRET_RENTCAST_KEY, SECRET_TOKEN_KEY, SETTING_API_BASE_URL, SETTING_DEFAULT_PIPELINE, SETTING_LOCATION_ID, settingText, type SettingsStores } from '../protocol/settings';
import { createSettingsDispatcher, readSettings } from '../handlers/settings';
import type { Dispatcher } from '../handlers/dispatcher';
import type { ConnectionSettings } from '../protocol/connection';
import type { Envelope } from '../protocol/envelope';
import type { SettingsView } from '../protocol/responses';
import { Disposable } from './lifecycle';
import type { Logger } from './logger';

/** The settings settings-set may write; the API base URL is the user's alone (application scope). */
const WRITABLE_SETTINGS: ReadonlySet<string> = new Set([SETTING_LOCATION_ID, SETTING_DEFAULT_PIPELINE]);
const CONNECTION_SETTINGS = [SETTING_LOCATION_ID, SETTING_DEFAULT_PIPELINE, SETTING_API_BASE_URL, 'ghl.arv'];

/**
 * The token (SecretStorage) and the `ghl.*` configuration, owned by the extension host:
 * answers settings-get / settings-set and says when anything the core needs has changed,
 * however it changed (a command, settings.json, another window storing the secret).
 */
export class HostSettings extends Disposable {
  private readonly changed = this._register(new vscode.EventEmitter<void>());
  /** Fires when the token or a connection setting changed. */
  readonly onDidChange = this.changed.event;
  private readonly stores: SettingsStores;
  private readonly dispatcher: Dispatcher;

  constructor(secrets: vscode.SecretStorage, logger: Logger) {
    super();
    const config = () => vscode.workspace.getConfiguration();
    this.stores = {
      secrets: {
        get: async (key) => secrets.get(key),
        store: async (key, value) => secrets.store(key, value),
        delete: async (key) => secrets.delete(key),
      },
      settings: {
        get: (key) => config().get(key),
        update: async (key, value) => {
          if (!WRITABLE_SETTINGS.has(key)) throw new Error(`The setting ${key} cannot be changed from the protocol.`);
          await config().update(key, value, vscode.ConfigurationTarget.Global);
        },
      },
    };
    this.dispatcher = createSettingsDispatcher(this.stores, (level, message) => logger.log(level, message, 'settings'));
    this._register(
      secrets.onDidChange((e) => {
        if (e.key === SECRET_TOKEN_KEY || e.key === SECRET_RENTCAST_KEY) this.changed.fire();
      }),
    );
    this._register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (CONNECTION_SETTINGS.some((key) => e.affectsConfiguration(key))) this.changed.fire();
      }),
    );
  }

  /** Answers settings-get or settings-set (validated like every protocol request). */
  request(channel: string, payload: unknown): Promise<Envelope> {
    return this.dispatcher.dispatch(channel, payload);
  }

  view(): Promise<SettingsView> {
    return readSettings(this.stores);
  }

  /** What the core needs to reach GHL: sent to the worker, never asked for by it. */
  async connection(): Promise<ConnectionSettings> {
    const setting = (key: string) => settingText(this.stores.settings.get(key));
    return {
      token: (await this.stores.secrets.get(SECRET_TOKEN_KEY)) ?? null,
      locationId: setting(SETTING_LOCATION_ID),
      defaultPipeline: setting(SETTING_DEFAULT_PIPELINE),
      apiBaseUrl: setting(SETTING_API_BASE_URL),
      rentcastApiKey: (await this.stores.secrets.get(SECRET_RENTCAST_KEY)) ?? null,
      arv: Object.fromEntries(ARV_SETTING_KEYS.map((key) => [key, this.stores.settings.get(key)])),
    };
  }
}
