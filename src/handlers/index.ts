import { EXT_GHL_IPC as C } from '../protocol/channels';
import { ExtGhlError } from '../protocol/envelope';
import { SyncCoordinator } from '../sync/coordinator';
import type { HandlerContext } from './context';
import type { ArvEnrichmentJob } from '../arv/jobRunner';
import { arvHandlers, type ArvWiringOptions } from './arv';
import { crmHandlers } from './crm';
import { createDispatcher, type Dispatcher, type HandlerTable } from './dispatcher';
import { liveHandlers } from './live';
import { readSettings, requireLocationId, writeSettings } from './settings';

export * from './context';
export { createDispatcher, type Dispatcher, type HandlerTable } from './dispatcher';
export { createSettingsDispatcher, maskToken, readSettings, settingText } from './settings';

/** Placeholder answers for features that arrive in later versions: honest, never faked. */
const CHAT_NOT_AVAILABLE = 'AI chat arrives in a later version. Your message was not sent anywhere.';

export interface RegisteredHandlers extends Dispatcher {
  syncs: SyncCoordinator<'contacts' | 'opportunities'>;
  arv: ArvEnrichmentJob;
}

/** Builds the handler table — one entry per request channel — on a dispatcher. */
export function registerExtGhlHandlers(ctx: HandlerContext, arvOptions: ArvWiringOptions = {}): RegisteredHandlers {
  const syncs = new SyncCoordinator<'contacts' | 'opportunities'>();
  const arv = arvHandlers(ctx, arvOptions);
  const table: HandlerTable = {
    [C.SETTINGS_GET]: async () => readSettings(ctx),
    async [C.SETTINGS_SET](changes) {
      const view = await writeSettings(ctx, changes);
      ctx.resetApi();
      return view;
    },
    async [C.CONNECTION_TEST]() {
      const locationId = requireLocationId(ctx);
      const response = await (await ctx.api()).getLocation(locationId);
      const name = response.location?.name;
      if (!name) throw new ExtGhlError('API', `GHL sent no location details for ${locationId}.`);
      return { locationId, locationName: name };
    },
    ...crmHandlers(ctx, syncs),
    ...liveHandlers(ctx),
    [C.CHAT_SEND]: async () => ({ status: 'not-available', message: CHAT_NOT_AVAILABLE, reply: CHAT_NOT_AVAILABLE }),
    [C.CHAT_CLEAR]: async () => ({ cleared: true }),
    ...arv.table,
  };
  return { ...createDispatcher(table, (level, message) => ctx.log(level, message)), syncs, arv: arv.job };
}
