import * as vscode from 'vscode';
import { guarded, type CommandDeps } from './deps';
import { COMMANDS, type CommandTable } from './ids';
import { chooseChatModel } from '../chatModel';

type DocumentCommands = Pick<CommandTable, 'ghl.showDailyBriefing' | 'ghl.openChat' | 'ghl.chooseChatModel' | 'ghl.chat.confirmAction'>;

/** The briefing and the chat: views of the CRM beside the code. */
export function documentCommands({ logger, showBriefing, confirmChatAction }: CommandDeps): DocumentCommands {
  return {
    [COMMANDS.showDailyBriefing]: guarded('Building the daily briefing', logger, () => showBriefing()),
    // #18: the calendar's Markdown page is the Calendar view's "Export as Markdown" (commands/calendar.ts).
    [COMMANDS.openChat]: () => vscode.commands.executeCommand('ghl-chat.focus'),
    [COMMANDS.chooseChatModel]: guarded('Choosing the chat model', logger, () => chooseChatModel()),
    [COMMANDS.confirmChatAction]: (actionId, approve) => confirmChatAction(actionId, approve),
  };
}
