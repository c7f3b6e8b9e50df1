/** ARV estimates in the sql.js cache (table ghl_arv_estimates), values always bound. */
import type { Database, SqlValue } from 'sql.js';
import { z } from 'zod';
import { allRows, firstRow, parseJsonArray, runChanges } from '../db/sql';
import { VALUATION_ERROR_KINDS, type StoredArvEstimate, type UsedComparable } from '../protocol/arv';
import type { ArvEstimateStore } from './estimateStore';

const COLUMNS =
  'opportunity_id, location_id, address, subject_sqft, arv, avm_price, avm_low, avm_high, comps, method, confidence, ' +
  'repairs, mao, provider, estimated_at, error, error_kind, written_value, written_at';

const UPSERT = `INSERT INTO ghl_arv_estimates (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT(opportunity_id) DO UPDATE SET
  location_id = excluded.location_id, address = excluded.address, subject_sqft = excluded.subject_sqft,
  arv = excluded.arv, avm_price = excluded.avm_price, avm_low = excluded.avm_low, avm_high = excluded.avm_high,
  comps = excluded.comps, method = excluded.method, confidence = excluded.confidence,
  repairs = excluded.repairs, mao = excluded.mao, provider = excluded.provider, estimated_at = excluded.estimated_at,
  error = excluded.error, error_kind = excluded.error_kind,
  written_value = excluded.written_value, written_at = excluded.written_at`;

const nullableNumber = z.number().nullable().catch(null);
const storedComp = z.object({
  formattedAddress: z.string().nullable().catch(null),
  price: z.number(),
  squareFootage: z.number(),
  bedrooms: nullableNumber,
  bathrooms: nullableNumber,
  distance: nullableNumber,
  daysOld: nullableNumber,
  correlation: z.number(),
  pricePerSqft: z.number(),
});

export class ArvEstimatesRepo implements ArvEstimateStore {
  constructor(private readonly db: Database) {}

  get(opportunityId: string): StoredArvEstimate | undefined {
    const row = firstRow(this.db, `SELECT ${COLUMNS} FROM ghl_arv_estimates WHERE opportunity_id = ?`, [opportunityId]);
    return row ? fromRow(row) : undefined;
  }

  /** Many at once, e.g. for the board's cards; ids without an estimate are absent. */
  getMany(opportunityIds: readonly string[]): Map<string, StoredArvEstimate> {
    const found = new Map<string, StoredArvEstimate>();
    if (opportunityIds.length === 0) return found;
    const rows = allRows(this.db, `SELECT ${COLUMNS} FROM ghl_arv_estimates WHERE opportunity_id IN (SELECT value FROM json_each(?))`, [
      JSON.stringify(opportunityIds),
    ]);
    for (const row of rows) {
      const estimate = fromRow(row);
      found.set(estimate.opportunityId, estimate);
    }
    return found;
  }

  listForLocation(locationId: string): StoredArvEstimate[] {
    return allRows(this.db, `SELECT ${COLUMNS} FROM ghl_arv_estimates WHERE location_id = ? ORDER BY opportunity_id`, [locationId]).map(fromRow);
  }

  put(e: StoredArvEstimate): void {
    this.db.run(UPSERT, [
      e.opportunityId,
      e.locationId,
      e.address,
      e.subjectSquareFootage,
      e.arv,
      e.avmPrice,
      e.avmLow,
      e.avmHigh,
      JSON.stringify(e.comps),
      e.method,
      e.confidence,
      e.repairs,
      e.mao,
      e.provider,
      e.estimatedAt,
      e.error,
      e.errorKind,
      e.writtenValue,
      e.writtenAt,
    ]);
  }

  deleteForLocation(locationId: string): number {
    return runChanges(this.db, 'DELETE FROM ghl_arv_estimates WHERE location_id = ?', [locationId]);
  }
}

function fromRow(r: SqlValue[]): StoredArvEstimate {
  const method = r[9];
  const confidence = r[10];
  const errorKind = r[16];
  return {
    opportunityId: String(r[0]),
    locationId: String(r[1]),
    address: text(r[2]),
    subjectSquareFootage: number(r[3]),
    arv: number(r[4]),
    avmPrice: number(r[5]),
    avmLow: number(r[6]),
    avmHigh: number(r[7]),
    comps: comps(r[8]),
    method: method === 'comps' || method === 'avm' ? method : null,
    confidence: confidence === 'high' || confidence === 'medium' || confidence === 'low' ? confidence : null,
    repairs: number(r[11]),
    mao: number(r[12]),
    provider: String(r[13] ?? ''),
    estimatedAt: number(r[14]) ?? 0,
    error: text(r[15]),
    errorKind: (VALUATION_ERROR_KINDS as readonly unknown[]).includes(errorKind) ? (errorKind as StoredArvEstimate['errorKind']) : null,
    writtenValue: number(r[17]),
    writtenAt: number(r[18]),
  };
}

/** The stored comps, dropping any entry a hand-edited or damaged file made unreadable. */
function comps(value: SqlValue): UsedComparable[] {
  const out: UsedComparable[] = [];
  for (const entry of parseJsonArray(value)) {
    const parsed = storedComp.safeParse(entry);
    if (parsed.success) out.push(parsed.data);
  }
  return out;
}

function text(value: SqlValue): string | null {
  return typeof value === 'string' ? value : null;
}

function number(value: SqlValue): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}
