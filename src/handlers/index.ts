import { EXT_GHL_IPC as C } from '../protocol/channels';
import { SyncCoordinator } from '../sync/coordinator';
import type { HandlerContext } from './context';
import type { ArvEnrichmentJob } from '../arv/jobRunner';
import { arvHandlers, type ArvWiringOptions } from './arv';
import { calendarHandlers } from './calendar';
import { arvAnalysisHandlers } from './arvAnalysis';
import { chatHandlers } from './chat';
import { crmHandlers } from './crm';
import { createDispatcher, type Dispatcher, type HandlerTable } from './dispatcher';
import { conversationHandlers } from './conversations';
import { liveHandlers } from './live';
import { LocationDetailsCache } from './locationDetails';
import { readSettings, writeSettings } from './settings';
import type { RequestChannel } from '../protocol/requests';
import { typedRequest } from '../protocol/typedRequest';
import { noteHandlers } from './notes';
import { tagHandlers } from './tags';
import { taskHandlers } from './tasks';
import { workflowHandlers } from './workflows';

export * from './context';
export { createDispatcher, type Dispatcher, type HandlerTable } from './dispatcher';
export { createSettingsDispatcher, maskToken, readSettings } from './settings';

export interface RegisteredHandlers extends Dispatcher {
  syncs: SyncCoordinator<'contacts' | 'opportunities'>;
  /** #17: the tasks sync, apart so that the inbox's poll does not wait on it. */
  taskSyncs: SyncCoordinator<'tasks'>;
  arv: ArvEnrichmentJob;
}

/** Builds the handler table — one entry per request channel — on a dispatcher. */
export function registerExtGhlHandlers(ctx: HandlerContext, arvOptions: ArvWiringOptions = {}): RegisteredHandlers {
  const syncs = new SyncCoordinator<'contacts' | 'opportunities'>();
  const taskSyncs = new SyncCoordinator<'tasks'>();
  const location = new LocationDetailsCache(ctx);
  const arv = arvHandlers(ctx, arvOptions);
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
      const { locationId, name } = await location.refresh();
      return { locationId, locationName: name };
    },
    [C.LOCATION_GET]: () => location.get(),
    ...crmHandlers(ctx, syncs),
    ...conversationHandlers(ctx, { syncRunning: () => syncs.isRunning() }),
    ...liveHandlers(ctx, () => location.timeZone()),
    ...chatHandlers(ctx, self),
    ...arv.table,
    // #18 calendar
    ...calendarHandlers(ctx, () => location.timeZone()),
    // Issue 19: the deal analyzer.
    ...arvAnalysisHandlers(ctx, arvOptions),
    // #17 notes, tasks, tags and workflows
    ...noteHandlers(ctx),
    ...taskHandlers(ctx, taskSyncs),
    ...tagHandlers(ctx),
    ...workflowHandlers(ctx),
  };
  const dispatcher = createDispatcher(table, (level, message) => ctx.log(level, message));
  return { ...dispatcher, syncs, taskSyncs, arv: arv.job };
}
