// Row <-> entity mapping helpers. Parsing is defensive: bad JSON or odd shapes in a
// JSON column become an empty list (or drop the odd element), never a throw.
import type { SqlValue } from 'sql.js';
import type { CustomFieldValue, PipelineStage } from '../protocol/entities';
import { num, parseJsonArray } from './sql';

export function parseTags(value: SqlValue | undefined): string[] {
  return parseJsonArray(value).filter((t): t is string => typeof t === 'string');
}

export function parseCustomFields(value: SqlValue | undefined): CustomFieldValue[] {
  const out: CustomFieldValue[] = [];
  for (const item of parseJsonArray(value)) {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) continue;
    const rec = item as Record<string, unknown>;
    if (typeof rec.id !== 'string') continue;
    out.push({ id: rec.id, value: rec.value === undefined ? null : rec.value });
  }
  return out;
}

export function parseStages(value: SqlValue | undefined): PipelineStage[] {
  const out: PipelineStage[] = [];
  for (const item of parseJsonArray(value)) {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) continue;
    const rec = item as Record<string, unknown>;
    if (typeof rec.id !== 'string') continue;
    out.push({
      id: rec.id,
      name: typeof rec.name === 'string' ? rec.name : '',
      position: num(typeof rec.position === 'number' ? rec.position : null, out.length),
    });
  }
  return out;
}

/** JSON text for a list column; anything that is not an array is stored as `[]`. */
export function jsonArray(value: unknown): string {
  if (!Array.isArray(value)) return '[]';
  try {
    return JSON.stringify(value) ?? '[]';
  } catch {
    return '[]';
  }
}
