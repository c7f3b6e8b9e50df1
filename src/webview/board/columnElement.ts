import { html, nothing, type PropertyValues } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { formatCount, formatMoney } from '../../format';
import { LightElement } from '../shared/lightElement';
import type { BoardColumn as Column } from './boardModel';
import { DRAG_TYPE } from './cardElement';
import './cardElement';

/** Cards rendered per column; the rest are counted in a "+N more" note. */
export const MAX_CARDS_PER_COLUMN = 200;

export interface CardDrop {
  id: string;
  stageId: string;
}

function isOurDrag(event: DragEvent): boolean {
  return !!event.dataTransfer?.types.includes(DRAG_TYPE);
}

/** One stage: its name, count and total, and its cards. A card dropped on it fires `card-drop`. */
export class BoardColumn extends LightElement {
  static override properties = {
    column: { attribute: false },
    dropTarget: { state: true },
  };
  declare column: Column | undefined;
  declare dropTarget: boolean;

  constructor() {
    super();
    this.dropTarget = false;
  }

  protected override shouldUpdate(changed: PropertyValues<this>): boolean {
    return super.shouldUpdate(changed) && this.column !== undefined;
  }

  /** Resolves once the cards have rendered too (the board restores focus after that). */
  protected override async getUpdateComplete(): Promise<boolean> {
    const done = await super.getUpdateComplete();
    await Promise.all([...this.querySelectorAll('ghl-board-card')].map((card) => card.updateComplete));
    return done;
  }

  protected override render() {
    const { stage, opportunities, total } = this.column!;
    const shown = opportunities.slice(0, MAX_CARDS_PER_COLUMN);
    const rest = opportunities.length - shown.length;
    const headingId = `stage-${stage.id}`;
    return html`<section
      class="column ${this.dropTarget ? 'drop-target' : ''}"
      data-testid="board-column"
      data-stage-id=${stage.id}
      aria-labelledby=${headingId}
      @dragover=${this.onDragOver}
      @dragleave=${this.onDragLeave}
      @drop=${this.onDrop}
    >
      <header class="column-header">
        <h2 class="column-title" id=${headingId} title=${stage.name}>${stage.name}</h2>
        <span class="column-count" data-testid="board-column-count" title="Opportunities">${formatCount(opportunities.length)}</span>
        <span class="column-total" data-testid="board-column-total" title="Total value">${formatMoney(total)}</span>
      </header>
      <div class="cards">
        ${shown.length === 0 ? html`<p class="column-empty">No opportunities</p>` : nothing}
        ${repeat(
          shown,
          (opp) => opp.id,
          (opp) => html`<ghl-board-card .opportunity=${opp} .arv=${this.column!.arv.get(opp.id)}></ghl-board-card>`,
        )}
        ${rest > 0 ? html`<p class="more" data-testid="board-column-more">+${formatCount(rest)} more</p>` : nothing}
      </div>
    </section>`;
  }

  private readonly onDragOver = (event: DragEvent) => {
    if (!isOurDrag(event)) return;
    event.preventDefault();
    if (event.dataTransfer) event.dataTransfer.dropEffect = 'move';
    this.dropTarget = true;
  };

  private readonly onDragLeave = (event: DragEvent) => {
    const section = event.currentTarget;
    const into = event.relatedTarget;
    if (section instanceof Node && !(into instanceof Node && section.contains(into))) this.dropTarget = false;
  };

  private readonly onDrop = (event: DragEvent) => {
    if (!isOurDrag(event) || !this.column) return;
    event.preventDefault();
    this.dropTarget = false;
    const id = event.dataTransfer?.getData(DRAG_TYPE);
    if (!id) return;
    const detail: CardDrop = { id, stageId: this.column.stage.id };
    this.dispatchEvent(new CustomEvent('card-drop', { detail, bubbles: true }));
  };
}

customElements.define('ghl-board-column', BoardColumn);

declare global {
  interface HTMLElementTagNameMap {
    'ghl-board-column': BoardColumn;
  }
}
