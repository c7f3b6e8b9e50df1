/**
 * Reads a custom field's value in every shape GHL answers with:
 * - contacts: `{ id, value }`;
 * - writes echoed back and older payloads: `{ id, field_value }`;
 * - opportunities per the spec (`CustomFieldResponseSchema`): `{ id, fieldValue }`;
 * - opportunities in practice (GoHighLevel/highlevel-api-docs#87): `{ id, type, fieldValueString }`
 *   and its siblings `fieldValueNumber`, `fieldValueArray`, `fieldValueBoolean`, `fieldValueDate`,
 *   `fieldValueFiles`, … — any key that starts with `fieldValue`.
 * The mappers (mappers.ts) read every cached value through it, so the cache holds the value whatever the shape.
 */
import type { CustomFieldValue } from '../protocol/entities';

const PLAIN_KEYS = ['value', 'field_value', 'fieldValue'] as const;

/** The value of one wire entry; null when it carries none. */
export function readCustomFieldValue(entry: unknown): unknown {
  if (typeof entry !== 'object' || entry === null) return null;
  const record = entry as Record<string, unknown>;
  for (const key of PLAIN_KEYS) {
    if (record[key] !== undefined && record[key] !== null) return record[key];
  }
  // The typed variant named by `type` first (`{ type: 'string', fieldValueString }`), then any other.
  const type = typeof record.type === 'string' ? record.type : '';
  const named = type ? record[`fieldValue${type.charAt(0).toUpperCase()}${type.slice(1)}`] : undefined;
  if (named !== undefined && named !== null) return named;
  for (const [key, value] of Object.entries(record)) {
    if (key.startsWith('fieldValue') && value !== undefined && value !== null) return value;
  }
  return null;
}

/** A wire list of custom fields as `{ id, value }`; entries without a string id are dropped. */
export function normalizeCustomFields(list: unknown): CustomFieldValue[] {
  if (!Array.isArray(list)) return [];
  const out: CustomFieldValue[] = [];
  for (const entry of list) {
    const id = typeof entry === 'object' && entry !== null ? (entry as { id?: unknown }).id : undefined;
    if (typeof id === 'string' && id !== '') out.push({ id, value: readCustomFieldValue(entry) });
  }
  return out;
}

/** The value of field `fieldId` in a list of wire or cached entries (null when absent). */
export function customFieldValue(fields: readonly unknown[] | null | undefined, fieldId: string): unknown {
  for (const entry of fields ?? []) {
    if (typeof entry === 'object' && entry !== null && (entry as { id?: unknown }).id === fieldId) return readCustomFieldValue(entry);
  }
  return null;
}

/** The field's value as trimmed text; null when absent or blank. Arrays are joined with ", ". */
export function customFieldText(fields: readonly unknown[] | null | undefined, fieldId: string): string | null {
  const value = customFieldValue(fields, fieldId);
  const text =
    typeof value === 'string' ? value
    : typeof value === 'number' && Number.isFinite(value) ? String(value)
    : Array.isArray(value) ? value.filter((v) => typeof v === 'string' || typeof v === 'number').join(', ')
    : '';
  const trimmed = text.replace(/\s+/g, ' ').trim();
  return trimmed === '' ? null : trimmed;
}

/**
 * The field's value as a number: numbers as they are, text like "$250,000.00" or "1 850 sqft"
 * read leniently. Null when absent, blank or not a number.
 */
export function customFieldNumber(fields: readonly unknown[] | null | undefined, fieldId: string): number | null {
  const value = customFieldValue(fields, fieldId);
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value !== 'string') return null;
  return parseLooseNumber(value);
}

export function parseLooseNumber(text: string): number | null {
  const match = /-?\d[\d,\s]*(?:\.\d+)?|-?\.\d+/.exec(text.replace(/\u00a0/g, ' '));
  if (!match) return null;
  const n = Number(match[0].replace(/[,\s]/g, ''));
  return Number.isFinite(n) ? n : null;
}
