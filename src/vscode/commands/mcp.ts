import { copyMcpServerConfig } from '../mcpServer';
import type { CommandDeps } from './deps';
import { COMMANDS, type CommandTable } from './ids';

/** #20: the MCP server's config for agents outside VS Code. */
export function mcpCommands({ context }: CommandDeps): Pick<CommandTable, typeof COMMANDS.copyMcpServerConfig> {
  return { [COMMANDS.copyMcpServerConfig]: (client) => copyMcpServerConfig(context, client) };
}
