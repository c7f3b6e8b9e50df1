import { z } from 'zod';

/** What the extension reads of a GHL location: its name and the zone its business runs on. */
export interface GhlLocation {
  name: string | null;
  /** GHL's `timezone` as sent (an IANA name or a legacy alias such as "US/Central"); null when absent. */
  timeZone: string | null;
}

const text = z.string().trim().min(1).nullish().catch(null);
const wireLocationResponse = z.looseObject({
  location: z.looseObject({ name: text, timezone: text }).nullish().catch(null),
});

/** GET /locations/{locationId} → the fields the extension uses; lenient like every GHL mapper. */
export function mapLocation(body: unknown): GhlLocation {
  const parsed = wireLocationResponse.safeParse(body);
  const location = parsed.success ? parsed.data.location : null;
  return { name: location?.name ?? null, timeZone: location?.timezone ?? null };
}
