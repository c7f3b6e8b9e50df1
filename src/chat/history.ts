import { z } from 'zod';
import { dataBlock } from './crmData';
import type { ChatMessage } from './modelPort';

export interface ToolCallRecord {
  tool: string;
  input: unknown;
  ok: boolean;
  summary: string;
}

export interface ChatHistoryEntry {
  role: 'user' | 'assistant';
  text: string;
  /** Epoch ms. */
  at: number;
  toolCalls?: ToolCallRecord[];
  /** The user pressed Stop while this reply was being written. */
  stopped?: boolean;
}

/** What the host persists (globalState, a file): plain JSON. */
export interface ChatHistorySnapshot {
  version: 1;
  locations: Record<string, ChatHistoryEntry[]>;
}

export interface ChatHistoryLimits {
  /** Entries kept per location; the oldest go first. */
  maxEntries: number;
  /** Locations kept; the least recently used go first. */
  maxLocations: number;
  /** Longer texts are cut when stored. */
  maxTextChars: number;
}

export const DEFAULT_HISTORY_LIMITS: ChatHistoryLimits = { maxEntries: 60, maxLocations: 10, maxTextChars: 20_000 };

const entrySchema = z.object({
  role: z.enum(['user', 'assistant']),
  text: z.string(),
  at: z.number(),
  toolCalls: z.array(z.object({ tool: z.string(), input: z.unknown(), ok: z.boolean(), summary: z.string() })).optional(),
  stopped: z.boolean().optional(),
});
const snapshotSchema = z.object({ version: z.literal(1), locations: z.record(z.string(), z.array(entrySchema)) });

/** The conversation per location: bounded, and serialisable so it survives a reload. */
export class ChatHistory {
  private readonly byLocation = new Map<string, ChatHistoryEntry[]>();

  constructor(
    private readonly limits: ChatHistoryLimits = DEFAULT_HISTORY_LIMITS,
    private readonly onChange?: (snapshot: ChatHistorySnapshot) => void,
  ) {}

  /** Restores a persisted snapshot; anything malformed starts an empty history rather than failing. */
  static fromJSON(data: unknown, limits: ChatHistoryLimits = DEFAULT_HISTORY_LIMITS, onChange?: (snapshot: ChatHistorySnapshot) => void): ChatHistory {
    const history = new ChatHistory(limits, onChange);
    const parsed = snapshotSchema.safeParse(data);
    if (parsed.success) {
      for (const [location, entries] of Object.entries(parsed.data.locations).slice(-limits.maxLocations)) {
        history.byLocation.set(location, entries.slice(-limits.maxEntries).map((e) => history.bounded(e)));
      }
    }
    return history;
  }

  entries(locationId: string): readonly ChatHistoryEntry[] {
    return this.byLocation.get(locationId) ?? [];
  }

  append(locationId: string, ...entries: ChatHistoryEntry[]): void {
    const list = this.byLocation.get(locationId) ?? [];
    // Re-inserting moves the location to the most recently used end.
    this.byLocation.delete(locationId);
    list.push(...entries.map((e) => this.bounded(e)));
    this.byLocation.set(locationId, list.slice(-this.limits.maxEntries));
    while (this.byLocation.size > this.limits.maxLocations) this.byLocation.delete(this.byLocation.keys().next().value!);
    this.changed();
  }

  clear(locationId: string): void {
    if (this.byLocation.delete(locationId)) this.changed();
  }

  toJSON(): ChatHistorySnapshot {
    return { version: 1, locations: Object.fromEntries([...this.byLocation].map(([k, v]) => [k, v.map((e) => ({ ...e }))])) };
  }

  /** The earlier conversation as model messages: text only, with a line naming the tools each reply used. */
  toMessages(locationId: string): ChatMessage[] {
    return this.entries(locationId).map((entry) => {
      // Summaries quote CRM text (names), so they go in as data like any tool result.
      const tools = entry.toolCalls?.length ? `\n\nTools used for this answer:\n${dataBlock('history', entry.toolCalls.map((c) => c.summary))}` : '';
      return { role: entry.role, parts: [{ kind: 'text', text: `${entry.text}${tools}` }] };
    });
  }

  private bounded(entry: ChatHistoryEntry): ChatHistoryEntry {
    const max = this.limits.maxTextChars;
    return entry.text.length > max ? { ...entry, text: `${entry.text.slice(0, max)}…` } : entry;
  }

  private changed(): void {
    this.onChange?.(this.toJSON());
  }
}
