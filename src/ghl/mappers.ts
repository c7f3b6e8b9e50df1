import { z } from 'zod';
import type { Contact, CustomFieldValue, Opportunity, OpportunityStatus, Pipeline } from '../protocol/entities';
import { OPPORTUNITY_STATUSES } from '../protocol/entities';
import { readCustomFieldValue } from './customFieldValues';

/**
 * GHL records → cached entities. GHL omits fields freely and sometimes sends nulls, so the
 * wire schemas are lenient about everything but the id; a record without an id is useless
 * to the cache and is dropped by the callers.
 */

const str = z.string().nullish().catch(null);
// Loose: opportunities carry their value as fieldValue, fieldValueString, fieldValueNumber, … (see customFieldValues.ts).
const customFields = z
  .array(z.looseObject({ id: z.string(), value: z.unknown().optional(), field_value: z.unknown().optional(), fieldValue: z.unknown().optional() }))
  .nullish()
  .catch(null);

export const wireContact = z.looseObject({
  id: z.string().min(1),
  locationId: str,
  firstName: str,
  lastName: str,
  contactName: str,
  name: str,
  email: str,
  phone: str,
  companyName: str,
  address1: str,
  city: str,
  state: str,
  postalCode: str,
  tags: z.array(z.string()).nullish().catch(null),
  customFields,
  dateAdded: z.union([z.string(), z.number()]).nullish().catch(null),
  dateUpdated: z.union([z.string(), z.number()]).nullish().catch(null),
  searchAfter: z.array(z.union([z.number(), z.string()])).nullish().catch(null),
});
export type WireContact = z.infer<typeof wireContact>;

export const wireOpportunity = z.looseObject({
  id: z.string().min(1),
  locationId: str,
  name: str,
  pipelineId: str,
  pipelineStageId: str,
  status: str,
  monetaryValue: z.number().nullish().catch(null),
  contactId: str,
  assignedTo: str,
  source: str,
  customFields,
  createdAt: z.union([z.string(), z.number()]).nullish().catch(null),
  updatedAt: z.union([z.string(), z.number()]).nullish().catch(null),
  contact: z.looseObject({ id: str, name: str }).nullish().catch(null),
});
export type WireOpportunity = z.infer<typeof wireOpportunity>;

export const wirePipeline = z.looseObject({
  id: z.string().min(1),
  name: str,
  locationId: str,
  stages: z
    .array(z.looseObject({ id: z.string(), name: str, position: z.number().nullish().catch(null) }))
    .nullish()
    .catch(null),
});
export type WirePipeline = z.infer<typeof wirePipeline>;

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

function iso(value: string | number | null | undefined): string | null {
  if (value === null || value === undefined || value === '') return null;
  // GHL already sends this shape; re-formatting 50,000 of them costs a noticeable share of a sync.
  if (typeof value === 'string' && ISO_UTC.test(value)) return value;
  const date = new Date(typeof value === 'number' ? value : value);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

function fields(values: z.infer<typeof customFields>): CustomFieldValue[] {
  return (values ?? []).map((f) => ({ id: f.id, value: readCustomFieldValue(f) }));
}

export function toContact(wire: WireContact, locationId: string, syncedAt: number): Contact {
  const composed = [wire.firstName, wire.lastName].filter(Boolean).join(' ');
  return {
    id: wire.id,
    locationId: wire.locationId ?? locationId,
    firstName: wire.firstName ?? null,
    lastName: wire.lastName ?? null,
    name: wire.contactName || wire.name || composed || null,
    email: wire.email ?? null,
    phone: wire.phone ?? null,
    companyName: wire.companyName ?? null,
    address1: wire.address1 ?? null,
    city: wire.city ?? null,
    state: wire.state ?? null,
    postalCode: wire.postalCode ?? null,
    tags: wire.tags ?? [],
    customFields: fields(wire.customFields),
    createdAt: iso(wire.dateAdded),
    updatedAt: iso(wire.dateUpdated),
    syncedAt,
  };
}

function status(value: string | null | undefined): OpportunityStatus {
  return (OPPORTUNITY_STATUSES as readonly string[]).includes(value ?? '') ? (value as OpportunityStatus) : 'open';
}

export function toOpportunity(wire: WireOpportunity, locationId: string, syncedAt: number): Opportunity {
  return {
    id: wire.id,
    locationId: wire.locationId ?? locationId,
    name: wire.name ?? '(unnamed)',
    pipelineId: wire.pipelineId ?? '',
    pipelineStageId: wire.pipelineStageId ?? '',
    status: status(wire.status),
    monetaryValue: wire.monetaryValue ?? 0,
    contactId: wire.contactId ?? wire.contact?.id ?? null,
    contactName: wire.contact?.name ?? null,
    assignedTo: wire.assignedTo ?? null,
    source: wire.source ?? null,
    customFields: fields(wire.customFields),
    createdAt: iso(wire.createdAt),
    updatedAt: iso(wire.updatedAt),
    syncedAt,
  };
}

export function toPipeline(wire: WirePipeline, locationId: string, syncedAt: number): Pipeline {
  return {
    id: wire.id,
    locationId: wire.locationId ?? locationId,
    name: wire.name ?? '(unnamed pipeline)',
    stages: (wire.stages ?? [])
      .map((s, index) => ({ id: s.id, name: s.name ?? '(unnamed stage)', position: s.position ?? index }))
      .sort((a, b) => a.position - b.position),
    syncedAt,
  };
}

/** Parses a list of wire records, keeping the valid ones. */
export function parseRecords<T>(schema: z.ZodType<T>, records: unknown): { valid: T[]; invalid: number } {
  if (!Array.isArray(records)) return { valid: [], invalid: 0 };
  const fast = FAST_PATHS.get(schema);
  const valid: T[] = [];
  let invalid = 0;
  for (const record of records) {
    // Records that are plainly well-formed skip zod (the sync's hot path); anything odd gets the lenient schema.
    if (fast?.(record)) {
      valid.push(record as T);
      continue;
    }
    const parsed = schema.safeParse(record);
    if (parsed.success) valid.push(parsed.data);
    else invalid++;
  }
  return { valid, invalid };
}

const optionalString = (v: unknown) => v === undefined || v === null || typeof v === 'string';
const optionalDate = (v: unknown) => v === undefined || v === null || typeof v === 'string' || typeof v === 'number';
const optionalStringArray = (v: unknown) => v === undefined || v === null || (Array.isArray(v) && v.every((x) => typeof x === 'string'));
const optionalFieldArray = (v: unknown) =>
  v === undefined ||
  v === null ||
  (Array.isArray(v) && v.every((f) => typeof f === 'object' && f !== null && typeof (f as { id?: unknown }).id === 'string'));

const CONTACT_STRINGS = ['locationId', 'firstName', 'lastName', 'contactName', 'name', 'email', 'phone', 'companyName', 'address1', 'city', 'state', 'postalCode'] as const;

/** True when a record already has exactly the types wireContact would produce. */
function isPlainContact(r: unknown): boolean {
  if (typeof r !== 'object' || r === null) return false;
  const c = r as Record<string, unknown>;
  if (typeof c.id !== 'string' || c.id === '') return false;
  for (const key of CONTACT_STRINGS) if (!optionalString(c[key])) return false;
  return (
    optionalStringArray(c.tags) &&
    optionalFieldArray(c.customFields) &&
    optionalDate(c.dateAdded) &&
    optionalDate(c.dateUpdated) &&
    (c.searchAfter === undefined || c.searchAfter === null || (Array.isArray(c.searchAfter) && c.searchAfter.every((x) => typeof x === 'string' || typeof x === 'number')))
  );
}

const FAST_PATHS = new Map<z.ZodType<unknown>, (record: unknown) => boolean>([[wireContact, isPlainContact]]);
