// The API this extension offers other extensions, and nothing else: another extension may copy
// this file (with src/protocol/, whose types it names) to call it typed. Shaped like the git
// extension's `getAPI(1)`: ask for a version, get an object that never changes shape under you.
//
//   const ghl = vscode.extensions.getExtension<GhlExtensionExports>('ghl-vscode.ghl-vscode');
//   const api = (await ghl.activate()).getApi(1);
//   const page = await api.request('ext-ghl:contacts-list', { query: 'ann' });
//
// Reads and pushes are open. A write (ChannelAccess 'write' in src/protocol/access.ts: sending a
// message, changing or deleting a record, the settings, the chat, ARV write-back) answers
// FORBIDDEN unless the user turned on `ghl.api.allowWrites`.
import type { Disposable } from 'vscode';
import type { PushEvent } from '../../protocol/pushes';
import type { Envelope } from '../../protocol/envelope';
import type { TypedRequest } from '../../protocol/typedRequest';

export type { ChannelAccess } from '../../protocol/access';
export type { PushChannel } from '../../protocol/channels';
export type { PushEvent, PushEventOf, PushPayloads } from '../../protocol/pushes';
export type { Envelope, ErrorCode, ErrorInfo } from '../../protocol/envelope';
export type { RequestChannel, RequestInput } from '../../protocol/requests';
export type * from '../../protocol/entities';
export type * from '../../protocol/responses';
export type { ResponseEnvelope, TypedRequest } from '../../protocol/typedRequest';

/** The versions `getApi` answers; a newer one is added beside, never in place of, an older one. */
export type GhlApiVersion = 1;

/** One push, its payload typed by its channel: compare `event.channel` to narrow it. */
export type PushListener = (event: PushEvent) => void;

/** What `activate()` returns. */
export interface GhlExtensionExports {
  /** Throws for a version this extension does not offer. */
  getApi(version: 1): GhlApiV1;
  /**
   * Every channel with no gate, and the activation time: only while VS Code runs the extension's
   * own tests (ExtensionMode.Test), never for an installed extension.
   */
  readonly testing?: GhlTestingHandle;
}

export interface GhlApiV1 {
  readonly version: 1;
  /**
   * One request, its payload validated against the channel's schema. Never throws: a refused
   * write answers `{ success: false, error: { code: 'FORBIDDEN', … } }`.
   */
  readonly request: TypedRequest;
  /** Sync progress, ARV progress and the chat's stream, as they happen. */
  onPush(listener: PushListener): Disposable;
}

export interface GhlTestingHandle {
  /** Anything may be sent (the suites send junk on purpose); the channel's schema decides. */
  request(channel: string, payload?: unknown): Promise<Envelope>;
  onPush(listener: PushListener): Disposable;
  /** How long activate() took, in ms (measured in the real extension host). */
  readonly activationMs: number;
  /** #17: the task reminders on a clock the suite sets (no timer runs in Test mode). */
  readonly taskReminders?: TaskRemindersTestHook;
  /** #20: the MCP server definition the provider offers, resolved as VS Code resolves it just before starting it. */
  resolveMcpServer?(): Promise<McpServerLaunchForTest>;
}

/** #17: drive the task reminders without waiting: set their clock, then look for tasks falling due. */
export interface TaskRemindersTestHook {
  /** The reminders' clock (epoch ms); it starts at activation. */
  now(): number;
  setNow(time: number): void;
  /** One look, as the timer does on a focused window; resolves with how many reminders it raised. */
  check(): Promise<number>;
}

/** #20: what VS Code would run for the MCP server: its command, arguments and environment. */
export interface McpServerLaunchForTest {
  label: string;
  command: string;
  args: string[];
  env: Record<string, string | number | null>;
  version: string | undefined;
}
