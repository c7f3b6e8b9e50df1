/**
 * From property records to sold comps: a record counts with its latest sale that lies in the
 * window and has a known price (so a flip counts once, with its resale), and needs a square
 * footage to have a price per square foot. RentCast promises no order, so the comps are sorted
 * here: nearest first, then by id, so the same records always give the same list.
 */
import type { CompSale } from '../protocol/arv';
import type { PropertyRecord, RecordedSale } from './types';

const DAY_MS = 86_400_000;
const EARTH_RADIUS_MILES = 3958.8;

export interface SoldComp extends CompSale {
  /** Whole days between the sale and `asOf`. */
  ageDays: number;
}

export interface Point {
  latitude: number | null;
  longitude: number | null;
}

/** Great-circle distance in miles (haversine); null when either point lacks coordinates. */
export function distanceMiles(a: Point, b: Point): number | null {
  if (a.latitude === null || a.longitude === null || b.latitude === null || b.longitude === null) return null;
  const rad = Math.PI / 180;
  const dLat = (b.latitude - a.latitude) * rad;
  const dLon = (b.longitude - a.longitude) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.latitude * rad) * Math.cos(b.latitude * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_MILES * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** The latest sale dated within `windowDays` before `asOf` whose price is known, or null. */
export function latestPricedSale(sales: readonly RecordedSale[], asOf: number, windowDays: number): { sale: RecordedSale & { price: number }; ageDays: number } | null {
  let best: { sale: RecordedSale & { price: number }; at: number } | null = null;
  for (const sale of sales) {
    const at = Date.parse(sale.date);
    if (!Number.isFinite(at) || at > asOf || asOf - at > windowDays * DAY_MS) continue;
    if (typeof sale.price !== 'number' || !Number.isFinite(sale.price) || sale.price <= 0) continue;
    if (best === null || at > best.at) best = { sale: { date: sale.date, price: sale.price }, at };
  }
  return best && { sale: best.sale, ageDays: Math.floor((asOf - best.at) / DAY_MS) };
}

/** True when the records hold sales in the window but not one of them with a price: a non-disclosure area. */
export function salePricesUndisclosed(records: readonly PropertyRecord[], asOf: number, windowDays: number): boolean {
  let datedSales = 0;
  for (const record of records) {
    for (const sale of record.sales) {
      const at = Date.parse(sale.date);
      if (!Number.isFinite(at) || at > asOf || asOf - at > windowDays * DAY_MS) continue;
      if (typeof sale.price === 'number' && sale.price > 0) return false;
      datedSales++;
    }
  }
  return datedSales > 0;
}

/** One comp per record (deduplicated by id), nearest first. */
export function soldCompsFrom(records: readonly PropertyRecord[], subject: Point, asOf: number, windowDays: number): SoldComp[] {
  const byId = new Map<string, SoldComp>();
  for (const record of records) {
    if (byId.has(record.id)) continue;
    const sqft = record.squareFootage;
    if (typeof sqft !== 'number' || !(sqft > 0)) continue;
    const latest = latestPricedSale(record.sales, asOf, windowDays);
    if (!latest) continue;
    byId.set(record.id, {
      id: record.id,
      address: record.formattedAddress,
      latitude: record.latitude,
      longitude: record.longitude,
      saleDate: latest.sale.date.slice(0, 10),
      salePrice: latest.sale.price,
      squareFootage: sqft,
      bedrooms: record.bedrooms,
      bathrooms: record.bathrooms,
      yearBuilt: record.yearBuilt,
      distance: distanceMiles(subject, record),
      ageDays: latest.ageDays,
      pricePerSqft: latest.sale.price / sqft,
    });
  }
  return [...byId.values()].sort((a, b) => (a.distance ?? Infinity) - (b.distance ?? Infinity) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
