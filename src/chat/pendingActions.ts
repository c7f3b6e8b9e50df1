import type { PlannedWrite } from './tools/types';

/** A write the model proposed; it runs only when the user approves it. */
export interface PendingAction {
  id: string;
  tool: string;
  /** Exactly what will change or be sent. */
  summary: string;
  /** The tool input as the model gave it (validated). */
  input: unknown;
}

interface Entry {
  action: PendingAction;
  plan: PlannedWrite;
  /** The location it was proposed for: it must never run against another one. */
  scope: string;
}

/** Proposed writes waiting for a click, bounded so a runaway model cannot pile them up. */
export class PendingActions {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly max = 20) {}

  add(scope: string, tool: string, input: unknown, plan: PlannedWrite): PendingAction {
    const action: PendingAction = { id: globalThis.crypto.randomUUID(), tool, summary: plan.summary, input };
    this.entries.set(action.id, { action, plan, scope });
    while (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value!);
    return action;
  }

  /** Removes and answers the entry: an action is decided once. */
  take(id: string): Entry | undefined {
    const entry = this.entries.get(id);
    this.entries.delete(id);
    return entry;
  }

  list(scope: string): PendingAction[] {
    return [...this.entries.values()].filter((e) => e.scope === scope).map((e) => e.action);
  }

  clear(scope: string): void {
    for (const [id, entry] of this.entries) if (entry.scope === scope) this.entries.delete(id);
  }
}
