import * as vscode from 'vscode';
import { agendaSections, agendaSpan, type AgendaSection } from '../../calendar/agendaSections';
import { clockLabel, dayLabel, yourTime } from '../../calendar/slotLabels';
import { EXT_GHL_IPC } from '../../protocol/channels';
import type { Agenda, AgendaEvent } from '../../protocol/responses';
import { machineTimeZone, type DisplayZones } from '../../time/dayWindows';
import type { BackendHost } from '../backendHost';
import { Disposable } from '../lifecycle';
import { formatAgo } from '../statusBar';
import { appointmentUri } from './pastDecorations';

/** #18: a section of the Calendar view (Today, Tomorrow, This week, Next week). */
export class AgendaSectionNode {
  constructor(
    readonly section: AgendaSection,
    readonly events: AgendaEvent[],
  ) {}
}

/** #18: one appointment row. */
export class AppointmentNode {
  constructor(
    readonly event: AgendaEvent,
    readonly zones: DisplayZones,
    readonly past: boolean,
  ) {}
}

type Node = AgendaSectionNode | AppointmentNode;

/** The status icons: a codicon and a theme color, so the view follows the theme. */
const STATUS_ICONS: Record<string, [string, string | undefined]> = {
  confirmed: ['pass-filled', 'testing.iconPassed'],
  new: ['circle-large-outline', 'charts.blue'],
  showed: ['check-all', 'testing.iconPassed'],
  noshow: ['person', 'list.warningForeground'],
  cancelled: ['circle-slash', 'disabledForeground'],
  invalid: ['error', 'list.errorForeground'],
};

export function statusIcon(status: string | undefined): vscode.ThemeIcon {
  const [icon, color] = STATUS_ICONS[status ?? ''] ?? ['calendar', undefined];
  return new vscode.ThemeIcon(icon, color ? new vscode.ThemeColor(color) : undefined);
}

/** "2:30 PM  Amanda Chen — Walkthrough 2870 Elm St": the time on the location's clock, who, what. */
export function appointmentLabel(event: AgendaEvent, zone: string): string {
  const start = Date.parse(event.startTime);
  const who = event.contactName?.trim();
  const what = event.title?.trim() || 'Appointment';
  return `${clockLabel(start, zone)}  ${who ? `${who} — ${what}` : what}`;
}

/** The location field when it is a web address (a meeting link), else undefined. */
export function meetingLink(event: AgendaEvent): vscode.Uri | undefined {
  const address = event.address?.trim();
  if (!address || !/^https:\/\/\S+$/i.test(address)) return undefined;
  try {
    return vscode.Uri.parse(address, true);
  } catch {
    return undefined;
  }
}

/**
 * The Calendar view: the appointments of today, tomorrow, the rest of this week and next week,
 * on the location's calendar days. It paints from the cached agenda at once (offline too), then
 * reads GHL once for the whole span and repaints; the view's message says when GHL could not be
 * read and how old what it shows is.
 */
export class CalendarTreeProvider extends Disposable implements vscode.TreeDataProvider<Node> {
  private readonly changed = this._register(new vscode.EventEmitter<Node | undefined>());
  readonly onDidChangeTreeData = this.changed.event;
  private readonly loadedEmitter = this._register(new vscode.EventEmitter<Agenda>());
  /** Fires with every agenda shown (from the cache or GHL): the status bar and the reminders follow it. */
  readonly onDidLoad = this.loadedEmitter.event;
  private sections: AgendaSectionNode[] = [];
  private zones: DisplayZones = { location: machineTimeZone(), user: machineTimeZone() };
  private view: vscode.TreeView<Node> | undefined;
  private generation = 0;
  private agendaValue: Agenda | undefined;
  private readonly paintedEmitter = this._register(new vscode.EventEmitter<{ cacheMs: number | null; liveMs: number | null; count: number }>());
  /** After each refresh: how long the rows took to show from the cache (null: nothing cached) and from GHL (null: it failed), in ms. */
  readonly onDidPaint = this.paintedEmitter.event;

  constructor(
    private readonly host: BackendHost,
    private readonly now: () => number = Date.now,
  ) {
    super();
  }

  attach(view: vscode.TreeView<Node>): void {
    this.view = view;
  }

  get agenda(): Agenda | undefined {
    return this.agendaValue;
  }

  get displayZones(): DisplayZones {
    return this.zones;
  }

  /** The cached agenda now, then GHL's. */
  async refresh(): Promise<void> {
    const mine = ++this.generation;
    const started = performance.now();
    const location = await this.host.request(EXT_GHL_IPC.LOCATION_GET, {});
    if (mine !== this.generation) return;
    if (!location.success) {
      this.setMessage(location.error.code === 'NOT_CONFIGURED' ? undefined : `Could not read the location: ${location.error.message}`);
      this.show([], undefined);
      return;
    }
    this.zones = { location: location.data.timeZone, user: machineTimeZone() };
    const sections = agendaSections(this.now(), this.zones.location);
    const span = agendaSpan(sections);
    const cached = await this.host.request(EXT_GHL_IPC.CAL_AGENDA, { from: span.startTime, to: span.endTime, source: 'cache' });
    if (mine !== this.generation) return;
    let cacheMs: number | null = null;
    if (cached.success && cached.data.fetchedAt !== null) {
      this.show(sections, cached.data);
      cacheMs = performance.now() - started;
    }
    const live = await this.host.request(EXT_GHL_IPC.CAL_AGENDA, { from: span.startTime, to: span.endTime });
    if (mine !== this.generation) return;
    if (!live.success) {
      this.setMessage(`Could not read the calendar: ${live.error.message}${cached.success && cached.data.fetchedAt !== null ? ` Showing the agenda read ${formatAgo(this.now() - cached.data.fetchedAt)}.` : ''}`);
      this.paintedEmitter.fire({ cacheMs, liveMs: null, count: cached.success ? cached.data.total : 0 });
      return;
    }
    this.show(sections, live.data);
    this.paintedEmitter.fire({ cacheMs, liveMs: performance.now() - started, count: live.data.total });
  }

  private show(sections: AgendaSection[], agenda: Agenda | undefined): void {
    this.agendaValue = agenda;
    const items = agenda?.items ?? [];
    this.sections = sections.map(
      (section) =>
        new AgendaSectionNode(
          section,
          items.filter((e) => {
            const at = Date.parse(e.startTime);
            return at >= section.window.startTime && at < section.window.endTime;
          }),
        ),
    );
    if (agenda?.fromCache && agenda.fetchedAt !== null) this.setMessage(`${agenda.staleReason ? 'Offline: ' : ''}as read ${formatAgo(this.now() - agenda.fetchedAt)}.`);
    else this.setMessage(undefined);
    if (this.view) this.view.description = this.zones.location === this.zones.user ? undefined : this.zones.location;
    this.changed.fire(undefined);
    if (agenda) this.loadedEmitter.fire(agenda);
  }

  private setMessage(message: string | undefined): void {
    if (this.view) this.view.message = message;
  }

  getChildren(node?: Node): Node[] {
    if (!node) return this.sections;
    if (node instanceof AgendaSectionNode) {
      const now = this.now();
      return node.events.map((e) => new AppointmentNode(e, this.zones, node.section.id === 'today' && Date.parse(e.endTime) <= now));
    }
    return [];
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if (node instanceof AgendaSectionNode) {
      const { section, events } = node;
      const item = new vscode.TreeItem(section.label, section.id === 'today' || section.id === 'tomorrow' ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed);
      const first = dayLabel(section.window.startTime, this.zones.location);
      item.description = `${events.length === 0 ? 'nothing booked' : `${events.length} appointment${events.length === 1 ? '' : 's'}`} · ${first}`;
      item.contextValue = 'agendaSection';
      item.id = `section:${section.id}`;
      return item;
    }
    const { event, zones, past } = node;
    const item = new vscode.TreeItem(appointmentLabel(event, zones.location), vscode.TreeItemCollapsibleState.None);
    const mine = yourTime(Date.parse(event.startTime), zones);
    item.description = [event.calendarName, mine].filter(Boolean).join(' · ');
    item.iconPath = statusIcon(event.appointmentStatus);
    item.resourceUri = appointmentUri(event.id, past);
    const tooltip = new vscode.MarkdownString();
    tooltip.appendText(`${event.title ?? 'Appointment'}\n${event.contactName ?? ''}\n${event.calendarName ?? ''} · ${event.appointmentStatus ?? ''}\n${event.address ?? ''}`);
    item.tooltip = tooltip;
    item.contextValue = ['appointment', event.contactId ? ':contact' : '', meetingLink(event) ? ':link' : '', `:${event.appointmentStatus ?? 'none'}`].join('');
    item.id = `appointment:${event.id}`;
    if (event.contactId) item.command = { command: 'ghl.calendar.openContact', title: 'Open Contact', arguments: [node] };
    return item;
  }
}
