/**
 * Deterministic seeded data for the GHL sandbox (see server.ts).
 *
 * Everything is drawn from one mulberry32 stream, so the same options (seed, counts and the
 * anchor day derived from `now`) always give the same data. Contact dates are anchored to the
 * start of the current UTC day (stable within a day); calendar events are placed relative to
 * `now` itself so that "today" always has events: today on the location's calendar (its
 * `timezone`), as GHL's own calendar and the extension count it.
 */

import { tz } from '@date-fns/tz';
import { startOfDay } from 'date-fns';

// ---------------------------------------------------------------------------------------------
// Entity types (the JSON shapes the sandbox answers with)
// ---------------------------------------------------------------------------------------------

export interface SandboxCustomFieldValue {
  id: string;
  value: unknown;
}

export interface SandboxContact {
  id: string;
  locationId: string;
  firstName: string | null;
  lastName: string | null;
  contactName: string | null;
  firstNameLowerCase: string | null;
  lastNameLowerCase: string | null;
  email: string | null;
  phone: string | null;
  companyName: string | null;
  address1: string | null;
  city: string | null;
  state: string | null;
  postalCode: string | null;
  country: string;
  source: string | null;
  type: string;
  tags: string[];
  customFields: SandboxCustomFieldValue[];
  /** ISO 8601 (always `Date#toISOString()` form, so strings compare chronologically). */
  dateAdded: string;
  /** ISO 8601, >= dateAdded. */
  dateUpdated: string;
}

export interface SandboxLocation {
  id: string;
  companyId: string;
  name: string;
  email: string;
  phone: string;
  timezone: string;
  address: string;
  city: string;
  state: string;
  country: string;
  postalCode: string;
  website: string;
}

export type SandboxCustomFieldDataType =
  | 'TEXT'
  | 'LARGE_TEXT'
  | 'NUMERICAL'
  | 'MONETORY'
  | 'SINGLE_OPTIONS'
  | 'MULTIPLE_OPTIONS'
  | 'DATE'
  | 'CHECKBOX'
  | 'PHONE';

export interface SandboxCustomField {
  id: string;
  name: string;
  fieldKey: string;
  placeholder: string;
  dataType: SandboxCustomFieldDataType;
  position: number;
  model: 'contact' | 'opportunity';
  locationId: string;
  picklistOptions?: string[];
}

export interface SandboxPipelineStage {
  id: string;
  name: string;
  position: number;
}

export interface SandboxPipeline {
  id: string;
  name: string;
  locationId: string;
  stages: SandboxPipelineStage[];
  showInFunnel: boolean;
  showInPieChart: boolean;
}

export type SandboxOpportunityStatus = 'open' | 'won' | 'lost' | 'abandoned';

export interface SandboxOpportunityContact {
  id: string;
  name: string | null;
  companyName: string | null;
  email: string | null;
  phone: string | null;
  tags: string[];
}

export interface SandboxOpportunity {
  id: string;
  name: string;
  monetaryValue: number;
  pipelineId: string;
  pipelineStageId: string;
  assignedTo: string | null;
  status: SandboxOpportunityStatus;
  source: string | null;
  lastStatusChangeAt: string;
  lastStageChangeAt: string;
  createdAt: string;
  updatedAt: string;
  contactId: string;
  locationId: string;
  customFields: SandboxCustomFieldValue[];
  contact: SandboxOpportunityContact;
}

export interface SandboxConversation {
  id: string;
  contactId: string;
  locationId: string;
  lastMessageBody: string;
  lastMessageType: string;
  /** epoch ms */
  lastMessageDate: number;
  type: string;
  unreadCount: number;
  starred: boolean;
  /** The direction of the last message. */
  lastMessageDirection: 'inbound' | 'outbound';
  /** A user id of `store.locationUsers`, or null when unassigned. */
  assignedTo: string | null;
  fullName: string;
  contactName: string;
  email: string | null;
  phone: string | null;
  /** epoch ms */
  dateAdded: number;
  /** epoch ms */
  dateUpdated: number;
}

export interface SandboxMessage {
  id: string;
  type: number;
  messageType: string;
  direction: 'inbound' | 'outbound';
  status: string;
  body: string;
  subject?: string;
  contactId: string;
  conversationId: string;
  locationId: string;
  /** ISO 8601 */
  dateAdded: string;
  contentType: string;
  /** URLs of the message's files. */
  attachments?: string[];
  meta?: Record<string, unknown>;
}

/** A user of the location (GET /users/?locationId=…). */
export interface SandboxUser {
  id: string;
  name: string;
  firstName: string;
  lastName: string;
  email: string;
  phone: string;
  roles: { type: 'account'; role: 'admin' | 'user' };
}

export interface SandboxCalendar {
  id: string;
  locationId: string;
  name: string;
  description: string;
  isActive: boolean;
  calendarType: string;
  groupId: string;
  /** #18: minutes an appointment lasts, and between two slot starts (GHL's slotDuration / slotInterval, unit mins). */
  slotDuration: number;
  slotDurationUnit: 'mins';
  slotInterval: number;
  slotIntervalUnit: 'mins';
  /** #18: when it can be booked, on the location's clock: weekdays 0 (Sunday) to 6. */
  openHours: Array<{ daysOfTheWeek: number[]; hours: Array<{ openHour: number; openMinute: number; closeHour: number; closeMinute: number }> }>;
}

export interface SandboxCalendarEvent {
  id: string;
  title: string;
  calendarId: string;
  locationId: string;
  contactId: string | null;
  groupId: string;
  appointmentStatus: string;
  assignedUserId: string;
  users: string[];
  notes: string;
  address: string;
  /** ISO 8601 */
  startTime: string;
  /** ISO 8601 */
  endTime: string;
  dateAdded: string;
  dateUpdated: string;
}

/** The sandbox's live data. Tests may read and mutate it directly. */
export interface SandboxStore {
  location: SandboxLocation;
  /** The ids of `locationUsers`. */
  users: string[];
  locationUsers: SandboxUser[];
  customFields: SandboxCustomField[];
  /** Keyed by id, in dateAdded order as generated. */
  contacts: Map<string, SandboxContact>;
  /**
   * Index of `contacts` sorted by (dateAdded, id), used for the default search order and
   * `searchAfter`. The server keeps it up to date for its own writes and rebuilds it when its
   * length differs from `contacts.size`; after changing a contact's dateAdded directly, call
   * `reindexContacts()`.
   */
  contactsByDateAdded: SandboxContact[];
  reindexContacts(): void;
  pipelines: SandboxPipeline[];
  opportunities: Map<string, SandboxOpportunity>;
  conversations: Map<string, SandboxConversation>;
  /** Messages per conversation id, oldest first. */
  messages: Map<string, SandboxMessage[]>;
  calendars: SandboxCalendar[];
  events: Map<string, SandboxCalendarEvent>;
}

export interface GenerateOptions {
  seed?: number;
  locationId?: string;
  locationName?: string;
  /** The location's `timezone` as GET /locations/{id} answers it (default America/Chicago). */
  locationTimeZone?: string;
  contacts?: number;
  opportunities?: number;
  conversations?: number;
  /** epoch ms used as "now" (defaults to Date.now()). */
  now?: number;
}

// ---------------------------------------------------------------------------------------------
// PRNG and helpers
// ---------------------------------------------------------------------------------------------

/** mulberry32: tiny, fast, good enough for fixtures. Returns floats in [0, 1). */

/** Midnight of the location's calendar day that holds `now`; the UTC day when its zone is not one. */
function startOfLocationDay(now: number, zone: string): number {
  const start = zone ? startOfDay(now, { in: tz(zone) }).getTime() : NaN;
  return Number.isFinite(start) ? start : Math.floor(now / DAY) * DAY;
}

/** Ids from `rng` that are not in `ids` yet (each is added as it is handed out). */
function idsFrom(rng: Rng, ids: Set<string>): () => string {
  return () => {
    for (;;) {
      const id = rng.id();
      if (!ids.has(id)) {
        ids.add(id);
        return id;
      }
    }
  };
}

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const HEX = '0123456789abcdef';
const ALNUM_CODES = Uint16Array.from(ALNUM, (ch) => ch.charCodeAt(0));
const ID_CODES = new Uint16Array(20);

export class Rng {
  readonly next: () => number;
  constructor(seed: number) {
    this.next = mulberry32(seed);
  }
  int(maxExclusive: number): number {
    return Math.floor(this.next() * maxExclusive);
  }
  range(min: number, maxInclusive: number): number {
    return min + this.int(maxInclusive - min + 1);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  /** GHL-style id: 20 alphanumeric characters. */
  id(): string {
    const c = ID_CODES;
    for (let i = 0; i < 20; i++) c[i] = ALNUM_CODES[(this.next() * 62) | 0]!;
    return String.fromCharCode.apply(null, c as unknown as number[]);
  }
  uuid(): string {
    let s = '';
    for (let i = 0; i < 32; i++) {
      if (i === 8 || i === 12 || i === 16 || i === 20) s += '-';
      s += i === 12 ? '4' : i === 16 ? HEX[8 + this.int(4)] : HEX[this.int(16)];
    }
    return s;
  }
}

const DAY = 86_400_000;

const FIRST_NAMES = [
  'James', 'Mary', 'Robert', 'Patricia', 'John', 'Jennifer', 'Michael', 'Linda', 'David', 'Elizabeth',
  'William', 'Barbara', 'Richard', 'Susan', 'Joseph', 'Jessica', 'Thomas', 'Sarah', 'Carlos', 'Karen',
  'Daniel', 'Lisa', 'Matthew', 'Nancy', 'Anthony', 'Betty', 'Mark', 'Sandra', 'Donald', 'Ashley',
  'Steven', 'Emily', 'Andrew', 'Donna', 'Luis', 'Michelle', 'Kevin', 'Carol', 'Brian', 'Amanda',
  'Wei', 'Priya', 'Omar', 'Fatima', 'Hiroshi', 'Sofia', 'Mateo', 'Chloe', 'Andre', 'Zoe',
];
const LAST_NAMES = [
  'Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis', 'Rodriguez', 'Martinez',
  'Hernandez', 'Lopez', 'Gonzalez', 'Wilson', 'Anderson', 'Thomas', 'Taylor', 'Moore', 'Jackson', 'Martin',
  'Lee', 'Perez', 'Thompson', 'White', 'Harris', 'Sanchez', 'Clark', 'Ramirez', 'Lewis', 'Robinson',
  'Walker', 'Young', 'Allen', 'King', 'Wright', 'Scott', 'Torres', 'Nguyen', 'Hill', 'Flores',
  "O'Brien", 'Patel', 'Kim', 'Chen', 'Okafor', 'Novak', 'Rossi', 'Schmidt', 'Dubois', 'Silva',
];
const COMPANY_A = ['Summit', 'Keystone', 'Harbor', 'Blue Oak', 'Pinnacle', 'Cedar', 'Golden Gate', 'Redwood', 'Lakeside', 'Frontier'];
const COMPANY_B = ['Properties', 'Realty', 'Holdings', 'Capital', 'Investments', 'Homes', 'Group', 'Partners LLC', 'Ventures', 'Estates'];
const STREETS = ['Main St', 'Oak Ave', 'Maple Dr', 'Pine St', 'Cedar Ln', 'Elm St', 'Washington Blvd', 'Lake Rd', 'Hillcrest Dr', 'Sunset Blvd', 'Park Ave', 'River Rd'];
const CITIES: ReadonlyArray<readonly [string, string, string]> = [
  ['Austin', 'TX', '787'], ['Dallas', 'TX', '752'], ['Houston', 'TX', '770'], ['Phoenix', 'AZ', '850'],
  ['Denver', 'CO', '802'], ['Atlanta', 'GA', '303'], ['Orlando', 'FL', '328'], ['Tampa', 'FL', '336'],
  ['Miami', 'FL', '331'], ['Charlotte', 'NC', '282'], ['Nashville', 'TN', '372'], ['Las Vegas', 'NV', '891'],
  ['San Diego', 'CA', '921'], ['Sacramento', 'CA', '958'], ['Seattle', 'WA', '981'], ['Columbus', 'OH', '432'],
];
export const SANDBOX_CITIES: readonly string[] = CITIES.map((c) => c[0]);
const DOMAINS = ['gmail.com', 'yahoo.com', 'outlook.com', 'icloud.com', 'hotmail.com', 'example.com'];
const SOURCES = ['Website', 'Zillow', 'Referral', 'Facebook Ads', 'Cold Call', 'Direct Mail', 'Open House', 'Google Ads'];
const TAGS = ['buyer', 'seller', 'investor', 'hot-lead', 'cold', 'follow-up', 'cash-buyer', 'probate', 'absentee-owner', 'vip'];
const SMS_IN = [
  'Hi, is the property on {street} still available?',
  'Can we schedule a showing this week?',
  'What is the asking price?',
  'Thanks, talk soon.',
  'I might be interested in selling my house.',
  'Please call me back when you can.',
];
const SMS_OUT = [
  'Hi {first}, thanks for reaching out! Yes, it is still available.',
  'Sure, how does Thursday at 5pm sound?',
  'We can make you a cash offer within 48 hours.',
  'Just following up on our conversation.',
  'Great, I have booked the showing for you.',
];

export const MESSAGE_TYPES: Readonly<Record<string, number>> = {
  TYPE_CALL: 1,
  TYPE_SMS: 2,
  TYPE_EMAIL: 3,
  TYPE_FACEBOOK: 11,
  TYPE_INSTAGRAM: 18,
  TYPE_WHATSAPP: 19,
  TYPE_CUSTOM_SMS: 20,
  TYPE_LIVE_CHAT: 29,
  TYPE_INTERNAL_COMMENT: 35,
};

export function compareContacts(a: SandboxContact, b: SandboxContact): number {
  return a.dateAdded < b.dateAdded ? -1 : a.dateAdded > b.dateAdded ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export function opportunityContact(c: SandboxContact): SandboxOpportunityContact {
  return { id: c.id, name: c.contactName, companyName: c.companyName, email: c.email, phone: c.phone, tags: [...c.tags] };
}

// ---------------------------------------------------------------------------------------------
// Generator
// ---------------------------------------------------------------------------------------------

export function generateStore(options: GenerateOptions = {}): SandboxStore {
  const seed = options.seed ?? 1;
  const locationId = options.locationId ?? 'loc_sandbox_0001';
  const nContacts = Math.max(0, Math.floor(options.contacts ?? 250));
  const nOpps = nContacts === 0 ? 0 : Math.max(0, Math.floor(options.opportunities ?? 60));
  const nConvs = Math.min(nContacts, Math.max(0, Math.floor(options.conversations ?? 20)));
  const now = options.now ?? Date.now();
  const anchor = Math.floor(now / DAY) * DAY; // start of the current UTC day
  const rng = new Rng(seed);
  const ids = new Set<string>();
  const uniqueId = idsFrom(rng, ids);

  const location: SandboxLocation = {
    id: locationId,
    companyId: uniqueId(),
    name: options.locationName ?? 'Sandbox Realty',
    email: 'office@sandbox-realty.example',
    phone: '+15550100000',
    timezone: options.locationTimeZone ?? 'America/Chicago',
    address: '100 Congress Ave',
    city: 'Austin',
    state: 'TX',
    country: 'US',
    postalCode: '78701',
    website: 'https://sandbox-realty.example',
  };
  const users = [uniqueId(), uniqueId(), uniqueId()];

  const cf = (name: string, key: string, dataType: SandboxCustomFieldDataType, model: 'contact' | 'opportunity', position: number, placeholder = '', picklistOptions?: string[]): SandboxCustomField => {
    const f: SandboxCustomField = { id: uniqueId(), name, fieldKey: `${model}.${key}`, placeholder, dataType, position, model, locationId };
    if (picklistOptions) f.picklistOptions = picklistOptions;
    return f;
  };
  const customFields: SandboxCustomField[] = [
    cf('Property Address', 'property_address', 'TEXT', 'contact', 0, '123 Main St'),
    cf('ARV', 'arv', 'MONETORY', 'contact', 50, '$0.00'),
    cf('Bedrooms', 'bedrooms', 'NUMERICAL', 'contact', 100),
    cf('Lead Temperature', 'lead_temperature', 'SINGLE_OPTIONS', 'contact', 150, '', ['Hot', 'Warm', 'Cold']),
    cf('Last Showing Date', 'last_showing_date', 'DATE', 'contact', 200),
    cf('Offer Amount', 'offer_amount', 'MONETORY', 'opportunity', 0, '$0.00'),
  ];
  const [cfAddress, cfArv, cfBeds, cfTemp, cfShowing] = customFields as [SandboxCustomField, SandboxCustomField, SandboxCustomField, SandboxCustomField, SandboxCustomField];

  // --- contacts: dateAdded strictly increasing over the past ~2 years ---
  const contacts = new Map<string, SandboxContact>();
  const sorted: SandboxContact[] = new Array(nContacts);
  const span = 730 * DAY;
  const start = anchor - span;
  const step = nContacts > 0 ? span / nContacts : 0;
  // Interned strings keep 200k contacts small (names, lowercase names, full names are shared).
  const firstLower = FIRST_NAMES.map((n) => n.toLowerCase());
  const lastLower = LAST_NAMES.map((n) => n.toLowerCase());
  const emailLocal = FIRST_NAMES.map((f) => LAST_NAMES.map((l) => `${f}.${l.replace(/'/g, '')}`.toLowerCase()));
  const fullNames = FIRST_NAMES.map((f) => LAST_NAMES.map((l) => `${f} ${l}`));
  const companies = COMPANY_A.flatMap((a) => COMPANY_B.map((b) => `${a} ${b}`));
  for (let i = 0; i < nContacts; i++) {
    const fi = rng.int(FIRST_NAMES.length);
    const li = rng.int(LAST_NAMES.length);
    const noName = rng.chance(0.01);
    const [city, state, zipPrefix] = rng.pick(CITIES);
    const addedMs = Math.floor(start + i * step + rng.next() * Math.max(0, step - 1));
    const r = rng.next();
    const updatedMs = r < 0.35 ? addedMs : Math.floor(addedMs + rng.next() * (anchor - addedMs));
    const street = (rng.range(100, 9999) + ' ' + rng.pick(STREETS)).trim(); // trim() flattens the cons string
    const hasEmail = !rng.chance(0.08);
    const hasPhone = !rng.chance(0.1);
    const hasCompany = rng.chance(0.35);
    const nTags = rng.int(4);
    const tags: string[] = [];
    for (let t = 0; t < nTags; t++) {
      const tag = rng.pick(TAGS);
      if (!tags.includes(tag)) tags.push(tag);
    }
    const customFieldValues: SandboxCustomFieldValue[] = [];
    if (rng.chance(0.6)) {
      customFieldValues.push({ id: cfAddress.id, value: street });
      customFieldValues.push({ id: cfArv.id, value: rng.range(80, 900) * 1000 });
      if (rng.chance(0.4)) customFieldValues.push({ id: cfBeds.id, value: rng.range(1, 6) });
      if (rng.chance(0.4)) customFieldValues.push({ id: cfTemp.id, value: rng.pick(cfTemp.picklistOptions!) });
      if (rng.chance(0.2)) customFieldValues.push({ id: cfShowing.id, value: new Date(addedMs + rng.int(60) * DAY).toISOString().slice(0, 10) });
    }
    let id = rng.id();
    while (contacts.has(id)) id = rng.id();
    const domain = rng.pick(DOMAINS);
    const dateAdded = new Date(addedMs).toISOString();
    const contact: SandboxContact = {
      id,
      locationId,
      firstName: noName ? null : FIRST_NAMES[fi]!,
      lastName: noName ? null : LAST_NAMES[li]!,
      contactName: noName ? null : fullNames[fi]![li]!,
      firstNameLowerCase: noName ? null : firstLower[fi]!,
      lastNameLowerCase: noName ? null : lastLower[li]!,
      email: hasEmail || noName ? (emailLocal[fi]![li]! + i + '@' + domain).toLowerCase() : null,
      phone: hasPhone ? '+1555' + String((i * 7919 + 1234) % 10_000_000).padStart(7, '0') : null,
      companyName: hasCompany ? rng.pick(companies) : null,
      address1: street,
      city,
      state,
      postalCode: zipPrefix + String(rng.int(100)).padStart(2, '0'),
      country: 'US',
      source: rng.pick(SOURCES),
      type: 'lead',
      tags,
      customFields: customFieldValues,
      dateAdded,
      dateUpdated: updatedMs === addedMs ? dateAdded : new Date(updatedMs).toISOString(),
    };
    contacts.set(contact.id, contact);
    sorted[i] = contact;
  }
  // dateAdded is strictly increasing by construction, so `sorted` is already in (dateAdded, id) order.

  // --- pipelines ---
  const pipeline = (name: string, stages: string[]): SandboxPipeline => ({
    id: uniqueId(),
    name,
    locationId,
    stages: stages.map((s, position) => ({ id: rng.uuid(), name: s, position })),
    showInFunnel: true,
    showInPieChart: true,
  });
  const pipelines = [
    pipeline('Sales Pipeline', ['New Lead', 'Contacted', 'Appointment Set', 'Offer Made', 'Under Contract']),
    pipeline('Acquisitions', ['Lead In', 'Analyzing', 'Offer Sent', 'Closed']),
  ];

  // --- opportunities: createdAt over the past year, each linked to a seeded contact ---
  const opportunities = new Map<string, SandboxOpportunity>();
  const opps: SandboxOpportunity[] = [];
  const statuses: SandboxOpportunityStatus[] = ['open', 'open', 'open', 'open', 'won', 'lost', 'abandoned'];
  for (let i = 0; i < nOpps; i++) {
    const contact = sorted[rng.int(nContacts)]!;
    const p = rng.pick(pipelines);
    const stage = rng.pick(p.stages);
    const addedMs = Date.parse(contact.dateAdded);
    const createdMs = Math.max(addedMs, anchor - 365 * DAY) + Math.floor(rng.next() * Math.max(1, anchor - Math.max(addedMs, anchor - 365 * DAY)));
    const updatedMs = rng.chance(0.3) ? createdMs : createdMs + Math.floor(rng.next() * (anchor - createdMs));
    const stageMs = createdMs + Math.floor(rng.next() * (updatedMs - createdMs + 1));
    const status = rng.pick(statuses);
    const created = new Date(createdMs).toISOString();
    const opp: SandboxOpportunity = {
      id: uniqueId(),
      name: `${contact.address1 ?? 'Deal'} - ${contact.contactName ?? contact.email ?? 'Unknown'}`,
      monetaryValue: rng.range(50, 950) * 1000,
      pipelineId: p.id,
      pipelineStageId: stage.id,
      assignedTo: rng.chance(0.8) ? rng.pick(users) : null,
      status,
      source: rng.pick(SOURCES),
      lastStatusChangeAt: status === 'open' ? created : new Date(stageMs).toISOString(),
      lastStageChangeAt: new Date(stageMs).toISOString(),
      createdAt: created,
      updatedAt: new Date(updatedMs).toISOString(),
      contactId: contact.id,
      locationId,
      customFields: [],
      contact: opportunityContact(contact),
    };
    opps.push(opp);
  }
  opps.sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id < b.id ? -1 : 1));
  for (const o of opps) opportunities.set(o.id, o);

  // --- conversations: one per distinct contact, 3..12 messages each within the past 30 days ---
  const conversations = new Map<string, SandboxConversation>();
  const messages = new Map<string, SandboxMessage[]>();
  const used = new Set<number>();
  for (let i = 0; i < nConvs; i++) {
    let idx = rng.int(nContacts);
    while (used.has(idx)) idx = (idx + 1) % nContacts;
    used.add(idx);
    const contact = sorted[idx]!;
    const convId = uniqueId();
    const n = rng.range(3, 12);
    const first = anchor - rng.range(2, 30) * DAY + rng.int(DAY);
    const gaps: number[] = [];
    for (let m = 0; m < n; m++) gaps.push(m === 0 ? 0 : rng.range(60_000, 36 * 3_600_000));
    const totalGap = gaps.reduce((a, b) => a + b, 0);
    const room = now - 60_000 - first;
    const scale = totalGap > room ? Math.max(0, room) / totalGap : 1;
    let t = first;
    const list: SandboxMessage[] = [];
    for (let m = 0; m < n; m++) {
      t += Math.max(m === 0 ? 0 : 1000, Math.floor(gaps[m]! * scale));
      const inbound = m % 2 === 0 ? rng.chance(0.8) : rng.chance(0.3);
      const messageType = !contact.phone && contact.email ? 'TYPE_EMAIL' : rng.chance(0.85) ? 'TYPE_SMS' : rng.chance(0.5) ? 'TYPE_EMAIL' : 'TYPE_CALL';
      const template = rng.pick(inbound ? SMS_IN : SMS_OUT);
      const body = template.replace('{street}', contact.address1 ?? 'Main St').replace('{first}', contact.firstName ?? 'there');
      const msg: SandboxMessage = {
        id: uniqueId(),
        type: MESSAGE_TYPES[messageType]!,
        messageType,
        direction: inbound ? 'inbound' : 'outbound',
        status: inbound ? 'read' : 'delivered',
        body: messageType === 'TYPE_CALL' ? '' : body,
        contactId: contact.id,
        conversationId: convId,
        locationId,
        dateAdded: new Date(t).toISOString(),
        contentType: messageType === 'TYPE_EMAIL' ? 'text/html' : 'text/plain',
      };
      if (messageType === 'TYPE_EMAIL') msg.subject = 'Re: your property';
      list.push(msg);
    }
    list.sort((a, b) => (a.dateAdded < b.dateAdded ? -1 : a.dateAdded > b.dateAdded ? 1 : 0));
    const lastMsg = list[list.length - 1]!;
    const name = contact.contactName ?? contact.email ?? contact.phone ?? 'Unknown';
    conversations.set(convId, {
      id: convId,
      contactId: contact.id,
      locationId,
      lastMessageBody: lastMsg.body,
      lastMessageType: lastMsg.messageType,
      lastMessageDate: Date.parse(lastMsg.dateAdded),
      type: 'TYPE_PHONE',
      unreadCount: lastMsg.direction === 'inbound' ? rng.range(1, 3) : 0,
      starred: false,
      lastMessageDirection: lastMsg.direction,
      assignedTo: null,
      fullName: name,
      contactName: name,
      email: contact.email,
      phone: contact.phone,
      dateAdded: Date.parse(list[0]!.dateAdded),
      dateUpdated: Date.parse(lastMsg.dateAdded),
    });
    messages.set(convId, list);
  }

  // --- calendars and events: relative to `now`, several per calendar over the next 14 days ---
  const groupId = uniqueId();
  const calendars: SandboxCalendar[] = [
    {
      id: uniqueId(), locationId, name: 'Showings', description: 'Property showings with buyers', isActive: true, calendarType: 'event', groupId,
      slotDuration: 30, slotDurationUnit: 'mins', slotInterval: 30, slotIntervalUnit: 'mins',
      openHours: [
        { daysOfTheWeek: [1, 2, 3, 4, 5], hours: [{ openHour: 9, openMinute: 0, closeHour: 17, closeMinute: 0 }] },
        { daysOfTheWeek: [6], hours: [{ openHour: 10, openMinute: 0, closeHour: 14, closeMinute: 0 }] },
      ],
    },
    {
      id: uniqueId(), locationId, name: 'Listing Appointments', description: 'Listing presentations with sellers', isActive: true, calendarType: 'event', groupId,
      slotDuration: 60, slotDurationUnit: 'mins', slotInterval: 60, slotIntervalUnit: 'mins',
      openHours: [{ daysOfTheWeek: [1, 2, 3, 4, 5], hours: [{ openHour: 10, openMinute: 0, closeHour: 18, closeMinute: 0 }] }],
    },
  ];
  const events = new Map<string, SandboxCalendarEvent>();
  const hour = 3_600_000;
  const today = startOfLocationDay(now, location.timezone);
  for (const cal of calendars) {
    const n = 8 + rng.int(5);
    for (let e = 0; e < n; e++) {
      // The first two of each calendar are today (one before, one after `now` when possible).
      const day = e < 2 ? 0 : rng.range(0, 13);
      const startMs = today + day * DAY + rng.range(8, 19) * hour + (rng.chance(0.5) ? 30 * 60_000 : 0);
      const contact = nContacts > 0 ? sorted[rng.int(nContacts)]! : null;
      const booked = Math.max(anchor - 20 * DAY, startMs - rng.range(1, 20) * DAY);
      const user = rng.pick(users);
      const ev: SandboxCalendarEvent = {
        id: uniqueId(),
        title: `${cal.name === 'Showings' ? 'Showing' : 'Listing appointment'}${contact?.contactName ? ` with ${contact.contactName}` : ''}`,
        calendarId: cal.id,
        locationId,
        contactId: contact?.id ?? null,
        groupId,
        appointmentStatus: rng.pick(['confirmed', 'confirmed', 'confirmed', 'new', 'showed', 'cancelled']),
        assignedUserId: user,
        users: [user],
        notes: rng.chance(0.5) ? 'Bring comps and disclosures.' : '',
        address: contact?.address1 ? `${contact.address1}, ${contact.city}, ${contact.state}` : 'Office',
        startTime: new Date(startMs).toISOString(),
        endTime: new Date(startMs + (rng.chance(0.5) ? 30 : 60) * 60_000).toISOString(),
        dateAdded: new Date(booked).toISOString(),
        dateUpdated: new Date(booked).toISOString(),
      };
      events.set(ev.id, ev);
    }
  }

  addArvOpportunityFields(customFields, opportunities, locationId, seed, ids);
  const locationUsers = SANDBOX_USER_NAMES.map(([firstName, lastName], i): SandboxUser => ({
    id: users[i]!,
    name: `${firstName} ${lastName}`,
    firstName,
    lastName,
    email: `${firstName.toLowerCase()}@sandbox-realty.example`,
    phone: `+1555010000${i + 1}`,
    roles: { type: 'account', role: i === 0 ? 'admin' : 'user' },
  }));
  addInboxDetails(conversations, messages, contacts, users, seed);

  const store: SandboxStore = {
    location,
    users,
    locationUsers,
    customFields,
    contacts,
    contactsByDateAdded: sorted,
    reindexContacts() {
      store.contactsByDateAdded = [...store.contacts.values()].sort(compareContacts);
    },
    pipelines,
    opportunities,
    conversations,
    messages,
    calendars,
    events,
  };
  return store;
}

const SANDBOX_USER_NAMES: ReadonlyArray<readonly [string, string]> = [['Jordan', 'Blake'], ['Priya', 'Raman'], ['Sam', 'Ortega']];

/** What leads write in: the sandbox's inbound messages (generated and injected). */
export const SANDBOX_INBOUND_TEXTS: readonly string[] = SMS_IN;

/**
 * What an inbox shows besides the text: assignment, stars, channels other than SMS (WhatsApp,
 * an Email with its subject, a call), attachments. Its own random stream, so every record the
 * seed made before stays as it was.
 */
function addInboxDetails(
  conversations: Map<string, SandboxConversation>,
  messages: Map<string, SandboxMessage[]>,
  contacts: Map<string, SandboxContact>,
  users: readonly string[],
  seed: number,
): void {
  const rng = new Rng((seed ^ 0x1b0c5) >>> 0);
  const lastDates = new Set<number>();
  let i = 0;
  for (const cv of conversations.values()) {
    const list = messages.get(cv.id) ?? [];
    const contact = contacts.get(cv.contactId);
    cv.assignedTo = rng.chance(0.7) ? rng.pick(users) : null;
    cv.starred = rng.chance(0.2);
    if (i % 4 === 1 && contact?.phone) {
      for (const m of list) if (m.messageType === 'TYPE_SMS') retype(m, 'TYPE_WHATSAPP');
    } else if (i % 4 === 2 && contact?.email) {
      // The lead's latest message came by email: the thread shows a subject.
      const last = list[list.length - 1];
      if (last && last.messageType !== 'TYPE_EMAIL') {
        retype(last, 'TYPE_EMAIL');
        last.subject = rng.pick(['Question about the listing', 'Offer on my house', 'Showing times']);
        last.contentType = 'text/html';
      }
    } else if (i % 4 === 3 && list.length > 2) {
      const call = list[1]!;
      retype(call, 'TYPE_CALL');
      call.body = '';
      call.meta = { callDuration: rng.range(20, 600), callStatus: 'completed' };
      delete call.subject;
    }
    if (i < 2) {
      const inbound = list.find((m) => m.direction === 'inbound' && m.messageType !== 'TYPE_CALL');
      if (inbound) inbound.attachments = [`https://files.sandbox-realty.example/photos/${inbound.id}.jpg`];
    }
    const last = list[list.length - 1];
    if (last) {
      // Threads squeezed in before "now" can end on the same millisecond; a date cursor
      // (startAfterDate) would then skip one of them at a page boundary. A millisecond later keeps them apart.
      let date = Date.parse(last.dateAdded);
      while (lastDates.has(date)) date++;
      lastDates.add(date);
      last.dateAdded = new Date(date).toISOString();
      cv.lastMessageDate = date;
      cv.dateUpdated = date;
      cv.lastMessageBody = last.body;
      cv.lastMessageType = last.messageType;
      cv.lastMessageDirection = last.direction;
    }
    i++;
  }
}

function retype(m: SandboxMessage, messageType: string): void {
  m.messageType = messageType;
  m.type = MESSAGE_TYPES[messageType] ?? m.type;
  m.contentType = messageType === 'TYPE_EMAIL' ? 'text/html' : 'text/plain';
  if (messageType !== 'TYPE_EMAIL') delete m.subject;
}

/** The opportunity fields the ARV job reads and writes (fieldKeys `opportunity.arv`, `.square_footage`, `.repairs`). */
export const SANDBOX_ARV_FIELD_KEYS = { arv: 'opportunity.arv', sqft: 'opportunity.square_footage', repairs: 'opportunity.repairs' } as const;

/**
 * Adds the ARV, square footage and repairs opportunity fields, and fills square footage and
 * repairs on some deals. Its own random stream, so every other record stays as the seed made it.
 */
function addArvOpportunityFields(
  customFields: SandboxCustomField[],
  opportunities: Map<string, SandboxOpportunity>,
  locationId: string,
  seed: number,
  ids: Set<string>,
): void {
  const rng = new Rng((seed ^ 0xa2f0c5) >>> 0);
  const uniqueId = idsFrom(rng, ids);
  const field = (name: string, fieldKey: string, dataType: SandboxCustomFieldDataType, position: number): SandboxCustomField => ({
    id: uniqueId(),
    name,
    fieldKey,
    placeholder: dataType === 'MONETORY' ? '$0.00' : '',
    dataType,
    position,
    model: 'opportunity',
    locationId,
  });
  const arv = field('ARV', SANDBOX_ARV_FIELD_KEYS.arv, 'MONETORY', 50);
  const sqft = field('Square Footage', SANDBOX_ARV_FIELD_KEYS.sqft, 'NUMERICAL', 100);
  const repairs = field('Repairs', SANDBOX_ARV_FIELD_KEYS.repairs, 'MONETORY', 150);
  customFields.push(arv, sqft, repairs);
  for (const o of opportunities.values()) {
    if (rng.chance(0.3)) o.customFields.push({ id: sqft.id, value: rng.range(9, 40) * 100 });
    if (rng.chance(0.5)) o.customFields.push({ id: repairs.id, value: rng.range(5, 80) * 1000 });
  }
}
