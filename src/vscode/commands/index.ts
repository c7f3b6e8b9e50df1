import * as vscode from 'vscode';
import { analyzerCommands } from './analyzer';
import { arvCommands } from './arv';
import { calendarCommands } from './calendar';
import { contactCommands } from './contacts';
import type { CommandDeps } from './deps';
import { documentCommands } from './documents';
import { inboxCommands } from './inbox';
import type { CommandId, CommandTable } from './ids';
import { opportunityCommands } from './opportunities';
import { setupCommands } from './setup';
import { syncCommands } from './sync';
import { followUpCommands } from './followUp';
import { contactTagFilterCommands } from './contactTagFilter';
import { mcpCommands } from './mcp';

export type { CommandDeps } from './deps';

/** Registers every contributed command; the table's type makes a missing one a compile error. */
export function registerCommands(deps: CommandDeps): vscode.Disposable[] {
  const table: CommandTable = {
    ...setupCommands(deps),
    ...syncCommands(deps),
    ...contactCommands(deps),
    ...opportunityCommands(deps),
    ...documentCommands(deps),
    ...arvCommands(deps),
    ...inboxCommands(deps),
    // #18 calendar
    ...calendarCommands(deps),
    // Issue 19.
    ...analyzerCommands(deps),
    // #17
    ...followUpCommands(deps),
    // #17 (tasks2)
    ...contactTagFilterCommands(deps),
    // #20
    ...mcpCommands(deps),
  };
  return (Object.keys(table) as CommandId[]).map((id) => vscode.commands.registerCommand(id, table[id]));
}
