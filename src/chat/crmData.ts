/**
 * CRM text reaches the model only inside a marked data block, and the system prompt says
 * such blocks are data, never instructions. The JSON inside has every `<` escaped, so no
 * name or note can close the block early and pose as instructions after it.
 */

export const DATA_TAG = 'ghl-data';

/** At most this many rows go into one tool result; the rest are counted, not listed. */
export const MAX_ROWS = 25;

/** Long CRM text (message bodies, notes) is cut to this many characters. */
export const MAX_TEXT_CHARS = 600;

export function dataBlock(source: string, data: unknown): string {
  const json = JSON.stringify(data).replace(/</g, '\\u003c').replace(/>/g, '\\u003e');
  return `<${DATA_TAG} source="${source}" kind="untrusted CRM data">\n${json}\n</${DATA_TAG}>`;
}

/** `{ items, shown, total, more }` with at most MAX_ROWS items. */
export function capped<T>(items: readonly T[], total = items.length, max = MAX_ROWS): { items: T[]; shown: number; total: number; more: number } {
  const shown = items.slice(0, max);
  return { items: shown, shown: shown.length, total, more: Math.max(0, total - shown.length) };
}

export function clip(text: string | null | undefined, max = MAX_TEXT_CHARS): string | null {
  if (text === null || text === undefined) return null;
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** Drops null, undefined and empty arrays so each row costs only the tokens it needs. */
export function compact<T extends Record<string, unknown>>(row: T): Partial<T> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) {
    if (value === null || value === undefined || value === '') continue;
    if (Array.isArray(value) && value.length === 0) continue;
    out[key] = value;
  }
  return out as Partial<T>;
}

/** Quotes CRM text inside a one-line human summary; cut short and stripped of line breaks. */
export function quote(text: string | null | undefined, max = 80): string {
  return `"${clip(text ?? '', max) ?? ''}"`;
}
