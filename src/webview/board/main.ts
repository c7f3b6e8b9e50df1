/**
 * The Opportunities board: one column per pipeline stage, cards that can be dragged (or
 * moved with Alt+←/→) between stages, a status menu per card, a status filter, and live
 * reloads when a sync finishes. Every mutation is optimistic and rolled back on failure.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-progress-bar/index.js';
import '@vscode-elements/elements/dist/vscode-progress-ring/index.js';
import './board.css';

import { EXT_GHL_IPC as C } from '../../protocol/channels';
import type { SyncProgress } from '../../protocol/channels';
import { OPPORTUNITY_STATUSES } from '../../protocol/entities';
import type { Opportunity, OpportunityStatus, Pipeline, PipelineStage } from '../../protocol/entities';
import type { ErrorInfo } from '../../protocol/envelope';
import { WEBVIEW_ROOT_ID } from '../../protocol/webviewMessages';
import { codicon, debounce, formatCurrency, formatNumber, h, setChildren } from '../shared/dom';
import { getIpc, loadState, readInitialState, saveState } from '../shared/ipc';

/** Cards rendered per column; the rest are counted in a "+N more" note. */
export const MAX_CARDS_PER_COLUMN = 200;
const PAGE_SIZE = 500;
const RELOAD_DEBOUNCE_MS = 300;

type Filter = 'all' | OpportunityStatus;
const FILTERS: Filter[] = ['all', ...OPPORTUNITY_STATUSES];

const STATUS_LABEL: Record<OpportunityStatus, string> = {
  open: 'Open',
  won: 'Won',
  lost: 'Lost',
  abandoned: 'Abandoned',
};
const STATUS_ICON: Record<OpportunityStatus, string> = {
  open: 'circle-large-outline',
  won: 'pass-filled',
  lost: 'error',
  abandoned: 'circle-slash',
};

interface InitialState {
  pipelineId?: string;
}
interface SavedState {
  pipelineId?: string;
  filter?: Filter;
}

const ipc = getIpc();
const initial = readInitialState<InitialState>();
const saved = loadState<SavedState>();

const state = {
  pipelines: [] as Pipeline[],
  pipelineId: null as string | null,
  filter: (FILTERS.includes(saved.filter as Filter) ? saved.filter : 'all') as Filter,
  opps: new Map<string, Opportunity>(),
  /** Optimistic values of requests still in flight; re-applied over reloaded data. */
  overrides: new Map<string, { pipelineStageId?: string; status?: OpportunityStatus }>(),
  defaultPipeline: null as string | null,
  loadToken: 0,
  draggingId: null as string | null,
};

// ---------------------------------------------------------------------------- DOM skeleton

const root = document.getElementById(WEBVIEW_ROOT_ID) ?? document.body.appendChild(h('div', { id: WEBVIEW_ROOT_ID }));

const pipelineSelect = h('vscode-single-select', {
  'data-testid': 'board-pipeline-select',
  id: 'pipeline-select',
  label: 'Pipeline',
});
const filterSelect = h(
  'vscode-single-select',
  { 'data-testid': 'board-status-filter', id: 'status-filter', label: 'Status filter' },
  FILTERS.map((f) => h('vscode-option', { value: f }, f === 'all' ? 'All statuses' : STATUS_LABEL[f])),
);
filterSelect.value = state.filter;
const summary = h('span', { class: 'summary', 'data-testid': 'board-summary' });
const loadingRing = h('vscode-progress-ring', { class: 'loading-ring', 'aria-label': 'Loading opportunities' });
loadingRing.hidden = true;
const refreshButton = h(
  'vscode-button',
  { secondary: true, icon: 'refresh', title: 'Reload from the local cache', on: { click: () => void reloadAll() } },
  'Reload',
);

const toolbar = h(
  'header',
  { class: 'toolbar' },
  h('label', { class: 'field', for: 'pipeline-select' }, h('span', { class: 'field-label' }, 'Pipeline'), pipelineSelect),
  h('label', { class: 'field', for: 'status-filter' }, h('span', { class: 'field-label' }, 'Status'), filterSelect),
  h('span', { class: 'toolbar-spacer' }),
  loadingRing,
  summary,
  refreshButton,
);

const syncBar = h('vscode-progress-bar', { 'aria-label': 'Sync progress' });
const syncText = h('span', { class: 'sync-text' });
const syncBox = h('div', { class: 'sync', 'data-testid': 'board-sync', role: 'status' }, syncText, syncBar);
syncBox.hidden = true;

const errorText = h('span', { class: 'error-text' });
const errorBanner = h(
  'div',
  { class: 'error-banner', role: 'alert', 'data-testid': 'board-error' },
  codicon('error'),
  errorText,
  h(
    'button',
    {
      class: 'icon-button',
      type: 'button',
      title: 'Dismiss',
      'aria-label': 'Dismiss error',
      'data-testid': 'board-error-dismiss',
      on: { click: () => hideError() },
    },
    codicon('close'),
  ),
);
errorBanner.hidden = true;

const live = h('div', { class: 'visually-hidden', 'aria-live': 'polite', 'data-testid': 'board-live' });
const columnsEl = h('main', { class: 'columns', 'data-testid': 'board-columns', 'aria-label': 'Stages' });
const messageEl = h('div', { class: 'message', 'data-testid': 'board-message' });
messageEl.hidden = true;
const noteEl = h('p', { class: 'note', 'data-testid': 'board-note' });
noteEl.hidden = true;
const hint = h(
  'footer',
  { class: 'hint' },
  'Drag a card to another stage, or focus it and press Alt+← / Alt+→. Arrow keys move between cards.',
);

setChildren(root, h('div', { class: 'board' }, toolbar, syncBox, errorBanner, messageEl, noteEl, columnsEl, hint, live));

// ---------------------------------------------------------------------------- helpers

function currentPipeline(): Pipeline | undefined {
  return state.pipelines.find((p) => p.id === state.pipelineId);
}

function sortedStages(pipeline: Pipeline | undefined): PipelineStage[] {
  return pipeline ? [...pipeline.stages].sort((a, b) => a.position - b.position) : [];
}

function visible(opp: Opportunity): boolean {
  return state.filter === 'all' || opp.status === state.filter;
}

function persist(): void {
  saveState<SavedState>({ pipelineId: state.pipelineId ?? undefined, filter: state.filter });
}

function showError(message: string): void {
  errorText.textContent = message;
  errorBanner.hidden = false;
}

function hideError(): void {
  errorBanner.hidden = true;
  errorText.textContent = '';
}

function announce(text: string): void {
  live.textContent = text;
}

function showMessage(icon: string, title: string, detail?: string): void {
  setChildren(messageEl, codicon(icon, 'message-icon'), h('p', { class: 'message-title' }, title), detail && h('p', { class: 'message-detail' }, detail));
  messageEl.hidden = false;
  columnsEl.hidden = true;
  hint.hidden = true;
}

function hideMessage(): void {
  messageEl.hidden = true;
  columnsEl.hidden = false;
  hint.hidden = false;
}

function showEnvelopeError(error: ErrorInfo, context: string): void {
  if (error.code === 'NOT_CONFIGURED') {
    showMessage(
      'plug',
      'Not connected to GoHighLevel',
      'Run "GHL: Set API Token" and "GHL: Set Location ID" from the Command Palette, then "GHL: Sync Opportunities".',
    );
  } else {
    showError(`${context}: ${error.message}`);
  }
}

function byRecency(a: Opportunity, b: Opportunity): number {
  const ta = a.updatedAt ?? '';
  const tb = b.updatedAt ?? '';
  if (ta !== tb) return ta < tb ? 1 : -1;
  return a.name.localeCompare(b.name);
}

// ---------------------------------------------------------------------------- rendering

const columnEls = new Map<string, HTMLElement>();

function renderCard(opp: Opportunity): HTMLElement {
  const status = opp.status;
  const select = h(
    'select',
    {
      class: 'card-status',
      'data-testid': 'card-status-select',
      'aria-label': `Status of ${opp.name}`,
      title: 'Set status',
    },
    OPPORTUNITY_STATUSES.map((s) => h('option', { value: s, selected: s === status }, STATUS_LABEL[s])),
  );
  select.value = status;
  return h(
    'article',
    {
      class: ['card', `card-${status}`],
      'data-testid': 'board-card',
      dataset: { oppId: opp.id },
      tabindex: 0,
      draggable: 'true',
      'aria-label': [opp.name, formatCurrency(opp.monetaryValue), opp.contactName, STATUS_LABEL[status]].filter(Boolean).join(', '),
      'aria-keyshortcuts': 'Alt+ArrowLeft Alt+ArrowRight',
    },
    h('div', { class: 'card-title', title: opp.name }, opp.name),
    h(
      'div',
      { class: 'card-meta' },
      h('span', { class: ['card-value', opp.monetaryValue ? null : 'muted'], 'data-testid': 'card-value' }, formatCurrency(opp.monetaryValue)),
      opp.contactName && h('span', { class: 'card-contact', title: opp.contactName }, codicon('person'), h('span', null, opp.contactName)),
    ),
    h(
      'div',
      { class: 'card-footer' },
      // The status badge is the status menu: a color, an icon and a word (never color alone).
      h(
        'label',
        { class: ['badge', `status-${status}`], 'data-testid': 'card-status', title: 'Change status' },
        codicon(STATUS_ICON[status]),
        select,
        codicon('chevron-down', 'badge-chevron'),
      ),
    ),
  );
}

function renderColumn(stage: PipelineStage, opps: Opportunity[]): HTMLElement {
  const total = opps.reduce((sum, o) => sum + (Number.isFinite(o.monetaryValue) ? o.monetaryValue : 0), 0);
  const shown = opps.slice(0, MAX_CARDS_PER_COLUMN);
  const rest = opps.length - shown.length;
  const headingId = `stage-${stage.id}`;
  return h(
    'section',
    { class: 'column', 'data-testid': 'board-column', dataset: { stageId: stage.id }, 'aria-labelledby': headingId },
    h(
      'header',
      { class: 'column-header' },
      h('h2', { class: 'column-title', id: headingId, title: stage.name }, stage.name),
      h('span', { class: 'column-count', 'data-testid': 'board-column-count', title: 'Opportunities' }, formatNumber(opps.length)),
      h('span', { class: 'column-total', 'data-testid': 'board-column-total', title: 'Total value' }, formatCurrency(total)),
    ),
    h(
      'div',
      { class: 'cards' },
      shown.length === 0 && h('p', { class: 'column-empty' }, 'No opportunities'),
      shown.map(renderCard),
      rest > 0 && h('p', { class: 'more', 'data-testid': 'board-column-more' }, `+${formatNumber(rest)} more`),
    ),
  );
}

function oppsForStage(stageId: string): Opportunity[] {
  const list: Opportunity[] = [];
  for (const opp of state.opps.values()) if (opp.pipelineStageId === stageId && visible(opp)) list.push(opp);
  return list.sort(byRecency);
}

/** Runs a DOM update and puts keyboard focus back on the same card (or its status menu). */
function keepingFocus(update: () => void, focusId?: string): void {
  const active = document.activeElement;
  const card = active instanceof HTMLElement ? active.closest<HTMLElement>('.card') : null;
  const id = focusId ?? card?.dataset.oppId;
  const onSelect = active instanceof HTMLSelectElement;
  update();
  if (!id || (!card && !focusId)) return;
  const next = findCard(id);
  if (!next) return;
  const target = onSelect && !focusId ? next.querySelector<HTMLElement>('select') : next;
  target?.focus({ preventScroll: false });
}

function findCard(id: string): HTMLElement | null {
  for (const el of columnsEl.querySelectorAll<HTMLElement>('.card')) if (el.dataset.oppId === id) return el;
  return null;
}

function renderSummary(): void {
  let count = 0;
  let total = 0;
  const stageIds = new Set(currentPipeline()?.stages.map((s) => s.id));
  let orphans = 0;
  for (const opp of state.opps.values()) {
    if (!visible(opp)) continue;
    if (!stageIds.has(opp.pipelineStageId)) {
      orphans++;
      continue;
    }
    count++;
    total += Number.isFinite(opp.monetaryValue) ? opp.monetaryValue : 0;
  }
  summary.textContent = `${formatNumber(count)} ${count === 1 ? 'opportunity' : 'opportunities'} · ${formatCurrency(total)}`;
  noteEl.hidden = orphans === 0;
  noteEl.textContent = orphans ? `${formatNumber(orphans)} opportunities are in stages this pipeline no longer has.` : '';
}

function renderBoard(): void {
  const pipeline = currentPipeline();
  if (!pipeline) return;
  const stages = sortedStages(pipeline);
  const groups = new Map<string, Opportunity[]>(stages.map((s) => [s.id, []]));
  for (const opp of state.opps.values()) if (visible(opp)) groups.get(opp.pipelineStageId)?.push(opp);
  keepingFocus(() => {
    columnEls.clear();
    const frag = document.createDocumentFragment();
    for (const stage of stages) {
      const el = renderColumn(stage, (groups.get(stage.id) ?? []).sort(byRecency));
      columnEls.set(stage.id, el);
      frag.appendChild(el);
    }
    columnsEl.replaceChildren(frag);
    if (stages.length === 0) columnsEl.appendChild(h('p', { class: 'column-empty' }, 'This pipeline has no stages.'));
  });
  renderSummary();
}

/** Re-renders only the given stages' columns (after a move or a status change). */
function renderStages(stageIds: Iterable<string>, focusId?: string): void {
  const stages = sortedStages(currentPipeline());
  keepingFocus(() => {
    for (const stageId of new Set(stageIds)) {
      const stage = stages.find((s) => s.id === stageId);
      const old = columnEls.get(stageId);
      if (!stage || !old) continue;
      const el = renderColumn(stage, oppsForStage(stageId));
      old.replaceWith(el);
      columnEls.set(stageId, el);
    }
  }, focusId);
  renderSummary();
}

function renderPipelineOptions(): void {
  // The select reads its new options asynchronously: mark the current one selected in the
  // markup so it does not fall back to the first option, then set the value once it has.
  setChildren(
    pipelineSelect,
    state.pipelines.map((p) => h('vscode-option', { value: p.id, selected: p.id === state.pipelineId }, p.name)),
  );
  const current = state.pipelineId;
  if (!current) return;
  pipelineSelect.value = current;
  void (pipelineSelect as HTMLElement & { updateComplete?: Promise<unknown> }).updateComplete?.then(() => {
    if (state.pipelineId === current && pipelineSelect.value !== current) pipelineSelect.value = current;
  });
}

// ---------------------------------------------------------------------------- loading

async function loadPipelines(): Promise<boolean> {
  const token = ++state.loadToken;
  loadingRing.hidden = false;
  const [pipelinesRes, settingsRes] = await Promise.all([
    ipc.request(C.PIPELINES_LIST, {}),
    ipc.request(C.SETTINGS_GET, {}),
  ]);
  if (token !== state.loadToken) return false;
  loadingRing.hidden = true;
  if (settingsRes.success) state.defaultPipeline = settingsRes.data.defaultPipeline;
  if (!pipelinesRes.success) {
    state.pipelines = [];
    if (pipelinesRes.error.code !== 'NOT_CONFIGURED') showMessage('warning', 'Could not load pipelines', pipelinesRes.error.message);
    else showEnvelopeError(pipelinesRes.error, 'Could not load pipelines');
    return false;
  }
  if (settingsRes.success && !settingsRes.data.configured && pipelinesRes.data.items.length === 0) {
    showEnvelopeError({ code: 'NOT_CONFIGURED', message: 'Not configured' }, '');
    return false;
  }
  state.pipelines = pipelinesRes.data.items;
  if (state.pipelines.length === 0) {
    state.pipelineId = null;
    renderPipelineOptions();
    showMessage('project', 'No pipelines yet — run GHL: Sync Opportunities', 'Pipelines appear here once they are in the local cache.');
    return false;
  }
  const has = (id: string | null | undefined): id is string => !!id && state.pipelines.some((p) => p.id === id);
  const byDefault = state.defaultPipeline
    ? state.pipelines.find((p) => p.id === state.defaultPipeline) ??
      state.pipelines.find((p) => p.name.trim().toLowerCase() === state.defaultPipeline!.trim().toLowerCase())
    : undefined;
  state.pipelineId = has(state.pipelineId)
    ? state.pipelineId
    : has(saved.pipelineId)
      ? saved.pipelineId
      : has(initial.pipelineId)
        ? initial.pipelineId
        : (byDefault?.id ?? state.pipelines[0]!.id);
  renderPipelineOptions();
  hideMessage();
  return true;
}

function applyOverrides(opp: Opportunity): Opportunity {
  const o = state.overrides.get(opp.id);
  return o ? { ...opp, ...o } : opp;
}

/** Loads every opportunity of the current pipeline, page by page. */
async function loadOpportunities(): Promise<void> {
  const pipelineId = state.pipelineId;
  if (!pipelineId) return;
  const token = ++state.loadToken;
  loadingRing.hidden = false;
  const next = new Map<string, Opportunity>();
  let offset = 0;
  let total = Infinity;
  let firstPage = true;
  try {
    while (offset < total) {
      const res = await ipc.request(C.OPPS_LIST, { pipelineId, limit: PAGE_SIZE, offset });
      if (token !== state.loadToken) return;
      if (!res.success) {
        showEnvelopeError(res.error, 'Could not load opportunities');
        break;
      }
      const { items } = res.data;
      total = res.data.total;
      for (const opp of items) if (opp && typeof opp.id === 'string') next.set(opp.id, applyOverrides(opp));
      offset += items.length;
      summary.textContent = `Loading ${formatNumber(next.size)} of ${formatNumber(total)}…`;
      // First page shows at once; the rest render in one go at the end.
      if (firstPage && items.length < total) {
        firstPage = false;
        state.opps = new Map(next);
        renderBoard();
      }
      if (items.length === 0 || items.length < PAGE_SIZE) break;
    }
    state.opps = next;
    renderBoard();
  } finally {
    if (token === state.loadToken) loadingRing.hidden = true;
  }
}

async function reloadAll(): Promise<void> {
  // On failure loadPipelines shows a message in place of the columns.
  if (await loadPipelines()) await loadOpportunities();
}

let pendingPipelineReload = false;
const scheduleReload = debounce(() => {
  const pipelines = pendingPipelineReload;
  pendingPipelineReload = false;
  void (pipelines || !state.pipelineId ? reloadAll() : loadOpportunities());
}, RELOAD_DEBOUNCE_MS);

/** Debounced reload; `pipelines` also refetches the pipeline list. */
function requestReload(pipelines: boolean): void {
  pendingPipelineReload ||= pipelines;
  scheduleReload();
}

async function selectPipeline(id: string): Promise<void> {
  if (id === state.pipelineId && state.opps.size > 0) return;
  if (!state.pipelines.some((p) => p.id === id)) {
    await loadPipelines();
    if (!state.pipelines.some((p) => p.id === id)) {
      showError('That pipeline is not in the local cache yet — run GHL: Sync Opportunities.');
      return;
    }
  }
  state.pipelineId = id;
  state.opps = new Map();
  pipelineSelect.value = id;
  persist();
  hideMessage();
  renderBoard();
  await loadOpportunities();
}

// ---------------------------------------------------------------------------- mutations

function mergeServer(id: string, data: unknown): void {
  if (!data || typeof data !== 'object') return;
  const server = data as Partial<Opportunity>;
  const current = state.opps.get(id);
  if (!current || server.id !== id) return;
  if (typeof server.pipelineId === 'string' && server.pipelineId !== current.pipelineId) {
    state.opps.delete(id);
    renderStages([current.pipelineStageId]);
    return;
  }
  const next: Opportunity = { ...current };
  if (typeof server.name === 'string') next.name = server.name;
  if (typeof server.monetaryValue === 'number') next.monetaryValue = server.monetaryValue;
  if (typeof server.updatedAt === 'string') next.updatedAt = server.updatedAt;
  if (server.contactName === null || typeof server.contactName === 'string') next.contactName = server.contactName;
  // Fields with a request still in flight keep their optimistic value.
  const o = state.overrides.get(id);
  if (typeof server.pipelineStageId === 'string' && !o?.pipelineStageId) next.pipelineStageId = server.pipelineStageId;
  if (typeof server.status === 'string' && (OPPORTUNITY_STATUSES as readonly string[]).includes(server.status) && !o?.status) {
    next.status = server.status;
  }
  state.opps.set(id, next);
  renderStages(new Set([current.pipelineStageId, next.pipelineStageId]));
}

function setOverride(id: string, patch: { pipelineStageId?: string; status?: OpportunityStatus }): void {
  state.overrides.set(id, { ...state.overrides.get(id), ...patch });
}

function clearOverride(id: string, field: 'pipelineStageId' | 'status', value: string): void {
  const o = state.overrides.get(id);
  if (!o || o[field] !== value) return;
  delete o[field];
  if (o.pipelineStageId === undefined && o.status === undefined) state.overrides.delete(id);
}

async function moveOpportunity(id: string, stageId: string, { focus = false } = {}): Promise<void> {
  const opp = state.opps.get(id);
  const pipeline = currentPipeline();
  const stage = pipeline?.stages.find((s) => s.id === stageId);
  if (!opp || !stage || opp.pipelineStageId === stageId) return;
  const fromStage = opp.pipelineStageId;
  const fromName = pipeline?.stages.find((s) => s.id === fromStage)?.name ?? 'its stage';
  state.opps.set(id, { ...opp, pipelineStageId: stageId, updatedAt: new Date().toISOString() });
  setOverride(id, { pipelineStageId: stageId });
  renderStages([fromStage, stageId], focus ? id : undefined);
  announce(`Moved ${opp.name} to ${stage.name}.`);

  const res = await ipc.request(C.OPPS_UPDATE, { id, data: { pipelineStageId: stageId } });
  clearOverride(id, 'pipelineStageId', stageId);
  if (res.success) {
    mergeServer(id, res.data);
    return;
  }
  const current = state.opps.get(id);
  if (current && current.pipelineStageId === stageId) {
    state.opps.set(id, { ...current, pipelineStageId: fromStage, updatedAt: opp.updatedAt });
    renderStages([stageId, fromStage]);
  }
  announce(`Could not move ${opp.name}; it is back in ${fromName}.`);
  showError(`Could not move “${opp.name}” to ${stage.name}: ${res.error.message}`);
}

async function setStatus(id: string, status: OpportunityStatus): Promise<void> {
  const opp = state.opps.get(id);
  if (!opp || opp.status === status) return;
  const previous = opp.status;
  state.opps.set(id, { ...opp, status });
  setOverride(id, { status });
  renderStages([opp.pipelineStageId]);
  announce(`${opp.name} is now ${STATUS_LABEL[status]}.`);

  const res = await ipc.request(C.OPPS_UPDATE_STATUS, { id, status });
  clearOverride(id, 'status', status);
  if (res.success) {
    mergeServer(id, res.data);
    return;
  }
  const current = state.opps.get(id);
  if (current && current.status === status) {
    state.opps.set(id, { ...current, status: previous });
    renderStages([current.pipelineStageId]);
  }
  showError(`Could not set “${opp.name}” to ${STATUS_LABEL[status]}: ${res.error.message}`);
}

// ---------------------------------------------------------------------------- events

pipelineSelect.addEventListener('change', () => {
  const id = pipelineSelect.value;
  if (id && id !== state.pipelineId) void selectPipeline(id);
});

filterSelect.addEventListener('change', () => {
  const value = filterSelect.value as Filter;
  if (!FILTERS.includes(value) || value === state.filter) return;
  state.filter = value;
  persist();
  renderBoard();
});

columnsEl.addEventListener('change', (event) => {
  const select = event.target;
  if (!(select instanceof HTMLSelectElement) || !select.classList.contains('card-status')) return;
  const id = select.closest<HTMLElement>('.card')?.dataset.oppId;
  const status = select.value as OpportunityStatus;
  if (id && (OPPORTUNITY_STATUSES as readonly string[]).includes(status)) void setStatus(id, status);
});

const DRAG_TYPE = 'application/x-ghl-opportunity';

columnsEl.addEventListener('dragstart', (event) => {
  const card = (event.target as Element | null)?.closest?.<HTMLElement>('.card');
  const id = card?.dataset.oppId;
  if (!card || !id || !event.dataTransfer) return;
  state.draggingId = id;
  event.dataTransfer.effectAllowed = 'move';
  event.dataTransfer.setData(DRAG_TYPE, id);
  event.dataTransfer.setData('text/plain', state.opps.get(id)?.name ?? id);
  card.classList.add('dragging');
});

columnsEl.addEventListener('dragend', () => {
  state.draggingId = null;
  for (const el of columnsEl.querySelectorAll('.dragging, .drop-target')) el.classList.remove('dragging', 'drop-target');
});

function columnFromEvent(event: Event): HTMLElement | null {
  return (event.target as Element | null)?.closest?.<HTMLElement>('.column') ?? null;
}

function isOurDrag(event: DragEvent): boolean {
  return state.draggingId !== null || !!event.dataTransfer?.types.includes(DRAG_TYPE);
}

columnsEl.addEventListener('dragover', (event) => {
  const column = columnFromEvent(event);
  if (!column || !isOurDrag(event)) return;
  event.preventDefault();
  if (event.dataTransfer) event.dataTransfer.dropEffect = 'move';
  if (!column.classList.contains('drop-target')) {
    for (const el of columnsEl.querySelectorAll('.drop-target')) el.classList.remove('drop-target');
    column.classList.add('drop-target');
  }
});

columnsEl.addEventListener('dragleave', (event) => {
  const column = columnFromEvent(event);
  if (column && !column.contains(event.relatedTarget as Node | null)) column.classList.remove('drop-target');
});

columnsEl.addEventListener('drop', (event) => {
  const column = columnFromEvent(event);
  if (!column || !isOurDrag(event)) return;
  event.preventDefault();
  column.classList.remove('drop-target');
  const id = event.dataTransfer?.getData(DRAG_TYPE) || state.draggingId;
  state.draggingId = null;
  const stageId = column.dataset.stageId;
  if (id && stageId) void moveOpportunity(id, stageId);
});

columnsEl.addEventListener('keydown', (event) => {
  const target = event.target as HTMLElement;
  if (!target.classList?.contains('card')) return;
  const id = target.dataset.oppId;
  const column = target.closest<HTMLElement>('.column');
  if (!id || !column) return;
  const columns = [...columnsEl.querySelectorAll<HTMLElement>('.column')];
  const colIndex = columns.indexOf(column);
  const cards = [...column.querySelectorAll<HTMLElement>('.card')];
  const cardIndex = cards.indexOf(target);
  const horizontal = event.key === 'ArrowLeft' ? -1 : event.key === 'ArrowRight' ? 1 : 0;

  if (event.altKey && horizontal) {
    event.preventDefault();
    const stage = columns[colIndex + horizontal]?.dataset.stageId;
    if (stage) void moveOpportunity(id, stage, { focus: true });
    return;
  }
  if (event.altKey || event.ctrlKey || event.metaKey) return;
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
});

ipc.onPush('ext-ghl:sync-progress', (progress: SyncProgress) => {
  if (progress.done) {
    syncBox.hidden = true;
    if (progress.kind === 'opportunities') requestReload(true);
    return;
  }
  syncBox.hidden = false;
  const known = Number.isFinite(progress.total) && progress.total > 0;
  syncText.textContent = `Syncing ${progress.kind}… ${formatNumber(progress.synced)}${known ? ` of ${formatNumber(progress.total)}` : ''}`;
  if (known) {
    syncBar.indeterminate = false;
    syncBar.max = progress.total;
    syncBar.value = Math.min(progress.synced, progress.total);
  } else {
    syncBar.indeterminate = true;
  }
});

ipc.onPush('host:data-changed', ({ kinds }) => {
  if (!Array.isArray(kinds)) return;
  if (kinds.includes('pipelines')) requestReload(true);
  else if (kinds.includes('opportunities')) requestReload(false);
});

ipc.onPush('host:show-pipeline', ({ pipelineId }) => {
  if (typeof pipelineId === 'string' && pipelineId) void selectPipeline(pipelineId);
});

ipc.onPush('host:configuration', () => requestReload(true));

async function start(): Promise<void> {
  if (await loadPipelines()) {
    persist();
    await loadOpportunities();
  }
}

void start();
