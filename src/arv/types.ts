/** The shapes the ARV estimate and the providers share (what crosses the wire: src/protocol/arv.ts). */
import type { ArvConfidence, ArvMethod, Comparable, UsedComparable } from '../protocol/arv';

/** A provider's answer for one address, already validated. */
export interface Valuation {
  /** The provider's own estimate (AVM). */
  price: number;
  priceRangeLow: number | null;
  priceRangeHigh: number | null;
  /** The subject's square footage as the provider knows it. */
  subjectSquareFootage: number | null;
  comparables: Comparable[];
  /** The subject's public record (`subjectProperty`), when the provider sent a usable one. */
  subjectRecord?: PropertyRecord | null;
}

/** The knobs of the estimate (settings `ghl.arv.minCorrelation`, `ghl.arv.maoPercent`). */
export interface EstimateSettings {
  /** Comparables below this correlation are ignored. Default 0.8. */
  minCorrelation: number;
  /** MAO = ARV × maoPercent − repairs. Default 0.70. */
  maoPercent: number;
}

export const DEFAULT_ESTIMATE_SETTINGS: EstimateSettings = { minCorrelation: 0.8, maoPercent: 0.7 };

export interface ArvEstimate {
  arv: number;
  method: ArvMethod;
  confidence: ArvConfidence;
  /** The subject square footage the ARV used (null when unknown). */
  subjectSquareFootage: number | null;
  /** Where that square footage came from. */
  subjectSquareFootageSource: 'field' | 'provider' | null;
  /** The comparables used, highest correlation first (at most 5). */
  comps: UsedComparable[];
  /** Median price per square foot of `comps` (null with fewer than 3 comps). */
  medianPricePerSqft: number | null;
  /** Coefficient of variation of the comps' price per square foot, 0–1 (null without comps). */
  pricePerSqftVariation: number | null;
  avmPrice: number;
  avmLow: number | null;
  avmHigh: number | null;
  repairs: number;
  mao: number;
}

/** One sale in a property record's history. */
export interface RecordedSale {
  /** ISO date (yyyy-mm-dd or a full timestamp). */
  date: string;
  /** Null where the state does not disclose sale prices. */
  price: number | null;
}

/**
 * One public property record (RentCast's `GET /v1/properties`), already validated: the facts the
 * sold-comps estimate uses. `sales` holds every sale the record knows (history and the last sale).
 */
export interface PropertyRecord {
  id: string;
  formattedAddress: string | null;
  latitude: number | null;
  longitude: number | null;
  propertyType: string | null;
  bedrooms: number | null;
  bathrooms: number | null;
  squareFootage: number | null;
  yearBuilt: number | null;
  sales: RecordedSale[];
}

/** An area search for sold comps: what `GET /v1/properties` is asked (one page). */
export interface PropertySearch {
  /** The subject's address, the centre of the circle. */
  address: string;
  radiusMiles: number;
  /** Sold within this many days. */
  saleWithinDays: number;
  propertyType?: string;
  squareFootage?: { min: number; max: number };
  bedrooms?: { min: number; max: number };
  limit: number;
  offset: number;
}
