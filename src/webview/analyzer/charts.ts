/**
 * The analyzer's two small SVG charts, drawn from the comps alone (no map tiles, no network):
 * price per square foot against sale date, and where the comps lie around the subject. Lit's
 * `svg` templates put every value in as an attribute or text, never as markup.
 */
import { svg, type SVGTemplateResult } from 'lit';
import type { AnalysisComp, AnalysisSubject } from '../../protocol/arv';

const W = 320;
const H = 180;
const PAD = 28;

function scale(min: number, max: number, from: number, to: number): (v: number) => number {
  const span = max - min || 1;
  return (v) => from + ((v - min) / span) * (to - from);
}

const dotClass = (c: AnalysisComp) => (c.excluded ? 'dot excluded' : 'dot');

/** $/sq ft (y) against sale date (x); excluded comps hollow. */
export function pricePerSqftChart(comps: readonly AnalysisComp[]): SVGTemplateResult {
  const dated = comps.map((c) => ({ c, t: Date.parse(c.saleDate) })).filter((d) => Number.isFinite(d.t));
  const ts = dated.map((d) => d.t);
  // The axis spans the comps in use: a $2/sq ft family transfer would flatten the rest into a line.
  const inUse = dated.filter((d) => !d.c.excluded).map((d) => d.c.pricePerSqft);
  const ys = inUse.length >= 2 ? inUse : dated.map((d) => d.c.pricePerSqft);
  const x = scale(Math.min(...ts), Math.max(...ts), PAD, W - 8);
  const lo = Math.min(...ys) * 0.9;
  const hi = Math.max(...ys) * 1.1;
  const yRaw = scale(lo, hi, H - PAD, 8);
  // Dropped comps beyond the axis sit on its edge (hollow), their value in the tooltip.
  const y = (v: number) => yRaw(Math.min(hi, Math.max(lo, v)));
  const first = ts.length ? new Date(Math.min(...ts)).toISOString().slice(0, 7) : '';
  const last = ts.length ? new Date(Math.max(...ts)).toISOString().slice(0, 7) : '';
  return svg`<svg viewBox="0 0 ${W} ${H}" role="img" aria-label="Price per square foot by sale date" data-testid="chart-ppsf">
    <line class="axis" x1=${PAD} y1=${H - PAD} x2=${W - 8} y2=${H - PAD}></line>
    <line class="axis" x1=${PAD} y1="8" x2=${PAD} y2=${H - PAD}></line>
    <text class="label" x=${PAD} y=${H - 8}>${first}</text>
    <text class="label end" x=${W - 8} y=${H - 8}>${last}</text>
    <text class="label" x="2" y="14">$${ys.length ? Math.round(hi) : ''}</text>
    <text class="label" x="2" y=${H - PAD}>$${ys.length ? Math.round(lo) : ''}</text>
    ${dated.map(({ c, t }) => svg`<circle class=${dotClass(c)} cx=${x(t)} cy=${y(c.pricePerSqft)} r="4"><title>${c.address ?? c.id}: $${Math.round(c.pricePerSqft)}/sq ft, ${c.saleDate}</title></circle>`)}
  </svg>`;
}

/** The comps around the subject (the centre), north up, scaled to the farthest. */
export function positionPlot(subject: AnalysisSubject, comps: readonly AnalysisComp[]): SVGTemplateResult {
  const size = H;
  const centre = size / 2;
  const placed =
    subject.latitude === null || subject.longitude === null
      ? []
      : comps
          .filter((c) => c.latitude !== null && c.longitude !== null)
          .map((c) => ({
            c,
            dx: (c.longitude! - subject.longitude!) * Math.cos((subject.latitude! * Math.PI) / 180) * 69.17,
            dy: (c.latitude! - subject.latitude!) * 69.09,
          }));
  const reach = Math.max(0.25, ...placed.map((p) => Math.max(Math.abs(p.dx), Math.abs(p.dy))));
  const k = (centre - 12) / reach;
  return svg`<svg viewBox="0 0 ${size} ${size}" role="img" aria-label="Comps around the subject" data-testid="chart-position">
    <circle class="ring" cx=${centre} cy=${centre} r=${centre - 12}></circle>
    <text class="label" x="4" y=${size - 4}>${reach.toFixed(1)} mi</text>
    ${placed.map(({ c, dx, dy }) => svg`<circle class=${dotClass(c)} cx=${centre + dx * k} cy=${centre - dy * k} r="4"><title>${c.address ?? c.id}: ${c.distance ?? '?'} mi</title></circle>`)}
    <rect class="subject" x=${centre - 5} y=${centre - 5} width="10" height="10"><title>The subject</title></rect>
  </svg>`;
}
