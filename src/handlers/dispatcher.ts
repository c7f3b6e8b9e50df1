import { z } from 'zod';
import { ExtGhlError, fail, ok, type Envelope } from '../protocol/envelope';
import { isRequestChannel, requestSchemas, type RequestChannel, type RequestPayload } from '../protocol/requests';
import type { ResponseData } from '../protocol/responses';

/** One handler per request channel; the type makes a missing channel a compile error. */
export type HandlerTable = {
  [K in RequestChannel]: (payload: RequestPayload<K>) => Promise<ResponseData[K]>;
};

export interface Dispatcher {
  readonly channels: readonly RequestChannel[];
  /** Validates, runs the handler, and answers an envelope. Never throws, never rejects. */
  dispatch(channel: unknown, payload: unknown): Promise<Envelope>;
}

/** What an error repeats of the caller's input, per field: a 1 MB key must not come back as a 2 MB message. */
export const MAX_ECHO_CHARS = 200;
/** Fields listed in one VALIDATION error; the rest are counted. */
export const MAX_ERROR_FIELDS = 20;

export function createDispatcher(
  handlers: HandlerTable,
  log: (level: 'warn' | 'error', message: string) => void = () => undefined,
): Dispatcher {
  return {
    channels: Object.keys(handlers) as RequestChannel[],
    async dispatch(channel, payload) {
      // Everything inside one try: a payload with a throwing getter or a hostile Proxy makes
      // validation itself throw, and the contract is an envelope, whatever comes in.
      try {
        if (!isRequestChannel(channel)) {
          return fail('UNKNOWN_CHANNEL', `Unknown channel: ${typeof channel === 'string' ? cap(channel, 100) : typeof channel}`);
        }
        const parsed = validate(channel, payload);
        if (!parsed.success) return parsed.failure;
        const handler = handlers[channel] as (p: unknown) => Promise<unknown>;
        return ok(await handler(parsed.data));
      } catch (err) {
        const name = typeof channel === 'string' ? cap(channel, 100) : 'a request';
        try {
          if (err instanceof ExtGhlError) return { success: false, error: err.toInfo() };
          log('error', `${name} failed: ${errorText(err, true)}`);
        } catch {
          // A thrown Proxy can throw again when looked at; the answer below needs nothing from it.
        }
        return fail('INTERNAL', `Something went wrong handling ${name}: ${cap(errorText(err, false), 500)}`);
      }
    },
  };
}

function validate(
  channel: RequestChannel,
  payload: unknown,
): { success: true; data: unknown } | { success: false; failure: Envelope<never> } {
  let parsed: ReturnType<(typeof requestSchemas)[RequestChannel]['safeParse']>;
  try {
    parsed = requestSchemas[channel].safeParse(payload ?? {});
  } catch (err) {
    const message = `the payload could not be read (${cap(errorText(err, false), MAX_ECHO_CHARS)})`;
    return {
      success: false,
      failure: fail('VALIDATION', `Invalid ${channel} request: ${message}`, { fields: [{ field: '(payload)', message }] }),
    };
  }
  if (parsed.success) return { success: true, data: parsed.data };
  return { success: false, failure: validationFailure(channel, parsed.error) };
}

function validationFailure(channel: string, error: z.ZodError): Envelope<never> {
  const all = error.issues.map((issue) => {
    const path = cap(issue.path.map(String).join('.'), MAX_ECHO_CHARS);
    if (issue.code === 'unrecognized_keys') {
      // zod's message repeats the keys the field already names: say it once.
      const message = issue.keys.length === 1 ? 'unknown key' : `${issue.keys.length} unknown keys`;
      return { field: [path, keyList(issue.keys)].filter(Boolean).join('.'), message };
    }
    return { field: path || '(payload)', message: cap(issue.message, MAX_ECHO_CHARS) };
  });
  const fields = all.slice(0, MAX_ERROR_FIELDS);
  const more = all.length - fields.length;
  const summary = fields.map((f) => `${f.field}: ${f.message}`).join('; ') + (more > 0 ? `; and ${more} more` : '');
  return fail('VALIDATION', `Invalid ${channel} request: ${summary}`, more > 0 ? { fields, more } : { fields });
}

/** The unknown keys, each cut, as many as fit in about MAX_ECHO_CHARS, then a count of the rest. */
function keyList(keys: readonly string[]): string {
  const shown: string[] = [];
  let length = 0;
  for (const key of keys) {
    if (shown.length > 0 && length + key.length > MAX_ECHO_CHARS) break;
    const item = cap(key, MAX_ECHO_CHARS);
    shown.push(item);
    length += item.length + 2;
  }
  const rest = keys.length - shown.length;
  return shown.join(', ') + (rest > 0 ? ` and ${rest} more` : '');
}

/** Text of the caller's (or an error's) making, cut to `max` characters. */
function cap(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length} characters)`;
}

function errorText(err: unknown, withStack: boolean): string {
  try {
    if (err instanceof Error) return String((withStack ? err.stack : undefined) ?? err.message);
    return String(err);
  } catch {
    return 'an unprintable error';
  }
}
