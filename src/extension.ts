import { SECRET_RENTCAST_KEY, SECRET_TOKEN_KEY } from './protocol/settings';
import * as vscode from 'vscode';
import { extensionExports } from './vscode/api/extensionApi';
import type { GhlExtensionExports } from './vscode/api/ghlApi';
import { BackendHost } from './vscode/backendHost';
import { showCacheRecoveredNotice } from './vscode/cacheRecoveredNotice';
import { HostSettings } from './vscode/hostSettings';
import { registerAnalyzerPanelSerializer } from './vscode/analyzerPanel';
import { BoardPanel, registerBoardPanelSerializer } from './vscode/boardPanel';
import { CalendarController } from './vscode/calendar/calendarController';
import { ChatHost } from './vscode/chatHost';
import { GhlParticipant } from './vscode/chatParticipant';
import { registerChatTools } from './vscode/chatTools';
import { registerMcpServerProvider, resolvedMcpServerForTest } from './vscode/mcpServer';
import { ChatViewProvider } from './vscode/chatView';
import { registerCommands } from './vscode/commands';
import { ContactsTreeProvider } from './vscode/contactsTree';
import { GhlDocuments } from './vscode/documents';
import { InboxController } from './vscode/inbox/inboxController';
import { Logger } from './vscode/logger';
import { PipelinesTreeProvider } from './vscode/pipelinesTree';
import { ExtensionState } from './vscode/state';
import { SyncStatusBar } from './vscode/statusBar';
import { SyncRunner } from './vscode/syncRunner';
import { BriefingScheduler, BriefingService, GhlTaskProvider, TASK_TYPE } from './vscode/tasks';
import { openWalkthroughOnFirstRun } from './vscode/walkthrough';
import { OverdueTasksStatus } from './vscode/followUp/overdueStatus';
import { TasksTreeProvider } from './vscode/followUp/tasksTree';
import { TaskReminders } from './vscode/followUp/taskReminders';
import { ManualReminderClock } from './vscode/followUp/manualReminderClock';

let host: BackendHost | undefined;

/** Returns `getApi(1)` for other extensions (src/vscode/api/ghlApi.ts). */
export function activate(context: vscode.ExtensionContext): GhlExtensionExports {
  const started = performance.now();
  const logger = new Logger();
  const settings = new HostSettings(context.secrets, logger);
  host = new BackendHost(context, settings, logger);
  const backendHost = host;
  context.subscriptions.push(backendHost.onDidRecoverCache(() => void showCacheRecoveredNotice()));
  const state = new ExtensionState(context, backendHost, settings);

  const contacts = new ContactsTreeProvider(backendHost, (total) => void state.setCacheCounts(total, pipelinesCount), context.workspaceState);
  let pipelinesCount = 0;
  const pipelines = new PipelinesTreeProvider(backendHost, (count) => {
    pipelinesCount = count;
    void state.setCacheCounts(contacts.totalCount, count);
  });
  // Many at once for #17's Tag… and Add to Workflow….
  const contactsView = vscode.window.createTreeView('ghl.contacts', { treeDataProvider: contacts, showCollapseAll: false, canSelectMany: true });
  contacts.attach(contactsView);
  const pipelinesView = vscode.window.createTreeView('ghl.pipelines', { treeDataProvider: pipelines, showCollapseAll: true });

  // #17: the Tasks view, its overdue badge and status bar count.
  const tasks = new TasksTreeProvider(backendHost);
  const tasksView = vscode.window.createTreeView('ghl.tasks', { treeDataProvider: tasks, showCollapseAll: true, manageCheckboxStateManually: true });
  tasks.attach(tasksView);
  const overdueStatus = new OverdueTasksStatus();
  const overdueListener = tasks.onDidChangeOverdue((overdue) => overdueStatus.set(overdue));
  // Under test, the reminders run on a clock the suite sets (see the Test-mode handle), never a timer.
  const reminderClock = context.extensionMode === vscode.ExtensionMode.Test ? new ManualReminderClock(Date.now()) : undefined;
  const reminders = new TaskReminders(backendHost, logger, () => tasks.refresh(), reminderClock);

  // The inbox's view, panels and poll; nothing of it runs before the view shows or the window has focus.
  const inbox = new InboxController(context, backendHost, logger, settings, state);

  const refreshViews = () => {
    contacts.refresh();
    pipelines.refresh();
    inbox.tree.refresh();
    tasks.refresh();
  };
  const sync = new SyncRunner(backendHost, state, logger, () => refreshViews());
  // Trees follow every change of cached data, wherever it came from (commands, the board, the API).
  let pendingKinds = new Set<string>();
  let refreshTimer: NodeJS.Timeout | undefined;
  const dataChanged = backendHost.onDataChanged((kinds) => {
    for (const kind of kinds) pendingKinds.add(kind);
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(() => {
      if (pendingKinds.has('contacts')) contacts.refresh();
      if (pendingKinds.has('opportunities') || pendingKinds.has('pipelines')) pipelines.refresh();
      if (pendingKinds.has('tasks') || pendingKinds.has('contacts')) tasks.refresh();
      pendingKinds = new Set();
    }, 100);
  });
  // #18: the Calendar view, the next appointment in the status bar, reminders, booking.
  const calendar = new CalendarController(context, backendHost, state, logger);
  const documents = new GhlDocuments();
  const briefing = new BriefingService(context, backendHost, documents);
  const chat = new ChatViewProvider(context.extensionUri, backendHost, logger);
  // The chat is answered here, not in the worker: vscode.lm exists only in the extension host.
  const chatHost = new ChatHost(context, backendHost, logger);
  const chatClient = { request: backendHost.request.bind(backendHost) };
  const participant = new GhlParticipant(chatClient);
  // VS Code's Chat view may be turned off or missing (chat.disableAIFeatures); the panel and the tools work regardless.
  if (typeof vscode.chat?.createChatParticipant === 'function') participant.register();

  context.subscriptions.push(
    dataChanged,
    { dispose: () => clearTimeout(refreshTimer) },
    logger,
    settings,
    backendHost,
    state,
    contacts,
    pipelines,
    contactsView,
    pipelinesView,
    inbox,
    tasks,
    tasksView,
    overdueStatus,
    overdueListener,
    reminders,
    new SyncStatusBar(state),
    // The provider too, not only its registration: it owns the chat view's bridge.
    chat,
    vscode.window.registerWebviewViewProvider(ChatViewProvider.viewType, chat),
    chatHost,
    participant,
    registerChatTools(chatClient),
    registerBoardPanelSerializer(context, backendHost, logger),
    registerAnalyzerPanelSerializer(context, backendHost, logger),
    vscode.tasks.registerTaskProvider(TASK_TYPE, new GhlTaskProvider(briefing, backendHost)),
    new BriefingScheduler(context, () => briefing.show(), () => state.configured),
    documents,
    vscode.workspace.registerTextDocumentContentProvider(GhlDocuments.scheme, documents),
    calendar,
    ...registerCommands({ context, host: backendHost, logger, state, contacts, pipelines, sync, documents, inbox, tasks, contactSelection: () => [...contactsView.selection], refreshViews, showBriefing: () => briefing.show(), confirmChatAction: (id, approve) => participant.confirm(id, approve), calendar }),
    { dispose: () => BoardPanel.disposeCurrent() },
    // #20: "GoHighLevel (local cache)" for VS Code's MCP support.
    registerMcpServerProvider(context, logger),
  );

  // Reading a secret is cheap and needs neither the cache nor the network.
  void seedTokenFromEnvironment(context, logger).then(() => state.refreshConfiguration());
  if (context.extensionMode !== vscode.ExtensionMode.Test) void openWalkthroughOnFirstRun(context.globalState, vscode.commands.executeCommand);

  const activationMs = performance.now() - started;
  logger.info(`Activated in ${activationMs.toFixed(1)} ms.`);
  return extensionExports(context, backendHost, logger, activationMs, {
    ...(reminderClock ? { taskReminders: { now: () => reminderClock.now(), setNow: (time: number) => reminderClock.set(time), check: () => reminders.check() } } : {}),
    resolveMcpServer: () => resolvedMcpServerForTest(context),
  });
}

/**
 * GHL_API_TOKEN (dev containers, Codespaces, the local demo) is moved into SecretStorage
 * once, when no token is stored yet; it is never written anywhere else.
 */
async function seedTokenFromEnvironment(context: vscode.ExtensionContext, logger: Logger): Promise<void> {
  // RENTCAST_API_KEY the same way, for ARV enrichment.
  for (const [variable, key, what] of [
    ['GHL_API_TOKEN', SECRET_TOKEN_KEY, 'API token'],
    ['RENTCAST_API_KEY', SECRET_RENTCAST_KEY, 'RentCast key'],
  ] as const) {
    const value = process.env[variable]?.trim();
    if (!value || (await context.secrets.get(key))) continue;
    await context.secrets.store(key, value);
    logger.info(`Stored the ${what} from the ${variable} environment variable in secret storage.`);
  }
}

export async function deactivate(): Promise<void> {
  await host?.dispose();
  host = undefined;
}
