import type { z } from 'zod';
import type { RequestChannel, RequestInput } from '../../protocol/requests';
import type { ResponseData } from '../../protocol/responses';
import { call, type ChannelClient } from '../channelClient';

export interface ToolContext {
  client: ChannelClient;
  now(): number;
  /** The reader's time zone, shown beside the location's when they differ; the machine's when left out. */
  userTimeZone?: string;
}

/** A record a result mentions, so a UI can make it clickable. */
export interface ToolRef {
  kind: 'contact' | 'opportunity' | 'conversation';
  id: string;
  label: string;
}

export interface ToolOutcome {
  ok: boolean;
  /** One human line for the UI, e.g. `Searched contacts for "Chen" — 3 found`. */
  summary: string;
  /** What the model reads: CRM data inside a data block, plus plain guidance. */
  content: string;
  refs: ToolRef[];
}

/** A write as data: the exact payload it will send on its tool's channel K, so what runs is what was shown. */
export interface WritePlan<K extends RequestChannel> {
  /** Exactly what will change or be sent, for the confirmation card / prompt. */
  summary: string;
  payload: RequestInput<K>;
}

/**
 * A plan bound to its tool's channel and its reading of the answer, so nothing can pair a
 * plan with another tool's `done`. What waits for the user's click.
 */
export interface PlannedWrite {
  readonly summary: string;
  /** Sends exactly the planned request; throws a ChannelError when the channel answers an error. */
  send(client: ChannelClient): Promise<ToolOutcome>;
}

interface ToolMeta {
  name: string;
  /** `#ghlContacts` in a chat prompt. */
  toolReferenceName: string;
  displayName: string;
  userDescription: string;
  modelDescription: string;
  tags: string[];
  /** A codicon id, e.g. `person`. */
  icon: string;
}

export interface ReadTool<S extends z.ZodType = z.ZodType> extends ToolMeta {
  writes: false;
  inputSchema: S;
  run(input: z.output<S>, ctx: ToolContext): Promise<ToolOutcome>;
}

/** A write tool as it is written: typed by its input schema S and the one channel K it writes with. */
export interface WriteToolDefinition<S extends z.ZodType, K extends RequestChannel> extends ToolMeta {
  inputSchema: S;
  channel: K;
  /** Resolves names against the cache and validates; never writes. */
  plan(input: z.output<S>, ctx: ToolContext): Promise<WritePlan<K>>;
  /** Turns the channel's answer after the write into the outcome. */
  done(data: ResponseData[K], plan: WritePlan<K>): ToolOutcome;
}

/** A write tool as the chat, the participant and other agents use it. */
export interface WriteTool extends ToolMeta {
  writes: true;
  inputSchema: z.ZodType;
  channel: RequestChannel;
  /** Resolves names against the cache and validates; never writes. */
  plan(input: unknown, ctx: ToolContext): Promise<PlannedWrite>;
}

export type ChatTool = ReadTool | WriteTool;

/** A tool's input made sense to the schema but not to the CRM (unknown stage, no conversation…). */
export class ToolInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ToolInputError';
  }
}

export function readTool<S extends z.ZodType>(tool: Omit<ReadTool<S>, 'writes'>): ReadTool {
  return { ...tool, writes: false } as unknown as ReadTool;
}

export function writeTool<S extends z.ZodType, K extends RequestChannel>(tool: WriteToolDefinition<S, K>): WriteTool {
  const { plan, done, ...meta } = tool;
  return {
    ...meta,
    writes: true,
    async plan(input, ctx) {
      // The input was parsed with this tool's own schema (parseToolCall); the list of tools forgets S, as for readTool.
      const planned = await plan(input as z.output<S>, ctx);
      return {
        summary: planned.summary,
        send: async (client) => done(await call(client, meta.channel, planned.payload), planned),
      };
    },
  };
}
