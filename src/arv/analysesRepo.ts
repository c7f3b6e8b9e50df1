/**
 * The deal analyzer's rows (table ghl_arv_analyses): what a fetch found and the user's exclusions.
 * Read back through a schema: a row that no longer fits (an older shape, a hand-edited file) is
 * treated as absent, so the next analyze fetches afresh rather than showing a wrong ARV.
 */
import type { Database } from 'sql.js';
import { z } from 'zod';
import { firstRow, parseJsonArray, runChanges } from '../db/sql';
import type { FetchedComps } from './dealAnalysis';

export interface StoredAnalysis {
  opportunityId: string;
  locationId: string;
  fetched: FetchedComps;
  excluded: string[];
  updatedAt: number;
}

const num = z.number().finite();
const nullableNum = num.nullable();
const nullableText = z.string().nullable();

const fetchedSchema = z.object({
  subject: z.object({
    address: z.string(),
    latitude: nullableNum,
    longitude: nullableNum,
    propertyType: nullableText,
    squareFootage: nullableNum,
    bedrooms: nullableNum,
    bathrooms: nullableNum,
    yearBuilt: nullableNum,
  }),
  subjectRecordId: nullableText,
  comps: z.array(
    z.object({
      id: z.string(),
      address: nullableText,
      latitude: nullableNum,
      longitude: nullableNum,
      saleDate: z.string(),
      salePrice: num,
      squareFootage: num,
      bedrooms: nullableNum,
      bathrooms: nullableNum,
      yearBuilt: nullableNum,
      distance: nullableNum,
      ageDays: num,
      pricePerSqft: num,
    }),
  ),
  listingComps: z.array(
    z.object({
      formattedAddress: nullableText,
      price: nullableNum,
      squareFootage: nullableNum,
      bedrooms: nullableNum,
      bathrooms: nullableNum,
      distance: nullableNum,
      daysOld: nullableNum,
      correlation: nullableNum,
    }),
  ),
  avm: z.object({ price: num, low: nullableNum, high: nullableNum }),
  search: z.object({ radiusMiles: num, saleWithinDays: num, undisclosed: z.boolean() }),
  lookups: num,
  fetchedAt: num,
});

export class ArvAnalysesRepo {
  constructor(private readonly db: Database) {}

  get(opportunityId: string): StoredAnalysis | undefined {
    const row = firstRow(this.db, 'SELECT opportunity_id, location_id, fetched, excluded, updated_at FROM ghl_arv_analyses WHERE opportunity_id = ?', [opportunityId]);
    if (!row) return undefined;
    let json: unknown;
    try {
      json = JSON.parse(String(row[2]));
    } catch {
      return undefined;
    }
    const fetched = fetchedSchema.safeParse(json);
    if (!fetched.success) return undefined;
    return {
      opportunityId: String(row[0]),
      locationId: String(row[1]),
      fetched: fetched.data,
      excluded: parseJsonArray(row[3]).filter((v): v is string => typeof v === 'string'),
      updatedAt: Number(row[4]),
    };
  }

  put(row: StoredAnalysis): void {
    runChanges(
      this.db,
      `INSERT INTO ghl_arv_analyses (opportunity_id, location_id, fetched, excluded, updated_at) VALUES (?, ?, ?, ?, ?)
ON CONFLICT(opportunity_id) DO UPDATE SET location_id = excluded.location_id, fetched = excluded.fetched, excluded = excluded.excluded, updated_at = excluded.updated_at`,
      [row.opportunityId, row.locationId, JSON.stringify(row.fetched), JSON.stringify(row.excluded), row.updatedAt],
    );
  }
}

/** The write journal's name for a deal analysis the user changed (an exclusion). */
export const ARV_ANALYSIS_JOURNAL_FEATURE = 'arv-analysis';

const storedAnalysisSchema = z.object({
  opportunityId: z.string().min(1),
  locationId: z.string().min(1),
  fetched: fetchedSchema,
  excluded: z.array(z.string()),
  updatedAt: num,
});

/**
 * Applies a journalled analysis (written by this window or another, read back from disk): the row
 * as the user left it. One that does not fit is refused, so the entry is logged, not half-applied.
 */
export function applyArvAnalysisJournalEntry(db: Database, data: unknown): void {
  const row = storedAnalysisSchema.parse(data);
  new ArvAnalysesRepo(db).put(row);
}
