import type { Envelope } from './envelope';
import type { RequestChannel, RequestInput } from './requests';
import type { ResponseData } from './responses';

/** The envelope a request channel answers with. */
export type ResponseEnvelope<K extends RequestChannel> = Envelope<ResponseData[K]>;

/** A request typed from the protocol table: the payload a channel takes in, its data out. */
export type TypedRequest = <K extends RequestChannel>(channel: K, payload: RequestInput<K>) => Promise<ResponseEnvelope<K>>;

/**
 * Gives a dispatching function its types. The one place an envelope is narrowed to its
 * channel's data: what makes it true is the handler table, typed per channel
 * (`HandlerTable` in src/handlers/dispatcher.ts), behind every dispatch.
 */
export function typedRequest(dispatch: (channel: RequestChannel, payload: unknown) => Promise<Envelope>): TypedRequest {
  return <K extends RequestChannel>(channel: K, payload: RequestInput<K>) => dispatch(channel, payload) as Promise<ResponseEnvelope<K>>;
}
