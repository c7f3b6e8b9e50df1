import { CHAT_TOOLS, toolInputJsonSchema } from './toolSet';
import type { ChatTool } from './tools/types';

/** One `contributes.languageModelTools` entry of package.json, as VS Code reads it. */
export interface LanguageModelToolContribution {
  name: string;
  toolReferenceName: string;
  displayName: string;
  userDescription: string;
  modelDescription: string;
  canBeReferencedInPrompt: true;
  icon: string;
  tags: string[];
  inputSchema: Record<string, unknown>;
  when: string;
}

/** The package.json entries for the tool set, derived from it so the two cannot drift apart. */
export function languageModelToolContributions(tools: readonly ChatTool[] = CHAT_TOOLS): LanguageModelToolContribution[] {
  return tools.map((tool) => ({
    name: tool.name,
    toolReferenceName: tool.toolReferenceName,
    displayName: tool.displayName,
    userDescription: tool.userDescription,
    modelDescription: tool.modelDescription,
    canBeReferencedInPrompt: true,
    icon: `$(${tool.icon})`,
    tags: tool.tags,
    inputSchema: toolInputJsonSchema(tool),
    when: 'ghl.configured',
  }));
}
