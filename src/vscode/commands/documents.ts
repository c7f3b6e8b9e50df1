import * as vscode from 'vscode';
import { EXT_GHL_IPC } from '../../protocol/channels';
import { guarded, type CommandDeps } from './deps';
import { COMMANDS, type CommandTable } from './ids';
import { renderAgenda } from './renderers';
import { chooseChatModel } from '../chatModel';
import { machineTimeZone } from '../../time/dayWindows';

type DocumentCommands = Pick<CommandTable, 'ghl.showDailyBriefing' | 'ghl.showCalendar' | 'ghl.openChat' | 'ghl.chooseChatModel' | 'ghl.chat.confirmAction'>;

/** The briefing, the calendar and the chat: views of the CRM beside the code. */
export function documentCommands({ host, logger, documents, showBriefing, confirmChatAction }: CommandDeps): DocumentCommands {
  return {
    [COMMANDS.showDailyBriefing]: guarded('Building the daily briefing', logger, () => showBriefing()),
    [COMMANDS.showCalendar]: guarded('Loading the calendar', logger, async () => {
      const [events, calendars, location] = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Loading GHL calendars…' }, () =>
        Promise.all([host.call(EXT_GHL_IPC.CAL_EVENTS_LIST, {}), host.call(EXT_GHL_IPC.CALS_LIST, {}), host.call(EXT_GHL_IPC.LOCATION_GET, {})]),
      );
      // The backend read the location's zone for the events' window already: this costs no GHL request.
      const zones = { location: location.timeZone, user: machineTimeZone() };
      await documents.show('calendar', 'Calendar', renderAgenda(events.items, new Map(calendars.items.map((c) => [c.id, c.name])), zones));
    }),
    [COMMANDS.openChat]: () => vscode.commands.executeCommand('ghl-chat.focus'),
    [COMMANDS.chooseChatModel]: guarded('Choosing the chat model', logger, () => chooseChatModel()),
    [COMMANDS.confirmChatAction]: (actionId, approve) => confirmChatAction(actionId, approve),
  };
}
