import { html, nothing } from 'lit';
import type { AnalysisComp, AnalysisMethod } from '../../protocol/arv';
import { codicon } from '../shared/codicon';
import '../shared/errorBanner';
import { LightElement } from '../shared/lightElement';
import { money, type AnalyzerModel, type SortKey, type Terms } from './analyzerModel';
import { positionPlot, pricePerSqftChart } from './charts';

const METHOD_LABEL: Record<AnalysisMethod, string> = { sold: 'Sold comps', listings: 'Listings (fallback)', avm: 'RentCast AVM (fallback)' };

const COLUMNS: { key: SortKey; label: string; numeric: boolean }[] = [
  { key: 'address', label: 'Address', numeric: false },
  { key: 'saleDate', label: 'Sold', numeric: false },
  { key: 'salePrice', label: 'Price', numeric: true },
  { key: 'squareFootage', label: 'Sq ft', numeric: true },
  { key: 'distance', label: 'Mi', numeric: true },
  { key: 'pricePerSqft', label: '$/sq ft', numeric: true },
  { key: 'adjustedPrice', label: 'Adjusted', numeric: true },
  { key: 'weight', label: 'Weight', numeric: true },
];

function signed(n: number): string {
  return n === 0 ? '0' : `${n > 0 ? '+' : '−'}${money(Math.abs(n))}`;
}

/**
 * The deal analyzer: the subject's facts, the ARV with its range, confidence and reason, RentCast's
 * AVM and the listing figure beside it, two SVG charts, the comps table (sortable, include/exclude,
 * excluded rows greyed with their reason), an MAO what-if calculator and Save to GHL. Every CRM
 * and RentCast string goes in through Lit bindings, as text.
 */
export class AnalyzerView extends LightElement {
  static override properties = { revision: { state: true } };
  declare revision: number;
  model: AnalyzerModel | undefined;
  private unsubscribe: (() => void) | undefined;

  constructor() {
    super();
    this.revision = 0;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.unsubscribe = this.model?.subscribe(() => this.revision++);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.unsubscribe?.();
  }

  protected override render() {
    const m = this.model;
    if (!m) return nothing;
    const a = m.analysis;
    return html`
      <ghl-error-banner data-testid="analyzer-error" .message=${m.error?.message ?? ''} @dismiss=${() => ((m.error = null), this.revision++)}></ghl-error-banner>
      ${m.notice ? html`<div class="notice" role="status" data-testid="analyzer-notice">${codicon('check')} ${m.notice}</div>` : nothing}
      ${!a
        ? html`<div class="loading" data-testid="analyzer-loading">${m.loading ? html`${codicon('loading', 'codicon-modifier-spin')} Finding sold comps… (2–5 RentCast lookups)` : 'No analysis.'}</div>`
        : html`
            <header class="head">
              <div>
                <h1 data-testid="subject-address">${a.subject.address}</h1>
                <div class="facts" data-testid="subject-facts">
                  ${[
                    a.subject.propertyType,
                    a.subject.squareFootage !== null ? `${a.subject.squareFootage.toLocaleString('en-US')} sq ft` : null,
                    a.subject.bedrooms !== null ? `${a.subject.bedrooms} bd` : null,
                    a.subject.bathrooms !== null ? `${a.subject.bathrooms} ba` : null,
                    a.subject.yearBuilt !== null ? `built ${a.subject.yearBuilt}` : null,
                  ]
                    .filter(Boolean)
                    .join(' · ')}
                </div>
              </div>
              <div class="actions">
                <button class="secondary" data-testid="analyzer-refresh" ?disabled=${m.loading} @click=${() => void m.start(true)} title="Look the comps up again (2–5 RentCast lookups)">
                  ${codicon('refresh')} Refresh comps
                </button>
                <button data-testid="analyzer-save" ?disabled=${m.saving || m.loading} @click=${() => void m.save()}>${codicon('cloud-upload')} Save to GHL</button>
              </div>
            </header>
            <section class="figures">
              <div class="figure main">
                <div class="caption">ARV · <span data-testid="analyzer-method">${METHOD_LABEL[a.estimate.method]}</span></div>
                <div class="big" data-testid="analyzer-arv">${money(a.estimate.arv)}</div>
                <div class="sub" data-testid="analyzer-range">${money(a.estimate.low)} – ${money(a.estimate.high)}</div>
                <div class="sub"><span class="badge ${a.estimate.confidence}" data-testid="analyzer-confidence">${a.estimate.confidence}</span> <span data-testid="analyzer-reason">${a.estimate.reason}</span></div>
              </div>
              <div class="figure">
                <div class="caption">RentCast AVM</div>
                <div class="mid" data-testid="analyzer-avm">${money(a.avm.price)}</div>
                <div class="sub">${a.avm.low !== null && a.avm.high !== null ? `${money(a.avm.low)} – ${money(a.avm.high)}` : ''}</div>
              </div>
              <div class="figure">
                <div class="caption">Listings × list-to-sale</div>
                <div class="mid" data-testid="analyzer-listings">${a.listings ? money(a.listings.arv) : '—'}</div>
                <div class="sub">${a.listings ? `${a.listings.count} listings` : 'too few listings'}</div>
              </div>
              ${this.renderCalculator(m)}
            </section>
            <section class="charts">
              <figure>${pricePerSqftChart(a.comps)}<figcaption>$/sq ft by sale date</figcaption></figure>
              <figure>${positionPlot(a.subject, a.comps)}<figcaption>Comps around the subject (■)</figcaption></figure>
            </section>
            <div class="search" data-testid="analyzer-search">
              ${a.search.radiusMiles > 0 ? `Sold within ${a.search.radiusMiles} mi in ${Math.round(a.search.saleWithinDays / 30.44)} months` : 'No sold-comps search'} ·
              ${a.lookups} lookups · ${m.fromCache ? 'stored analysis' : 'fetched now'} · ${new Date(a.fetchedAt).toLocaleDateString()}
            </div>
            ${this.renderTable(m, m.sortedComps)}
          `}
    `;
  }

  private renderCalculator(m: AnalyzerModel) {
    const t = m.terms;
    if (!t) return nothing;
    const input = (name: keyof Terms, label: string, value: number, step: string) => html`
      <label
        >${label}
        <input
          type="number"
          min="0"
          step=${step}
          data-testid=${`mao-${name}`}
          .value=${String(name === 'maoPercent' ? Math.round(value * 1000) / 10 : value)}
          @change=${(e: Event) => m.setTerm(name, Number((e.target as HTMLInputElement).value) / (name === 'maoPercent' ? 100 : 1))}
      /></label>
    `;
    return html`<div class="figure calculator" data-testid="mao-calculator">
      <div class="caption">MAO calculator</div>
      <div class="mid" data-testid="mao-value">${m.mao === null ? '—' : money(m.mao)}</div>
      ${input('maoPercent', '% of ARV', t.maoPercent, '0.5')} ${input('repairs', 'Repairs $', t.repairs, '1000')} ${input('wholesaleFee', 'Fee $', t.wholesaleFee, '500')}
    </div>`;
  }

  private renderTable(m: AnalyzerModel, comps: AnalysisComp[]) {
    if (comps.length === 0) return html`<p class="empty" data-testid="comps-empty">No sold comps were found around this address.</p>`;
    return html`<table class="comps" data-testid="comps-table">
      <thead>
        <tr>
          <th scope="col"><span class="visually-hidden">Include</span></th>
          ${COLUMNS.map(
            (col) => html`<th scope="col" class=${col.numeric ? 'num' : ''} aria-sort=${m.sort.key === col.key ? (m.sort.descending ? 'descending' : 'ascending') : 'none'}>
              <button class="sort" data-testid=${`sort-${col.key}`} @click=${() => m.sortBy(col.key)}>
                ${col.label}${m.sort.key === col.key ? codicon(m.sort.descending ? 'arrow-down' : 'arrow-up') : nothing}
              </button>
            </th>`,
          )}
        </tr>
      </thead>
      <tbody>
        ${comps.map(
          (c) => html`<tr class=${c.excluded ? 'excluded' : ''} data-testid="comp-row" data-comp-id=${c.id}>
            <td>
              <input
                type="checkbox"
                data-testid="comp-include"
                aria-label=${`Include ${c.address ?? c.id}`}
                .checked=${!c.excluded}
                title=${c.excluded && c.excludedReason !== 'excluded by you' ? 'Left out by the cleaning rules' : ''}
                ?disabled=${m.pending.has(c.id) || (c.excluded && c.excludedReason !== 'excluded by you')}
                @change=${(e: Event) => void m.setExcluded(c.id, !(e.target as HTMLInputElement).checked)}
              />
            </td>
            <td>
              <div>${c.address ?? c.id}</div>
              <div class="sub">${[c.bedrooms !== null ? `${c.bedrooms} bd` : '', c.bathrooms !== null ? `${c.bathrooms} ba` : '', c.yearBuilt !== null ? `${c.yearBuilt}` : ''].filter(Boolean).join(' · ')}</div>
              ${c.excludedReason ? html`<div class="reason" data-testid="comp-reason">${c.excludedReason}</div>` : nothing}
            </td>
            <td>${c.saleDate}</td>
            <td class="num">${money(c.salePrice)}</td>
            <td class="num">${c.squareFootage.toLocaleString('en-US')}</td>
            <td class="num">${c.distance ?? '—'}</td>
            <td class="num">${money(c.pricePerSqft)}</td>
            <td class="num" title=${`size ${signed(c.adjustments.size)}, bedrooms ${signed(c.adjustments.bedrooms)}, bathrooms ${signed(c.adjustments.bathrooms)}, age ${signed(c.adjustments.age)}`}>
              ${money(c.adjustedPrice)}
              <div class="sub">${signed(c.adjustedPrice - c.salePrice)}</div>
            </td>
            <td class="num">${c.excluded ? '—' : `${Math.round(c.weight * 100)} %`}</td>
          </tr>`,
        )}
      </tbody>
    </table>`;
  }
}

customElements.define('ghl-analyzer', AnalyzerView);

declare global {
  interface HTMLElementTagNameMap {
    'ghl-analyzer': AnalyzerView;
  }
}
