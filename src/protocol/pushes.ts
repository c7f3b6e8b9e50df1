import { z } from 'zod';
import { EXT_GHL_IPC as C, type PushChannel } from './channels';

/**
 * The push table: one schema per push channel, like `requestSchemas` for requests. The
 * types every listener sees are derived from it, and the host checks each push that comes
 * out of the worker against it before anyone hears of it. Objects are strict: a field the
 * backend adds without adding it here is a dropped push in the tests, not a silent change.
 */

const count = z.number().int().min(0);
/** Not int: a test's injected clock may answer fractions. */
const epochMs = z.number().min(0);

const syncProgress = z.strictObject({
  kind: z.enum(['contacts', 'opportunities']),
  synced: count,
  total: count,
  done: z.boolean().optional(),
});

const arvRunStatus = {
  runId: z.string().nullable(),
  pipelineId: z.string().nullable(),
  status: z.enum(['idle', 'running', 'done', 'cancelled', 'failed']),
  processed: count,
  total: count,
  enriched: count,
  skipped: count,
  failed: count,
  lookups: count,
  lastError: z.string().nullable(),
  startedAt: epochMs.nullable(),
  finishedAt: epochMs.nullable(),
  /** The run stopped because it spent `maxLookupsPerRun`. */
  budgetReached: z.boolean(),
  /** Why the run ended the way it did, in words for the user (null while running). */
  message: z.string().nullable(),
};

/** The deal an ARV run just finished. Its name is CRM text. */
const arvDealOutcome = z.strictObject({
  opportunityId: z.string(),
  name: z.string(),
  outcome: z.enum(['enriched', 'skipped', 'failed']),
  reason: z.string().nullable(),
  arv: z.number().nullable(),
  mao: z.number().nullable(),
  method: z.enum(['comps', 'avm']).nullable(),
  confidence: z.enum(['high', 'medium', 'low']).nullable(),
});

/** After each deal of an ARV run and once when it ends (then `deal` is null). */
const arvProgress = z.strictObject({ ...arvRunStatus, deal: arvDealOutcome.nullable() });

/** While chat-send runs: the reply's text as it arrives, and a line per tool call. */
const chatStream = z.strictObject({
  turnId: z.string(),
  delta: z.string().optional(),
  toolCall: z.strictObject({ tool: z.string(), ok: z.boolean(), summary: z.string() }).optional(),
});

/** #17: after each contact of a bulk tag run, and once when it ends (`finished`). */
const bulkTagsProgress = z.strictObject({
  runId: z.string(),
  processed: count,
  total: count,
  succeeded: count,
  failed: count,
  finished: z.boolean(),
  cancelled: z.boolean(),
});

const schemaTable = {
  [C.SYNC_PROGRESS]: syncProgress,
  [C.ARV_ENRICH_PROGRESS]: arvProgress,
  [C.CHAT_STREAM]: chatStream,
  // #17
  [C.BULK_TAGS_PROGRESS]: bulkTagsProgress,
} as const satisfies Record<PushChannel, z.ZodType>;

/** What a listener of each push channel receives. */
export type PushPayloads = { [K in PushChannel]: z.output<(typeof schemaTable)[K]> };
export type PushPayload<K extends PushChannel> = PushPayloads[K];

/** The table typed by channel, so a generic channel K indexes the schema of K's payload. */
export const pushSchemas: { readonly [K in PushChannel]: z.ZodType<PushPayloads[K]> } = schemaTable;

/** One push of channel K (of any push channel when K is their union), narrowed by comparing `channel`. */
export type PushEventOf<K extends PushChannel> = { [J in K]: { channel: J; payload: PushPayloads[J] } }[K];
export type PushEvent = PushEventOf<PushChannel>;

export type SyncProgress = PushPayload<typeof C.SYNC_PROGRESS>;
export type ArvEnrichProgress = PushPayload<typeof C.ARV_ENRICH_PROGRESS>;
export type ChatStreamEvent = PushPayload<typeof C.CHAT_STREAM>;
export type BulkTagsProgress = PushPayload<typeof C.BULK_TAGS_PROGRESS>;

export function isPushChannel(channel: unknown): channel is PushChannel {
  return typeof channel === 'string' && Object.hasOwn(pushSchemas, channel);
}

export type ParsedPush<K extends PushChannel = PushChannel> = { ok: true; event: PushEventOf<K> } | { ok: false; reason: string };

/**
 * Checks a push that crossed a boundary (the worker's message port) against its channel's
 * schema. Answers the event with its payload as parsed, or why it is not one.
 */
export function parsePush(channel: unknown, payload: unknown): ParsedPush {
  if (!isPushChannel(channel)) return { ok: false, reason: `${JSON.stringify(String(channel).slice(0, 80))} is not a push channel` };
  return parseFor(channel, payload);
}

function parseFor<K extends PushChannel>(channel: K, payload: unknown): ParsedPush<K> {
  const schema: z.ZodType<PushPayload<K>> = pushSchemas[channel];
  const parsed = schema.safeParse(payload);
  if (parsed.success) return { ok: true, event: pushEvent(channel, parsed.data) };
  return { ok: false, reason: `${channel}: ${parsed.error.issues.map((i) => `${i.path.map(String).join('.') || '(payload)'}: ${i.message}`).join('; ')}` };
}

/** Builds the event of channel K (a union member the compiler can check). */
export function pushEvent<K extends PushChannel>(channel: K, payload: PushPayload<K>): PushEventOf<K> {
  return { channel, payload };
}

/** The JSON Schema of every push payload, keyed by channel (written to dist/protocol.schema.json). */
export function pushJsonSchema(): Record<string, unknown> {
  const channels: Record<string, unknown> = {};
  for (const channel of Object.keys(pushSchemas).filter(isPushChannel)) {
    channels[channel] = z.toJSONSchema(pushSchemas[channel], { io: 'output', unrepresentable: 'any' });
  }
  return channels;
}
