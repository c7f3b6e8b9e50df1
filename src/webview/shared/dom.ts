/**
 * Tiny DOM helpers. CRM data is hostile (a contact may be named `<img onerror=…>`), so
 * text only ever goes in through text nodes / textContent — never innerHTML — and inline
 * `style` / `on*` attributes are refused (the webview CSP forbids them anyway).
 */

export type Child = Node | string | number | null | undefined | false | Child[];

type EventHandlers = { [E in keyof HTMLElementEventMap]?: (event: HTMLElementEventMap[E]) => void };

export interface Props {
  /** Class names; falsy entries are skipped. */
  class?: string | Array<string | false | null | undefined>;
  /** data-* attributes (camelCase keys as in `dataset`). */
  dataset?: Record<string, string | number | undefined>;
  /** Event listeners. */
  on?: EventHandlers;
  /** Any other attribute: strings/numbers are set, `true` adds it empty, false/null/undefined skip it. */
  [attribute: string]: unknown;
}

const FORBIDDEN = /^(on|style$|innerhtml$|outerhtml$|srcdoc$)/i;

function append(parent: Node, child: Child): void {
  if (child === null || child === undefined || child === false) return;
  if (Array.isArray(child)) {
    for (const c of child) append(parent, c);
  } else if (typeof child === 'string' || typeof child === 'number') {
    parent.appendChild(document.createTextNode(String(child)));
  } else {
    parent.appendChild(child);
  }
}

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props?: Props | null, ...children: Child[]): HTMLElementTagNameMap[K];
export function h(tag: string, props?: Props | null, ...children: Child[]): HTMLElement;
export function h(tag: string, props?: Props | null, ...children: Child[]): HTMLElement {
  const el = document.createElement(tag);
  if (props) {
    for (const [key, value] of Object.entries(props)) {
      if (value === undefined || value === null || value === false) continue;
      if (key === 'class') {
        const names = Array.isArray(value) ? value.filter(Boolean).join(' ') : String(value);
        if (names) el.className = names;
      } else if (key === 'dataset') {
        for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
          if (v !== undefined && v !== null) el.dataset[k] = String(v);
        }
      } else if (key === 'on') {
        for (const [type, handler] of Object.entries(value as Record<string, EventListener>)) {
          if (handler) el.addEventListener(type, handler);
        }
      } else if (FORBIDDEN.test(key)) {
        throw new Error(`h(): refusing to set "${key}"`);
      } else if (value === true) {
        el.setAttribute(key, '');
      } else {
        el.setAttribute(key, String(value));
      }
    }
  }
  for (const child of children) append(el, child);
  return el;
}

/** Replaces an element's children (text stays text). */
export function setChildren(el: Element, ...children: Child[]): void {
  const frag = document.createDocumentFragment();
  for (const child of children) append(frag, child);
  el.replaceChildren(frag);
}

/** `<span class="codicon codicon-NAME" aria-hidden="true">`. */
export function codicon(name: string, extraClass?: string): HTMLSpanElement {
  return h('span', { class: ['codicon', `codicon-${name}`, extraClass], 'aria-hidden': 'true' });
}

const currencyFormats = new Map<string, Intl.NumberFormat>();

/** Money with Intl (no cents for whole amounts), e.g. "$12,500" or "$99.95". */
export function formatCurrency(value: number, currency = 'USD', locale?: string): string {
  const amount = Number.isFinite(value) ? value : 0;
  const whole = Number.isInteger(amount);
  const key = `${locale ?? ''}|${currency}|${whole}`;
  let fmt = currencyFormats.get(key);
  if (!fmt) {
    try {
      fmt = new Intl.NumberFormat(locale, {
        style: 'currency',
        currency,
        minimumFractionDigits: whole ? 0 : 2,
        maximumFractionDigits: whole ? 0 : 2,
      });
    } catch {
      fmt = new Intl.NumberFormat(locale, { maximumFractionDigits: 2 });
    }
    currencyFormats.set(key, fmt);
  }
  return fmt.format(amount);
}

const numberFormat = new Intl.NumberFormat();

/** Plain grouped number, e.g. "1,234". */
export function formatNumber(value: number): string {
  return numberFormat.format(Number.isFinite(value) ? value : 0);
}

/** Calls `fn` once, `ms` after the last call. */
export function debounce<A extends unknown[]>(fn: (...args: A) => void, ms: number): ((...args: A) => void) & { cancel(): void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const debounced = (...args: A) => {
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      fn(...args);
    }, ms);
  };
  debounced.cancel = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
  };
  return debounced;
}
