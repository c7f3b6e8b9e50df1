import type { StoredLocation } from '../db/locationsRepo';
import { mapLocation } from '../ghl/location';
import { ExtGhlError } from '../protocol/envelope';
import type { LocationDetails } from '../protocol/responses';
import { isTimeZone, machineTimeZone } from '../time/dayWindows';
import type { HandlerContext } from './context';
import { requireLocationId } from './settings';

/** How long the cached details stand for GHL's: a location's zone changes only when someone edits it. */
export const LOCATION_DETAILS_MAX_AGE_MS = 24 * 60 * 60 * 1000;

/**
 * The location's name and time zone: every "today" asks for the zone, and it changes only when
 * someone edits the location in GHL. Kept in the cache (so a new window, the MCP server or an
 * offline start counts days in the location's zone without a request) and read from GHL again
 * once a day, or by the connection test. A failed read is not kept, so the next call asks again;
 * meanwhile the cached details, however old, beat the machine's zone.
 */
export class LocationDetailsCache {
  private entry: { locationId: string; details: Promise<LocationDetails> } | null = null;

  constructor(private readonly ctx: HandlerContext) {}

  async get(): Promise<LocationDetails> {
    const locationId = requireLocationId(this.ctx);
    if (this.entry?.locationId === locationId) return this.entry.details;
    const stored = this.stored(locationId);
    if (stored && this.ctx.now() - stored.fetchedAt < LOCATION_DETAILS_MAX_AGE_MS) {
      this.entry = { locationId, details: Promise.resolve(stored.details) };
      return stored.details;
    }
    try {
      return await this.refresh();
    } catch (err) {
      if (!stored) throw err;
      this.ctx.log('debug', `Location details not refreshed (${err instanceof Error ? err.message : String(err)}); using those cached at ${new Date(stored.fetchedAt).toISOString()}.`);
      return stored.details;
    }
  }

  /** Reads GHL now and keeps the answer (the connection test's way to see a renamed location). */
  async refresh(): Promise<LocationDetails> {
    const locationId = requireLocationId(this.ctx);
    const entry = { locationId, details: this.read(locationId) };
    this.entry = entry;
    entry.details.then(
      (details) => this.store(details),
      () => {
        if (this.entry === entry) this.entry = null;
      },
    );
    return entry.details;
  }

  private stored(locationId: string): StoredLocation | undefined {
    try {
      return this.ctx.repos().locations.get(locationId);
    } catch (err) {
      // No usable cache (locked, broken): GHL answers instead.
      this.ctx.log('debug', `Cached location details unreadable: ${err instanceof Error ? err.message : String(err)}`);
      return undefined;
    }
  }

  private store(details: LocationDetails): void {
    try {
      this.ctx.repos().locations.put(details, this.ctx.now());
      this.ctx.markDirty();
    } catch (err) {
      this.ctx.log('debug', `Location details not cached: ${err instanceof Error ? err.message : String(err)}`);
    }
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
