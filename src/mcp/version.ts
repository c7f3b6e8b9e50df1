import { createHash } from 'node:crypto';
import { CHAT_TOOLS, toolInputJsonSchema, type ChatTool } from '../chat/toolSet';
import { annotationsOf } from './annotations';
import { toolsetOf } from './toolsets';

/**
 * The server's version as its tool set: a hash of every tool's name, description, input schema,
 * annotations and toolset. VS Code starts a server definition again when its version changes,
 * so an update that adds or changes a tool reaches the agent without the user restarting it.
 */
export function toolSetVersion(tools: readonly ChatTool[] = CHAT_TOOLS): string {
  const hash = createHash('sha256');
  for (const tool of tools) {
    hash.update(JSON.stringify([tool.name, tool.modelDescription, toolInputJsonSchema(tool), annotationsOf(tool), toolsetOf(tool)]));
  }
  return `1.0.0+tools.${hash.digest('hex').slice(0, 12)}`;
}
