import type * as vscode from 'vscode';
import type { BackendHost } from '../backendHost';
import type { CalendarController } from '../calendar/calendarController';
import type { ContactsTreeProvider } from '../contactsTree';
import type { GhlDocuments } from '../documents';
import type { InboxController } from '../inbox/inboxController';
import { reportError } from '../errorReporter';
import type { Logger } from '../logger';
import type { PipelinesTreeProvider } from '../pipelinesTree';
import type { ExtensionState } from '../state';
import type { SyncRunner } from '../syncRunner';
import type { TasksTreeProvider } from '../followUp/tasksTree';

/** What the command handlers work with. */
export interface CommandDeps {
  context: vscode.ExtensionContext;
  host: BackendHost;
  logger: Logger;
  state: ExtensionState;
  contacts: ContactsTreeProvider;
  pipelines: PipelinesTreeProvider;
  sync: SyncRunner;
  documents: GhlDocuments;
  inbox: InboxController;
  refreshViews(): void;
  showBriefing(): Promise<void>;
  /** Runs or discards a write @ghl proposed (its Approve / Cancel buttons). */
  confirmChatAction(actionId: unknown, approve: unknown): Promise<string>;
  /** #18: the Calendar view, its booking flow and reminders. */
  calendar: CalendarController;
  // #17
  tasks: TasksTreeProvider;
  /** The rows selected in the Contacts view: a palette command or a keybinding acts on them. */
  contactSelection(): unknown[];
}

/** Runs a command body; a failure is reported with its next steps, Retry running the body again. */
export function guarded<A extends unknown[]>(what: string, logger: Logger, body: (...args: A) => Promise<unknown>): (...args: A) => Promise<void> {
  const run = async (...args: A): Promise<void> => {
    try {
      await body(...args);
    } catch (err) {
      reportError(err, what, logger, () => run(...args));
    }
  };
  return run;
}
