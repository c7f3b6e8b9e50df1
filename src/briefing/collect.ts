import type { GhlOpportunitiesRepo } from '../db/opportunitiesRepo';
import type { GhlPipelinesRepo } from '../db/pipelinesRepo';
import { EXT_GHL_IPC } from '../protocol/channels';
import type { Envelope } from '../protocol/envelope';
import type { RequestChannel } from '../protocol/requests';
import { SETTING_LOCATION_ID, settingText, type SettingsStore } from '../protocol/settings';
import { typedRequest } from '../protocol/typedRequest';
import { machineTimeZone, todayWindow, zoneOrMachine } from '../time/dayWindows';
import type { BriefingQueries } from './briefingQueries';
import { buildDailyBriefing, type BriefingInput } from './dailyBriefing';

/** What the first briefing looks back over: elapsed hours, as it says, not a calendar day. */
const FIRST_LOOK_BACK_MS = 24 * 60 * 60 * 1000;

/** What the briefing reads of the backend's context (the handlers' context has all of it). */
export interface BriefingContext {
  now(): number;
  settings: SettingsStore;
  log(level: 'warn', message: string): void;
  repos(): { pipelines: GhlPipelinesRepo; opportunities: GhlOpportunitiesRepo };
}

/** Where the briefing sends its live requests (the handlers' dispatcher, validated like any caller). */
export interface BriefingDispatcher {
  dispatch(channel: RequestChannel, payload: unknown): Promise<Envelope>;
}

/**
 * Gathers the briefing: new contacts and open deals from the cache, today's appointments
 * live from GHL (if that fails — offline, no token — the briefing says so and goes on).
 * "Today" is the location's calendar day; `options.timeZone` is the reader's zone (the
 * machine's when left out), shown beside the location's times when it differs.
 */
export async function collectDailyBriefing(
  ctx: BriefingContext,
  dispatcher: BriefingDispatcher,
  queries: BriefingQueries,
  options: { since: number | null; timeZone?: string },
): Promise<string> {
  const now = new Date(ctx.now());
  const locationId = settingText(ctx.settings.get(SETTING_LOCATION_ID)) ?? '';
  const since = options.since ? new Date(options.since) : null;
  const sinceIso = new Date(since ? since.getTime() : now.getTime() - FIRST_LOOK_BACK_MS).toISOString();
  const repos = ctx.repos();

  const request = typedRequest((channel, payload) => dispatcher.dispatch(channel, payload));
  const location = await request(EXT_GHL_IPC.LOCATION_GET, {});
  const zones = {
    location: location.success ? location.data.timeZone : machineTimeZone(),
    user: zoneOrMachine(options.timeZone, (message) => ctx.log('warn', `Daily briefing: ${message}`)),
  };
  // #18: the agenda (every calendar, with contact names; the cached one when GHL cannot be reached).
  const today = todayWindow(now.getTime(), zones.location);
  const events = await request(EXT_GHL_IPC.CAL_AGENDA, { from: today.startTime, to: today.endTime });
  // #17: from the cache; "today" is the location's calendar day, overdue is due before now.
  const overdue = await request(EXT_GHL_IPC.TASKS_LIST, { status: 'open', dueBefore: now.getTime(), limit: 10 });
  const dueToday = await request(EXT_GHL_IPC.TASKS_LIST, { status: 'open', dueAfter: Math.max(today.startTime, now.getTime()), dueBefore: today.endTime, limit: 10 });

  const input: BriefingInput = {
    now,
    since,
    newContacts: queries.newContacts(locationId, sinceIso, 10),
    pipelines: repos.pipelines.list(locationId || undefined).map((pipeline) => ({
      pipeline,
      stages: repos.opportunities.stageSummary(pipeline.id, { status: 'open' }),
    })),
    openOpportunities: queries.openOpportunities(locationId, 5),
    aboveMao: queries.dealsAboveMao(locationId, 10),
    events: events.success ? events.data.items : [],
    ...(overdue.success && dueToday.success ? { tasks: { overdue: overdue.data, today: dueToday.data } } : {}),
    ...(events.success ? {} : { eventsError: events.error.message }),
    ...(location.success ? { locationName: location.data.name } : {}),
  };
  return buildDailyBriefing(input, zones);
}
