/**
 * RentCast's `GET /v1/avm/value` answer, validated. A broken or partial answer (no price, no
 * comparables list, a number that is not a number) is rejected as a whole rather than turned
 * into a guess; a comparable may lack a field (RentCast omits unknown ones), which the
 * estimate then filters out.
 */
import { z } from 'zod';
import type { Comparable } from '../protocol/arv';
import type { Valuation } from './types';

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
  return {
    ok: true,
    valuation: {
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
