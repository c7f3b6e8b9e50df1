import { html, nothing, type PropertyValues } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { formatCount } from '../../format';
import { codicon } from '../shared/codicon';
import '../shared/errorBanner';
import { LightElement } from '../shared/lightElement';
import { summaryText, type BoardModel } from './boardModel';
import type { CardFollowUp, CardStatusChange } from './cardElement';
import type { CardDrop } from './columnElement';
import './columnElement';
import { STATUS_FILTERS, STATUS_LABEL } from './status';

interface FocusSnapshot {
  id: string;
  /** Focus was on the card's status menu rather than the card. */
  onSelect: boolean;
}

/** The tag select's "every contact" option: a leading space, so no tag (GHL trims them) can be it. */
const ALL_TAGS = ' all';

function detailOf<T>(event: Event): T | undefined {
  return event instanceof CustomEvent ? (event.detail as T) : undefined;
}

/** The value of the <vscode-single-select> (or any input) an event came from. */
function valueOf(event: Event): string {
  const target = event.target;
  return target instanceof HTMLElement && 'value' in target && typeof target.value === 'string' ? target.value : '';
}

/**
 * The Opportunities board: toolbar (pipeline, status filter, summary, reload), sync
 * progress, the error banner, and a column per stage. It renders its BoardModel and turns
 * the page's events (picks, drops, Alt+←/→, status menus) into the model's methods.
 */
export class OpportunitiesBoard extends LightElement {
  static override properties = { model: { attribute: false } };
  declare model: BoardModel | undefined;

  private unsubscribe: (() => void) | undefined;
  private focusSnapshot: FocusSnapshot | null = null;

  override connectedCallback(): void {
    super.connectedCallback();
    this.follow();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  private follow(): void {
    this.unsubscribe?.();
    this.unsubscribe = this.model?.subscribe(() => this.requestUpdate());
  }

  /** Resolves once every column and card has rendered too. */
  protected override async getUpdateComplete(): Promise<boolean> {
    const done = await super.getUpdateComplete();
    await Promise.all([...this.querySelectorAll('ghl-board-column')].map((column) => column.updateComplete));
    return done;
  }

  protected override shouldUpdate(changed: PropertyValues<this>): boolean {
    return super.shouldUpdate(changed) && this.model !== undefined;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('model') && this.isConnected) this.follow();
    // A card that moves to another column is a new element: remember where focus was.
    const active = document.activeElement;
    const card = active instanceof HTMLElement && this.contains(active) ? active.closest<HTMLElement>('.card') : null;
    const id = card?.dataset.oppId;
    this.focusSnapshot = id ? { id, onSelect: active instanceof HTMLSelectElement } : null;
  }

  protected override updated(): void {
    const model = this.model!;
    this.keepPickerValue('#pipeline-select', () => model.pipelineId);
    this.keepPickerValue('#status-filter', () => model.filter);
    this.keepPickerValue('#tag-filter', () => model.tag || ALL_TAGS);
    const requested = model.takeFocusRequest();
    const snapshot = this.focusSnapshot;
    if (requested || snapshot) void this.updateComplete.then(() => this.restoreFocus(requested, snapshot));
  }

  private restoreFocus(requested: string | null, snapshot: FocusSnapshot | null): void {
    const id = requested ?? snapshot?.id;
    const card = id ? this.findCard(id) : null;
    if (!card) return;
    const target = !requested && snapshot?.onSelect ? card.querySelector('select') : card;
    if (target && document.activeElement !== target) target.focus();
  }

  private findCard(id: string): HTMLElement | null {
    for (const el of this.querySelectorAll<HTMLElement>('.card')) if (el.dataset.oppId === id) return el;
    return null;
  }

  /**
   * vscode-single-select reads new options asynchronously and may fall back to the first
   * one: the options carry `selected`, and the value is set again once the select updated.
   */
  private keepPickerValue(selector: string, wanted: () => string | null): void {
    const select = this.querySelector<HTMLElementTagNameMap['vscode-single-select']>(selector);
    const value = wanted();
    if (!select || !value) return;
    if (select.value !== value) select.value = value;
    void select.updateComplete.then(() => {
      if (wanted() === value && select.value !== value) select.value = value;
    });
  }

  protected override render() {
    const model = this.model!;
    const notice = model.notice;
    const pipeline = model.pipeline;
    const columns = pipeline ? model.columns() : [];
    const { orphans } = model.summary();
    return html`<div class="board">
      <header class="toolbar">
        <label class="field" for="pipeline-select"
          ><span class="field-label">Pipeline</span
          ><vscode-single-select id="pipeline-select" data-testid="board-pipeline-select" label="Pipeline" @change=${this.onPipelineChange}
            >${model.pipelines.map(
              (p) => html`<vscode-option value=${p.id} ?selected=${p.id === model.pipelineId}>${p.name}</vscode-option>`,
            )}</vscode-single-select
          ></label
        >
        <label class="field" for="status-filter"
          ><span class="field-label">Status</span
          ><vscode-single-select id="status-filter" data-testid="board-status-filter" label="Status filter" @change=${this.onFilterChange}
            >${STATUS_FILTERS.map(
              (f) =>
                html`<vscode-option value=${f} ?selected=${f === model.filter}>${f === 'all' ? 'All statuses' : STATUS_LABEL[f]}</vscode-option>`,
            )}</vscode-single-select
          ></label
        >
        ${this.renderTagFilter()}
        <span class="toolbar-spacer"></span>
        <vscode-progress-ring class="loading-ring" aria-label="Loading opportunities" ?hidden=${!model.loading}></vscode-progress-ring>
        <span class="summary" data-testid="board-summary">${pipeline || model.loadingProgress ? summaryText(model) : ''}</span>
        <vscode-button secondary icon="refresh" title="Reload from the local cache" @click=${this.onReload}>Reload</vscode-button>
      </header>
      ${this.renderSync()}
      <ghl-error-banner data-testid="board-error" .message=${model.error} @dismiss=${this.onDismissError}></ghl-error-banner>
      <div class="message" data-testid="board-message" ?hidden=${!notice}>
        ${notice
          ? html`${codicon(notice.icon, 'message-icon')}
              <p class="message-title">${notice.title}</p>
              ${notice.detail ? html`<p class="message-detail">${notice.detail}</p>` : nothing}`
          : nothing}
      </div>
      <p class="note" data-testid="board-note" ?hidden=${orphans === 0}>
        ${orphans ? `${formatCount(orphans)} opportunities are in stages this pipeline no longer has.` : ''}
      </p>
      <main
        class="columns"
        data-testid="board-columns"
        aria-label="Stages"
        ?hidden=${!!notice}
        @keydown=${this.onKeydown}
        @card-drop=${this.onCardDrop}
        @card-status-change=${this.onCardStatusChange}
        @card-analyze=${this.onCardAnalyze}
        @card-follow-up=${this.onCardFollowUp}
      >
        ${repeat(
          columns,
          (column) => column.stage.id,
          (column) => html`<ghl-board-column .column=${column}></ghl-board-column>`,
        )}
        ${pipeline && columns.length === 0 ? html`<p class="column-empty">This pipeline has no stages.</p>` : nothing}
      </main>
      <footer class="hint" ?hidden=${!!notice}>
        Drag a card to another stage, or focus it and press Alt+← / Alt+→. Arrow keys move between cards; N adds a note, T a task.
      </footer>
      <div class="visually-hidden" aria-live="polite" data-testid="board-live">${model.announcement}</div>
    </div>`;
  }

  /** #17: the contact-tag filter; absent while the location has no tags and none is chosen. */
  private renderTagFilter() {
    const model = this.model!;
    const choices = model.tagChoices;
    if (choices.length === 0) return nothing;
    return html`<label class="field" for="tag-filter"
      ><span class="field-label">Contact tag</span
      ><vscode-single-select id="tag-filter" data-testid="board-tag-filter" label="Contact tag filter" @change=${this.onTagChange}
        ><vscode-option value=${ALL_TAGS} ?selected=${!model.tag}>All contacts</vscode-option>${choices.map(
          (tag) => html`<vscode-option value=${tag} ?selected=${tag === model.tag}>${tag}</vscode-option>`,
        )}</vscode-single-select
      ></label
    >`;
  }

  private renderSync() {
    const progress = this.model!.sync;
    const known = !!progress && Number.isFinite(progress.total) && progress.total > 0;
    const text = progress
      ? `Syncing ${progress.kind}… ${formatCount(progress.synced)}${known ? ` of ${formatCount(progress.total)}` : ''}`
      : '';
    return html`<div class="sync" data-testid="board-sync" role="status" ?hidden=${!progress}>
      <span class="sync-text">${text}</span>
      <vscode-progress-bar
        aria-label="Sync progress"
        .indeterminate=${!known}
        .max=${known ? progress.total : 100}
        .value=${known ? Math.min(progress.synced, progress.total) : 0}
      ></vscode-progress-bar>
    </div>`;
  }

  private readonly onPipelineChange = (event: Event) => {
    const id = valueOf(event);
    if (id && id !== this.model?.pipelineId) void this.model?.selectPipeline(id);
  };

  private readonly onFilterChange = (event: Event) => this.model?.setFilter(valueOf(event));
  private readonly onTagChange = (event: Event) => {
    const value = valueOf(event);
    void this.model?.setTag(value === ALL_TAGS ? '' : value);
  };
  private readonly onReload = () => void this.model?.reload();
  private readonly onDismissError = () => this.model?.dismissError();

  private readonly onCardDrop = (event: Event) => {
    const drop = detailOf<CardDrop>(event);
    if (drop) void this.model?.moveOpportunity(drop.id, drop.stageId);
  };

  /** Issue 19: asks the host to open the deal analyzer (set by main.ts). */
  analyze: ((opportunityId: string) => void) | undefined;

  private readonly onCardAnalyze = (event: Event) => {
    const target = detailOf<{ id: string }>(event);
    if (target) this.analyze?.(target.id);
  };

  /** #17: asks the host for Add Note… / New Task… for a contact (set by main.ts). */
  followUp: ((request: CardFollowUp) => void) | undefined;

  private readonly onCardFollowUp = (event: Event) => {
    const request = detailOf<CardFollowUp>(event);
    if (request) this.followUp?.(request);
  };

  private readonly onCardStatusChange = (event: Event) => {
    const change = detailOf<CardStatusChange>(event);
    if (change) void this.model?.setStatus(change.id, change.status);
  };

  /** Alt+←/→ moves the focused card a stage; arrows, Home and End move focus between cards. */
  private readonly onKeydown = (event: KeyboardEvent) => {
    const target = event.target;
    if (!(target instanceof HTMLElement) || !target.classList.contains('card')) return;
    const id = target.dataset.oppId;
    const column = target.closest<HTMLElement>('.column');
    if (!id || !column) return;
    const horizontal = event.key === 'ArrowLeft' ? -1 : event.key === 'ArrowRight' ? 1 : 0;
    if (event.altKey && horizontal) {
      event.preventDefault();
      void this.model?.moveBy(id, horizontal);
      return;
    }
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    // #17: N / T on a card: Add Note… / New Task… for its contact.
    const letter = event.key.toLowerCase();
    if (letter === 'n' || letter === 't') {
      const contactId = this.model?.opportunity(id)?.contactId;
      if (contactId && !event.shiftKey) {
        event.preventDefault();
        this.followUp?.({ what: letter === 'n' ? 'add-note' : 'new-task', contactId });
      }
      return;
    }
    const columns = [...this.querySelectorAll<HTMLElement>('.column')];
    const colIndex = columns.indexOf(column);
    const cards = [...column.querySelectorAll<HTMLElement>('.card')];
    const cardIndex = cards.indexOf(target);
    let next: HTMLElement | undefined;
    if (event.key === 'ArrowDown') next = cards[cardIndex + 1];
    else if (event.key === 'ArrowUp') next = cards[cardIndex - 1];
    else if (event.key === 'Home') next = cards[0];
    else if (event.key === 'End') next = cards[cards.length - 1];
    else if (horizontal) {
      for (let i = colIndex + horizontal; i >= 0 && i < columns.length && !next; i += horizontal) {
        const other = [...columns[i]!.querySelectorAll<HTMLElement>('.card')];
        next = other[Math.min(cardIndex, other.length - 1)];
      }
    }
    if (next) {
      event.preventDefault();
      next.focus();
    }
  };
}

customElements.define('ghl-board', OpportunitiesBoard);

declare global {
  interface HTMLElementTagNameMap {
    'ghl-board': OpportunitiesBoard;
  }
}
