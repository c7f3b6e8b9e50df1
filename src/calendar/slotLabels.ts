import { calendarDate, type DisplayZones } from '../time/dayWindows';

/** #18: the slot picker's rows: a heading per day, then "Thu Dec 10 · 2:00 PM" with the reader's clock beside it when it differs. */
export type SlotRow = { kind: 'day'; label: string } | { kind: 'slot'; label: string; description?: string; slot: string };

const formats = new Map<string, Intl.DateTimeFormat>();
function format(zone: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${zone}|${JSON.stringify(options)}`;
  let f = formats.get(key);
  if (!f) formats.set(key, (f = new Intl.DateTimeFormat('en-US', { ...options, timeZone: zone })));
  return f;
}

/** "Thu Dec 10" on the clock of `zone`. */
export function dayLabel(at: number, zone: string): string {
  return format(zone, { weekday: 'short', month: 'short', day: 'numeric' }).format(at).replace(',', '');
}

/** "2:00 PM" on the clock of `zone`. */
export function clockLabel(at: number, zone: string): string {
  return format(zone, { hour: 'numeric', minute: '2-digit' }).format(at);
}

/** The reader's clock for a time, when their zone differs: "3:00 PM your time" (with the weekday when it is another day there). */
export function yourTime(at: number, zones: DisplayZones): string | undefined {
  if (zones.location === zones.user) return undefined;
  const otherDay = calendarDate(at, zones.location) !== calendarDate(at, zones.user);
  return `${otherDay ? `${dayLabel(at, zones.user)} ` : ''}${clockLabel(at, zones.user)} your time`;
}

export function slotRows(days: ReadonlyArray<{ date: string; slots: readonly string[] }>, zones: DisplayZones): SlotRow[] {
  const rows: SlotRow[] = [];
  for (const day of days) {
    if (day.slots.length === 0) continue;
    rows.push({ kind: 'day', label: dayLabel(Date.parse(day.slots[0]!), zones.location) });
    for (const slot of day.slots) {
      const at = Date.parse(slot);
      const mine = yourTime(at, zones);
      rows.push({ kind: 'slot', label: `${dayLabel(at, zones.location)} · ${clockLabel(at, zones.location)}`, ...(mine ? { description: mine } : {}), slot });
    }
  }
  return rows;
}
