import { TZDate } from '@date-fns/tz';
import { addCalendarDays, startOfDayIn, todayWindow, tomorrowWindow, type TimeWindow } from '../time/dayWindows';

/** #18: the Calendar view's sections, calendar days of the location's zone (weeks run Monday to Sunday). */
export interface AgendaSection {
  id: 'today' | 'tomorrow' | 'thisWeek' | 'nextWeek';
  label: string;
  window: TimeWindow;
}

/** Today, Tomorrow, the rest of this week (left out when tomorrow is its Sunday) and next week; they touch, in order. */
export function agendaSections(now: number, zone: string): AgendaSection[] {
  const today = todayWindow(now, zone);
  const tomorrow = tomorrowWindow(now, zone);
  const weekday = new TZDate(now, zone).getDay(); // 0 Sunday … 6 Saturday
  const nextMonday = startOfDayIn(addCalendarDays(today.startTime, weekday === 0 ? 1 : 8 - weekday, zone), zone);
  const mondayAfter = startOfDayIn(addCalendarDays(nextMonday, 7, zone), zone);
  const sections: AgendaSection[] = [
    { id: 'today', label: 'Today', window: today },
    { id: 'tomorrow', label: 'Tomorrow', window: tomorrow },
  ];
  if (tomorrow.endTime < nextMonday) sections.push({ id: 'thisWeek', label: 'This week', window: { startTime: tomorrow.endTime, endTime: nextMonday } });
  // On a Sunday, tomorrow is next week's Monday: next week starts after it.
  sections.push({ id: 'nextWeek', label: 'Next week', window: { startTime: Math.max(nextMonday, tomorrow.endTime), endTime: mondayAfter } });
  return sections;
}

/** The span the view reads in one agenda request. */
export function agendaSpan(sections: readonly AgendaSection[]): TimeWindow {
  return { startTime: sections[0]!.window.startTime, endTime: sections[sections.length - 1]!.window.endTime };
}
