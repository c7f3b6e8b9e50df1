import { html, nothing, type PropertyValues } from 'lit';
import { live } from 'lit/directives/live.js';
import { formatMoney } from '../../format';
import { OPPORTUNITY_STATUSES, type Opportunity } from '../../protocol/entities';
import { codicon } from '../shared/codicon';
import { LightElement } from '../shared/lightElement';
import type { CardArv } from './boardModel';
import { STATUS_ICON, STATUS_LABEL } from './status';

/** The drag payload type: only our cards can be dropped on a column. */
export const DRAG_TYPE = 'application/x-ghl-opportunity';

/** #17: a card's Add Note… / New Task…, for its contact. */
export interface CardFollowUp {
  what: 'add-note' | 'new-task';
  contactId: string;
}

export interface CardStatusChange {
  id: string;
  status: string;
}

/**
 * One opportunity: name, value, contact and a status badge that is also the status menu.
 * Fires `card-status-change` ({ id, status }); dragging carries the id as DRAG_TYPE.
 */
export class BoardCard extends LightElement {
  static override properties = {
    opportunity: { attribute: false },
    arv: { attribute: false },
    dragging: { state: true },
  };
  declare opportunity: Opportunity | undefined;
  /** The deal's ARV estimate, when it has one. */
  declare arv: CardArv | undefined;
  declare dragging: boolean;

  constructor() {
    super();
    this.dragging = false;
  }

  protected override shouldUpdate(changed: PropertyValues<this>): boolean {
    return super.shouldUpdate(changed) && this.opportunity !== undefined;
  }

  protected override render() {
    const opp = this.opportunity!;
    const status = opp.status;
    const arv = this.arv;
    // Asking more than the maximum allowable offer is what an investor must see at a glance.
    const aboveMao = arv?.mao !== null && arv?.mao !== undefined && opp.monetaryValue > arv.mao;
    const arvText = arv
      ? `ARV ${formatMoney(arv.arv)}${arv.mao !== null ? `, MAO ${formatMoney(arv.mao)}` : ''}${arv.confidence ? `, ${arv.confidence} confidence` : ''}${aboveMao ? ', value above MAO' : ''}`
      : '';
    const label = [opp.name, formatMoney(opp.monetaryValue), opp.contactName, arvText, STATUS_LABEL[status]].filter(Boolean).join(', ');
    return html`<article
      class="card card-${status} ${this.dragging ? 'dragging' : ''}"
      data-testid="board-card"
      data-opp-id=${opp.id}
      tabindex="0"
      draggable="true"
      aria-label=${label}
      aria-keyshortcuts="Alt+ArrowLeft Alt+ArrowRight${opp.contactId ? ' N T' : ''}"
      data-vscode-context=${bookingContext(opp)}
      @dragstart=${this.onDragStart}
      @dragend=${this.onDragEnd}
    >
      <div class="card-title" title=${opp.name}>${opp.name}</div>
      <div class="card-meta">
        <span class="card-value ${opp.monetaryValue ? '' : 'muted'}" data-testid="card-value">${formatMoney(opp.monetaryValue)}</span>
        ${opp.contactName
          ? html`<span class="card-contact" title=${opp.contactName}>${codicon('person')}<span>${opp.contactName}</span></span>`
          : nothing}
      </div>
      ${arv
        ? html`<div class="card-arv" data-testid="card-arv" title=${arvText}>
            <span data-testid="card-arv-value">ARV ${formatMoney(arv.arv)}</span>
            ${arv.mao !== null
              ? html`<span class="card-mao ${aboveMao ? 'above-mao' : ''}" data-testid="card-mao">MAO ${formatMoney(arv.mao)}</span>`
              : nothing}
            ${arv.confidence
              ? html`<span class="confidence confidence-${arv.confidence}" data-testid="card-arv-confidence">${arv.confidence}</span>`
              : nothing}
          </div>`
        : nothing}
      <div class="card-footer">
        <span class="card-tools">
        <button class="card-analyze" data-testid="card-analyze" title="Analyze deal (ARV from sold comps)" aria-label="Analyze ${opp.name}" @click=${this.onAnalyze}>
          ${codicon('graph')}
        </button>
        ${opp.contactId
          ? html`<button class="card-action" data-testid="card-add-note" title="Add Note… (N)" aria-label="Add a note to ${opp.contactName ?? opp.name}" @click=${() => this.followUp('add-note')}>
                ${codicon('note')}
              </button>
              <button class="card-action" data-testid="card-new-task" title="New Task… (T)" aria-label="New task for ${opp.contactName ?? opp.name}" @click=${() => this.followUp('new-task')}>
                ${codicon('checklist')}
              </button>`
          : nothing}
        </span>
        <label class="badge status-${status}" data-testid="card-status" title="Change status">
          ${codicon(STATUS_ICON[status])}
          <select
            class="card-status"
            data-testid="card-status-select"
            aria-label="Status of ${opp.name}"
            title="Set status"
            .value=${live(status)}
            @change=${this.onStatusChange}
          >
            ${OPPORTUNITY_STATUSES.map((s) => html`<option value=${s} ?selected=${s === status}>${STATUS_LABEL[s]}</option>`)}
          </select>
          ${codicon('chevron-down', 'badge-chevron')}
        </label>
      </div>
    </article>`;
  }

  /** #17: asks for Add Note… / New Task… for the card's contact (the board posts it to the host). */
  private followUp(what: CardFollowUp['what']): void {
    const contactId = this.opportunity?.contactId;
    if (contactId) this.dispatchEvent(new CustomEvent<CardFollowUp>('card-follow-up', { detail: { what, contactId }, bubbles: true }));
  }

  private readonly onAnalyze = () => {
    if (this.opportunity) this.dispatchEvent(new CustomEvent('card-analyze', { detail: { id: this.opportunity.id }, bubbles: true }));
  };

  private readonly onStatusChange = (event: Event) => {
    const select = event.currentTarget;
    if (!(select instanceof HTMLSelectElement) || !this.opportunity) return;
    const detail: CardStatusChange = { id: this.opportunity.id, status: select.value };
    this.dispatchEvent(new CustomEvent('card-status-change', { detail, bubbles: true }));
  };

  private readonly onDragStart = (event: DragEvent) => {
    const opp = this.opportunity;
    if (!opp || !event.dataTransfer) return;
    event.dataTransfer.effectAllowed = 'move';
    event.dataTransfer.setData(DRAG_TYPE, opp.id);
    event.dataTransfer.setData('text/plain', opp.name);
    this.dragging = true;
  };

  private readonly onDragEnd = () => {
    this.dragging = false;
  };
}

customElements.define('ghl-board-card', BoardCard);

declare global {
  interface HTMLElementTagNameMap {
    'ghl-board-card': BoardCard;
  }
}

/**
 * #18: what the card's context menu (VS Code's webview/context) hands "Book Appointment…": the
 * deal's contact and name. An attribute value, so CRM text stays text; no context without a contact.
 */
export function bookingContext(opp: { name: string; contactId?: string | null; contactName?: string | null }): string {
  if (!opp.contactId) return JSON.stringify({ webviewSection: 'dealCardNoContact', preventDefaultContextMenuItems: true });
  return JSON.stringify({ webviewSection: 'dealCard', contactId: opp.contactId, contactName: opp.contactName ?? opp.name, dealName: opp.name, preventDefaultContextMenuItems: true });
}
