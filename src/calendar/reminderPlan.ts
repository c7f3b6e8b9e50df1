/**
 * #18: which appointments deserve a reminder now, and when to look again. Pure: the clock and
 * the list come in, so a virtual clock tests it; the VS Code layer owns the timer.
 */
export interface RemindableEvent {
  id: string;
  startTime: string;
  appointmentStatus?: string;
}

/** Statuses that need no reminder: nothing will happen, or it happened. */
const QUIET = new Set(['cancelled', 'invalid', 'showed', 'noshow']);

/** The appointments starting within `minutes` from `now` (not yet started) that were not reminded of. */
export function dueReminders<E extends RemindableEvent>(events: readonly E[], now: number, minutes: number, reminded: ReadonlySet<string>): E[] {
  if (minutes <= 0) return [];
  const lead = minutes * 60_000;
  return events.filter((e) => {
    const start = Date.parse(e.startTime);
    return !QUIET.has(e.appointmentStatus ?? '') && !reminded.has(reminderKey(e)) && start > now && start - lead <= now;
  });
}

/** When the next reminder falls due after `now`; null when none will. */
export function nextReminderAt(events: readonly RemindableEvent[], now: number, minutes: number, reminded: ReadonlySet<string>): number | null {
  if (minutes <= 0) return null;
  const lead = minutes * 60_000;
  let next: number | null = null;
  for (const e of events) {
    const at = Date.parse(e.startTime) - lead;
    if (QUIET.has(e.appointmentStatus ?? '') || reminded.has(reminderKey(e)) || at <= now) continue;
    if (next === null || at < next) next = at;
  }
  return next;
}

/** An appointment moved to another time is reminded of again. */
export function reminderKey(e: RemindableEvent): string {
  return `${e.id}@${Date.parse(e.startTime)}`;
}
