/** The inbox's core: what the VS Code layer's Conversations view, panel and alerts build on. */
export { channelLabel, replyTypeFor, requiredContactField, type MessageType } from './channels';
export { InboxPoller, type InboxAlert, type InboxPollerDeps, type InboxPollOutcome } from './poller';
export { DEFAULT_POLL_SECONDS, MAX_BACKOFF_MS, MIN_POLL_SECONDS, pollDelayMs, SYNC_RECHECK_MS, type PollTiming } from './pollDelay';
export { firstLine, previewLine } from './preview';
