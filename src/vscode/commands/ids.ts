import type { OpportunityStatus } from '../../protocol/entities';
import type { AppointmentNode } from '../calendar/calendarTree';
import type { ContactNode } from '../contactsTree';
import type { ConversationNode } from '../inbox/conversationsTree';
import type { OpportunityNode, PipelineNode, StageNode } from '../pipelinesTree';

/**
 * Every command the extension contributes (package.json `contributes.commands`, checked
 * both ways by test/unit/command-ids.test.ts). Nothing here imports `vscode` at run time.
 */
export const COMMANDS = {
  setApiToken: 'ghl.setApiToken',
  setLocationId: 'ghl.setLocationId',
  testConnection: 'ghl.testConnection',
  syncContacts: 'ghl.syncContacts',
  syncOpportunities: 'ghl.syncOpportunities',
  syncAll: 'ghl.syncAll',
  fullResync: 'ghl.fullResync',
  cancelSync: 'ghl.cancelSync',
  refreshViews: 'ghl.refreshViews',
  searchContacts: 'ghl.searchContacts',
  filterContacts: 'ghl.filterContacts',
  clearContactsFilter: 'ghl.clearContactsFilter',
  newContact: 'ghl.newContact',
  showContact: 'ghl.showContact',
  editContact: 'ghl.editContact',
  deleteContact: 'ghl.deleteContact',
  copyEmail: 'ghl.copyEmail',
  copyPhone: 'ghl.copyPhone',
  openInGhl: 'ghl.openInGhl',
  showConversations: 'ghl.showConversations',
  newOpportunity: 'ghl.newOpportunity',
  setOpportunityStatus: 'ghl.setOpportunityStatus',
  moveOpportunityStage: 'ghl.moveOpportunityStage',
  openBoard: 'ghl.openBoard',
  openChat: 'ghl.openChat',
  chooseChatModel: 'ghl.chooseChatModel',
  confirmChatAction: 'ghl.chat.confirmAction',
  showDailyBriefing: 'ghl.showDailyBriefing',
  showCalendar: 'ghl.showCalendar',
  showLog: 'ghl.showLog',
  clearCache: 'ghl.clearCache',
  loadMoreContacts: 'ghl.contacts.loadMore',
  estimateArv: 'ghl.estimateArv',
  setRentcastApiKey: 'ghl.setRentcastApiKey',
  openConversation: 'ghl.openConversation',
  replyToConversation: 'ghl.replyToConversation',
  markConversationRead: 'ghl.markConversationRead',
  starConversation: 'ghl.starConversation',
  unstarConversation: 'ghl.unstarConversation',
  showConversationContact: 'ghl.showConversationContact',
  filterConversations: 'ghl.filterConversations',
  loadMoreConversations: 'ghl.conversations.loadMore',
  chooseInboxUser: 'ghl.chooseInboxUser',
  checkForNewMessages: 'ghl.checkForNewMessages',
  // #18 calendar
  bookAppointment: 'ghl.bookAppointment',
  refreshCalendar: 'ghl.calendar.refresh',
  rescheduleAppointment: 'ghl.calendar.reschedule',
  markShowed: 'ghl.calendar.markShowed',
  markNoShow: 'ghl.calendar.markNoShow',
  markCancelled: 'ghl.calendar.markCancelled',
  openMeetingLink: 'ghl.calendar.openMeetingLink',
  openAppointmentContact: 'ghl.calendar.openContact',
  // Issue 19.
  analyzeDeal: 'ghl.analyzeDeal',
  // #17 tasks, notes, tags and workflows
  syncTasks: 'ghl.syncTasks',
  newTask: 'ghl.newTask',
  openTaskContact: 'ghl.tasks.openContact',
  completeTask: 'ghl.tasks.complete',
  editTask: 'ghl.tasks.edit',
  rescheduleTask: 'ghl.tasks.reschedule',
  deleteTask: 'ghl.tasks.delete',
  showMyTasks: 'ghl.tasks.showMine',
  showAllTasks: 'ghl.tasks.showAll',
  addNote: 'ghl.addNote',
  editNote: 'ghl.editNote',
  deleteNote: 'ghl.deleteNote',
  editTags: 'ghl.editTags',
  tagContacts: 'ghl.tagContacts',
  addToWorkflow: 'ghl.addToWorkflow',
  removeFromWorkflow: 'ghl.removeFromWorkflow',
  // #17 (tasks2): the Contacts view's tag filter
  filterContactsByTag: 'ghl.filterContactsByTag',
  clearContactsTagFilter: 'ghl.clearContactsTagFilter',
  // #20: the MCP server over the local cache, for agents outside VS Code.
  copyMcpServerConfig: 'ghl.copyMcpServerConfig',
} as const;

export type CommandId = (typeof COMMANDS)[keyof typeof COMMANDS];

/**
 * The arguments each command is given: a tree node from a view's menu, a value from a
 * keybinding, a task or another extension — or nothing from the Command Palette. They come
 * from outside, so the handlers still check what they got.
 */
export interface CommandArgs {
  'ghl.setApiToken': [token?: string];
  'ghl.setLocationId': [locationId?: string];
  'ghl.testConnection': [];
  'ghl.syncContacts': [];
  'ghl.syncOpportunities': [];
  'ghl.syncAll': [];
  'ghl.fullResync': [];
  'ghl.cancelSync': [];
  'ghl.refreshViews': [];
  'ghl.searchContacts': [];
  'ghl.filterContacts': [];
  'ghl.clearContactsFilter': [];
  'ghl.newContact': [];
  'ghl.showContact': [node?: ContactNode];
  'ghl.editContact': [node?: ContactNode];
  'ghl.deleteContact': [node?: ContactNode];
  'ghl.copyEmail': [node?: ContactNode];
  'ghl.copyPhone': [node?: ContactNode];
  'ghl.openInGhl': [node?: ContactNode];
  'ghl.showConversations': [node?: ContactNode];
  'ghl.newOpportunity': [node?: PipelineNode | StageNode];
  'ghl.setOpportunityStatus': [node?: OpportunityNode, status?: OpportunityStatus];
  'ghl.moveOpportunityStage': [node?: OpportunityNode, stageId?: string];
  /** A node of the Pipelines view, or a pipeline id. */
  'ghl.openBoard': [target?: PipelineNode | StageNode | OpportunityNode | string];
  'ghl.openChat': [];
  'ghl.chooseChatModel': [];
  /** From @ghl's Approve / Cancel buttons. */
  'ghl.chat.confirmAction': [actionId?: unknown, approve?: unknown];
  'ghl.showDailyBriefing': [];
  'ghl.showCalendar': [];
  'ghl.showLog': [];
  'ghl.clearCache': [];
  'ghl.contacts.loadMore': [];
  /** A pipeline node of the Pipelines view, or a pipeline name or id. */
  'ghl.estimateArv': [target?: PipelineNode | string];
  'ghl.setRentcastApiKey': [key?: string];
  /** A row of the Conversations view, or a conversation id. */
  'ghl.openConversation': [target?: ConversationNode | string];
  'ghl.replyToConversation': [target?: ConversationNode | string];
  'ghl.markConversationRead': [target?: ConversationNode | string];
  'ghl.starConversation': [target?: ConversationNode | string];
  'ghl.unstarConversation': [target?: ConversationNode | string];
  'ghl.showConversationContact': [target?: ConversationNode | string];
  /** unread, all, starred, mine or a channel (TYPE_SMS …), from a keybinding or automation; else a quick pick. */
  'ghl.filterConversations': [filter?: string];
  'ghl.conversations.loadMore': [];
  'ghl.chooseInboxUser': [];
  'ghl.checkForNewMessages': [];
  // #18 calendar
  /** A contact row, a deal, a conversation row, a contact id or `{ contactId, contactName, dealName? }`; else a contact picked from the cache. */
  'ghl.bookAppointment': [target?: unknown];
  'ghl.calendar.refresh': [];
  /** A row of the Calendar view, or an appointment id. */
  'ghl.calendar.reschedule': [target?: AppointmentNode | string];
  'ghl.calendar.markShowed': [target?: AppointmentNode | string];
  'ghl.calendar.markNoShow': [target?: AppointmentNode | string];
  'ghl.calendar.markCancelled': [target?: AppointmentNode | string];
  /** A row, an appointment id or the link itself (a reminder's button). */
  'ghl.calendar.openMeetingLink': [target?: AppointmentNode | string];
  /** A row or a contact id. */
  'ghl.calendar.openContact': [target?: AppointmentNode | string];
  /** Issue 19: an opportunity of the Pipelines view, or an opportunity id; else a quick pick. */
  'ghl.analyzeDeal': [target?: OpportunityNode | ContactNode | string];
  // #17: a contact row, a deal card, a task row or a contact id; none from the palette (then a pick).
  'ghl.syncTasks': [];
  'ghl.newTask': [target?: unknown];
  'ghl.tasks.openContact': [node?: unknown];
  'ghl.tasks.complete': [node?: unknown];
  'ghl.tasks.edit': [node?: unknown];
  'ghl.tasks.reschedule': [node?: unknown];
  'ghl.tasks.delete': [node?: unknown];
  'ghl.tasks.showMine': [];
  'ghl.tasks.showAll': [];
  /** The note's text too, from the conversation panel. */
  'ghl.addNote': [target?: unknown, text?: unknown];
  'ghl.editNote': [target?: unknown];
  'ghl.deleteNote': [target?: unknown];
  'ghl.editTags': [target?: unknown];
  /** The clicked row and the multi-selection of the Contacts view. */
  'ghl.tagContacts': [node?: unknown, nodes?: unknown, tags?: unknown];
  /** `workflow`: a workflow id or name from a keybinding or automation (the confirmation still shows). */
  'ghl.addToWorkflow': [node?: unknown, nodes?: unknown, workflow?: unknown];
  'ghl.removeFromWorkflow': [node?: unknown];
  // #17 (tasks2)
  /** A tag from a keybinding or automation; else a quick pick of the location's tags. */
  'ghl.filterContactsByTag': [tag?: unknown];
  'ghl.clearContactsTagFilter': [];
  // #20: 'Claude Code', 'Cursor' or 'Claude Desktop' from a keybinding or a test; else a quick pick.
  'ghl.copyMcpServerConfig': [client?: unknown];
}

export type CommandHandler<K extends CommandId> = (...args: CommandArgs[K]) => unknown;

/** One handler per command: a missing or unknown id is a compile error. */
export type CommandTable = { [K in CommandId]: CommandHandler<K> };
