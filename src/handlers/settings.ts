import { ExtGhlError } from '../protocol/envelope';
import type { SettingsView } from '../protocol/responses';
import { SECRET_TOKEN_KEY, SETTING_DEFAULT_PIPELINE, SETTING_LOCATION_ID, type HandlerContext } from './context';

/** Shows enough of a token to recognise it, never enough to use it: "pit-…a1b2". */
export function maskToken(token: string | undefined | null): string | null {
  if (!token) return null;
  if (token.length <= 12) return '…' + token.slice(-2);
  return `${token.slice(0, 4)}…${token.slice(-4)}`;
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

export async function readSettings(ctx: HandlerContext): Promise<SettingsView> {
  const token = await ctx.secrets.get(SECRET_TOKEN_KEY);
  const locationId = text(ctx.settings.get(SETTING_LOCATION_ID));
  return {
    token: maskToken(token),
    locationId,
    defaultPipeline: text(ctx.settings.get(SETTING_DEFAULT_PIPELINE)),
    configured: Boolean(token) && locationId !== null,
  };
}

export async function writeSettings(
  ctx: HandlerContext,
  changes: { token?: string; locationId?: string; defaultPipeline?: string },
): Promise<SettingsView> {
  if (changes.token !== undefined) await ctx.secrets.store(SECRET_TOKEN_KEY, changes.token);
  if (changes.locationId !== undefined) await ctx.settings.update(SETTING_LOCATION_ID, changes.locationId);
  if (changes.defaultPipeline !== undefined) {
    await ctx.settings.update(SETTING_DEFAULT_PIPELINE, changes.defaultPipeline === '' ? undefined : changes.defaultPipeline);
  }
  ctx.resetApi();
  return readSettings(ctx);
}

export function requireLocationId(ctx: HandlerContext): string {
  const locationId = text(ctx.settings.get(SETTING_LOCATION_ID));
  if (!locationId) throw new ExtGhlError('NOT_CONFIGURED', 'No GHL location is set. Run "GHL: Set Location ID" first.');
  return locationId;
}

/** The location whose cached rows the lists show; null lists everything cached. */
export function currentLocationId(ctx: HandlerContext): string | undefined {
  return text(ctx.settings.get(SETTING_LOCATION_ID)) ?? undefined;
}
