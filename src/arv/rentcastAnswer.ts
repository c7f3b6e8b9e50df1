/**
 * RentCast's `GET /v1/avm/value` answer, validated. A broken or partial answer (no price, no
 * comparables list, a number that is not a number) is rejected as a whole rather than turned
 * into a guess; a comparable may lack a field (RentCast omits unknown ones), which the
 * estimate then filters out.
 */
import { z } from 'zod';
import type { Comparable } from '../protocol/arv';
import type { PropertyRecord, RecordedSale, Valuation } from './types';

const amount = z.number().finite();
const optionalAmount = z.number().finite().nullish();

const comparable = z.looseObject({
  formattedAddress: z.string().nullish(),
  price: optionalAmount,
  squareFootage: optionalAmount,
  bedrooms: optionalAmount,
  bathrooms: optionalAmount,
  distance: optionalAmount,
  daysOld: optionalAmount,
  correlation: z.number().min(0).max(1).nullish(),
});

/** A public record (`/v1/properties`, and `/avm/value`'s `subjectProperty`); unknown facts are omitted. */
const propertyRecord = z.looseObject({
  id: z.string().min(1),
  formattedAddress: z.string().nullish(),
  latitude: optionalAmount,
  longitude: optionalAmount,
  propertyType: z.string().nullish(),
  bedrooms: optionalAmount,
  bathrooms: optionalAmount,
  squareFootage: optionalAmount,
  yearBuilt: optionalAmount,
  lastSaleDate: z.string().nullish(),
  lastSalePrice: optionalAmount,
  history: z.record(z.string(), z.looseObject({ event: z.string().nullish(), date: z.string().nullish(), price: optionalAmount })).nullish(),
});
type RawPropertyRecord = z.infer<typeof propertyRecord>;

export const rentcastPropertiesAnswer = z.array(propertyRecord);

export const rentcastValueAnswer = z.looseObject({
  price: amount.positive(),
  priceRangeLow: optionalAmount,
  priceRangeHigh: optionalAmount,
  subjectProperty: z.looseObject({ squareFootage: optionalAmount }).nullish(),
  comparables: z.array(comparable),
});
export type RentcastValueAnswer = z.infer<typeof rentcastValueAnswer>;

export type ParsedAnswer = { ok: true; valuation: Valuation } | { ok: false; problem: string };

export function parseRentcastAnswer(body: unknown): ParsedAnswer {
  const parsed = rentcastValueAnswer.safeParse(body);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const where = first && first.path.length > 0 ? first.path.join('.') : 'the answer';
    return { ok: false, problem: `${where}: ${first?.message ?? 'invalid'}` };
  }
  const answer = parsed.data;
  const subjectRecord = propertyRecord.safeParse(answer.subjectProperty);
  return {
    ok: true,
    valuation: {
      subjectRecord: subjectRecord.success ? toPropertyRecord(subjectRecord.data) : null,
      price: answer.price,
      priceRangeLow: answer.priceRangeLow ?? null,
      priceRangeHigh: answer.priceRangeHigh ?? null,
      subjectSquareFootage: answer.subjectProperty?.squareFootage ?? null,
      comparables: answer.comparables.map(
        (c): Comparable => ({
          formattedAddress: c.formattedAddress ?? null,
          price: c.price ?? null,
          squareFootage: c.squareFootage ?? null,
          bedrooms: c.bedrooms ?? null,
          bathrooms: c.bathrooms ?? null,
          distance: c.distance ?? null,
          daysOld: c.daysOld ?? null,
          correlation: c.correlation ?? null,
        }),
      ),
    },
  };
}

/** Every sale the record knows: the history's "Sale" events and the last sale, once per date. */
function salesOf(raw: RawPropertyRecord): RecordedSale[] {
  const byDay = new Map<string, RecordedSale>();
  for (const [key, entry] of Object.entries(raw.history ?? {})) {
    if (entry.event && entry.event !== 'Sale') continue;
    const date = entry.date ?? key;
    byDay.set(date.slice(0, 10), { date, price: entry.price ?? null });
  }
  if (raw.lastSaleDate) {
    const day = raw.lastSaleDate.slice(0, 10);
    const known = byDay.get(day);
    byDay.set(day, { date: raw.lastSaleDate, price: raw.lastSalePrice ?? known?.price ?? null });
  }
  return [...byDay.values()];
}

export function toPropertyRecord(raw: RawPropertyRecord): PropertyRecord {
  return {
    id: raw.id,
    formattedAddress: raw.formattedAddress ?? null,
    latitude: raw.latitude ?? null,
    longitude: raw.longitude ?? null,
    propertyType: raw.propertyType ?? null,
    bedrooms: raw.bedrooms ?? null,
    bathrooms: raw.bathrooms ?? null,
    squareFootage: raw.squareFootage ?? null,
    yearBuilt: raw.yearBuilt ?? null,
    sales: salesOf(raw),
  };
}

export type ParsedRecords = { ok: true; records: PropertyRecord[] } | { ok: false; problem: string };

/** `/v1/properties`: an array of records; one record that breaks its schema rejects the answer. */
export function parsePropertiesAnswer(body: unknown): ParsedRecords {
  const parsed = rentcastPropertiesAnswer.safeParse(body);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const where = first && first.path.length > 0 ? first.path.join('.') : 'the answer';
    return { ok: false, problem: `${where}: ${first?.message ?? 'invalid'}` };
  }
  return { ok: true, records: parsed.data.map(toPropertyRecord) };
}
