import type { Migration } from './migrations';

/**
 * #17: the location's tasks. `due_at` is the due date as epoch ms, so the Tasks view's order
 * (overdue first, longest overdue first, then by due date, undated last) is one index walk:
 * for open tasks, ascending due time is exactly that order.
 */
export const TASKS_MIGRATION: Migration = {
  version: 8,
  description: 'tasks (#17)',
  sql: `
CREATE TABLE ghl_tasks (
  id TEXT PRIMARY KEY NOT NULL, location_id TEXT NOT NULL, contact_id TEXT NOT NULL,
  title TEXT NOT NULL, body TEXT, assigned_to TEXT, due_at INTEGER, completed INTEGER NOT NULL DEFAULT 0,
  synced_at INTEGER NOT NULL
);
CREATE INDEX idx_ghl_tasks_order ON ghl_tasks(location_id, completed, due_at IS NULL, due_at, id);
CREATE INDEX idx_ghl_tasks_contact ON ghl_tasks(contact_id);
CREATE INDEX idx_ghl_tasks_assignee ON ghl_tasks(location_id, assigned_to, completed, due_at);
`,
};
