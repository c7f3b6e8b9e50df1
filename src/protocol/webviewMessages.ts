import type { DataKind } from './mutations';
import type { PushPayloads } from './pushes';
import type { Envelope } from './envelope';

/**
 * Messages between a webview and the extension host. A webview asks with an id and gets
 * exactly one reply with that id; the host also pushes protocol notifications and a few
 * host events of its own. The host validates every request with the channel's schema
 * before anything runs, so a webview can never do more than the protocol allows.
 */

/** Webview → host. */
export interface WebviewRequest {
  id: string;
  channel: string;
  payload: unknown;
}

/**
 * Webview → host, once per page, as soon as the page listens for messages. The host posts
 * nothing to a page before it (it queues instead): a message posted earlier would be lost.
 */
export interface WebviewReady {
  type: 'ready';
}

/**
 * Webview → host: something only the host may do for the page (open a link outside VS Code).
 * The host checks it as it checks a request: a page can ask, never decide.
 */
export type WebviewAction =
  | { type: 'open-link'; url: string }
  /** Issue 19: a board card's Analyze button; the host runs "GHL: Analyze Deal…" for it. */
  | { type: 'analyze-deal'; opportunityId: string }
  /** #17: Add Note… / New Task… for the conversation's contact (the host knows which contact: the page does not say). */
  | { type: 'follow-up'; what: 'add-note' | 'new-task' }
  /** #17: Add Note… / New Task… from a board card, for the card's contact (the commands show who before saving). */
  | { type: 'deal-follow-up'; what: 'add-note' | 'new-task'; contactId: string };

export type WebviewToHost = WebviewRequest | WebviewReady | WebviewAction;

/** Host → webview: the answer to one request. */
export interface WebviewReply {
  id: string;
  response: Envelope;
}

/** Host-side events that are not ext-ghl protocol pushes. */
export interface HostEvents {
  /** The board should show this pipeline (opened from the Pipelines tree). */
  'host:show-pipeline': { pipelineId: string };
  /** The cache changed outside the webview (sync finished, an edit from a tree). */
  'host:data-changed': { kinds: DataKind[] };
  /** The chat's conversation changed outside the view (cleared elsewhere, another location): load it again. */
  'host:chat-changed': { reason: 'cleared' | 'location' };
  /** A conversation has news (the inbox poll saw a message, a reply was sent elsewhere): its panel reads it again. */
  'host:conversation-changed': { conversationId: string };
  /** The conversation panel should put the cursor in its reply box (Reply on a notification). */
  'host:focus-reply': { conversationId: string };
  /** Settings changed (configured or not). */
  'host:configuration': { configured: boolean; locationId: string | null; defaultPipeline: string | null };
}

/** Every push the host delivers, by name: the protocol's pushes (the push table) and the host's own events. */
export type HostPushPayloads = PushPayloads & HostEvents;
export type HostPushName = keyof HostPushPayloads;

/** A push on the host's bus (`BackendHost.onPush`), its payload typed by its channel; narrowed by comparing `channel`. */
export type HostPushEvent<K extends HostPushName = HostPushName> = { [J in K]: { channel: J; payload: HostPushPayloads[J] } }[K];

/** The same push as a webview receives it. */
export type PushMessage<K extends HostPushName = HostPushName> = { [J in K]: { push: J; payload: HostPushPayloads[J] } }[K];

export type HostToWebview = WebviewReply | PushMessage;

/** The ids of the DOM elements the host's HTML provides for each app. */
export const WEBVIEW_ROOT_ID = 'app';
