import * as vscode from 'vscode';
import type { BackendHost } from '../backendHost';
import { Disposable } from '../lifecycle';
import type { Logger } from '../logger';
import type { ExtensionState } from '../state';
import { BookingFlow } from './bookingFlow';
import { CalendarReminders } from './calendarReminders';
import { CalendarStatusBar } from './calendarStatusBar';
import { CalendarTreeProvider } from './calendarTree';
import { PastAppointmentDecorations } from './pastDecorations';

/**
 * #18: the Calendar view, the next-appointment status item, the reminders and the booking flow,
 * wired to one agenda: the view loads it (cached first, then GHL), the status item and the
 * reminders follow every load, and a booking, a move or a status change anywhere (a command, the
 * chat, another extension) reloads it.
 */
export class CalendarController extends Disposable {
  readonly tree: CalendarTreeProvider;
  readonly booking: BookingFlow;
  readonly reminders: CalendarReminders;
  readonly statusBar: CalendarStatusBar;
  private loading: Promise<void> | undefined;
  private wasConfigured = false;

  constructor(context: vscode.ExtensionContext, host: BackendHost, state: ExtensionState, private readonly logger: Logger) {
    super();
    this.tree = this._register(new CalendarTreeProvider(host));
    const view = this._register(vscode.window.createTreeView('ghl.calendar', { treeDataProvider: this.tree, showCollapseAll: true }));
    this.tree.attach(view);
    this._register(vscode.window.registerFileDecorationProvider(new PastAppointmentDecorations()));
    this.booking = new BookingFlow(host, context.globalState);
    this.reminders = this._register(new CalendarReminders());
    this.statusBar = this._register(new CalendarStatusBar());
    this._register(
      this.tree.onDidLoad((agenda) => {
        this.reminders.setAgenda(agenda.items);
        this.statusBar.setAgenda(agenda.items, agenda.timeZone);
      }),
    );
    this._register(
      this.tree.onDidPaint(({ cacheMs, liveMs, count }) => {
        const cache = cacheMs === null ? 'nothing cached' : `the cached agenda in ${cacheMs.toFixed(1)} ms`;
        const live = liveMs === null ? 'GHL could not be read' : `GHL's in ${liveMs.toFixed(0)} ms`;
        logger.log('info', `Calendar view: ${cache}, ${live} (${count} appointments).`, 'calendar');
      }),
    );
    this._register(host.onDataChanged((kinds) => kinds.includes('appointments') && void this.refresh()));
    this._register(
      state.onDidChange(() => {
        if (state.configured && !this.wasConfigured) void this.refresh();
        this.wasConfigured = state.configured;
      }),
    );
    this.wasConfigured = state.configured;
    if (state.configured) void this.refresh();
  }

  /** Reloads the agenda; calls while one load runs share it and then load once more. */
  refresh(): Promise<void> {
    const run = (this.loading ?? Promise.resolve()).then(() =>
      this.tree.refresh().catch((err: unknown) => this.logger.log('warn', `${err instanceof Error ? err.message : String(err)}`, 'calendar')),
    );
    this.loading = run;
    return run;
  }
}
