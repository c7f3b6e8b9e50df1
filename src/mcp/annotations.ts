import type { ToolAnnotations } from '@modelcontextprotocol/sdk/types.js';
import type { ChatTool } from '../chat/toolSet';

/**
 * What each write does to the CRM, for MCP clients that decide by annotations whether to ask
 * (destructiveHint), whether a retry is safe (idempotentHint) and whether it reaches people
 * outside the CRM (openWorldHint: a message, a workflow, a booking confirmation). Reads are
 * derived: read-only, idempotent, closed-world. A write missing here gets the cautious reading
 * (destructive, not idempotent, open world), and a unit test names it.
 */
type WriteHints = Required<Pick<ToolAnnotations, 'destructiveHint' | 'idempotentHint' | 'openWorldHint'>>;

export const WRITE_HINTS: Readonly<Record<string, WriteHints>> = {
  ghl_update_contact: { destructiveHint: true, idempotentHint: true, openWorldHint: false },
  ghl_create_contact: { destructiveHint: false, idempotentHint: false, openWorldHint: false },
  ghl_move_opportunity: { destructiveHint: true, idempotentHint: true, openWorldHint: false },
  ghl_create_opportunity: { destructiveHint: false, idempotentHint: false, openWorldHint: false },
  ghl_send_message: { destructiveHint: false, idempotentHint: false, openWorldHint: true },
  ghl_book_appointment: { destructiveHint: false, idempotentHint: false, openWorldHint: true },
  ghl_update_appointment: { destructiveHint: true, idempotentHint: true, openWorldHint: true },
  ghl_add_note: { destructiveHint: false, idempotentHint: false, openWorldHint: false },
  ghl_create_task: { destructiveHint: false, idempotentHint: false, openWorldHint: false },
  ghl_complete_task: { destructiveHint: true, idempotentHint: true, openWorldHint: false },
  ghl_tag_contacts: { destructiveHint: true, idempotentHint: true, openWorldHint: false },
  ghl_add_to_workflow: { destructiveHint: false, idempotentHint: false, openWorldHint: true },
};

const CAUTIOUS: WriteHints = { destructiveHint: true, idempotentHint: false, openWorldHint: true };

export function annotationsOf(tool: ChatTool): ToolAnnotations {
  if (!tool.writes) return { title: tool.displayName, readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false };
  return { title: tool.displayName, readOnlyHint: false, ...(WRITE_HINTS[tool.name] ?? CAUTIOUS) };
}
