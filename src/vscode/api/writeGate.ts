// The gate between other extensions and the channels. It imports nothing of vscode at run time
// (only types), so test/unit checks it in plain Node.
import type { Disposable } from 'vscode';
import { CHANNEL_ACCESS } from '../../protocol/access';
import { fail, type Envelope } from '../../protocol/envelope';
import { isRequestChannel, type RequestChannel } from '../../protocol/requests';
import { typedRequest } from '../../protocol/typedRequest';
import type { GhlApiV1, GhlExtensionExports, GhlTestingHandle, PushListener } from './ghlApi';

/** Application scope: a workspace's settings.json, which a cloned repository brings, cannot turn it on. */
export const SETTING_API_ALLOW_WRITES = 'ghl.api.allowWrites';

export interface ApiV1Options {
  /** Passes a request on to the host, whose channel schemas validate it. */
  forward(channel: RequestChannel, payload: unknown): Promise<Envelope>;
  onPush(listener: PushListener): Disposable;
  /** Asked on every write, so the user's answer counts from the next call, with no reload. */
  writesAllowed(): boolean;
  /** The calling extension's id, if it can be told; asked while the caller's frame is still on the stack. */
  caller(): string | undefined;
  log(level: 'info' | 'warn', message: string): void;
}

export function forbiddenWriteMessage(channel: RequestChannel): string {
  return (
    `${channel} changes your GoHighLevel data, settings or chat, and other extensions may do that only ` +
    `after you turn on "${SETTING_API_ALLOW_WRITES}" in your user settings. Reads need no permission.`
  );
}

/** Version 1 of the public API: reads pass, writes pass only while the user allows them. */
export function createApiV1(options: ApiV1Options): GhlApiV1 {
  const gate = (channel: unknown, payload: unknown): Promise<Envelope> => {
    // A channel nobody classified is never passed on: the table in src/protocol/access.ts decides.
    if (!isRequestChannel(channel)) return Promise.resolve(fail('UNKNOWN_CHANNEL', `Unknown channel: ${String(channel).slice(0, 100)}`));
    if (CHANNEL_ACCESS[channel] === 'read') return options.forward(channel, payload);
    // Only the channel and the caller: a payload may hold a token, a message or a contact's details.
    const who = options.caller() ?? 'an extension that could not be told';
    if (!options.writesAllowed()) {
      options.log('warn', `Refused ${channel} from ${who}: ${SETTING_API_ALLOW_WRITES} is off.`);
      return Promise.resolve(fail('FORBIDDEN', forbiddenWriteMessage(channel), { channel, setting: SETTING_API_ALLOW_WRITES }));
    }
    options.log('info', `${who} called ${channel} through the API (${SETTING_API_ALLOW_WRITES} is on).`);
    return options.forward(channel, payload);
  };
  return Object.freeze({ version: 1 as const, request: typedRequest(gate), onPush: (listener: PushListener) => options.onPush(listener) });
}

/** What activate() returns: `getApi(1)` for everyone, the ungated handle only when given (Test mode). */
export function createExports(apiV1: () => GhlApiV1, testing: GhlTestingHandle | undefined): GhlExtensionExports {
  let v1: GhlApiV1 | undefined;
  const getApi = (version: number): GhlApiV1 => {
    if (version !== 1) throw new Error(`The GoHighLevel extension has no API version ${String(version)}: ask for getApi(1).`);
    v1 ??= apiV1();
    return v1;
  };
  return Object.freeze(testing ? { getApi, testing } : { getApi });
}
