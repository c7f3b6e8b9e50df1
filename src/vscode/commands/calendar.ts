import * as vscode from 'vscode';
import { EXT_GHL_IPC } from '../../protocol/channels';
import type { AppointmentStatus } from '../../protocol/requests';
import type { AgendaEvent } from '../../protocol/responses';
import { agendaSpan, agendaSections } from '../../calendar/agendaSections';
import { machineTimeZone } from '../../time/dayWindows';
import type { BookingTarget } from '../calendar/bookingFlow';
import { AppointmentNode, meetingLink } from '../calendar/calendarTree';
import { ContactNode, contactLabel } from '../contactsTree';
import { ConversationNode, conversationName } from '../inbox/conversationsTree';
import { OpportunityNode } from '../pipelinesTree';
import { guarded, type CommandDeps } from './deps';
import { COMMANDS, type CommandTable } from './ids';
import { pickContactFromCache } from './pickers';
import { renderAgenda } from './renderers';

type CalendarCommands = Pick<
  CommandTable,
  | 'ghl.showCalendar'
  | 'ghl.bookAppointment'
  | 'ghl.calendar.refresh'
  | 'ghl.calendar.reschedule'
  | 'ghl.calendar.markShowed'
  | 'ghl.calendar.markNoShow'
  | 'ghl.calendar.markCancelled'
  | 'ghl.calendar.openMeetingLink'
  | 'ghl.calendar.openContact'
>;

/** #18: booking, the Calendar view's rows and its Markdown export. */
export function calendarCommands({ host, logger, documents, calendar }: CommandDeps): CalendarCommands {
  /** The appointment of a row, or of an id (a reminder's button, automation): the view's, else the cached agenda's. */
  const eventOf = async (target: unknown): Promise<AgendaEvent | undefined> => {
    if (target instanceof AppointmentNode) return target.event;
    if (typeof target !== 'string' || !target.trim()) return undefined;
    const shown = calendar.tree.agenda?.items.find((e) => e.id === target);
    if (shown) return shown;
    const now = Date.now();
    const cached = await host.call(EXT_GHL_IPC.CAL_AGENDA, { from: now - 31 * 86_400_000, to: now + 62 * 86_400_000, source: 'cache' });
    const event = cached.items.find((e) => e.id === target);
    if (!event) throw new Error(`No appointment ${target} in the calendar from a month ago to two months ahead.`);
    return event;
  };
  const setStatus = (status: AppointmentStatus, label: string) =>
    guarded(`Marking the appointment ${label}`, logger, async (target?: AppointmentNode | string) => {
      const event = await eventOf(target);
      if (!event) return;
      await host.call(EXT_GHL_IPC.APPOINTMENTS_UPDATE, { eventId: event.id, data: { appointmentStatus: status } });
      void vscode.window.setStatusBarMessage(`$(check) ${event.title ?? 'Appointment'}: ${label}`, 4000);
    });

  return {
    [COMMANDS.showCalendar]: guarded('Exporting the calendar', logger, async () => {
      const location = await host.call(EXT_GHL_IPC.LOCATION_GET, {});
      const zones = { location: location.timeZone, user: machineTimeZone() };
      const span = agendaSpan(agendaSections(Date.now(), zones.location));
      const agenda = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Reading the GHL calendar…' }, () =>
        host.call(EXT_GHL_IPC.CAL_AGENDA, { from: span.startTime, to: span.endTime }),
      );
      await documents.show('calendar', 'Calendar', renderAgenda(agenda.items, new Map(agenda.items.map((e) => [e.calendarId, e.calendarName ?? ''])), zones));
    }),
    [COMMANDS.bookAppointment]: guarded('Booking an appointment', logger, async (target?: unknown) => {
      const booking = await bookingTarget(target);
      if (!booking) return;
      await calendar.booking.book(booking);
    }),
    [COMMANDS.refreshCalendar]: () => calendar.refresh(),
    [COMMANDS.rescheduleAppointment]: guarded('Rescheduling the appointment', logger, async (target?: AppointmentNode | string) => {
      const event = await eventOf(target);
      if (event) await calendar.booking.reschedule(event);
    }),
    [COMMANDS.markShowed]: setStatus('showed', 'showed'),
    [COMMANDS.markNoShow]: setStatus('noshow', 'no-show'),
    [COMMANDS.markCancelled]: setStatus('cancelled', 'cancelled'),
    [COMMANDS.openMeetingLink]: guarded('Opening the meeting link', logger, async (target?: AppointmentNode | string) => {
      const direct = typeof target === 'string' && /^https:\/\//i.test(target) ? vscode.Uri.parse(target, true) : undefined;
      const event = direct ? undefined : await eventOf(target);
      const link = direct ?? (event ? meetingLink(event) : undefined);
      if (link) await vscode.env.openExternal(link);
    }),
    [COMMANDS.openAppointmentContact]: guarded('Opening the contact', logger, async (target?: AppointmentNode | string) => {
      const contactId = target instanceof AppointmentNode ? target.event.contactId : typeof target === 'string' ? target : undefined;
      if (!contactId) return;
      const contact = await host.call(EXT_GHL_IPC.CONTACTS_GET, { id: contactId });
      await vscode.commands.executeCommand(COMMANDS.showContact, new ContactNode(contact));
    }),
  };

  /** Who to book with: a contact row, a deal, a conversation, a contact id, or a contact picked from the cache. */
  async function bookingTarget(target: unknown): Promise<BookingTarget | undefined> {
    if (target instanceof ContactNode) return { contactId: target.contact.id, contactName: contactLabel(target.contact) };
    if (target instanceof OpportunityNode) {
      const { opportunity } = target;
      if (!opportunity.contactId) throw new Error(`The deal "${opportunity.name}" has no contact to book with.`);
      return { contactId: opportunity.contactId, contactName: opportunity.contactName ?? opportunity.name, dealName: opportunity.name };
    }
    if (target instanceof ConversationNode) return { contactId: target.conversation.contactId, contactName: conversationName(target.conversation) };
    if (typeof target === 'string' && target.trim()) {
      const contact = await host.call(EXT_GHL_IPC.CONTACTS_GET, { id: target.trim() });
      return { contactId: contact.id, contactName: contactLabel(contact) };
    }
    if (isBookingTarget(target)) return target;
    const contact = await pickContactFromCache(host, 'Book an appointment with…');
    return contact ? { contactId: contact.id, contactName: contactLabel(contact) } : undefined;
  }
}

/** `{ contactId, contactName, dealName? }` from a webview (the board's card, a conversation panel). */
function isBookingTarget(value: unknown): value is BookingTarget {
  if (typeof value !== 'object' || value === null) return false;
  const { contactId, contactName, dealName } = value as Record<string, unknown>;
  return typeof contactId === 'string' && contactId !== '' && typeof contactName === 'string' && (dealName === undefined || typeof dealName === 'string');
}
