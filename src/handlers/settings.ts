import { EXT_GHL_IPC as C } from '../protocol/channels';
import { ExtGhlError } from '../protocol/envelope';
import { REQUEST_CHANNELS, type RequestChannel, type RequestPayload } from '../protocol/requests';
import type { SettingsView } from '../protocol/responses';
import { SECRET_RENTCAST_KEY, SECRET_TOKEN_KEY, SETTING_DEFAULT_PIPELINE, SETTING_LOCATION_ID, settingText, type SettingsStores } from '../protocol/settings';
import type { HandlerContext, LogFn } from './context';
import { createDispatcher, type Dispatcher, type HandlerTable } from './dispatcher';

/** Shows enough of a token to recognise it, never enough to use it: "pit-…a1b2". */
export function maskToken(token: string | undefined | null): string | null {
  if (!token) return null;
  if (token.length <= 12) return '…' + token.slice(-2);
  return `${token.slice(0, 4)}…${token.slice(-4)}`;
}

export async function readSettings(stores: SettingsStores): Promise<SettingsView> {
  const token = await stores.secrets.get(SECRET_TOKEN_KEY);
  const locationId = settingText(stores.settings.get(SETTING_LOCATION_ID));
  return {
    token: maskToken(token),
    locationId,
    defaultPipeline: settingText(stores.settings.get(SETTING_DEFAULT_PIPELINE)),
    configured: Boolean(token) && locationId !== null,
    rentcastApiKey: maskToken(await stores.secrets.get(SECRET_RENTCAST_KEY)),
  };
}

export async function writeSettings(stores: SettingsStores, changes: RequestPayload<typeof C.SETTINGS_SET>): Promise<SettingsView> {
  if (changes.token !== undefined) await stores.secrets.store(SECRET_TOKEN_KEY, changes.token);
  if (changes.rentcastApiKey !== undefined) await stores.secrets.store(SECRET_RENTCAST_KEY, changes.rentcastApiKey);
  if (changes.locationId !== undefined) await stores.settings.update(SETTING_LOCATION_ID, changes.locationId);
  if (changes.defaultPipeline !== undefined) {
    await stores.settings.update(SETTING_DEFAULT_PIPELINE, changes.defaultPipeline === '' ? undefined : changes.defaultPipeline);
  }
  return readSettings(stores);
}

/**
 * settings-get and settings-set for a host that owns the stores (the VS Code host, while
 * the core runs in a worker), validated exactly as the core validates them. Any other
 * channel is not answered here.
 */
export function createSettingsDispatcher(stores: SettingsStores, log?: LogFn): Dispatcher {
  const elsewhere = async () => {
    throw new ExtGhlError('UNKNOWN_CHANNEL', 'Only settings-get and settings-set are answered by the settings owner.');
  };
  const table: HandlerTable = {
    ...(Object.fromEntries(REQUEST_CHANNELS.map((channel) => [channel, elsewhere])) as { [K in RequestChannel]: typeof elsewhere }),
    [C.SETTINGS_GET]: async () => readSettings(stores),
    [C.SETTINGS_SET]: async (changes) => writeSettings(stores, changes),
  };
  return createDispatcher(table, log);
}

export function requireLocationId(ctx: HandlerContext): string {
  const locationId = settingText(ctx.settings.get(SETTING_LOCATION_ID));
  if (!locationId) throw new ExtGhlError('NOT_CONFIGURED', 'No GHL location is set. Run "GHL: Set Location ID" first.');
  return locationId;
}

/** The location whose cached rows the lists show; null lists everything cached. */
export function currentLocationId(ctx: HandlerContext): string | undefined {
  return settingText(ctx.settings.get(SETTING_LOCATION_ID)) ?? undefined;
}
