import type { StoredArvEstimate } from '../../protocol/arv';
import { md, money } from '../../format';
import type { Opportunity } from '../../protocol/entities';

const number = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const decimal = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });

/** The ARV of each deal that has one, with the comps it came from (Markdown; CRM and provider text escaped). */
export function renderArvSection(opportunities: readonly Opportunity[], estimates: ReadonlyMap<string, StoredArvEstimate>): string[] {
  const lines: string[] = [];
  for (const o of opportunities) {
    const e = estimates.get(o.id);
    if (!e) continue;
    lines.push('', `### ARV: ${md(o.name)}`, '');
    if (e.arv === null) {
      lines.push(`No estimate: ${md(e.error ?? 'the lookup failed')} (${new Date(e.estimatedAt).toLocaleDateString()}).`);
      continue;
    }
    const range = e.avmLow !== null && e.avmHigh !== null ? ` (${money.format(e.avmLow)}–${money.format(e.avmHigh)})` : '';
    lines.push(
      `- **ARV:** ${money.format(e.arv)} · ${e.method === 'comps' ? 'from comps' : "RentCast's AVM"} · ${e.confidence ?? '?'} confidence`,
      `- **MAO:** ${e.mao !== null ? money.format(e.mao) : '?'}${e.repairs ? ` (after ${money.format(e.repairs)} repairs)` : ''}${e.mao !== null && o.monetaryValue > e.mao ? ' · **the deal value is above the MAO**' : ''}`,
      `- **AVM:** ${e.avmPrice !== null ? money.format(e.avmPrice) : '?'}${range}`,
      `- **Subject:** ${md(e.address)}${e.subjectSquareFootage !== null ? ` · ${number.format(e.subjectSquareFootage)} sq ft` : ''} · ${md(e.provider)}, ${new Date(e.estimatedAt).toLocaleDateString()}`,
    );
    if (e.comps.length === 0) continue;
    lines.push('', '| Address | Price | Sq ft | $/sq ft | Distance | Age | Correlation |', '| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const c of e.comps) {
      lines.push(
        `| ${md(c.formattedAddress ?? '?')} | ${money.format(c.price)} | ${number.format(c.squareFootage)} | ${money.format(c.pricePerSqft)} | ` +
          `${c.distance !== null ? `${decimal.format(c.distance)} mi` : '?'} | ${c.daysOld !== null ? `${number.format(c.daysOld)} d` : '?'} | ${decimal.format(c.correlation)} |`,
      );
    }
  }
  return lines.length > 0 ? ['', '## ARV estimates', ...lines] : [];
}
