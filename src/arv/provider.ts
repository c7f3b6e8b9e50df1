/**
 * The seam between the ARV job and a valuation service (RentCast today; ATTOM or HouseCanary
 * could be added behind the same interface).
 */
import type { ValuationErrorKind } from '../protocol/arv';
import { ExtGhlError, type ErrorCode } from '../protocol/envelope';
import type { PropertyRecord, PropertySearch, Valuation } from './types';

/** What the deal itself tells about the property; a provider may use it to sharpen the AVM. */
export interface SubjectHints {
  propertyType?: string;
  bedrooms?: number;
  bathrooms?: number;
  squareFootage?: number;
}

export interface ValuationProvider {
  /** Short stable name, stored with each estimate ("rentcast"). */
  readonly name: string;
  /**
   * One valuation for `address` ("Street, City, State Zip"). Throws ValuationError, never
   * anything else; each call is one billable lookup (waiting out rate limits is not).
   */
  lookup(address: string, hints: SubjectHints, signal?: AbortSignal): Promise<Valuation>;
  /**
   * One page of public property records around an address (sold comps). Optional: a provider
   * without sale records leaves it out and the estimate falls back on listings. One billable
   * lookup per call; throws ValuationError.
   */
  searchProperties?(search: PropertySearch, signal?: AbortSignal): Promise<PropertyRecord[]>;
}

const ENVELOPE_CODE: Record<ValuationErrorKind, ErrorCode> = {
  'not-found': 'NOT_FOUND',
  unauthorized: 'AUTH',
  'rate-limited': 'RATE_LIMITED',
  'bad-data': 'API',
  network: 'NETWORK',
  cancelled: 'CANCELLED',
};

/** An ExtGhlError, so the dispatcher answers it as an envelope with the matching code. */
export class ValuationError extends ExtGhlError {
  constructor(
    readonly kind: ValuationErrorKind,
    message: string,
    /** HTTP status when there was an answer. */
    readonly status?: number,
  ) {
    super(ENVELOPE_CODE[kind], message, status === undefined ? undefined : { status });
    this.name = 'ValuationError';
  }

  /** Errors that concern the address alone: the next deal may well succeed. */
  get isPerDeal(): boolean {
    return this.kind === 'not-found' || this.kind === 'bad-data';
  }
}

export function isValuationError(err: unknown): err is ValuationError {
  return err instanceof ValuationError;
}
