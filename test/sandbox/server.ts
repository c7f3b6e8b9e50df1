/**
 * GHL API v2 sandbox: a loopback-only HTTP server that fakes the GoHighLevel endpoints this
 * project uses (locations + custom fields, contacts search/list/CRUD, pipelines, opportunities
 * search/CRUD/status, conversations + messages, users, calendars + events) over deterministic seeded
 * data (data.ts), so tests, the benchmark and the demo never touch the real API.
 *
 * It follows the published OpenAPI specs (/work/shared/ghl-openapi) and the known spec-vs-reality
 * gaps: Bearer auth (401 `Invalid JWT`), a per-family `Version` header (2021-07-28 for contacts,
 * opportunities, locations; 2021-04-15 for conversations, calendars), 403 for a foreign location,
 * NestJS-style errors (422 with `message: string[]`, `property X should not exist` for unknown
 * body/query keys, `Cannot GET /x` for unknown routes), GHL's fixed-window burst limiter with its
 * `X-RateLimit-*` headers (only when `rateLimit` is configured), and these real quirks:
 *  - POST /contacts/search takes the undocumented body (`pageLimit` ≤ 500, `page` limited to
 *    10,000 records, `searchAfter: [sortValueMs, id]` on every hit, range `filters`, `sort`).
 *  - GET /conversations/{id}/messages is nested: `{ messages: { lastMessageId, nextPage, messages } }`.
 *  - GET /opportunities/search ignores `startAfter` unless `startAfterId` is also given (the first
 *    page comes back again — the bug that made integrations loop forever).
 *  - Success bodies say `succeded` (sic).
 *  - PUT /conversations/{id} validates with 400s (`message: string[]`), not 422s.
 * Test hooks: `injectFault` (status/body or a hung response), `touchContacts`, `injectInbound`, live `store`, `stats`.
 */
import http from 'node:http';
import { contactAddresses, createRentcastStandIn, type RentcastSandboxOptions, type RentcastStandIn } from './rentcast';
import { followUpRoutes, seedFollowUp, type SandboxFollowUpStore } from './followUp';
import { listenOnLoopback } from './loopback';
import { TZDate } from '@date-fns/tz';
import { formatISO } from 'date-fns';
import { FREE_SLOTS_MAX_RANGE_MS, freeSlots, isFreeSlot } from './freeSlots';
import {
  compareContacts,
  generateStore,
  MESSAGE_TYPES,
  opportunityContact,
  Rng,
  SANDBOX_CITIES,
  type SandboxCalendarEvent,
  type SandboxContact,
  type SandboxConversation,
  type SandboxCustomField,
  type SandboxCustomFieldValue,
  type SandboxMessage,
  type SandboxOpportunity,
  type SandboxOpportunityStatus,
  type SandboxStore,
} from './data';

export * from './data';
export type { SandboxFollowUpStore, SandboxNote, SandboxTask, SandboxWorkflow } from './followUp';

export interface SandboxOptions {
  /** 0 (default) = random free port; always binds 127.0.0.1. */
  port?: number;
  token?: string;
  locationId?: string;
  locationName?: string;
  /** The location's `timezone` (default America/Chicago); tests of day windows set one that differs from the machine's. */
  locationTimeZone?: string;
  seed?: number;
  contacts?: number;
  opportunities?: number;
  /** Each with 3..12 messages. */
  conversations?: number;
  /** GHL's burst limit (fixed window from the first request of the window) plus a daily budget. Off by default. */
  rateLimit?: { max: number; intervalMs: number; dailyMax?: number };
  /** Artificial delay before every response. */
  latencyMs?: number;
  /** Spread of that delay as a share of it: 0.2 = each answer takes latencyMs ±20 % (uniform). */
  latencyJitter?: number;
  now?: () => number;
  /** The RentCast stand-in mounted on this port under /v1/avm/ and /v1/properties (it knows the addresses of the contacts there are at its first request); false: not mounted. */
  rentcast?: RentcastSandboxOptions | false;
  /** #17: tasks seeded across the location (default 40; the bench asks for 20,000). */
  tasks?: number;
}

export interface SandboxStats {
  requests: number;
  rateLimited: number;
  /** Keys like 'POST /contacts/search', 'GET /contacts/{contactId}'; unmatched routes count as 'GET *'. */
  byRoute: Record<string, number>;
}

export interface SandboxFault {
  method?: string;
  /** A string matches the request path (trailing slash ignored) or the route template ('/contacts/{contactId}'). */
  path?: string | RegExp;
  status?: number;
  body?: unknown;
  times?: number;
  hang?: boolean;
}

export interface SandboxInbound {
  conversationId?: string;
  contactId?: string;
  /** A send type (SMS, Email, WhatsApp, …) or a message type (TYPE_SMS, TYPE_CALL, …). */
  type: string;
  body: string;
  subject?: string;
  attachments?: string[];
}

export interface Sandbox {
  url: string;
  port: number;
  token: string;
  locationId: string;
  store: SandboxStore;
  stats: SandboxStats;
  resetStats(): void;
  /** Requests received and not yet answered (or dropped): 0 once everything a client sent has its answer on the wire. */
  readonly requestsInFlight: number;
  /** The next `times` (default 1) requests matching method/path answer `status` with `body` (GHL error shape by default), or, with `hang: true`, never answer. */
  injectFault(fault: SandboxFault): void;
  /**
   * A lead writes in: appends an inbound message to the conversation (or the contact's, or a new
   * one), which becomes its last message with one more unread. Throws on an unknown id or type.
   */
  injectInbound(input: SandboxInbound): { message: SandboxMessage; conversation: SandboxConversation };
  /** Marks n contacts (or the given ids) as updated now: new dateUpdated, changed city. Returns their ids. */
  touchContacts(nOrIds: number | string[]): string[];
  /** The RentCast stand-in answering `${url}/v1/avm/value` (null when not mounted). */
  rentcast: RentcastStandIn | null;
  close(): Promise<void>;
  /** #17: notes, tasks, location tags, workflows and their members. */
  followUp: SandboxFollowUpStore;
}

// ---------------------------------------------------------------------------------------------
// HTTP plumbing
// ---------------------------------------------------------------------------------------------

const MAX_BODY_BYTES = 1024 * 1024;
const V_2021_07_28 = '2021-07-28';
const V_2021_04_15 = '2021-04-15';

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(typeof body === 'object' && body && 'message' in body ? String((body as { message: unknown }).message) : `HTTP ${status}`);
  }
}

const unprocessable = (...messages: string[]) =>
  new HttpError(422, { statusCode: 422, message: messages, error: 'Unprocessable Entity' });
const badRequest = (message: string, extra: Record<string, unknown> = {}) => new HttpError(400, { statusCode: 400, message, ...extra });
const notFound = (message: string) => new HttpError(404, { statusCode: 404, message });
const forbidden = () => new HttpError(403, { statusCode: 403, message: 'The token does not have access to this location.' });

function defaultErrorBody(status: number): unknown {
  if (status === 401) return { statusCode: 401, message: 'Invalid JWT', error: 'Unauthorized' };
  if (status === 422) return { statusCode: 422, message: ['Unprocessable Entity'], error: 'Unprocessable Entity' };
  if (status === 429) return { statusCode: 429, message: 'Too Many Requests' };
  return { statusCode: status, message: http.STATUS_CODES[status] ?? 'Error' };
}

interface Ctx {
  method: string;
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  body: Record<string, unknown>;
}

interface Reply {
  status?: number;
  body: unknown;
}

interface Route {
  method: string;
  template: string;
  regex: RegExp;
  keys: string[];
  version: string;
  key: string;
  handler: (ctx: Ctx) => Reply;
}

// ---------------------------------------------------------------------------------------------
// Validation helpers (class-validator-like messages)
// ---------------------------------------------------------------------------------------------

function rejectUnknown(obj: Record<string, unknown>, allowed: ReadonlySet<string>): void {
  const extra = Object.keys(obj).filter((k) => !allowed.has(k));
  if (extra.length) throw unprocessable(...extra.map((k) => `property ${k} should not exist`));
}

function rejectUnknownQuery(query: URLSearchParams, allowed: ReadonlySet<string>): void {
  const extra = [...new Set(query.keys())].filter((k) => !allowed.has(k));
  if (extra.length) throw unprocessable(...extra.map((k) => `property ${k} should not exist`));
}

function optString(obj: Record<string, unknown>, key: string, errors: string[]): string | undefined {
  const v = obj[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') {
    errors.push(`${key} must be a string`);
    return undefined;
  }
  return v;
}

function reqString(obj: Record<string, unknown>, key: string, errors: string[]): string {
  const v = obj[key];
  if (typeof v !== 'string') {
    errors.push(`${key} must be a string`);
    if (v === undefined || v === null || v === '') errors.push(`${key} should not be empty`);
    return '';
  }
  if (v === '') errors.push(`${key} should not be empty`);
  return v;
}

/** Integer query/body value within [min, max]; `undefined` when absent. */
function intParam(raw: unknown, key: string, min: number, max: number | null, errors: string[]): number | undefined {
  if (raw === undefined || raw === null || raw === '') return undefined;
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^-?\d+$/.test(raw.trim()) ? Number(raw) : NaN;
  if (!Number.isInteger(n)) {
    errors.push(`${key} must be an integer number`);
    return undefined;
  }
  if (n < min) errors.push(`${key} must not be less than ${min}`);
  if (max !== null && n > max) errors.push(`${key} must not be greater than ${max}`);
  return n;
}

function throwIf(errors: string[]): void {
  if (errors.length) throw unprocessable(...errors);
}

const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Epoch ms (number or numeric string) or an ISO/date string → ISO string (comparable as text). */
function toIso(value: unknown): string | null {
  let ms: number;
  if (typeof value === 'number') ms = value;
  else if (typeof value === 'string' && /^\d+$/.test(value.trim())) ms = Number(value);
  else if (typeof value === 'string') ms = Date.parse(value);
  else return null;
  if (!Number.isFinite(ms)) return null;
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

const isoOf = (ms: number) => new Date(ms).toISOString();

// ---------------------------------------------------------------------------------------------
// The server
// ---------------------------------------------------------------------------------------------

/** How long each answer waits: `latencyMs` ± `latencyJitter` of it (uniform), from a generator seeded by `seed`. */
export function answerDelays(options: Pick<SandboxOptions, 'latencyMs' | 'latencyJitter' | 'seed'>): () => number {
  const latencyMs = Math.max(0, options.latencyMs ?? 0);
  const latencyJitter = Math.min(1, Math.max(0, options.latencyJitter ?? 0));
  const latencyRng = new Rng(((options.seed ?? 1) ^ 0x1a7e) >>> 0);
  return () => Math.round(latencyMs * (1 + latencyJitter * (2 * latencyRng.next() - 1)));
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const token = options.token ?? 'pit-sandbox-token';
  const locationId = options.locationId ?? 'loc_sandbox_0001';
  const now = options.now ?? Date.now;
  const latencyMs = Math.max(0, options.latencyMs ?? 0);
  const seed = options.seed ?? 1;
  const answerDelay = answerDelays(options);
  const store = generateStore({
    seed,
    locationId,
    locationName: options.locationName ?? 'Sandbox Realty',
    locationTimeZone: options.locationTimeZone,
    contacts: options.contacts ?? 250,
    opportunities: options.opportunities ?? 60,
    conversations: options.conversations ?? 20,
    now: now(),
  });
  const followUp = seedFollowUp(store, { seed, now: now(), tasks: options.tasks });
  const touchRng = new Rng((seed ^ 0x5eed) >>> 0);
  const idRng = new Rng((seed * 7919 + 17) >>> 0);
  const stats: SandboxStats = { requests: 0, rateLimited: 0, byRoute: {} };
  const faults: Array<SandboxFault & { remaining: number }> = [];
  let baseUrl = '';

  const newId = (): string => {
    for (;;) {
      const id = idRng.id();
      if (!store.contacts.has(id) && !store.opportunities.has(id) && !store.conversations.has(id)) return id;
    }
  };

  // --- contact index maintenance -------------------------------------------------------------

  const index = (): SandboxContact[] => {
    if (store.contactsByDateAdded.length !== store.contacts.size) store.reindexContacts();
    return store.contactsByDateAdded;
  };
  /** First position whose (dateAdded, id) is > (iso, id) when `strict`, else >=. */
  const lowerBound = (arr: SandboxContact[], iso: string, id: string, field: 'dateAdded' | 'dateUpdated', strict: boolean): number => {
    let lo = 0;
    let hi = arr.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const c = arr[mid]!;
      const v = c[field];
      const cmp = v < iso ? -1 : v > iso ? 1 : c.id < id ? -1 : c.id > id ? 1 : 0;
      if (cmp < 0 || (strict && cmp === 0)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  /** Call before adding `c` to `store.contacts` (so the size check does not rebuild it in). */
  const indexInsert = (c: SandboxContact) => {
    const arr = index();
    const last = arr[arr.length - 1];
    if (!last || compareContacts(last, c) < 0) arr.push(c);
    else arr.splice(lowerBound(arr, c.dateAdded, c.id, 'dateAdded', false), 0, c);
  };
  const indexRemove = (c: SandboxContact) => {
    const arr = index();
    const i = lowerBound(arr, c.dateAdded, c.id, 'dateAdded', false);
    if (arr[i] === c) arr.splice(i, 1);
    else {
      const j = arr.indexOf(c);
      if (j >= 0) arr.splice(j, 1);
    }
  };

  const requireLocation = (value: unknown, key: string) => {
    const errors: string[] = [];
    if (typeof value !== 'string' || value === '') {
      errors.push(`${key} must be a string`, `${key} should not be empty`);
      throw unprocessable(...errors);
    }
    if (value !== locationId) throw forbidden();
  };

  const getContact = (id: string): SandboxContact => {
    const c = store.contacts.get(id);
    if (!c) throw notFound('Contact not found');
    return c;
  };

  const findByEmail = (email: string, exceptId?: string): SandboxContact | undefined => {
    for (const c of store.contacts.values()) if (c.email === email && c.id !== exceptId) return c;
    return undefined;
  };

  // --- contacts --------------------------------------------------------------------------------

  type Pred = (c: SandboxContact) => boolean;

  const compileFilters = (filters: unknown, path: string): Pred | null => {
    if (filters === undefined || filters === null) return null;
    if (!Array.isArray(filters)) throw unprocessable(`${path} must be an array`);
    const preds: Pred[] = [];
    filters.forEach((f, i) => {
      const p = `${path}.${i}`;
      if (!f || typeof f !== 'object') throw unprocessable(`${p} must be an object`);
      const item = f as Record<string, unknown>;
      if ('group' in item) {
        if (item.group !== 'AND' && item.group !== 'OR') throw unprocessable(`${p}.group must be one of the following values: AND, OR`);
        const inner = compileFilters(item.filters ?? [], `${p}.filters`);
        const innerList = Array.isArray(item.filters) ? (item.filters as unknown[]) : [];
        if (item.group === 'OR' && innerList.length > 0) {
          const ors = innerList.map((x, j) => compileFilters([x], `${p}.filters.${j}`)!);
          preds.push((c) => ors.some((fn) => fn(c)));
        } else if (inner) preds.push(inner);
        return;
      }
      const field = item.field;
      if (field !== 'dateUpdated' && field !== 'dateAdded') throw unprocessable(`${p}.field ${String(field)} is not supported`);
      if (item.operator !== 'range') throw unprocessable(`${p}.operator ${String(item.operator)} is not supported for ${field}`);
      const value = item.value as Record<string, unknown> | undefined;
      if (!value || typeof value !== 'object') throw unprocessable(`${p}.value must be an object with gt, gte, lt or lte`);
      const bounds: Partial<Record<'gt' | 'gte' | 'lt' | 'lte', string>> = {};
      for (const op of ['gt', 'gte', 'lt', 'lte'] as const) {
        if (value[op] === undefined) continue;
        const iso = toIso(value[op]);
        if (!iso) throw unprocessable(`${p}.value.${op} must be a valid date`);
        bounds[op] = iso;
      }
      if (!Object.keys(bounds).length) throw unprocessable(`${p}.value must be an object with gt, gte, lt or lte`);
      const { gt, gte, lt, lte } = bounds;
      preds.push((c) => {
        const v = c[field];
        return (gt === undefined || v > gt) && (gte === undefined || v >= gte) && (lt === undefined || v < lt) && (lte === undefined || v <= lte);
      });
    });
    if (!preds.length) return null;
    if (preds.length === 1) return preds[0]!;
    return (c) => preds.every((fn) => fn(c));
  };

  const queryPred = (query: string | undefined): Pred | null => {
    const q = query?.trim().toLowerCase();
    if (!q) return null;
    const digits = q.replace(/[^\d]/g, '');
    return (c) =>
      (c.contactName !== null && c.contactName.toLowerCase().includes(q)) ||
      (c.email !== null && c.email.includes(q)) ||
      (c.phone !== null && (c.phone.includes(q) || (digits.length >= 3 && c.phone.includes(digits)))) ||
      (c.companyName !== null && c.companyName.toLowerCase().includes(q));
  };

  const SEARCH_KEYS = new Set(['locationId', 'pageLimit', 'page', 'searchAfter', 'query', 'filters', 'sort']);

  /** The bounds when `filters` (already validated) are only ranges on dateAdded; null otherwise. */
  const dateAddedRange = (filters: unknown): Partial<Record<'gt' | 'gte' | 'lt' | 'lte', string>> | null => {
    if (!Array.isArray(filters) || filters.length === 0) return null;
    const bounds: Partial<Record<'gt' | 'gte' | 'lt' | 'lte', string>> = {};
    for (const f of filters as Array<Record<string, unknown>>) {
      if ('group' in f || f.field !== 'dateAdded' || f.operator !== 'range') return null;
      const value = f.value as Record<string, unknown>;
      for (const op of ['gt', 'gte', 'lt', 'lte'] as const) {
        if (value[op] === undefined) continue;
        const iso = toIso(value[op])!;
        const prev = bounds[op];
        // Several ranges on one field: the tightest bound of each kind wins.
        bounds[op] = prev === undefined ? iso : op.startsWith('g') ? (iso > prev ? iso : prev) : iso < prev ? iso : prev;
      }
    }
    return bounds;
  };

  const searchContacts = (ctx: Ctx): Reply => {
    const b = ctx.body;
    requireLocation(b.locationId, 'locationId');
    rejectUnknown(b, SEARCH_KEYS);
    const errors: string[] = [];
    const pageLimit = intParam(b.pageLimit, 'pageLimit', 1, 500, errors) ?? 20;
    const page = intParam(b.page, 'page', 1, null, errors);
    const query = optString(b, 'query', errors);
    let after: { iso: string; id: string; ms: number } | null = null;
    if (b.searchAfter !== undefined && b.searchAfter !== null) {
      const sa = b.searchAfter;
      const ms = Array.isArray(sa) ? (typeof sa[0] === 'number' ? sa[0] : typeof sa[0] === 'string' && /^\d+$/.test(sa[0]) ? Number(sa[0]) : NaN) : NaN;
      if (!Array.isArray(sa) || sa.length !== 2 || !Number.isFinite(ms) || typeof sa[1] !== 'string') {
        errors.push('searchAfter must be an array of [sortValue, id]');
      } else after = { iso: isoOf(ms), id: sa[1], ms };
    }
    let sortField: 'dateAdded' | 'dateUpdated' = 'dateAdded';
    let desc = false;
    if (b.sort !== undefined && b.sort !== null) {
      if (!Array.isArray(b.sort)) errors.push('sort must be an array');
      else if (b.sort.length) {
        const s = b.sort[0] as { field?: unknown; direction?: unknown } | null;
        if (!s || (s.field !== 'dateAdded' && s.field !== 'dateUpdated')) errors.push('sort.0.field must be one of the following values: dateAdded, dateUpdated');
        else sortField = s.field;
        if (s && s.direction !== undefined && s.direction !== 'asc' && s.direction !== 'desc') errors.push('sort.0.direction must be one of the following values: asc, desc');
        desc = s?.direction === 'desc';
      }
    }
    throwIf(errors);
    if (!after && page !== undefined && page * pageLimit > 10000) {
      throw unprocessable('page number limit reached; use searchAfter');
    }
    const filterPred = compileFilters(b.filters, 'filters');
    const qPred = queryPred(query);
    const pred: Pred | null = filterPred && qPred ? (c) => filterPred(c) && qPred(c) : (filterPred ?? qPred);
    const skip = !after && page ? (page - 1) * pageLimit : 0;
    const out: SandboxContact[] = [];
    let total = 0;

    const addedRange = qPred ? null : dateAddedRange(b.filters);
    if (sortField === 'dateAdded') {
      const arr = index();
      // Positions [from, to) in index order that lie after the cursor (and inside a plain
      // dateAdded range: the index is in dateAdded order, so that is two binary searches).
      let from = 0;
      let to = arr.length;
      if (addedRange) {
        const HIGHEST_ID = '\uffff';
        if (addedRange.gte !== undefined) from = Math.max(from, lowerBound(arr, addedRange.gte, '', 'dateAdded', false));
        if (addedRange.gt !== undefined) from = Math.max(from, lowerBound(arr, addedRange.gt, HIGHEST_ID, 'dateAdded', true));
        if (addedRange.lt !== undefined) to = Math.min(to, lowerBound(arr, addedRange.lt, '', 'dateAdded', false));
        if (addedRange.lte !== undefined) to = Math.min(to, lowerBound(arr, addedRange.lte, HIGHEST_ID, 'dateAdded', true));
      }
      const rangeSize = Math.max(0, to - from);
      if (after) {
        if (desc) to = Math.min(to, lowerBound(arr, after.iso, after.id, 'dateAdded', false));
        else from = Math.max(from, lowerBound(arr, after.iso, after.id, 'dateAdded', true));
      }
      if (!pred || addedRange) {
        total = addedRange ? rangeSize : arr.length;
        if (desc) for (let i = to - 1 - skip; i >= from && out.length < pageLimit; i--) out.push(arr[i]!);
        else for (let i = from + skip; i < to && out.length < pageLimit; i++) out.push(arr[i]!);
      } else {
        let skipped = 0;
        if (desc) {
          for (let i = arr.length - 1; i >= 0; i--) {
            const c = arr[i]!;
            if (!pred(c)) continue;
            total++;
            if (i >= to || i < from || out.length >= pageLimit) continue;
            if (skipped < skip) skipped++;
            else out.push(c);
          }
        } else {
          for (let i = 0; i < arr.length; i++) {
            const c = arr[i]!;
            if (!pred(c)) continue;
            total++;
            if (i < from || i >= to || out.length >= pageLimit) continue;
            if (skipped < skip) skipped++;
            else out.push(c);
          }
        }
      }
    } else {
      const matches: SandboxContact[] = [];
      for (const c of index()) if (!pred || pred(c)) matches.push(c);
      total = matches.length;
      const dir = desc ? -1 : 1;
      matches.sort((x, y) => dir * (x.dateUpdated < y.dateUpdated ? -1 : x.dateUpdated > y.dateUpdated ? 1 : x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
      let start = skip;
      if (after) {
        const a = after;
        start = matches.findIndex((c) => {
          const cmp = c.dateUpdated < a.iso ? -1 : c.dateUpdated > a.iso ? 1 : c.id < a.id ? -1 : c.id > a.id ? 1 : 0;
          return dir * cmp > 0;
        });
        if (start < 0) start = matches.length;
      }
      out.push(...matches.slice(start, start + pageLimit));
    }
    const contacts = out.map((c) => ({ ...c, searchAfter: [Date.parse(c[sortField]), c.id] }));
    return { body: { contacts, total } };
  };

  const LIST_QUERY = new Set(['locationId', 'limit', 'startAfterId', 'startAfter', 'query']);
  const listContacts = (ctx: Ctx): Reply => {
    const q = ctx.query;
    requireLocation(q.get('locationId') ?? undefined, 'locationId');
    rejectUnknownQuery(q, LIST_QUERY);
    const errors: string[] = [];
    const limit = intParam(q.get('limit') ?? undefined, 'limit', 1, 100, errors) ?? 20;
    const startAfterRaw = q.get('startAfter');
    const startAfterId = q.get('startAfterId') || undefined;
    let startAfterIso: string | null = null;
    if (startAfterRaw) {
      startAfterIso = toIso(startAfterRaw);
      if (!startAfterIso) errors.push('startAfter must be a number');
    }
    throwIf(errors);
    const arr = index();
    const pred = queryPred(q.get('query') ?? undefined);
    let from = 0;
    if (startAfterId) {
      const c = store.contacts.get(startAfterId);
      if (c) from = lowerBound(arr, startAfterIso ?? c.dateAdded, startAfterId, 'dateAdded', true);
      else if (startAfterIso) from = lowerBound(arr, startAfterIso, startAfterId, 'dateAdded', true);
    } else if (startAfterIso) {
      from = lowerBound(arr, startAfterIso, '\uffff', 'dateAdded', true);
    }
    let out: SandboxContact[];
    let total: number;
    let before: number;
    let more: boolean;
    if (!pred) {
      out = arr.slice(from, from + limit);
      total = arr.length;
      before = from;
      more = from + limit < arr.length;
    } else {
      out = [];
      total = 0;
      before = 0;
      more = false;
      for (let i = 0; i < arr.length; i++) {
        const c = arr[i]!;
        if (!pred(c)) continue;
        total++;
        if (i < from) before++;
        else if (out.length < limit) out.push(c);
        else more = true;
      }
    }
    const last = out[out.length - 1];
    const currentPage = Math.floor(before / limit) + 1;
    const lastMs = last ? Date.parse(last.dateAdded) : null;
    const params = new URLSearchParams({ locationId });
    if (q.get('query')) params.set('query', q.get('query')!);
    params.set('limit', String(limit));
    if (last) {
      params.set('startAfter', String(lastMs));
      params.set('startAfterId', last.id);
    }
    return {
      body: {
        contacts: out,
        meta: {
          total,
          startAfterId: more && last ? last.id : null,
          startAfter: more ? lastMs : null,
          nextPageUrl: more ? `${baseUrl}/contacts/?${params}` : null,
          currentPage,
          nextPage: more ? currentPage + 1 : null,
          prevPage: currentPage > 1 ? currentPage - 1 : null,
        },
      },
    };
  };

  const CREATE_CONTACT_KEYS = new Set([
    'locationId', 'firstName', 'lastName', 'name', 'email', 'phone', 'companyName', 'address1', 'city', 'state', 'postalCode',
    'tags', 'customFields', 'source', 'country', 'website', 'timezone', 'gender', 'dnd', 'dndSettings', 'inboundDndSettings',
    'dateOfBirth', 'assignedTo',
  ]);
  const UPDATE_CONTACT_KEYS = new Set([...CREATE_CONTACT_KEYS].filter((k) => k !== 'locationId'));
  const STRING_FIELDS = ['firstName', 'lastName', 'name', 'email', 'phone', 'companyName', 'address1', 'city', 'state', 'postalCode', 'source', 'country'] as const;

  /** Validates and applies a create/update body onto `c`. */
  const applyContactBody = (c: SandboxContact, b: Record<string, unknown>, creating: boolean) => {
    const errors: string[] = [];
    const s: Partial<Record<(typeof STRING_FIELDS)[number], string | null>> = {};
    for (const k of STRING_FIELDS) {
      if (!(k in b)) continue;
      if (b[k] === null) s[k] = null;
      else {
        const v = optString(b, k, errors);
        if (v !== undefined) s[k] = v.trim() === '' ? null : v.trim();
      }
    }
    if (s.email) {
      if (!EMAIL_RE.test(s.email)) errors.push('email must be an email');
      s.email = s.email.toLowerCase();
    }
    let tags: string[] | undefined;
    if (b.tags !== undefined) {
      if (!Array.isArray(b.tags) || b.tags.some((t) => typeof t !== 'string')) errors.push('each value in tags must be a string');
      else tags = [...new Set((b.tags as string[]).map((t) => t.trim().toLowerCase()).filter(Boolean))];
    }
    let cfs: SandboxCustomFieldValue[] | undefined;
    if (b.customFields !== undefined) {
      if (!Array.isArray(b.customFields)) errors.push('customFields must be an array');
      else {
        cfs = [];
        b.customFields.forEach((raw, i) => {
          const item = (raw ?? {}) as Record<string, unknown>;
          const ref = (item.id ?? item.key) as unknown;
          const field = store.customFields.find((f) => f.id === ref || f.fieldKey === ref || f.fieldKey === `contact.${String(ref)}`);
          if (!field || field.model !== 'contact') errors.push(`customFields.${i} refers to an unknown custom field`);
          else cfs!.push({ id: field.id, value: item.value ?? item.field_value ?? null });
        });
      }
    }
    if (creating && !s.name && !s.firstName && !s.lastName && !s.email && !s.phone) {
      errors.push('at least one of name, firstName, lastName, email or phone is required');
    }
    throwIf(errors);
    if (s.email) {
      const dup = findByEmail(s.email, c.id);
      if (dup) {
        throw badRequest('This location does not allow duplicated contacts.', {
          meta: { contactName: dup.contactName, contactId: dup.id, matchingField: 'email' },
        });
      }
    }
    if (s.name !== undefined && s.firstName === undefined && s.lastName === undefined) {
      const [first, ...rest] = (s.name ?? '').split(/\s+/).filter(Boolean);
      s.firstName = first ?? null;
      s.lastName = rest.length ? rest.join(' ') : null;
    }
    if (s.firstName !== undefined) c.firstName = s.firstName;
    if (s.lastName !== undefined) c.lastName = s.lastName;
    c.firstNameLowerCase = c.firstName ? c.firstName.toLowerCase() : null;
    c.lastNameLowerCase = c.lastName ? c.lastName.toLowerCase() : null;
    c.contactName = [c.firstName, c.lastName].filter(Boolean).join(' ') || null;
    for (const k of ['email', 'phone', 'companyName', 'address1', 'city', 'state', 'postalCode', 'source'] as const) {
      if (s[k] !== undefined) c[k] = s[k]!;
    }
    if (s.country) c.country = s.country;
    if (tags) c.tags = tags;
    if (cfs) {
      const merged = c.customFields.filter((x) => !cfs!.some((y) => y.id === x.id));
      for (const x of cfs) if (x.value !== null && x.value !== '') merged.push(x);
      c.customFields = merged;
    }
  };

  const createContact = (ctx: Ctx): Reply => {
    const b = ctx.body;
    requireLocation(b.locationId, 'locationId');
    rejectUnknown(b, CREATE_CONTACT_KEYS);
    const ts = isoOf(now());
    const c: SandboxContact = {
      id: newId(), locationId, firstName: null, lastName: null, contactName: null, firstNameLowerCase: null, lastNameLowerCase: null,
      email: null, phone: null, companyName: null, address1: null, city: null, state: null, postalCode: null, country: 'US',
      source: null, type: 'lead', tags: [], customFields: [], dateAdded: ts, dateUpdated: ts,
    };
    applyContactBody(c, b, true);
    indexInsert(c);
    store.contacts.set(c.id, c);
    return { status: 201, body: { contact: c } };
  };

  const updateContact = (ctx: Ctx): Reply => {
    const c = getContact(ctx.params.contactId!);
    rejectUnknown(ctx.body, UPDATE_CONTACT_KEYS);
    applyContactBody(c, ctx.body, false);
    c.dateUpdated = isoOf(Math.max(now(), Date.parse(c.dateAdded)));
    return { body: { succeded: true, contact: c } };
  };

  const deleteContact = (ctx: Ctx): Reply => {
    const c = getContact(ctx.params.contactId!);
    indexRemove(c);
    store.contacts.delete(c.id);
    return { body: { succeded: true } };
  };

  // --- opportunities -----------------------------------------------------------------------------

  const STATUSES: readonly SandboxOpportunityStatus[] = ['open', 'won', 'lost', 'abandoned'];
  const OPP_ORDERS = new Set(['added_asc', 'added_desc', 'updated_asc', 'updated_desc']);
  const OPP_SEARCH_QUERY = new Set([
    'q', 'location_id', 'pipeline_id', 'pipeline_stage_id', 'contact_id', 'status', 'assigned_to', 'campaignId', 'id', 'order',
    'endDate', 'startAfter', 'startAfterId', 'date', 'country', 'page', 'limit', 'getTasks', 'getNotes', 'getCalendarEvents',
  ]);

  const oppOut = (o: SandboxOpportunity) => {
    const c = store.contacts.get(o.contactId);
    return { ...o, customFields: o.customFields.map(opportunityFieldOut), contact: c ? opportunityContact(c) : o.contact };
  };

  // GHL answers opportunity custom fields not as `{ id, value }` but as the spec's `{ id, fieldValue }`
  // and, in practice, `{ id, type, fieldValueString }` (highlevel-api-docs#87): text one way, the rest the other.
  const opportunityFieldOut = (f: SandboxCustomFieldValue) =>
    typeof f.value === 'string' ? { id: f.id, type: 'string', fieldValueString: f.value } : { id: f.id, fieldValue: f.value };

  /** `customFields: [{ id | key, field_value | value }]` of an opportunity write, checked against the opportunity fields. */
  const opportunityFieldsIn = (raw: unknown, errors: string[]): SandboxCustomFieldValue[] => {
    if (!Array.isArray(raw)) return [];
    const out: SandboxCustomFieldValue[] = [];
    raw.forEach((entry, i) => {
      const item = entry && typeof entry === 'object' ? (entry as Record<string, unknown>) : {};
      const ref = item.id ?? item.key;
      const field = store.customFields.find((f) => f.model === 'opportunity' && (f.id === ref || f.fieldKey === ref || f.fieldKey === `opportunity.${String(ref)}`));
      if (!field) errors.push(`customFields.${i} refers to an unknown custom field`);
      else out.push({ id: field.id, value: item.field_value ?? item.value ?? null });
    });
    return out;
  };

  const getOpp = (id: string): SandboxOpportunity => {
    const o = store.opportunities.get(id);
    if (!o) throw notFound('Opportunity not found');
    return o;
  };

  const searchOpportunities = (ctx: Ctx): Reply => {
    const q = ctx.query;
    requireLocation(q.get('location_id') ?? undefined, 'location_id');
    rejectUnknownQuery(q, OPP_SEARCH_QUERY);
    const errors: string[] = [];
    const limit = intParam(q.get('limit') ?? undefined, 'limit', 1, 100, errors) ?? 20;
    const page = intParam(q.get('page') ?? undefined, 'page', 1, null, errors) ?? 1;
    const status = q.get('status') || 'all';
    if (status !== 'all' && !STATUSES.includes(status as SandboxOpportunityStatus)) {
      errors.push('status must be one of the following values: open, won, lost, abandoned, all');
    }
    const order = q.get('order') || 'added_asc';
    if (!OPP_ORDERS.has(order)) errors.push(`order must be one of the following values: ${[...OPP_ORDERS].join(', ')}`);
    const startAfterRaw = q.get('startAfter');
    if (startAfterRaw && !/^\d+$/.test(startAfterRaw)) errors.push('startAfter must be a number string');
    throwIf(errors);
    const field = order.startsWith('updated') ? 'updatedAt' : 'createdAt';
    const dir = order.endsWith('desc') ? -1 : 1;
    const pipelineId = q.get('pipeline_id');
    const stageId = q.get('pipeline_stage_id');
    const contactId = q.get('contact_id');
    const assignedTo = q.get('assigned_to');
    const id = q.get('id');
    const text = q.get('q')?.trim().toLowerCase();
    const matches: SandboxOpportunity[] = [];
    for (const o of store.opportunities.values()) {
      if (pipelineId && o.pipelineId !== pipelineId) continue;
      if (stageId && o.pipelineStageId !== stageId) continue;
      if (status !== 'all' && o.status !== status) continue;
      if (contactId && o.contactId !== contactId) continue;
      if (assignedTo && o.assignedTo !== assignedTo) continue;
      if (id && o.id !== id) continue;
      if (text) {
        const c = store.contacts.get(o.contactId);
        const hay = [o.name, c?.contactName, c?.email, c?.phone, c?.companyName].filter(Boolean).join('\n').toLowerCase();
        if (!hay.includes(text)) continue;
      }
      matches.push(o);
    }
    matches.sort((a, b) => dir * (a[field] < b[field] ? -1 : a[field] > b[field] ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const startAfterId = q.get('startAfterId');
    let start = (page - 1) * limit;
    // FAITHFUL QUIRK: `startAfter` without `startAfterId` is ignored (first page again).
    if (startAfterId) {
      let keyIso: string | null = startAfterRaw ? isoOf(Number(startAfterRaw)) : null;
      if (!keyIso) {
        const ref = store.opportunities.get(startAfterId);
        keyIso = ref ? ref[field] : null;
      }
      if (keyIso) {
        const k = keyIso;
        start = matches.findIndex((o) => dir * (o[field] < k ? -1 : o[field] > k ? 1 : o.id < startAfterId ? -1 : o.id > startAfterId ? 1 : 0) > 0);
        if (start < 0) start = matches.length;
      }
    }
    const pageItems = matches.slice(start, start + limit);
    const more = start + pageItems.length < matches.length;
    const last = pageItems[pageItems.length - 1];
    const currentPage = Math.floor(start / limit) + 1;
    const meta: Record<string, unknown> = {
      total: matches.length,
      nextPageUrl: null,
      currentPage,
      nextPage: more ? currentPage + 1 : null,
      prevPage: currentPage > 1 ? currentPage - 1 : null,
    };
    if (more && last) {
      const lastMs = Date.parse(last[field]);
      meta.startAfterId = last.id;
      meta.startAfter = lastMs;
      const next = new URLSearchParams(q);
      next.delete('page');
      next.set('startAfter', String(lastMs));
      next.set('startAfterId', last.id);
      meta.nextPageUrl = `${baseUrl}/opportunities/search?${next}`;
    }
    return { body: { opportunities: pageItems.map(oppOut), meta, aggregations: {} } };
  };

  const findStage = (pipelineId: string, stageId: string) =>
    store.pipelines.find((p) => p.id === pipelineId)?.stages.find((s) => s.id === stageId);

  const CREATE_OPP_KEYS = new Set(['pipelineId', 'locationId', 'name', 'pipelineStageId', 'status', 'contactId', 'monetaryValue', 'assignedTo', 'customFields', 'source']);
  const UPDATE_OPP_KEYS = new Set(['pipelineId', 'name', 'pipelineStageId', 'status', 'monetaryValue', 'assignedTo', 'customFields', 'source']);

  const checkOppFields = (b: Record<string, unknown>, errors: string[]) => {
    if (b.status !== undefined && !STATUSES.includes(b.status as SandboxOpportunityStatus)) {
      errors.push('status must be one of the following values: open, won, lost, abandoned');
    }
    if (b.monetaryValue !== undefined && b.monetaryValue !== null && (typeof b.monetaryValue !== 'number' || !Number.isFinite(b.monetaryValue))) {
      errors.push('monetaryValue must be a number conforming to the specified constraints');
    }
    optString(b, 'pipelineStageId', errors);
    optString(b, 'assignedTo', errors);
    optString(b, 'source', errors);
    if (b.customFields !== undefined && !Array.isArray(b.customFields)) errors.push('customFields must be an array');
  };

  const createOpportunity = (ctx: Ctx): Reply => {
    const b = ctx.body;
    requireLocation(b.locationId, 'locationId');
    rejectUnknown(b, CREATE_OPP_KEYS);
    const errors: string[] = [];
    const pipelineId = reqString(b, 'pipelineId', errors);
    const name = reqString(b, 'name', errors);
    reqString(b, 'status', errors);
    const contactId = reqString(b, 'contactId', errors);
    checkOppFields(b, errors);
    throwIf(errors);
    const pipeline = store.pipelines.find((p) => p.id === pipelineId);
    if (!pipeline) throw badRequest('Pipeline not found');
    const stageId = (b.pipelineStageId as string | undefined) ?? pipeline.stages[0]!.id;
    if (!findStage(pipelineId, stageId)) throw unprocessable('pipelineStageId does not belong to the pipeline');
    const contact = store.contacts.get(contactId);
    if (!contact) throw badRequest('Contact not found');
    const ts = isoOf(now());
    const o: SandboxOpportunity = {
      id: newId(),
      name,
      monetaryValue: (b.monetaryValue as number | undefined) ?? 0,
      pipelineId,
      pipelineStageId: stageId,
      assignedTo: (b.assignedTo as string | undefined) ?? null,
      status: b.status as SandboxOpportunityStatus,
      source: (b.source as string | undefined) ?? null,
      lastStatusChangeAt: ts,
      lastStageChangeAt: ts,
      createdAt: ts,
      updatedAt: ts,
      contactId,
      locationId,
      customFields: [],
      contact: opportunityContact(contact),
    };
    store.opportunities.set(o.id, o);
    return { status: 201, body: { opportunity: oppOut(o) } };
  };

  const updateOpportunity = (ctx: Ctx): Reply => {
    const o = getOpp(ctx.params.id!);
    const b = ctx.body;
    rejectUnknown(b, UPDATE_OPP_KEYS);
    const errors: string[] = [];
    optString(b, 'pipelineId', errors);
    optString(b, 'name', errors);
    checkOppFields(b, errors);
    const fieldValues = opportunityFieldsIn(b.customFields, errors);
    throwIf(errors);
    const pipelineId = (b.pipelineId as string | undefined) ?? o.pipelineId;
    if (!store.pipelines.some((p) => p.id === pipelineId)) throw badRequest('Pipeline not found');
    const stageId = (b.pipelineStageId as string | undefined) ?? o.pipelineStageId;
    if (!findStage(pipelineId, stageId)) throw unprocessable('pipelineStageId does not belong to the pipeline');
    const ts = isoOf(now());
    if (stageId !== o.pipelineStageId) o.lastStageChangeAt = ts;
    if (b.status !== undefined && b.status !== o.status) {
      o.status = b.status as SandboxOpportunityStatus;
      o.lastStatusChangeAt = ts;
    }
    o.pipelineId = pipelineId;
    o.pipelineStageId = stageId;
    if (typeof b.name === 'string') o.name = b.name;
    if (typeof b.monetaryValue === 'number') o.monetaryValue = b.monetaryValue;
    if (b.assignedTo !== undefined) o.assignedTo = (b.assignedTo as string | null) ?? null;
    if (b.source !== undefined) o.source = (b.source as string | null) ?? null;
    if (fieldValues.length > 0) o.customFields = [...o.customFields.filter((f) => !fieldValues.some((v) => v.id === f.id)), ...fieldValues];
    o.updatedAt = ts;
    return { body: { opportunity: oppOut(o) } };
  };

  const updateOpportunityStatus = (ctx: Ctx): Reply => {
    const o = getOpp(ctx.params.id!);
    rejectUnknown(ctx.body, new Set(['status', 'lostReasonId']));
    const status = ctx.body.status;
    if (!STATUSES.includes(status as SandboxOpportunityStatus)) {
      throw unprocessable('status must be one of the following values: open, won, lost, abandoned');
    }
    const ts = isoOf(now());
    if (o.status !== status) o.lastStatusChangeAt = ts;
    o.status = status as SandboxOpportunityStatus;
    o.updatedAt = ts;
    return { body: { succeded: true } };
  };

  // --- conversations -----------------------------------------------------------------------------

  const CONV_SEARCH_QUERY = new Set([
    'locationId', 'contactId', 'assignedTo', 'followers', 'mentions', 'query', 'sort', 'startAfterDate', 'id', 'limit',
    'lastMessageType', 'lastMessageAction', 'lastMessageDirection', 'status', 'sortBy', 'sortScoreProfile', 'scoreProfile',
    'scoreProfileMin', 'scoreProfileMax', 'startDate', 'endDate',
  ]);
  const SORT_BY = new Set(['last_manual_message_date', 'last_message_date', 'score_profile', 'overdue_at', 'due_at']);

  const CONV_STATUSES = new Set(['all', 'read', 'unread', 'starred', 'recents']);
  /** As GHL lists it: the sort value on each hit, no assignee key when unassigned. */
  const conversationOut = (cv: SandboxConversation) => {
    const { assignedTo, ...rest } = cv;
    return { ...rest, ...(assignedTo ? { assignedTo } : {}), sort: [cv.lastMessageDate] };
  };

  const searchConversations = (ctx: Ctx): Reply => {
    const q = ctx.query;
    requireLocation(q.get('locationId') ?? undefined, 'locationId');
    rejectUnknownQuery(q, CONV_SEARCH_QUERY);
    const errors: string[] = [];
    const limit = intParam(q.get('limit') ?? undefined, 'limit', 1, 100, errors) ?? 20;
    const sort = q.get('sort') || 'desc';
    if (sort !== 'asc' && sort !== 'desc') errors.push('sort must be one of the following values: asc, desc');
    const sortBy = q.get('sortBy');
    if (sortBy && !SORT_BY.has(sortBy)) errors.push(`sortBy must be one of the following values: ${[...SORT_BY].join(', ')}`);
    const status = q.get('status') || 'all';
    if (!CONV_STATUSES.has(status)) errors.push(`status must be one of the following values: ${[...CONV_STATUSES].join(', ')}`);
    const direction = q.get('lastMessageDirection');
    if (direction && direction !== 'inbound' && direction !== 'outbound') errors.push('lastMessageDirection must be one of the following values: inbound, outbound');
    const startAfterRaw = q.get('startAfterDate');
    const startAfter = startAfterRaw ? Number(startAfterRaw.replace(/^\[|\]$/g, '')) : null;
    if (startAfterRaw && !Number.isFinite(startAfter)) errors.push('startAfterDate must be a number');
    throwIf(errors);
    const contactId = q.get('contactId');
    const id = q.get('id');
    const lastMessageType = q.get('lastMessageType');
    const assignees = q.get('assignedTo') ? new Set(q.get('assignedTo')!.split(',').map((a) => a.trim())) : null;
    const text = q.get('query')?.trim().toLowerCase();
    const dir = sort === 'asc' ? 1 : -1;
    const matches: SandboxConversation[] = [];
    for (const cv of store.conversations.values()) {
      if (contactId && cv.contactId !== contactId) continue;
      if (id && cv.id !== id) continue;
      if (lastMessageType && cv.lastMessageType !== lastMessageType) continue;
      if (direction && cv.lastMessageDirection !== direction) continue;
      if (status === 'read' && cv.unreadCount > 0) continue;
      if (status === 'unread' && cv.unreadCount === 0) continue;
      if (status === 'starred' && !cv.starred) continue;
      if (assignees && !(cv.assignedTo ? assignees.has(cv.assignedTo) : assignees.has('unassigned'))) continue;
      if (text && ![cv.fullName, cv.email, cv.phone, cv.lastMessageBody].some((v) => v && v.toLowerCase().includes(text))) continue;
      matches.push(cv);
    }
    matches.sort((a, b) => dir * (a.lastMessageDate - b.lastMessageDate || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)));
    // Like GHL's search_after on the one sort value: strictly after it in the sort's direction.
    const after = startAfter === null ? matches : matches.filter((cv) => dir * (cv.lastMessageDate - startAfter) > 0);
    return { body: { conversations: after.slice(0, limit).map(conversationOut), total: matches.length } };
  };

  const getConversationRoute = (ctx: Ctx): Reply => {
    const cv = store.conversations.get(ctx.params.conversationId!);
    if (!cv) throw notFound('Conversation not found');
    const { sort: _sort, ...out } = conversationOut(cv);
    return { body: { ...out, deleted: false, inbox: true } };
  };

  const UPDATE_CONVERSATION_KEYS = new Set(['locationId', 'unreadCount', 'starred', 'feedback']);
  /** PUT /conversations/{id}: GHL validates this body with 400s, not the 422s of the other routes. */
  const updateConversation = (ctx: Ctx): Reply => {
    const b = ctx.body;
    const extra = Object.keys(b).filter((k) => !UPDATE_CONVERSATION_KEYS.has(k));
    const errors = extra.map((k) => `property ${k} should not exist`);
    if (typeof b.locationId !== 'string' || b.locationId === '') errors.push('locationId must be a string', 'locationId should not be empty');
    if (b.unreadCount !== undefined && (typeof b.unreadCount !== 'number' || !Number.isInteger(b.unreadCount) || b.unreadCount < 0)) {
      errors.push('unreadCount must be a non-negative number');
    }
    if (b.starred !== undefined && typeof b.starred !== 'boolean') errors.push('starred must be a boolean value');
    if (errors.length) throw new HttpError(400, { statusCode: 400, message: errors, error: 'Bad Request' });
    if (b.locationId !== locationId) throw forbidden();
    const cv = store.conversations.get(ctx.params.conversationId!);
    if (!cv) throw notFound('Conversation not found');
    if (typeof b.unreadCount === 'number') cv.unreadCount = b.unreadCount;
    if (typeof b.starred === 'boolean') cv.starred = b.starred;
    cv.dateUpdated = now();
    const { sort: _sort, ...out } = conversationOut(cv);
    return { body: { success: true, conversation: { ...out, deleted: false, inbox: true } } };
  };

  const MESSAGE_QUERY = new Set(['lastMessageId', 'limit', 'type']);
  const getMessages = (ctx: Ctx): Reply => {
    const cid = ctx.params.conversationId!;
    if (!store.conversations.has(cid)) throw notFound('Conversation not found');
    const q = ctx.query;
    rejectUnknownQuery(q, MESSAGE_QUERY);
    const errors: string[] = [];
    const limit = intParam(q.get('limit') ?? undefined, 'limit', 1, 100, errors) ?? 20;
    throwIf(errors);
    const types = q.get('type') ? new Set(q.get('type')!.split(',').map((t) => t.trim())) : null;
    const all = store.messages.get(cid) ?? [];
    let end = all.length; // newest first: walk from the end
    const lastMessageId = q.get('lastMessageId');
    if (lastMessageId) {
      const i = all.findIndex((m) => m.id === lastMessageId);
      if (i < 0) throw badRequest('Invalid lastMessageId');
      end = i;
    }
    const page: SandboxMessage[] = [];
    let i = end - 1;
    for (; i >= 0 && page.length < limit; i--) {
      const m = all[i]!;
      if (!types || types.has(m.messageType)) page.push(m);
    }
    let nextPage = false;
    for (; i >= 0; i--) {
      if (!types || types.has(all[i]!.messageType)) {
        nextPage = true;
        break;
      }
    }
    const last = page[page.length - 1];
    return { body: { messages: { lastMessageId: last ? last.id : null, nextPage, messages: page } } };
  };

  const SEND_TYPES: Record<string, string> = {
    SMS: 'TYPE_SMS', RCS: 'TYPE_RCS', Email: 'TYPE_EMAIL', WhatsApp: 'TYPE_WHATSAPP', IG: 'TYPE_INSTAGRAM', FB: 'TYPE_FACEBOOK',
    Custom: 'TYPE_CUSTOM_SMS', Live_Chat: 'TYPE_LIVE_CHAT', InternalComment: 'TYPE_INTERNAL_COMMENT', TIKTOK: 'TYPE_TIKTOK',
  };
  const newConversation = (contact: SandboxContact, t: number): SandboxConversation => {
    const name = contact.contactName ?? contact.email ?? contact.phone ?? 'Unknown';
    const conv: SandboxConversation = {
      id: newId(), contactId: contact.id, locationId, lastMessageBody: '', lastMessageType: '', lastMessageDate: t, type: 'TYPE_PHONE',
      unreadCount: 0, starred: false, lastMessageDirection: 'outbound', assignedTo: null,
      fullName: name, contactName: name, email: contact.email, phone: contact.phone, dateAdded: t, dateUpdated: t,
    };
    store.conversations.set(conv.id, conv);
    store.messages.set(conv.id, []);
    return conv;
  };

  /** The message becomes the conversation's last; an inbound one is one more unread. */
  const appendMessage = (conv: SandboxConversation, msg: SandboxMessage) => {
    let list = store.messages.get(conv.id);
    if (!list) store.messages.set(conv.id, (list = []));
    list.push(msg);
    const t = Date.parse(msg.dateAdded);
    conv.lastMessageBody = msg.body;
    conv.lastMessageType = msg.messageType;
    conv.lastMessageDirection = msg.direction;
    conv.lastMessageDate = t;
    conv.dateUpdated = t;
    if (msg.direction === 'inbound') conv.unreadCount++;
  };

  /** A new message of the conversation, its last one from now on. */
  const addMessage = (
    conv: SandboxConversation,
    m: Pick<SandboxMessage, 'messageType' | 'direction' | 'status' | 'body' | 'contactId' | 'subject' | 'attachments'> & { at: number },
  ): SandboxMessage => {
    const msg: SandboxMessage = {
      id: newId(),
      type: MESSAGE_TYPES[m.messageType] ?? 2,
      messageType: m.messageType,
      direction: m.direction,
      status: m.status,
      body: m.body,
      contactId: m.contactId,
      conversationId: conv.id,
      locationId,
      dateAdded: isoOf(m.at),
      contentType: m.messageType === 'TYPE_EMAIL' ? 'text/html' : 'text/plain',
    };
    if (m.subject) msg.subject = m.subject;
    if (m.attachments?.length) msg.attachments = [...m.attachments];
    appendMessage(conv, msg);
    return msg;
  };

  /** The contact's conversation (GHL keeps one per contact), if any. */
  const conversationOf = (contactId: string): SandboxConversation | undefined => {
    let found: SandboxConversation | undefined;
    for (const cv of store.conversations.values()) if (cv.contactId === contactId) found = cv;
    return found;
  };

  const injectInbound = (input: SandboxInbound): { message: SandboxMessage; conversation: SandboxConversation } => {
    let conv = input.conversationId ? store.conversations.get(input.conversationId) : undefined;
    if (input.conversationId && !conv) throw new Error(`no conversation ${input.conversationId}`);
    const contactId = conv?.contactId ?? input.contactId;
    if (!contactId) throw new Error('injectInbound needs a conversationId or a contactId');
    const contact = store.contacts.get(contactId);
    if (!contact) throw new Error(`no contact ${contactId}`);
    conv ??= conversationOf(contactId);
    const messageType = SEND_TYPES[input.type] ?? (/^TYPE_[A-Z_]+$/.test(input.type) ? input.type : null);
    if (!messageType) throw new Error(`unknown message type ${input.type}`);
    if (typeof input.body !== 'string') throw new Error('body must be a string');
    // Never at or before the conversation's last message: a poll's "since" must see it as new.
    const t = Math.max(now(), (conv?.lastMessageDate ?? 0) + 1);
    conv ??= newConversation(contact, t);
    const message = addMessage(conv, {
      messageType,
      direction: 'inbound',
      status: 'delivered',
      body: input.body,
      contactId,
      subject: input.subject,
      attachments: input.attachments,
      at: t,
    });
    return { message, conversation: conv };
  };

  const sendMessage = (ctx: Ctx): Reply => {
    const b = ctx.body;
    const errors: string[] = [];
    const type = b.type;
    if (typeof type !== 'string' || !(type in SEND_TYPES)) errors.push(`type must be one of the following values: ${Object.keys(SEND_TYPES).join(', ')}`);
    const contactId = reqString(b, 'contactId', errors);
    const message = optString(b, 'message', errors);
    const subject = optString(b, 'subject', errors);
    const html = optString(b, 'html', errors);
    const conversationId = optString(b, 'conversationId', errors);
    if (type === 'Email' && !subject && !html) errors.push('subject or html is required for Email messages');
    if (typeof type === 'string' && type !== 'Email' && type in SEND_TYPES && !message && !Array.isArray(b.attachments)) errors.push('message should not be empty');
    throwIf(errors);
    const contact = store.contacts.get(contactId);
    if (!contact) throw badRequest('Contact not found');
    if ((type === 'SMS' || type === 'RCS' || type === 'WhatsApp') && !contact.phone) throw badRequest('Contact does not have a phone number');
    if (type === 'Email' && !contact.email) throw badRequest('Contact does not have an email address');
    const attachments = Array.isArray(b.attachments) ? b.attachments.filter((a): a is string => typeof a === 'string') : undefined;
    let conv: SandboxConversation | undefined;
    if (conversationId) {
      conv = store.conversations.get(conversationId);
      if (!conv || conv.contactId !== contactId) throw badRequest('Conversation not found for this contact');
    } else {
      conv = conversationOf(contactId);
    }
    const t = now();
    conv ??= newConversation(contact, t);
    const msg = addMessage(conv, {
      messageType: SEND_TYPES[type as string]!,
      direction: 'outbound',
      status: 'pending',
      body: message ?? html ?? '',
      contactId,
      subject,
      attachments,
      at: t,
    });
    return { body: { conversationId: conv.id, messageId: msg.id, msg: 'Message queued successfully.' } };
  };

  // --- calendars ---------------------------------------------------------------------------------

  const listCalendars = (ctx: Ctx): Reply => {
    const q = ctx.query;
    requireLocation(q.get('locationId') ?? undefined, 'locationId');
    rejectUnknownQuery(q, new Set(['locationId', 'groupId', 'showDrafted']));
    const groupId = q.get('groupId');
    const calendars = store.calendars.filter((c) => !groupId || c.groupId === groupId);
    return { body: { calendars } };
  };

  const listEvents = (ctx: Ctx): Reply => {
    const q = ctx.query;
    requireLocation(q.get('locationId') ?? undefined, 'locationId');
    rejectUnknownQuery(q, new Set(['locationId', 'userId', 'calendarId', 'groupId', 'startTime', 'endTime']));
    const errors: string[] = [];
    const selectors = (['calendarId', 'userId', 'groupId'] as const).filter((k) => q.get(k));
    if (selectors.length !== 1) errors.push('Exactly one of calendarId, userId or groupId is required');
    const range: number[] = [];
    for (const k of ['startTime', 'endTime'] as const) {
      const v = q.get(k);
      if (!v || !/^\d+$/.test(v)) errors.push(`${k} must be a number string (epoch milliseconds)`);
      else range.push(Number(v));
    }
    throwIf(errors);
    const [startMs, endMs] = range as [number, number];
    const sel = selectors[0]!;
    const selValue = q.get(sel)!;
    const events: SandboxCalendarEvent[] = [];
    for (const ev of store.events.values()) {
      if (sel === 'calendarId' && ev.calendarId !== selValue) continue;
      if (sel === 'userId' && ev.assignedUserId !== selValue && !ev.users.includes(selValue)) continue;
      if (sel === 'groupId' && ev.groupId !== selValue) continue;
      const s = Date.parse(ev.startTime);
      if (s < startMs || s > endMs) continue;
      events.push(ev);
    }
    events.sort((a, b) => (a.startTime < b.startTime ? -1 : a.startTime > b.startTime ? 1 : 0));
    return { body: { events } };
  };

  // --- #18 free slots and appointments ------------------------------------------------------------

  const calendarOf = (id: string | undefined) => store.calendars.find((c) => c.id === id);
  const zoneOrLocation = (raw: string | null): string => {
    const zone = raw || store.location.timezone;
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: zone });
      return zone;
    } catch {
      throw badRequest(`Invalid timezone: ${zone}`);
    }
  };
  /** Epoch ms or an ISO 8601 text with an offset, as GHL's appointment bodies take them. */
  const bodyTime = (value: unknown, key: string, errors: string[]): number | undefined => {
    if (value === undefined || value === null) return undefined;
    const ms = typeof value === 'number' ? value : typeof value === 'string' && /T.*(Z|[+-]\d{2}:?\d{2})$/.test(value) ? Date.parse(value) : NaN;
    if (!Number.isFinite(ms)) {
      errors.push(`${key} must be a valid ISO 8601 date string with an offset`);
      return undefined;
    }
    return ms;
  };
  const zonedOut = (ms: number) => formatISO(new TZDate(ms, store.location.timezone));
  const appointmentOut = (ev: SandboxCalendarEvent) => ({ ...ev, startTime: zonedOut(Date.parse(ev.startTime)), endTime: zonedOut(Date.parse(ev.endTime)) });
  /** GHL's answer when the time asked for is not (or no longer) a free slot of the calendar. */
  const slotTaken = () => badRequest('The slot you have selected is no longer available.');

  const getFreeSlots = (ctx: Ctx): Reply => {
    const calendar = calendarOf(ctx.params.calendarId);
    if (!calendar) throw badRequest('Calendar not found');
    const q = ctx.query;
    rejectUnknownQuery(q, new Set(['startDate', 'endDate', 'timezone', 'userId', 'userIds', 'enableLookBusy']));
    const errors: string[] = [];
    const range: number[] = [];
    for (const k of ['startDate', 'endDate'] as const) {
      const v = q.get(k);
      if (!v || !/^\d+$/.test(v)) errors.push(`${k} must be a number string (epoch milliseconds)`);
      else range.push(Number(v));
    }
    throwIf(errors);
    const [startMs, endMs] = range as [number, number];
    if (endMs < startMs) throw badRequest('endDate must be after startDate');
    if (endMs - startMs > FREE_SLOTS_MAX_RANGE_MS) throw badRequest('The date range between startDate and endDate cannot be more than 31 days');
    const userId = q.get('userId');
    const events = [...store.events.values()].filter((ev) => !userId || ev.assignedUserId === userId);
    return { body: { ...freeSlots(calendar, events, { startMs, endMs, zone: zoneOrLocation(q.get('timezone')), now: now() }), traceId: newId() } };
  };

  const APPOINTMENT_KEYS = new Set([
    'calendarId', 'locationId', 'contactId', 'startTime', 'endTime', 'title', 'appointmentStatus', 'assignedUserId', 'address',
    'meetingLocationType', 'meetingLocationId', 'overrideLocationConfig', 'ignoreDateRange', 'ignoreFreeSlotValidation', 'toNotify', 'description', 'rrule',
  ]);
  const APPOINTMENT_STATUSES = new Set(['new', 'confirmed', 'cancelled', 'showed', 'noshow', 'invalid']);

  const createAppointment = (ctx: Ctx): Reply => {
    const b = ctx.body;
    rejectUnknown(b, APPOINTMENT_KEYS);
    requireLocation(b.locationId, 'locationId');
    const errors: string[] = [];
    const calendarId = reqString(b, 'calendarId', errors);
    const contactId = reqString(b, 'contactId', errors);
    const start = bodyTime(b.startTime, 'startTime', errors);
    if (b.startTime === undefined) errors.push('startTime should not be empty');
    const endAsked = bodyTime(b.endTime, 'endTime', errors);
    const status = optString(b, 'appointmentStatus', errors) ?? 'confirmed';
    if (!APPOINTMENT_STATUSES.has(status)) errors.push('appointmentStatus must be one of the following values: new, confirmed, cancelled, showed, noshow, invalid');
    throwIf(errors);
    const calendar = calendarOf(calendarId);
    if (!calendar) throw badRequest('Calendar not found');
    if (!store.contacts.has(contactId)) throw badRequest('Contact not found');
    const startMs = start!;
    const endMs = endAsked ?? startMs + calendar.slotDuration * 60_000;
    if (endMs <= startMs) throw badRequest('endTime must be after startTime');
    if (b.ignoreFreeSlotValidation !== true && !isFreeSlot(calendar, store.events.values(), startMs, store.location.timezone, now())) throw slotTaken();
    const user = typeof b.assignedUserId === 'string' && b.assignedUserId ? b.assignedUserId : store.users[0]!;
    const ts = isoOf(now());
    const ev: SandboxCalendarEvent = {
      id: newId(),
      title: typeof b.title === 'string' && b.title ? b.title : calendar.name,
      calendarId,
      locationId,
      contactId,
      groupId: calendar.groupId,
      appointmentStatus: status,
      assignedUserId: user,
      users: [user],
      notes: '',
      address: typeof b.address === 'string' ? b.address : '',
      startTime: isoOf(startMs),
      endTime: isoOf(endMs),
      dateAdded: ts,
      dateUpdated: ts,
    };
    store.events.set(ev.id, ev);
    return { status: 201, body: appointmentOut(ev) };
  };

  const updateAppointment = (ctx: Ctx): Reply => {
    const ev = store.events.get(ctx.params.eventId!);
    if (!ev) throw notFound('Appointment not found');
    const b = ctx.body;
    rejectUnknown(b, APPOINTMENT_KEYS);
    const errors: string[] = [];
    const start = bodyTime(b.startTime, 'startTime', errors);
    const end = bodyTime(b.endTime, 'endTime', errors);
    const status = optString(b, 'appointmentStatus', errors);
    if (status !== undefined && !APPOINTMENT_STATUSES.has(status)) errors.push('appointmentStatus must be one of the following values: new, confirmed, cancelled, showed, noshow, invalid');
    throwIf(errors);
    const calendar = calendarOf(typeof b.calendarId === 'string' ? b.calendarId : ev.calendarId);
    if (!calendar) throw badRequest('Calendar not found');
    const oldStart = Date.parse(ev.startTime);
    const duration = Date.parse(ev.endTime) - oldStart;
    const startMs = start ?? oldStart;
    const endMs = end ?? (start !== undefined ? startMs + duration : Date.parse(ev.endTime));
    if (endMs <= startMs) throw badRequest('endTime must be after startTime');
    if (start !== undefined && start !== oldStart && b.ignoreFreeSlotValidation !== true && !isFreeSlot(calendar, store.events.values(), startMs, store.location.timezone, now(), ev.id)) {
      throw slotTaken();
    }
    Object.assign(ev, {
      calendarId: calendar.id,
      startTime: isoOf(startMs),
      endTime: isoOf(endMs),
      ...(status !== undefined ? { appointmentStatus: status } : {}),
      ...(typeof b.title === 'string' ? { title: b.title } : {}),
      ...(typeof b.address === 'string' ? { address: b.address } : {}),
      ...(typeof b.assignedUserId === 'string' && b.assignedUserId ? { assignedUserId: b.assignedUserId, users: [b.assignedUserId] } : {}),
      dateUpdated: isoOf(now()),
    });
    return { body: appointmentOut(ev) };
  };

  const deleteEvent = (ctx: Ctx): Reply => {
    if (!store.events.delete(ctx.params.eventId!)) throw notFound('Event not found');
    return { status: 201, body: { succeeded: true } };
  };

  const addAppointmentNote = (ctx: Ctx): Reply => {
    const ev = store.events.get(ctx.params.appointmentId!);
    if (!ev) throw notFound('Appointment not found');
    rejectUnknown(ctx.body, new Set(['body', 'userId']));
    const errors: string[] = [];
    const text = reqString(ctx.body, 'body', errors);
    throwIf(errors);
    ev.notes = ev.notes ? `${ev.notes}\n${text}` : text;
    return { status: 201, body: { note: { id: newId(), body: text, createdBy: ctx.body.userId ?? null, dateAdded: isoOf(now()) } } };
  };

  // --- locations ---------------------------------------------------------------------------------

  const getLocation = (ctx: Ctx): Reply => {
    if (ctx.params.locationId !== locationId) throw forbidden();
    return { body: { location: { ...store.location } } };
  };

  const getCustomFields = (ctx: Ctx): Reply => {
    if (ctx.params.locationId !== locationId) throw forbidden();
    rejectUnknownQuery(ctx.query, new Set(['model']));
    const model = ctx.query.get('model') || 'contact';
    if (model !== 'contact' && model !== 'opportunity' && model !== 'all') {
      throw unprocessable('model must be one of the following values: contact, opportunity, all');
    }
    return { body: { customFields: store.customFields.filter((f) => model === 'all' || f.model === model) } };
  };

  const CUSTOM_FIELD_TYPES = new Set(['TEXT', 'LARGE_TEXT', 'NUMERICAL', 'MONETORY', 'SINGLE_OPTIONS', 'MULTIPLE_OPTIONS', 'DATE', 'CHECKBOX', 'PHONE']);
  const createCustomField = (ctx: Ctx): Reply => {
    if (ctx.params.locationId !== locationId) throw forbidden();
    const b = ctx.body;
    rejectUnknown(b, new Set(['name', 'dataType', 'model', 'placeholder', 'position']));
    const errors: string[] = [];
    const name = reqString(b, 'name', errors);
    if (!CUSTOM_FIELD_TYPES.has(String(b.dataType))) errors.push(`dataType must be one of the following values: ${[...CUSTOM_FIELD_TYPES].join(', ')}`);
    const model = b.model ?? 'contact';
    if (model !== 'contact' && model !== 'opportunity') errors.push('model must be one of the following values: contact, opportunity');
    throwIf(errors);
    const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '') || 'field';
    const field: SandboxCustomField = {
      id: newId(),
      name,
      fieldKey: `${String(model)}.${slug}`,
      placeholder: typeof b.placeholder === 'string' ? b.placeholder : '',
      dataType: b.dataType as SandboxCustomField['dataType'],
      position: typeof b.position === 'number' ? b.position : store.customFields.length * 50,
      model: model as SandboxCustomField['model'],
      locationId,
    };
    store.customFields.push(field);
    return { status: 201, body: { customField: field } };
  };

  // --- routing -----------------------------------------------------------------------------------

  const routes: Route[] = [];
  const route = (method: string, template: string, version: string, handler: (ctx: Ctx) => Reply) => {
    const keys: string[] = [];
    const pattern = template.replace(/\/$/, '').replace(/\{(\w+)\}/g, (_m, k: string) => {
      keys.push(k);
      return '([^/]+)';
    });
    routes.push({ method, template, regex: new RegExp(`^${pattern}/?$`), keys, version, key: `${method} ${template}`, handler });
  };
  route('GET', '/locations/{locationId}', V_2021_07_28, getLocation);
  route('GET', '/locations/{locationId}/customFields', V_2021_07_28, getCustomFields);
  route('POST', '/locations/{locationId}/customFields', V_2021_07_28, createCustomField);
  route('POST', '/contacts/search', V_2021_07_28, searchContacts);
  route('GET', '/contacts/', V_2021_07_28, listContacts);
  route('POST', '/contacts/', V_2021_07_28, createContact);
  route('GET', '/contacts/{contactId}', V_2021_07_28, (ctx) => ({ body: { contact: getContact(ctx.params.contactId!) } }));
  route('PUT', '/contacts/{contactId}', V_2021_07_28, updateContact);
  route('DELETE', '/contacts/{contactId}', V_2021_07_28, deleteContact);
  route('GET', '/opportunities/pipelines', V_2021_07_28, (ctx) => {
    requireLocation(ctx.query.get('locationId') ?? undefined, 'locationId');
    rejectUnknownQuery(ctx.query, new Set(['locationId']));
    return { body: { pipelines: store.pipelines } };
  });
  route('GET', '/opportunities/search', V_2021_07_28, searchOpportunities);
  route('POST', '/opportunities/', V_2021_07_28, createOpportunity);
  route('GET', '/opportunities/{id}', V_2021_07_28, (ctx) => ({ body: { opportunity: oppOut(getOpp(ctx.params.id!)) } }));
  route('PUT', '/opportunities/{id}/status', V_2021_07_28, updateOpportunityStatus);
  route('PUT', '/opportunities/{id}', V_2021_07_28, updateOpportunity);
  route('DELETE', '/opportunities/{id}', V_2021_07_28, (ctx) => {
    store.opportunities.delete(getOpp(ctx.params.id!).id);
    return { body: { succeded: true } };
  });
  route('GET', '/conversations/search', V_2021_04_15, searchConversations);
  route('POST', '/conversations/messages', V_2021_04_15, sendMessage);
  route('GET', '/conversations/{conversationId}', V_2021_04_15, getConversationRoute);
  route('PUT', '/conversations/{conversationId}', V_2021_04_15, updateConversation);
  route('GET', '/conversations/{conversationId}/messages', V_2021_04_15, getMessages);
  route('GET', '/users/', V_2021_07_28, (ctx) => {
    requireLocation(ctx.query.get('locationId') ?? undefined, 'locationId');
    rejectUnknownQuery(ctx.query, new Set(['locationId']));
    return { body: { users: store.locationUsers } };
  });
  route('GET', '/calendars/', V_2021_04_15, listCalendars);
  route('GET', '/calendars/events', V_2021_04_15, listEvents);
  // #18 free slots and appointments
  route('GET', '/calendars/{calendarId}/free-slots', V_2021_04_15, getFreeSlots);
  route('POST', '/calendars/events/appointments', V_2021_04_15, createAppointment);
  route('PUT', '/calendars/events/appointments/{eventId}', V_2021_04_15, updateAppointment);
  route('DELETE', '/calendars/events/{eventId}', V_2021_04_15, deleteEvent);
  route('POST', '/calendars/appointments/{appointmentId}/notes', V_2021_04_15, addAppointmentNote);
  // #17 notes, tasks, tags and workflows (test/sandbox/followUp.ts)
  for (const r of followUpRoutes({ store, followUp, now, newId, requireLocation, errors: { unprocessable, badRequest, notFound } })) {
    route(r.method, r.template, V_2021_07_28, r.handler);
  }

  const match = (method: string, path: string): { route: Route; params: Record<string, string> } | null => {
    for (const r of routes) {
      if (r.method !== method) continue;
      const m = r.regex.exec(path);
      if (!m) continue;
      const params: Record<string, string> = {};
      r.keys.forEach((k, i) => {
        params[k] = decodeURIComponent(m[i + 1]!);
      });
      return { route: r, params };
    }
    return null;
  };

  // --- rate limiting -----------------------------------------------------------------------------

  const limit = options.rateLimit;
  const dailyMax = limit?.dailyMax ?? 200_000;
  let windowStart: number | null = null;
  let windowCount = 0;
  let dayStart: number | null = null;
  let dayCount = 0;
  /** Returns the X-RateLimit headers and whether the request is over the limit. */
  const rateLimit = (): { headers: Record<string, string>; limited: boolean } | null => {
    if (!limit) return null;
    const t = now();
    if (windowStart === null || t - windowStart >= limit.intervalMs) {
      windowStart = t;
      windowCount = 0;
    }
    if (dayStart === null || t - dayStart >= 86_400_000) {
      dayStart = t;
      dayCount = 0;
    }
    const limited = windowCount >= limit.max || dayCount >= dailyMax;
    if (!limited) {
      windowCount++;
      dayCount++;
    }
    return {
      limited,
      headers: {
        'X-RateLimit-Max': String(limit.max),
        'X-RateLimit-Remaining': String(Math.max(0, limit.max - windowCount)),
        'X-RateLimit-Interval-Milliseconds': String(limit.intervalMs),
        'X-RateLimit-Limit-Daily': String(dailyMax),
        'X-RateLimit-Daily-Remaining': String(Math.max(0, dailyMax - dayCount)),
      },
    };
  };

  // --- request handling --------------------------------------------------------------------------

  const timers = new Set<NodeJS.Timeout>();
  let closing = false;

  const send = (res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string>) => {
    if (status === 429) stats.rateLimited++;
    const payload = JSON.stringify(body);
    const write = () => {
      if (res.destroyed || res.writableEnded) return;
      res.writeHead(status, {
        'Content-Type': 'application/json; charset=utf-8',
        'Content-Length': String(Buffer.byteLength(payload)),
        ...headers,
      });
      res.end(payload);
    };
    if (latencyMs > 0) {
      const timer = setTimeout(() => {
        timers.delete(timer);
        write();
      }, answerDelay());
      timers.add(timer);
    } else write();
  };

  const handle = (req: http.IncomingMessage, res: http.ServerResponse, raw: Buffer | null) => {
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname;
    const normalized = path.length > 1 ? path.replace(/\/+$/, '') : path;
    const matched = match(method, path);
    stats.requests++;
    const routeKey = matched ? matched.route.key : `${method} *`;
    stats.byRoute[routeKey] = (stats.byRoute[routeKey] ?? 0) + 1;

    const rl = rateLimit();
    const headers = rl?.headers ?? {};
    if (rl?.limited) return send(res, 429, { statusCode: 429, message: 'Too Many Requests' }, headers);

    const faultIndex = faults.findIndex(
      (f) =>
        (!f.method || f.method.toUpperCase() === method) &&
        (!f.path ||
          (typeof f.path === 'string'
            ? f.path.replace(/\/+$/, '') === normalized || (matched && f.path.replace(/\/+$/, '') === matched.route.template.replace(/\/+$/, ''))
            : f.path.test(path))),
    );
    if (faultIndex >= 0) {
      const fault = faults[faultIndex]!;
      if (--fault.remaining <= 0) faults.splice(faultIndex, 1);
      if (fault.hang) return; // never answer; close() destroys the socket
      const status = fault.status ?? 500;
      return send(res, status, fault.body ?? defaultErrorBody(status), headers);
    }

    if (raw === null) {
      return send(res, 413, { statusCode: 413, message: 'request entity too large', error: 'Payload Too Large' }, { ...headers, Connection: 'close' });
    }
    if (!matched) return send(res, 404, { statusCode: 404, message: `Cannot ${method} ${path}`, error: 'Not Found' }, headers);

    let body: Record<string, unknown> = {};
    if (raw.length > 0) {
      const text = raw.toString('utf8');
      if (text.trim() !== '') {
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch (err) {
          return send(res, 400, { statusCode: 400, message: (err as Error).message, error: 'Bad Request' }, headers);
        }
        if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
          return send(res, 400, { statusCode: 400, message: 'Request body must be a JSON object', error: 'Bad Request' }, headers);
        }
        body = parsed as Record<string, unknown>;
      }
    }

    if (req.headers.authorization !== `Bearer ${token}`) {
      return send(res, 401, { statusCode: 401, message: 'Invalid JWT', error: 'Unauthorized' }, headers);
    }
    if (req.headers.version !== matched.route.version) {
      return send(res, 400, { statusCode: 400, message: 'Version header is missing or invalid' }, headers);
    }
    try {
      const reply = matched.route.handler({ method, path, params: matched.params, query: url.searchParams, body });
      return send(res, reply.status ?? 200, reply.body, headers);
    } catch (err) {
      if (err instanceof HttpError) return send(res, err.status, err.body, headers);
      return send(res, 500, { statusCode: 500, message: `Internal server error: ${(err as Error).message}` }, headers);
    }
  };

  const rentcast = options.rentcast === false ? null : createRentcastStandIn({ now, ...options.rentcast });
  // The contacts' addresses become known on RentCast's first request, not at start: a 200k sandbox
  // must not pay for them unless ARV runs against it.
  let rentcastAddressesKnown = false;

  let requestsInFlight = 0;
  const server = http.createServer({ keepAlive: true }, (req, res) => {
    requestsInFlight++;
    res.once('close', () => requestsInFlight--);
    if (!closing && rentcast && (req.url?.startsWith('/v1/avm') || req.url?.startsWith('/v1/properties'))) {
      if (!rentcastAddressesKnown) {
        rentcastAddressesKnown = true;
        rentcast.addAddresses(contactAddresses(store.contacts.values()));
      }
      if (rentcast.handle(req, res)) return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      if (tooLarge) return;
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        tooLarge = true;
        chunks.length = 0;
      } else chunks.push(chunk);
    });
    req.on('end', () => {
      if (closing) return;
      handle(req, res, tooLarge ? null : Buffer.concat(chunks));
    });
    req.on('error', () => res.destroy());
  });
  const listening = await listenOnLoopback(server, options.port);
  const port = listening.port;
  baseUrl = `http://127.0.0.1:${port}`;

  const touchContacts = (nOrIds: number | string[]): string[] => {
    let targets: SandboxContact[];
    if (Array.isArray(nOrIds)) {
      targets = nOrIds.map((id) => store.contacts.get(id)).filter((c): c is SandboxContact => !!c);
    } else {
      const arr = index();
      const n = Math.min(Math.max(0, Math.floor(nOrIds)), arr.length);
      const picked = new Set<number>();
      while (picked.size < n) {
        let i = touchRng.int(arr.length);
        while (picked.has(i)) i = (i + 1) % arr.length;
        picked.add(i);
      }
      targets = [...picked].map((i) => arr[i]!);
    }
    const t = now();
    for (const c of targets) {
      const cities = SANDBOX_CITIES;
      const at = c.city ? cities.indexOf(c.city) : -1;
      c.city = cities[(at + 1) % cities.length]!;
      c.dateUpdated = isoOf(Math.max(t, Date.parse(c.dateAdded)));
    }
    return targets.map((c) => c.id);
  };

  return {
    url: baseUrl,
    port,
    token,
    locationId,
    store,
    stats,
    get requestsInFlight() {
      return requestsInFlight;
    },
    resetStats() {
      stats.requests = 0;
      stats.rateLimited = 0;
      for (const k of Object.keys(stats.byRoute)) delete stats.byRoute[k];
    },
    injectFault(fault: SandboxFault) {
      faults.push({ ...fault, remaining: Math.max(1, fault.times ?? 1) });
    },
    touchContacts,
    injectInbound,
    rentcast,
    followUp,
    close() {
      closing = true;
      rentcast?.dispose();
      for (const t of timers) clearTimeout(t);
      timers.clear();
      return listening.close();
    },
  };
}
