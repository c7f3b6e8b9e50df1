import type { Envelope } from './envelope';
import type { RequestChannel, RequestInput } from './requests';
import type { ResponseData } from './responses';

/** The envelope a request channel answers with. */
export type ResponseEnvelope<K extends RequestChannel> = Envelope<ResponseData[K]>;

/**
 * A request typed from the protocol table: the payload a channel takes in, its data out.
 * `Rest`: what a transport takes after the payload (a cancellation token).
 */
export type TypedRequest<Rest extends unknown[] = []> = <K extends RequestChannel>(channel: K, payload: RequestInput<K>, ...rest: Rest) => Promise<ResponseEnvelope<K>>;

/**
 * Gives a dispatching function its types. The one place an envelope is narrowed to its
 * channel's data (test/unit/no-casts.test.ts keeps it so): what makes it true is the handler
 * table, typed per channel (`HandlerTable` in src/handlers/dispatcher.ts), behind every
 * dispatch, whether it runs here, in the worker or behind the webview's host.
 */
export function typedRequest<Rest extends unknown[] = []>(dispatch: (channel: RequestChannel, payload: unknown, ...rest: Rest) => Promise<Envelope>): TypedRequest<Rest> {
  return <K extends RequestChannel>(channel: K, payload: RequestInput<K>, ...rest: Rest) => dispatch(channel, payload, ...rest) as Promise<ResponseEnvelope<K>>;
}
