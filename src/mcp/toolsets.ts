import type { ChatTool } from '../chat/toolSet';

/**
 * The MCP server's toolsets, like GitHub's and Salesforce's servers: a client turns on only the
 * groups it needs (`--toolsets contacts,deals`). A tool's set is derived from the tags it already
 * carries for the chat, so a new tool lands in a set without a second list to keep in step.
 */
export const TOOLSETS = ['contacts', 'deals', 'inbox', 'tasks', 'calendar', 'arv'] as const;
export type Toolset = (typeof TOOLSETS)[number];

/** Domain tags, checked in the tool's own tag order: the first that names a set wins (ghl_get_contact is `contacts`, then `opportunities`). */
const SET_OF_TAG: Readonly<Record<string, Toolset>> = {
  contacts: 'contacts',
  tags: 'contacts',
  'custom-fields': 'contacts',
  opportunities: 'deals',
  pipelines: 'deals',
  conversations: 'inbox',
  messages: 'inbox',
  tasks: 'tasks',
  notes: 'tasks',
  workflows: 'tasks',
  calendar: 'calendar',
  arv: 'arv',
};

export function toolsetOf(tool: Pick<ChatTool, 'name' | 'tags'>): Toolset {
  for (const tag of tool.tags) {
    const set = SET_OF_TAG[tag];
    if (set) return set;
  }
  throw new Error(`${tool.name} has no tag that names a toolset (${TOOLSETS.join(', ')}); give it one.`);
}

export function isToolset(name: string): name is Toolset {
  return (TOOLSETS as readonly string[]).includes(name);
}
