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

export function createDispatcher(
  handlers: HandlerTable,
  log: (level: 'warn' | 'error', message: string) => void = () => undefined,
): Dispatcher {
  return {
    channels: Object.keys(handlers) as RequestChannel[],
    async dispatch(channel, payload) {
      if (!isRequestChannel(channel)) {
        return fail('UNKNOWN_CHANNEL', `Unknown channel: ${typeof channel === 'string' ? channel.slice(0, 100) : typeof channel}`);
      }
      const parsed = requestSchemas[channel].safeParse(payload ?? {});
      if (!parsed.success) return validationFailure(channel, parsed.error);
      try {
        const handler = handlers[channel] as (p: unknown) => Promise<unknown>;
        return ok(await handler(parsed.data));
      } catch (err) {
        if (err instanceof ExtGhlError) return { success: false, error: err.toInfo() };
        log('error', `${channel} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
        return fail('INTERNAL', `Something went wrong handling ${channel}: ${err instanceof Error ? err.message : String(err)}`);
      }
    },
  };
}

function validationFailure(channel: string, error: z.ZodError): Envelope<never> {
  const fields = error.issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    const keys = issue.code === 'unrecognized_keys' ? issue.keys.join(', ') : undefined;
    return { field: keys ? [path, keys].filter(Boolean).join('.') : path || '(payload)', message: issue.message };
  });
  const summary = fields.map((f) => `${f.field}: ${f.message}`).join('; ');
  return fail('VALIDATION', `Invalid ${channel} request: ${summary}`, { fields });
}
