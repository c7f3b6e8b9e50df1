import { mapLocation } from '../ghl/location';
import { ExtGhlError } from '../protocol/envelope';
import type { LocationDetails } from '../protocol/responses';
import { isTimeZone, machineTimeZone } from '../time/dayWindows';
import type { HandlerContext } from './context';
import { requireLocationId } from './settings';

/**
 * The location's name and time zone, read from GHL once per location id: every "today" asks
 * for the zone, and it changes only when someone edits the location in GHL (the connection
 * test reads it afresh). A failed read is not kept, so the next call asks again.
 */
export class LocationDetailsCache {
  private entry: { locationId: string; details: Promise<LocationDetails> } | null = null;

  constructor(private readonly ctx: HandlerContext) {}

  async get(): Promise<LocationDetails> {
    const locationId = requireLocationId(this.ctx);
    if (this.entry?.locationId === locationId) return this.entry.details;
    return this.refresh();
  }

  /** Reads GHL now and keeps the answer (the connection test's way to see a renamed location). */
  async refresh(): Promise<LocationDetails> {
    const locationId = requireLocationId(this.ctx);
    const entry = { locationId, details: this.read(locationId) };
    this.entry = entry;
    entry.details.catch(() => {
      if (this.entry === entry) this.entry = null;
    });
    return entry.details;
  }

  /** The zone to count days in; the machine's when the location cannot be read (offline, no token). */
  async timeZone(): Promise<string> {
    try {
      return (await this.get()).timeZone;
    } catch (err) {
      const zone = machineTimeZone();
      this.ctx.log('debug', `Location time zone unavailable (${err instanceof Error ? err.message : String(err)}); using the machine's (${zone}).`);
      return zone;
    }
  }

  private async read(locationId: string): Promise<LocationDetails> {
    const location = mapLocation(await (await this.ctx.api()).getLocation(locationId));
    if (!location.name) throw new ExtGhlError('API', `GHL sent no location details for ${locationId}.`);
    if (isTimeZone(location.timeZone)) return { locationId, name: location.name, timeZone: location.timeZone, timeZoneSource: 'location' };
    const machine = machineTimeZone();
    const why = location.timeZone ? `"${location.timeZone}", which is not a known time zone` : 'no time zone';
    this.ctx.log('warn', `GHL gave location ${locationId} ${why}; days are counted in the machine's zone (${machine}).`);
    return { locationId, name: location.name, timeZone: machine, timeZoneSource: 'machine' };
  }
}
