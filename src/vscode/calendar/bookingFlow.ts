import * as vscode from 'vscode';
import { slotRows } from '../../calendar/slotLabels';
import { EXT_GHL_IPC } from '../../protocol/channels';
import type { AgendaEvent, Calendar, FreeSlots } from '../../protocol/responses';
import { addCalendarDays, machineTimeZone, type DisplayZones } from '../../time/dayWindows';
import type { BackendHost } from '../backendHost';
import { clockLabel, dayLabel, yourTime } from '../../calendar/slotLabels';

/** #18: the calendar last booked in, offered first next time. */
export const LAST_CALENDAR_KEY = 'ghl.calendar.lastCalendarId';
/** Days of free slots a page of the picker lists ("more days…" adds as many again). */
export const SLOT_PAGE_DAYS = 14;

/** Who the appointment is with, and what it is about (a deal's name makes the title). */
export interface BookingTarget {
  contactId: string;
  contactName: string;
  dealName?: string;
}

type SlotItem = vscode.QuickPickItem & { slot?: string; more?: true };

/** "Mon Mar 9 · 2:30 PM (3:30 PM your time)". */
export function slotPhrase(at: number, zones: DisplayZones): string {
  const mine = yourTime(at, zones);
  return `${dayLabel(at, zones.location)} · ${clockLabel(at, zones.location)}${mine ? ` (${mine})` : ''}`;
}

/**
 * Book Appointment… and Reschedule…: the calendar (the last one first, Enter keeps it), the
 * free slots of the next 14 days on the location's clock grouped by day in one list (the first
 * free one selected, "more days…" at the end), then the title, prefilled, whose Enter books. So
 * the common case is three keystrokes and two requests (slots, create). A slot taken meanwhile
 * is said, and the list comes back with GHL's fresh slots.
 */
export class BookingFlow {
  constructor(
    private readonly host: BackendHost,
    private readonly memento: vscode.Memento,
  ) {}

  async book(target: BookingTarget): Promise<AgendaEvent | undefined> {
    const zones = await this.zones();
    const calendar = await this.pickCalendar();
    if (!calendar) return undefined;
    let offered: FreeSlots | undefined;
    for (;;) {
      const slot = await this.pickSlot(calendar, zones, `Book with ${target.contactName} — ${calendar.name}`, offered);
      if (!slot) return undefined;
      const at = Date.parse(slot);
      const title = await vscode.window.showInputBox({
        title: `Book with ${target.contactName} — ${slotPhrase(at, zones)}`,
        prompt: `Enter books it in ${calendar.name}; Escape cancels.`,
        value: `Walkthrough — ${target.dealName ?? target.contactName}`,
        ignoreFocusOut: true,
        validateInput: (v) => (v.trim() ? undefined : 'A title is needed.'),
      });
      if (title === undefined) return undefined;
      const answer = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Booking ${slotPhrase(at, zones)}…` }, () =>
        this.host.request(EXT_GHL_IPC.APPOINTMENTS_CREATE, { calendarId: calendar.id, contactId: target.contactId, startTime: slot, title: title.trim() }),
      );
      if (answer.success) {
        void vscode.window.showInformationMessage(`Booked: ${title.trim()} with ${target.contactName}, ${slotPhrase(at, zones)}.`);
        return answer.data;
      }
      offered = takenSlotFresh(answer.error.details);
      if (!offered) throw new Error(answer.error.message);
      void vscode.window.showWarningMessage(`${slotPhrase(at, zones)} was just taken in ${calendar.name}. Pick another free time.`);
    }
  }

  /** Moves an appointment to a free slot of its calendar (the same picker), keeping its length. */
  async reschedule(event: AgendaEvent): Promise<AgendaEvent | undefined> {
    const zones = await this.zones();
    const calendars = await this.host.call(EXT_GHL_IPC.CALS_LIST, {});
    const calendar = calendars.items.find((c) => c.id === event.calendarId) ?? { id: event.calendarId, name: event.calendarName ?? 'Calendar' };
    let offered: FreeSlots | undefined;
    for (;;) {
      const slot = await this.pickSlot(calendar, zones, `Reschedule ${event.title ?? 'appointment'}${event.contactName ? ` with ${event.contactName}` : ''}`, offered);
      if (!slot) return undefined;
      const at = Date.parse(slot);
      const length = Date.parse(event.endTime) - Date.parse(event.startTime);
      const answer = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Moving to ${slotPhrase(at, zones)}…` }, () =>
        this.host.request(EXT_GHL_IPC.APPOINTMENTS_UPDATE, { eventId: event.id, data: { startTime: slot, ...(length > 0 ? { endTime: at + length } : {}) } }),
      );
      if (answer.success) {
        void vscode.window.showInformationMessage(`Moved to ${slotPhrase(at, zones)}.`);
        return answer.data;
      }
      offered = takenSlotFresh(answer.error.details);
      if (!offered) throw new Error(answer.error.message);
      void vscode.window.showWarningMessage(`${slotPhrase(at, zones)} was just taken. Pick another free time.`);
    }
  }

  private async zones(): Promise<DisplayZones> {
    const location = await this.host.call(EXT_GHL_IPC.LOCATION_GET, {});
    return { location: location.timeZone, user: machineTimeZone() };
  }

  private async pickCalendar(): Promise<Calendar | undefined> {
    const { items } = await this.host.call(EXT_GHL_IPC.CALS_LIST, {});
    const calendars = items.filter((c) => c.isActive !== false);
    if (calendars.length === 0) throw new Error('The location has no active calendar to book in.');
    const last = this.memento.get<string>(LAST_CALENDAR_KEY);
    const ordered = [...calendars].sort((a, b) => Number(b.id === last) - Number(a.id === last));
    const picked = await vscode.window.showQuickPick(
      ordered.map((c) => ({ label: c.name, description: c.id === last ? 'last used' : undefined, detail: c.description, calendar: c })),
      { title: 'Book Appointment: calendar', placeHolder: 'Pick the calendar (Enter keeps the last one)', ignoreFocusOut: true },
    );
    if (!picked) return undefined;
    await this.memento.update(LAST_CALENDAR_KEY, picked.calendar.id);
    return picked.calendar;
  }

  /** The free slots grouped by day, the first selected; "more days…" lists 14 more. `offered`: a fresh list GHL already gave. */
  private async pickSlot(calendar: Pick<Calendar, 'id' | 'name'>, zones: DisplayZones, title: string, offered?: FreeSlots): Promise<string | undefined> {
    const quickPick = vscode.window.createQuickPick<SlotItem>();
    quickPick.title = title;
    quickPick.placeholder = `Free times in ${calendar.name}, on the location's clock (${zones.location})`;
    quickPick.matchOnDescription = true;
    quickPick.ignoreFocusOut = true;
    const days: FreeSlots['days'] = [];
    let until = Date.now();
    const load = async () => {
      quickPick.busy = true;
      const from = until;
      until = addCalendarDays(from, SLOT_PAGE_DAYS, zones.location);
      const answer = await this.host.request(EXT_GHL_IPC.CAL_FREE_SLOTS, { calendarId: calendar.id, startDate: from, endDate: until });
      quickPick.busy = false;
      if (!answer.success) {
        quickPick.placeholder = `Could not read the free times: ${answer.error.message}`;
        return;
      }
      for (const day of answer.data.days) {
        const same = days.find((d) => d.date === day.date);
        if (same) same.slots = [...new Set([...same.slots, ...day.slots])];
        else days.push({ ...day });
      }
      render();
    };
    const render = () => {
      const items: SlotItem[] = slotRows(days, zones).map((row) =>
        row.kind === 'day' ? { label: row.label, kind: vscode.QuickPickItemKind.Separator } : { label: row.label, description: row.description, slot: row.slot },
      );
      if (!items.some((i) => i.slot)) quickPick.placeholder = `No free time in ${calendar.name} until ${dayLabel(until, zones.location)}; pick "more days…"`;
      items.push({ label: '$(calendar) more days…', description: `free times after ${dayLabel(until, zones.location)}`, more: true, alwaysShow: true });
      const active = quickPick.activeItems[0]?.slot;
      quickPick.items = items;
      const keep = items.find((i) => i.slot && i.slot === active) ?? items.find((i) => i.slot);
      if (keep) quickPick.activeItems = [keep];
    };
    const picked = new Promise<string | undefined>((resolve) => {
      quickPick.onDidAccept(() => {
        const item = quickPick.selectedItems[0] ?? quickPick.activeItems[0];
        if (item?.more) {
          void load();
          return;
        }
        if (!item?.slot) return;
        resolve(item.slot);
        quickPick.hide();
      });
      quickPick.onDidHide(() => {
        resolve(undefined);
        quickPick.dispose();
      });
    });
    quickPick.show();
    if (offered) {
      days.push(...offered.days.map((d) => ({ ...d })));
      const last = offered.days.at(-1)?.slots.at(-1);
      until = last ? Date.parse(last) + 60_000 : Date.now();
      render();
    } else void load();
    return picked;
  }
}

/** The fresh free slots a refused booking carries (details.reason SLOT_TAKEN), if it was that. */
function takenSlotFresh(details: unknown): FreeSlots | undefined {
  if (typeof details !== 'object' || details === null) return undefined;
  const { reason, freeSlots } = details as { reason?: unknown; freeSlots?: unknown };
  if (reason !== 'SLOT_TAKEN' || typeof freeSlots !== 'object' || freeSlots === null) return undefined;
  const days = (freeSlots as { days?: unknown }).days;
  if (!Array.isArray(days)) return undefined;
  return { ...(freeSlots as FreeSlots), days: days.filter((d): d is FreeSlots['days'][number] => typeof d?.date === 'string' && Array.isArray(d?.slots)) };
}
