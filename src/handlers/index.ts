import { EXT_GHL_IPC as C } from '../protocol/channels';
import { ExtGhlError } from '../protocol/envelope';
import { SyncCoordinator } from '../sync/coordinator';
import type { HandlerContext } from './context';
import { chatHandlers } from './chat';
import { crmHandlers } from './crm';
import { createDispatcher, type Dispatcher, type HandlerTable } from './dispatcher';
import { liveHandlers } from './live';
import { readSettings, requireLocationId, writeSettings } from './settings';
import type { RequestChannel } from '../protocol/requests';
import { typedRequest } from '../protocol/typedRequest';

export * from './context';
export { createDispatcher, type Dispatcher, type HandlerTable } from './dispatcher';
export { createSettingsDispatcher, maskToken, readSettings, settingText } from './settings';

/** Placeholder answers for features that arrive in later versions: honest, never faked. */
const ARV_NOT_AVAILABLE = 'ARV enrichment arrives in a later version; nothing was changed.';

export interface RegisteredHandlers extends Dispatcher {
  syncs: SyncCoordinator<'contacts' | 'opportunities'>;
}

/** Builds the handler table — one entry per request channel — on a dispatcher. */
export function registerExtGhlHandlers(ctx: HandlerContext): RegisteredHandlers {
  const syncs = new SyncCoordinator<'contacts' | 'opportunities'>();
  // The chat reaches the CRM through this same table, validated like any caller.
  const self = { request: typedRequest((channel: RequestChannel, payload) => dispatcher.dispatch(channel, payload)) };
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
    ...chatHandlers(ctx, self),
    [C.ARV_ENRICH_START]: async () => ({ status: 'not-available', message: ARV_NOT_AVAILABLE }),
    [C.ARV_ENRICH_STATUS]: async () => ({ status: 'not-available', message: ARV_NOT_AVAILABLE, running: false }),
  };
  const dispatcher = createDispatcher(table, (level, message) => ctx.log(level, message));
  return { ...dispatcher, syncs };
}
