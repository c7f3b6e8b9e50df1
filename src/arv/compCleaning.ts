/**
 * Which sold comps the ARV leaves out, and why, in the order an appraiser would: the subject's
 * own sale, the comps the user excluded, sales that are not arm's length (a price far below the
 * rest: a family transfer, a foreclosure auction), then outliers in price per square foot by
 * median ± k × MAD (robust: one wild sale cannot move the fence that catches it). Every dropped
 * comp keeps its reason, so the analyzer can show it.
 */
import type { SoldComp } from './soldComps';
import { median, scaledMad } from './weightedStats';

export interface CleaningRules {
  /** A sale below this price is not arm's length. */
  minArmsLengthPrice: number;
  /** Nor is one below this fraction of the comps' median price. */
  armsLengthMedianFraction: number;
  /** Price per square foot further than k × scaled MAD from the median is an outlier. */
  madK: number;
}

export const DEFAULT_CLEANING_RULES: CleaningRules = { minArmsLengthPrice: 10_000, armsLengthMedianFraction: 1 / 3, madK: 2.5 };

export type DropRule = 'subject' | 'user' | 'not-arms-length' | 'outlier';

export interface DroppedComp {
  comp: SoldComp;
  rule: DropRule;
  reason: string;
}

export interface SubjectIdentity {
  /** RentCast's record id of the subject, when known. */
  id: string | null;
  address: string | null;
}

const money = (n: number) => `$${Math.round(n).toLocaleString('en-US')}`;

function sameAddress(a: string | null, b: string | null): boolean {
  if (!a || !b) return false;
  const norm = (s: string) => s.toLowerCase().replace(/[.,#]/g, ' ').replace(/\s+/g, ' ').trim();
  return norm(a) === norm(b);
}

export function cleanComps(
  comps: readonly SoldComp[],
  subject: SubjectIdentity,
  excludedByUser: ReadonlySet<string>,
  rules: CleaningRules = DEFAULT_CLEANING_RULES,
): { kept: SoldComp[]; dropped: DroppedComp[] } {
  const dropped: DroppedComp[] = [];
  let rest: SoldComp[] = [];
  for (const comp of comps) {
    if ((subject.id !== null && comp.id === subject.id) || sameAddress(comp.address, subject.address)) {
      dropped.push({ comp, rule: 'subject', reason: 'the subject property itself' });
    } else if (excludedByUser.has(comp.id)) {
      dropped.push({ comp, rule: 'user', reason: 'excluded by you' });
    } else {
      rest.push(comp);
    }
  }

  if (rest.length > 0) {
    const medianPrice = median(rest.map((c) => c.salePrice));
    const floor = Math.max(rules.minArmsLengthPrice, medianPrice * rules.armsLengthMedianFraction);
    const armsLength: SoldComp[] = [];
    for (const comp of rest) {
      if (comp.salePrice < floor) {
        const why = comp.salePrice < rules.minArmsLengthPrice ? `under ${money(rules.minArmsLengthPrice)}` : `under a third of the comps' median ${money(medianPrice)}`;
        dropped.push({ comp, rule: 'not-arms-length', reason: `not arm's length: sold for ${money(comp.salePrice)}, ${why}` });
      } else {
        armsLength.push(comp);
      }
    }
    rest = armsLength;
  }

  if (rest.length >= 3) {
    const ppsf = rest.map((c) => c.pricePerSqft);
    const centre = median(ppsf);
    const mad = scaledMad(ppsf);
    const lo = centre - rules.madK * mad;
    const hi = centre + rules.madK * mad;
    if (mad > 0) {
      const inside: SoldComp[] = [];
      for (const comp of rest) {
        if (comp.pricePerSqft < lo || comp.pricePerSqft > hi) {
          dropped.push({
            comp,
            rule: 'outlier',
            reason: `outlier: ${money(comp.pricePerSqft)}/sq ft is outside ${money(lo)}–${money(hi)} (median ± ${rules.madK} MAD)`,
          });
        } else {
          inside.push(comp);
        }
      }
      rest = inside;
    }
  }
  return { kept: rest, dropped };
}
