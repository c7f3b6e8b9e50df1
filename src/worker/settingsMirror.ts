import { ARV_SETTING_KEYS, SECRET_RENTCAST_KEY, SECRET_TOKEN_KEY, SETTING_API_BASE_URL, SETTING_DEFAULT_PIPELINE, SETTING_LOCATION_ID, type SecretStore, type SettingsStore } from '../protocol/settings';
import type { ConnectionSettings } from '../protocol/connection';
import { ExtGhlError } from '../protocol/envelope';

const OWNED_BY_HOST = 'The token and the settings are kept by the extension host; send settings-set there.';

/**
 * The worker's read-only copy of the host's token and settings, replaced whenever the host
 * sends new ones. Writes are refused: the worker never calls back to the host.
 */
export class SettingsMirror {
  private current: ConnectionSettings;
  private readonly listeners = new Set<() => void>();

  constructor(initial: ConnectionSettings) {
    this.current = { ...initial };
  }

  /** Takes the host's latest values; tells the backend when something differs. */
  apply(next: ConnectionSettings): void {
    // By value: `arv` is a fresh object on every send.
    const changed = (Object.keys(next) as Array<keyof ConnectionSettings>).some((key) => JSON.stringify(next[key]) !== JSON.stringify(this.current[key]));
    this.current = { ...next };
    if (changed) for (const listener of this.listeners) listener();
  }

  private onDidChange(listener: () => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  readonly secrets: SecretStore = {
    get: async (key) =>
      key === SECRET_TOKEN_KEY ? (this.current.token ?? undefined)
      : key === SECRET_RENTCAST_KEY ? (this.current.rentcastApiKey ?? undefined)
      : undefined,
    store: async () => {
      throw new ExtGhlError('INTERNAL', OWNED_BY_HOST);
    },
    delete: async () => {
      throw new ExtGhlError('INTERNAL', OWNED_BY_HOST);
    },
    onDidChange: (listener) => this.onDidChange(listener),
  };

  readonly settings: SettingsStore = {
    get: (key) => {
      switch (key) {
        case SETTING_LOCATION_ID:
          return this.current.locationId ?? undefined;
        case SETTING_DEFAULT_PIPELINE:
          return this.current.defaultPipeline ?? undefined;
        case SETTING_API_BASE_URL:
          return this.current.apiBaseUrl ?? undefined;
        default:
          return (ARV_SETTING_KEYS as readonly string[]).includes(key) ? this.current.arv?.[key] : undefined;
      }
    },
    update: async () => {
      throw new ExtGhlError('INTERNAL', OWNED_BY_HOST);
    },
  };
}
