import { machineTimeZone, zoneOrMachine, type DisplayZones } from '../../time/dayWindows';
import { call } from '../channelClient';
import type { ToolContext } from './types';

/**
 * The zone the chat counts days in (the location's, which the backend reads from GHL once) and
 * the reader's. When the location cannot be read (offline, no token) the machine's zone stands
 * in, so the cached deals still answer; the calendar tools fail on their own call anyway.
 */
export async function displayZones(ctx: ToolContext): Promise<DisplayZones> {
  const user = zoneOrMachine(ctx.userTimeZone);
  try {
    return { location: (await call(ctx.client, 'ext-ghl:location-get', {})).timeZone, user };
  } catch {
    return { location: machineTimeZone(), user };
  }
}

/** "Now" and the zone whose calendar days the stale-day counts use. */
export interface DayClock {
  now: number;
  timeZone: string;
}

export async function dayClock(ctx: ToolContext): Promise<DayClock> {
  return { now: ctx.now(), timeZone: (await displayZones(ctx)).location };
}
