import type { z } from 'zod';
import type { RequestChannel } from '../../protocol/requests';
import type { ChannelClient } from '../channelClient';

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

/** A write as data: the exact request it will send, so what runs is what was shown. */
export interface WritePlan {
  /** Exactly what will change or be sent, for the confirmation card / prompt. */
  summary: string;
  request: { channel: RequestChannel; payload: unknown };
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

export interface WriteTool<S extends z.ZodType = z.ZodType> extends ToolMeta {
  writes: true;
  inputSchema: S;
  /** Resolves names against the cache and validates; never writes. */
  plan(input: z.output<S>, ctx: ToolContext): Promise<WritePlan>;
  /** Turns the channel's answer after the write into the outcome. */
  done(data: unknown, plan: WritePlan): ToolOutcome;
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

export function writeTool<S extends z.ZodType>(tool: Omit<WriteTool<S>, 'writes'>): WriteTool {
  return { ...tool, writes: true } as unknown as WriteTool;
}
