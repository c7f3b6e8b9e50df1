import type { Envelope, ErrorInfo } from '../protocol/envelope';
import type { RequestChannel, RequestInput } from '../protocol/requests';
import type { ResponseData } from '../protocol/responses';

/**
 * The one way the chat reaches the CRM: the backend's request channels. The host's typed
 * `request` satisfies it, so does a test's adapter over `createBackend`.
 */
export interface ChannelClient {
  request<K extends RequestChannel>(channel: K, payload: RequestInput<K>): Promise<Envelope<ResponseData[K]>>;
}

/** A channel answered an error envelope; carries it so tools can explain what went wrong. */
export class ChannelError extends Error {
  constructor(
    readonly channel: RequestChannel,
    readonly info: ErrorInfo,
  ) {
    super(info.message);
    this.name = 'ChannelError';
  }
}

/** The channels the chat may use. Settings and connection channels are left out on purpose:
 * they are the only ones that touch the token, and no prompt or tool result may ever hold it. */
const CHAT_CHANNELS = new Set<RequestChannel>([
  'ext-ghl:contacts-list',
  'ext-ghl:contacts-get',
  'ext-ghl:contacts-create',
  'ext-ghl:contacts-update',
  'ext-ghl:pipelines-list',
  'ext-ghl:opps-list',
  'ext-ghl:opps-stage-summary',
  'ext-ghl:opps-get',
  'ext-ghl:opps-create',
  'ext-ghl:opps-update',
  'ext-ghl:convs-list',
  'ext-ghl:convs-get',
  'ext-ghl:convs-messages',
  'ext-ghl:convs-send',
  'ext-ghl:cals-list',
  'ext-ghl:cal-events-list',
  'ext-ghl:custom-fields-list',
  'ext-ghl:location-get',
  // #18 calendar: the writes only ever run from the user's approval of a planned write.
  'ext-ghl:cal-free-slots',
  'ext-ghl:cal-agenda',
  'ext-ghl:appointments-create',
  'ext-ghl:appointments-update',
  // #17: what the follow-up tools read and (after the user's click) write
  'ext-ghl:tasks-list',
  'ext-ghl:tasks-create',
  'ext-ghl:tasks-complete',
  'ext-ghl:notes-list',
  'ext-ghl:notes-create',
  'ext-ghl:contacts-bulk-tags',
  'ext-ghl:workflows-list',
  'ext-ghl:contacts-workflow',
  // #20: the ARV estimates tool reads the cached estimates
  'ext-ghl:arv-estimates-list',
]);

/** Requests a channel and answers its data, or throws a ChannelError with the envelope's error. */
export async function call<K extends RequestChannel>(client: ChannelClient, channel: K, payload: RequestInput<K>): Promise<ResponseData[K]> {
  if (!CHAT_CHANNELS.has(channel)) throw new ChannelError(channel, { code: 'FORBIDDEN', message: `The chat may not use ${channel}.` });
  let response: Envelope<ResponseData[K]>;
  try {
    response = await client.request(channel, payload);
  } catch (err) {
    // The port promises envelopes, but a host going away can still reject; never let that escape a tool.
    throw new ChannelError(channel, { code: 'INTERNAL', message: err instanceof Error ? err.message : String(err) });
  }
  if (!response.success) throw new ChannelError(channel, response.error);
  return response.data;
}
