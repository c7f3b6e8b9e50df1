/**
 * A RentCast stand-in (`GET /v1/avm/value`) on loopback, for tests, the demo and the bench.
 *
 * - Deterministic: every known address gets the same subject property and comparables for the
 *   same seed (mulberry32 seeded from the seed and the normalised address).
 * - Known addresses: the fixed list below plus any passed in (e.g. the GHL sandbox's contact
 *   addresses via `contactAddresses(store.contacts.values())`); any other address is a 404.
 * - `X-Api-Key` must equal `apiKey`, else 401. The 401 message echoes the key it got, on
 *   purpose (RentCast does not): it proves the client never repeats a key it was sent back.
 * - RentCast's limit of 20 requests/s per key as a sliding window over accepted requests;
 *   over it, 429 `auth/rate-limit-exceeded` with `Retry-After: 1`.
 * - Error bodies in RentCast's shape: `{ status, error, message }`.
 * Test hooks: `stats` (requests, by status, per address), `resetStats`, `addAddresses`,
 * `valuationFor` (the body an address gets), `latencyMs`.
 * Issue 19: a generated market (rentcastMarket.ts) answers `GET /v1/properties` (an address alone,
 * or an area by address / latitude+longitude with `radius`, or city/state/zipCode; the filters
 * `propertyType`, `bedrooms`, `bathrooms`, `squareFootage`, `yearBuilt`, `saleDateRange` in
 * RentCast's `min:max` / `a|b` syntax; `limit` 1–500, `offset`, `includeTotalCount`; records in
 * no promised order), and `/v1/avm/value` for its addresses: the subject's record, its listings
 * as comparables (asking above value), an AVM with noise. `market` exposes the truth.
 * `startRentcastSandbox` runs it on its own port; `createRentcastStandIn(...).handle(req, res)`
 * mounts it on another server (e.g. the GHL sandbox's) for the `/v1/avm/*` paths.
 */
import http from 'node:http';
import { mulberry32 } from './data';
import { listenOnLoopback } from './loopback';
import { daysSinceLastSale, generateMarket, MARKET_AREAS, milesBetween, normaliseMarketAddress, parseRangeFilter, propertyRecordJson, type Market, type MarketHome } from './rentcastMarket';

export const RENTCAST_SANDBOX_KEY = 'rc_sandbox_key_0001';

/** Addresses that always exist, with the behaviour their name says. */
export const RENTCAST_FIXED_ADDRESSES = {
  /** Tight comps (price per sqft within ±3 %): 5 good comps, high confidence. */
  tight: '1200 Barton Springs Rd, Austin, TX 78704',
  /** Wide spread of comps: medium confidence. */
  spread: '4500 Elm St, Dallas, TX 75226',
  /** Only two comps with a square footage: the AVM price is the ARV (method avm, low confidence). */
  fewComps: '77 Lonely Ln, Marfa, TX 79843',
  /** RentCast knows no square footage for the subject. */
  noSqft: '9 Mystery Ct, Houston, TX 77002',
  /** A 200 whose `price` is not a number. */
  broken: '13 Broken Answer Rd, Phoenix, AZ 85004',
  /** A 200 without `price` and `comparables`. */
  partial: '21 Half Way, Denver, CO 80202',
} as const;

type Behaviour = 'normal' | 'tight' | 'spread' | 'fewComps' | 'noSqft' | 'broken' | 'partial';

export interface RentcastSandboxOptions {
  /** 0 (default) = a free port; always binds 127.0.0.1. */
  port?: number;
  apiKey?: string;
  seed?: number;
  /** Known besides the fixed list. */
  addresses?: Iterable<string>;
  /** Accepted requests per second (sliding window); default 20. 0 turns the limiter off. */
  ratePerSecond?: number;
  /** Delay before every answer. */
  latencyMs?: number;
  now?: () => number;
}

export interface RentcastSandboxStats {
  requests: number;
  ok: number;
  rateLimited: number;
  unauthorized: number;
  notFound: number;
  /** Accepted lookups per normalised address. */
  byAddress: Record<string, number>;
  /** The most requests accepted within any one second. */
  peakPerSecond: number;
  /** Query strings as received (to check what a client sends). */
  queries: URLSearchParams[];
}

/** The stand-in without a server of its own: mount `handle` on any Node http server. */
export interface RentcastStandIn {
  apiKey: string;
  stats: RentcastSandboxStats;
  latencyMs: number;
  resetStats(): void;
  addAddresses(addresses: Iterable<string>): void;
  isKnown(address: string): boolean;
  /** The 200 body `address` gets (undefined for an unknown one). */
  valuationFor(address: string, compCount?: number): Record<string, unknown> | undefined;
  /** The generated market behind `/v1/properties` (built on first use). */
  readonly market: Market;
  /** True when the request was RentCast's (`/v1/avm/...`, `/v1/properties`) and has been answered. */
  handle(req: http.IncomingMessage, res: http.ServerResponse): boolean;
  /** Drops the answers still waiting out their latency. */
  dispose(): void;
}

export interface RentcastSandbox extends RentcastStandIn {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** "Street, City, State Zip" of each contact with a complete address, as the ARV job forms it. */
export function contactAddresses(
  contacts: Iterable<{ address1: string | null; city: string | null; state: string | null; postalCode: string | null }>,
): string[] {
  const out: string[] = [];
  for (const c of contacts) {
    if (c.address1 && c.city && c.state && c.postalCode) out.push(`${c.address1}, ${c.city}, ${c.state} ${c.postalCode}`);
  }
  return out;
}

/** Case, commas, periods and spacing do not matter: "1 Main St., Austin TX" = "1 main st austin tx". */
export function normaliseAddress(address: string): string {
  return address.toLowerCase().replace(/[.,#]/g, ' ').replace(/\s+/g, ' ').trim();
}

function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

const STREETS = ['Oak', 'Maple', 'Cedar', 'Pine', 'Elm', 'Willow', 'Birch', 'Aspen', 'Hickory', 'Juniper'];
const SUFFIXES = ['St', 'Ave', 'Dr', 'Ln', 'Ct', 'Way'];

/**
 * `anchor`: where the address sits in the generated market (a contact address of the GHL
 * sandbox is placed at a market home, so its deals find sold comps around it).
 */
function generateValuation(
  address: string,
  behaviour: Behaviour,
  seed: number,
  compCount: number,
  maxRadius: number | null,
  daysOld: number | null,
  anchor: { latitude: number; longitude: number },
): Record<string, unknown> {
  const rnd = mulberry32((hash(normaliseAddress(address)) ^ seed) >>> 0);
  const between = (min: number, max: number) => min + rnd() * (max - min);
  const sqft = Math.round(between(900, 3200) / 10) * 10;
  const basePpsf = between(140, 420);
  const spread = behaviour === 'tight' ? 0.03 : behaviour === 'spread' ? 0.35 : between(0.04, 0.25);
  const bedrooms = Math.max(1, Math.round(sqft / 650));
  const bathrooms = Math.max(1, Math.round(bedrooms * 0.75 * 2) / 2);
  const [street, rest] = [address.split(',')[0]!.trim(), address.split(',').slice(1).join(',').trim()];
  const [city = '', region = ''] = rest.split(',').map((p) => p.trim());
  const [state = '', zipCode = ''] = region.split(' ');

  const comparables: Record<string, unknown>[] = [];
  for (let i = 0; i < 25; i++) {
    const compSqft = Math.round((sqft * between(0.8, 1.2)) / 10) * 10;
    const ppsf = basePpsf * (1 + between(-spread, spread));
    const number = 100 + Math.floor(rnd() * 9800);
    const name = `${number} ${STREETS[Math.floor(rnd() * STREETS.length)]} ${SUFFIXES[Math.floor(rnd() * SUFFIXES.length)]}`;
    const withSqft = behaviour !== 'fewComps' || i < 2;
    // Tight addresses keep all their comps above the default floor so 5 of them qualify.
    const correlation = behaviour === 'tight' ? between(0.9, 0.99) : between(0.6, 0.99);
    comparables.push({
      id: `${name.replace(/\s+/g, '-')}-${zipCode}`,
      formattedAddress: `${name}, ${city}, ${state} ${zipCode}`.trim(),
      addressLine1: name,
      city,
      state,
      zipCode,
      propertyType: 'Single Family',
      bedrooms: Math.max(1, bedrooms + Math.round(between(-1, 1))),
      bathrooms,
      ...(withSqft ? { squareFootage: compSqft } : {}),
      yearBuilt: Math.round(between(1950, 2020)),
      status: rnd() < 0.5 ? 'Active' : 'Inactive',
      price: Math.round((ppsf * compSqft) / 100) * 100,
      listingType: 'Standard',
      distance: Math.round(between(0.05, 3) * 1000) / 1000,
      daysOld: Math.round(between(1, 270)),
      correlation: Math.round(correlation * 10_000) / 10_000,
    });
  }
  const selected = comparables
    .filter((c) => (maxRadius === null || (c.distance as number) <= maxRadius) && (daysOld === null || (c.daysOld as number) <= daysOld))
    .sort((a, b) => (a.distance as number) - (b.distance as number))
    .slice(0, compCount);
  const price = Math.round((basePpsf * sqft) / 1000) * 1000;
  const subjectProperty = {
    id: `${street.replace(/\s+/g, '-')}-${zipCode}`,
    formattedAddress: address,
    addressLine1: street,
    city,
    state,
    zipCode,
    propertyType: 'Single Family',
    bedrooms,
    bathrooms,
    ...(behaviour === 'noSqft' ? {} : { squareFootage: sqft }),
    yearBuilt: Math.round(between(1950, 2020)),
    latitude: anchor.latitude,
    longitude: anchor.longitude,
  };
  if (behaviour === 'broken') return { price: 'n/a', priceRangeLow: null, priceRangeHigh: null, subjectProperty, comparables: selected };
  if (behaviour === 'partial') return { subjectProperty };
  return {
    price,
    priceRangeLow: Math.round((price * 0.9) / 1000) * 1000,
    priceRangeHigh: Math.round((price * 1.1) / 1000) * 1000,
    latitude: anchor.latitude,
    longitude: anchor.longitude,
    subjectProperty,
    comparables: selected,
  };
}

/**
 * `/v1/avm/value` for a market home: its record as `subjectProperty`, the nearest listings as
 * comparables (each `price` the asking price, above the home's value), most similar first, and
 * an AVM price within ~7 % of the truth (seeded per address, so it repeats).
 */
function marketValuation(market: Market, subject: MarketHome, seed: number, compCount: number): Record<string, unknown> {
  const rnd = mulberry32((hash(subject.id) ^ seed) >>> 0);
  const noise = Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
  const comparables = market.homes
    .filter((h) => h.listPrice !== null && h.id !== subject.id && h.disclosesPrices === subject.disclosesPrices)
    .map((h) => {
      const distance = milesBetween(subject, h);
      const correlation = Math.max(0, 1 - (0.6 * Math.abs(h.squareFootage - subject.squareFootage)) / subject.squareFootage - 0.03 * Math.abs(h.bedrooms - subject.bedrooms) - 0.04 * distance);
      return { h, distance, correlation };
    })
    .filter((c) => c.distance <= 5)
    .sort((a, b) => b.correlation - a.correlation)
    .slice(0, compCount)
    .map(({ h, distance, correlation }) => ({
      ...propertyRecordJson(h),
      status: (h.listedDaysAgo ?? 0) < 60 ? 'Active' : 'Inactive',
      price: h.listPrice,
      listingType: 'Standard',
      listedDate: new Date(market.asOf - (h.listedDaysAgo ?? 0) * 86_400_000).toISOString(),
      daysOld: h.listedDaysAgo,
      distance: Math.round(distance * 1000) / 1000,
      correlation: Math.round(correlation * 10_000) / 10_000,
    }));
  const price = Math.round((subject.trueValue * 1.02 * Math.exp(0.07 * noise)) / 1000) * 1000;
  return {
    price,
    priceRangeLow: Math.round((price * 0.85) / 1000) * 1000,
    priceRangeHigh: Math.round((price * 1.15) / 1000) * 1000,
    latitude: subject.latitude,
    longitude: subject.longitude,
    subjectProperty: propertyRecordJson(subject),
    comparables,
  };
}

function emptyStats(): RentcastSandboxStats {
  return { requests: 0, ok: 0, rateLimited: 0, unauthorized: 0, notFound: 0, byAddress: {}, peakPerSecond: 0, queries: [] };
}

export function createRentcastStandIn(options: RentcastSandboxOptions = {}): RentcastStandIn {
  const apiKey = options.apiKey ?? RENTCAST_SANDBOX_KEY;
  const seed = options.seed ?? 1;
  const ratePerSecond = options.ratePerSecond ?? 20;
  const now = options.now ?? Date.now;
  const known = new Map<string, Behaviour>();
  const fixedByName = Object.entries(RENTCAST_FIXED_ADDRESSES) as [Behaviour, string][];
  for (const [behaviour, address] of fixedByName) known.set(normaliseAddress(address), behaviour);
  const addAddresses = (addresses: Iterable<string>) => {
    for (const a of addresses) if (!known.has(normaliseAddress(a))) known.set(normaliseAddress(a), 'normal');
  };
  addAddresses(options.addresses ?? []);

  let stats = emptyStats();
  /** Arrival times of accepted requests within the last second. */
  const accepted: number[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let disposed = false;

  const answer = (res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    const send = () => {
      timers.delete(timer);
      if (disposed || res.destroyed) return;
      res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', ...headers });
      res.end(JSON.stringify(body));
    };
    const timer = setTimeout(send, standIn.latencyMs);
    timers.add(timer);
  };
  const error = (res: http.ServerResponse, status: number, code: string, message: string, headers?: Record<string, string>) =>
    answer(res, status, { status, error: code, message }, headers);

  const respond = (req: http.IncomingMessage, res: http.ServerResponse, url: URL): void => {
    stats.requests++;
    const path = url.pathname.replace(/\/+$/, '');
    if (path !== '/v1/avm/value' && path !== '/v1/properties') return error(res, 404, 'resource/not-found', `Cannot ${req.method} ${url.pathname}`);
    if (req.method !== 'GET') return error(res, 405, 'request/method-not-allowed', 'Only GET is supported');
    const key = req.headers['x-api-key'];
    if (key !== apiKey) {
      stats.unauthorized++;
      return error(res, 401, 'auth/api-key-invalid', `Invalid API key: ${typeof key === 'string' ? key : '(none)'}`);
    }
    const t = now();
    while (accepted.length > 0 && accepted[0]! <= t - 1000) accepted.shift();
    if (ratePerSecond > 0 && accepted.length >= ratePerSecond) {
      stats.rateLimited++;
      return error(res, 429, 'auth/rate-limit-exceeded', `Rate limit exceeded: at most ${ratePerSecond} requests per second`, { 'Retry-After': '1' });
    }
    accepted.push(t);
    stats.peakPerSecond = Math.max(stats.peakPerSecond, accepted.length);
    stats.queries.push(url.searchParams);

    const address = url.searchParams.get('address') ?? '';
    if (path === '/v1/properties') return properties(res, url.searchParams);
    const home = getMarket().byAddress.get(normaliseMarketAddress(address));
    const compCount = url.searchParams.has('compCount') ? Number(url.searchParams.get('compCount')) : 15;
    if (!Number.isInteger(compCount) || compCount < 5 || compCount > 25) {
      return error(res, 400, 'request/invalid-parameters', 'compCount must be an integer between 5 and 25');
    }
    if (address.trim() === '') return error(res, 400, 'request/invalid-parameters', 'address is required');
    const normalised = normaliseAddress(address);
    if (home) {
      stats.byAddress[normalised] = (stats.byAddress[normalised] ?? 0) + 1;
      stats.ok++;
      return answer(res, 200, marketValuation(getMarket(), home, seed, compCount));
    }
    const behaviour = known.get(normalised);
    if (behaviour === undefined) {
      stats.notFound++;
      return error(res, 404, 'resource/not-found', 'No property data found for the specified address');
    }
    stats.byAddress[normalised] = (stats.byAddress[normalised] ?? 0) + 1;
    stats.ok++;
    const maxRadius = url.searchParams.has('maxRadius') ? Number(url.searchParams.get('maxRadius')) : null;
    const daysOld = url.searchParams.has('daysOld') ? Number(url.searchParams.get('daysOld')) : null;
    return answer(res, 200, generateValuation(address, behaviour, seed, compCount, maxRadius, daysOld, anchorOf(address)));
  };

  let market: Market | null = null;
  const getMarket = () => (market ??= generateMarket(seed, now()));
  let phoenix: MarketHome[] | null = null;
  const byCity = new Map<string, MarketHome[]>();
  /**
   * A known address outside the market stands at one of the market's homes (by its hash): a
   * contact's address in its own city's area, well inside it so comps surround it (a Texas one gets
   * undisclosed sales, as in Texas); the fixed test addresses, and a city the market lacks, in Phoenix.
   */
  const anchorOf = (address: string): MarketHome => {
    const at = hash(normaliseAddress(address));
    const city = address.split(',')[1]?.trim().toLowerCase() ?? '';
    const area = known.get(normaliseAddress(address)) === 'normal' ? MARKET_AREAS.find((a) => a.city.toLowerCase() === city) : undefined;
    if (area && area !== MARKET_AREAS[0]) {
      let homes = byCity.get(area.city);
      if (!homes) byCity.set(area.city, (homes = getMarket().homes.filter((h) => h.city === area.city && milesBetween(area, h) <= area.radiusMiles - 0.6)));
      if (homes.length > 0) return homes[at % homes.length]!;
    }
    phoenix ??= getMarket().homes.filter((h) => h.disclosesPrices && h.city === MARKET_AREAS[0]!.city);
    return phoenix[at % phoenix.length]!;
  };

  const properties = (res: http.ServerResponse, q: URLSearchParams): void => {
    const m = getMarket();
    const limit = q.has('limit') ? Number(q.get('limit')) : 50;
    const offset = q.has('offset') ? Number(q.get('offset')) : 0;
    if (!Number.isInteger(limit) || limit < 1 || limit > 500) return error(res, 400, 'request/invalid-parameters', 'limit must be an integer between 1 and 500');
    if (!Number.isInteger(offset) || offset < 0) return error(res, 400, 'request/invalid-parameters', 'offset must be a non-negative integer');
    const address = q.get('address')?.trim() ?? '';
    const radius = q.has('radius') ? Number(q.get('radius')) : null;
    if (radius !== null && !(radius > 0 && radius <= 100)) return error(res, 400, 'request/invalid-parameters', 'radius must be between 0 and 100 miles');
    let pool: MarketHome[];
    if (address && radius === null) {
      const one = m.byAddress.get(normaliseMarketAddress(address));
      if (!one) {
        stats.notFound++;
        return error(res, 404, 'resource/not-found', 'No property data found for the specified address');
      }
      pool = [one];
    } else if (radius !== null) {
      let centre: { latitude: number; longitude: number } | null = null;
      let itself: MarketHome | null = null;
      if (address) {
        const home = m.byAddress.get(normaliseMarketAddress(address));
        if (home) centre = home;
        else if (known.has(normaliseAddress(address))) {
          itself = anchorOf(address);
          centre = itself;
        } else {
          stats.notFound++;
          return error(res, 404, 'resource/not-found', 'Could not geocode the specified address');
        }
      } else if (q.has('latitude') && q.has('longitude')) {
        centre = { latitude: Number(q.get('latitude')), longitude: Number(q.get('longitude')) };
      } else {
        return error(res, 400, 'request/invalid-parameters', 'radius needs an address or latitude and longitude');
      }
      // The anchor stands in for the address, so it is not its own neighbour.
      pool = centre === null ? [] : m.homes.filter((h) => h !== itself && milesBetween(centre!, h) <= radius);
    } else if (q.has('city') || q.has('state') || q.has('zipCode')) {
      const lower = (v: string | null) => v?.toLowerCase() ?? null;
      pool = m.homes.filter(
        (h) =>
          (!q.has('city') || lower(q.get('city')) === h.city.toLowerCase()) &&
          (!q.has('state') || lower(q.get('state')) === h.state.toLowerCase()) &&
          (!q.has('zipCode') || q.get('zipCode') === h.zipCode),
      );
    } else {
      return error(res, 400, 'request/invalid-parameters', 'an address, latitude/longitude with radius, city, state or zipCode is required');
    }
    const numeric: [string, (h: MarketHome) => number | null][] = [
      ['bedrooms', (h) => h.bedrooms],
      ['bathrooms', (h) => h.bathrooms],
      ['squareFootage', (h) => h.squareFootage],
      ['yearBuilt', (h) => h.yearBuilt],
      ['saleDateRange', (h) => daysSinceLastSale(h, m.asOf)],
    ];
    for (const [name, read] of numeric) {
      const text = q.get(name);
      if (text === null) continue;
      const test = parseRangeFilter(text);
      if (!test) return error(res, 400, 'request/invalid-parameters', `${name} must be a number, a|b|c or a min:max range`);
      pool = pool.filter((h) => test(read(h)));
    }
    const type = q.get('propertyType');
    if (type) pool = pool.filter((h) => h.propertyType.toLowerCase() === type.toLowerCase());
    // RentCast promises no order: a stable shuffle, so a client that relies on one fails here.
    const order = (h: MarketHome) => hash(`${seed}:${h.id}`);
    const sorted = [...pool].sort((a, b) => order(a) - order(b));
    stats.ok++;
    const headers: Record<string, string> = q.get('includeTotalCount') === 'true' ? { 'X-Total-Count': String(sorted.length) } : {};
    return answer(res, 200, sorted.slice(offset, offset + limit).map(propertyRecordJson), headers);
  };

  const standIn: RentcastStandIn = {
    apiKey,
    get market() {
      return getMarket();
    },
    get stats() {
      return stats;
    },
    latencyMs: options.latencyMs ?? 0,
    resetStats() {
      stats = emptyStats();
    },
    addAddresses,
    isKnown: (address) => known.has(normaliseAddress(address)),
    valuationFor(address, compCount = 15) {
      const behaviour = known.get(normaliseAddress(address));
      return behaviour === undefined ? undefined : generateValuation(address, behaviour, seed, compCount, null, null, anchorOf(address));
    },
    handle(req, res) {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      if (!url.pathname.startsWith('/v1/avm') && !url.pathname.startsWith('/v1/properties')) return false;
      req.resume();
      respond(req, res, url);
      return true;
    },
    dispose() {
      disposed = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
    },
  };
  return standIn;
}

/** The stand-in on its own loopback server. */
export async function startRentcastSandbox(options: RentcastSandboxOptions = {}): Promise<RentcastSandbox> {
  const standIn = createRentcastStandIn(options);
  const server = http.createServer((req, res) => {
    if (standIn.handle(req, res)) return;
    req.resume();
    standIn.stats.requests++;
    res.writeHead(404, { 'Content-Type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify({ status: 404, error: 'resource/not-found', message: `Cannot ${req.method} ${req.url ?? '/'}` }));
  });
  const { port, close } = await listenOnLoopback(server, options.port);
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    apiKey: standIn.apiKey,
    get market() {
      return standIn.market;
    },
    get stats() {
      return standIn.stats;
    },
    get latencyMs() {
      return standIn.latencyMs;
    },
    set latencyMs(ms: number) {
      standIn.latencyMs = ms;
    },
    resetStats: () => standIn.resetStats(),
    addAddresses: (addresses) => standIn.addAddresses(addresses),
    isKnown: (address) => standIn.isKnown(address),
    valuationFor: (address, compCount) => standIn.valuationFor(address, compCount),
    handle: (req, res) => standIn.handle(req, res),
    dispose: () => standIn.dispose(),
    close: () => {
      standIn.dispose();
      return close();
    },
  };
}
