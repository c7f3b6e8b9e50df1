import type { Dispatcher, HandlerContext } from '../handlers';
import { SETTING_LOCATION_ID } from '../handlers';
import type { CalendarEvent } from '../protocol/responses';
import type { BriefingQueries } from './briefingQueries';
import { buildDailyBriefing, type BriefingInput } from './dailyBriefing';

const DAY_MS = 86_400_000;

/**
 * Gathers the briefing: new contacts and open deals from the cache, today's appointments
 * live from GHL (if that fails — offline, no token — the briefing says so and goes on).
 */
export async function collectDailyBriefing(
  ctx: HandlerContext,
  dispatcher: Dispatcher,
  queries: BriefingQueries,
  options: { since: number | null; timeZone?: string },
): Promise<string> {
  const now = new Date(ctx.now());
  const locationId = String(ctx.settings.get(SETTING_LOCATION_ID) ?? '');
  const since = options.since ? new Date(options.since) : null;
  const sinceIso = new Date(since ? since.getTime() : now.getTime() - DAY_MS).toISOString();
  const repos = ctx.repos();

  const startOfDay = new Date(now.getFullYear(), now.getMonth(), now.getDate()).getTime();
  const events = await dispatcher.dispatch('ext-ghl:cal-events-list', { startTime: startOfDay, endTime: startOfDay + DAY_MS });
  const location = await dispatcher.dispatch('ext-ghl:connection-test', {});

  const input: BriefingInput = {
    now,
    since,
    newContacts: queries.newContacts(locationId, sinceIso, 10),
    pipelines: repos.pipelines.list(locationId || undefined).map((pipeline) => ({
      pipeline,
      stages: repos.opportunities.stageSummary(pipeline.id, { status: 'open' }),
    })),
    openOpportunities: queries.openOpportunities(locationId, 5),
    events: events.success ? (events.data as { items: CalendarEvent[] }).items : [],
    ...(events.success ? {} : { eventsError: events.error.message }),
    ...(location.success ? { locationName: (location.data as { locationName: string }).locationName } : {}),
  };
  return buildDailyBriefing(input, options.timeZone);
}
