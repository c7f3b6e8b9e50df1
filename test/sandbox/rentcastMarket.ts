/**
 * A generated housing market for the RentCast stand-in's `/v1/properties` and `/v1/avm/value`:
 * a few thousand homes in a disclosure county (Phoenix, AZ) and a few hundred in a
 * non-disclosure one (Austin, TX: sales dated, prices missing), whose values follow a known model
 * so the bench can score an ARV against the truth; then a smaller area for each other city the
 * GHL sandbox gives its contacts (Texas ones without prices, as there), so a deal in Nashville
 * gets Nashville comps in the demo:
 *
 *   value today = price level × location × (300 × sqft^0.92 + 8,000 × beds + 6,000 × baths + 600 × (year − 1950))
 *
 * with `location` varying smoothly across the map (± ~20 % over a few miles) and prices rising
 * 4 % a year (a sale d days ago was worth value × (1 − 0.04 × d / 365)). Sales in the last year:
 * most at that value with 5 % noise; some distressed (as-is, 65–80 %); some not arm's length
 * (under $10,000, or a fifth of the value); flips (bought distressed, resold renovated months
 * later). Listings ask 3–10 % above value. Everything comes from one mulberry32 stream: the same
 * seed and anchor day give the same market.
 */
import { mulberry32 } from './data';

const DAY = 86_400_000;
const MILES_PER_DEGREE_LAT = 69.09;

export interface MarketSale {
  date: string;
  /** Null in the non-disclosure county. */
  price: number | null;
  kind: 'market' | 'distressed' | 'non-arms-length' | 'flip-buy' | 'flip-sell' | 'old';
}

export interface MarketHome {
  id: string;
  formattedAddress: string;
  addressLine1: string;
  city: string;
  state: string;
  zipCode: string;
  county: string;
  latitude: number;
  longitude: number;
  propertyType: string;
  bedrooms: number;
  bathrooms: number;
  squareFootage: number;
  yearBuilt: number;
  /** The generator's true value today, renovated (what an ARV should find). */
  trueValue: number;
  /** Oldest first. */
  sales: MarketSale[];
  /** Asking price when the home is (or was lately) listed. */
  listPrice: number | null;
  listedDaysAgo: number | null;
  disclosesPrices: boolean;
}

export interface Market {
  asOf: number;
  homes: MarketHome[];
  byAddress: Map<string, MarketHome>;
  byId: Map<string, MarketHome>;
}

interface Area {
  city: string;
  state: string;
  county: string;
  zipBase: number;
  latitude: number;
  longitude: number;
  radiusMiles: number;
  homes: number;
  disclosesPrices: boolean;
  /** The city's prices against Phoenix's (1 when left out). */
  priceLevel?: number;
  /** Street names of the area (the desert ones when left out). */
  streets?: readonly string[];
}

const TREES = ['Magnolia', 'Dogwood', 'Hickory', 'Willow', 'Chestnut', 'Birch', 'Laurel', 'Holly', 'Aspen', 'Sycamore', 'Poplar', 'Linden'];

export const MARKET_AREAS: readonly Area[] = [
  { city: 'Phoenix', state: 'AZ', county: 'Maricopa', zipBase: 85004, latitude: 33.45, longitude: -112.07, radiusMiles: 3, homes: 3000, disclosesPrices: true },
  { city: 'Austin', state: 'TX', county: 'Travis', zipBase: 78701, latitude: 30.27, longitude: -97.74, radiusMiles: 2, homes: 500, disclosesPrices: false },
  // The other cities of the GHL sandbox's contacts: appended, so the two areas above (the bench's) stay as they are.
  ...(
    [
      ['Dallas', 'TX', 'Dallas', 75201, 32.78, -96.8, false, 0.95],
      ['Houston', 'TX', 'Harris', 77002, 29.76, -95.37, false, 0.85],
      ['Denver', 'CO', 'Denver', 80202, 39.74, -104.99, true, 1.4],
      ['Atlanta', 'GA', 'Fulton', 30303, 33.75, -84.39, true, 1],
      ['Orlando', 'FL', 'Orange', 32801, 28.54, -81.38, true, 1],
      ['Tampa', 'FL', 'Hillsborough', 33602, 27.95, -82.46, true, 1.05],
      ['Miami', 'FL', 'Miami-Dade', 33130, 25.76, -80.19, true, 1.45],
      ['Charlotte', 'NC', 'Mecklenburg', 28202, 35.23, -80.84, true, 1],
      ['Nashville', 'TN', 'Davidson', 37201, 36.16, -86.78, true, 1.1],
      ['Las Vegas', 'NV', 'Clark', 89101, 36.17, -115.14, true, 1],
      ['San Diego', 'CA', 'San Diego', 92101, 32.72, -117.16, true, 2.1],
      ['Sacramento', 'CA', 'Sacramento', 95814, 38.58, -121.49, true, 1.3],
      ['Seattle', 'WA', 'King', 98101, 47.61, -122.33, true, 1.9],
      ['Columbus', 'OH', 'Franklin', 43215, 39.96, -83, true, 0.8],
    ] as const
  ).map(([city, state, county, zipBase, latitude, longitude, disclosesPrices, priceLevel]) => ({
    city,
    state,
    county,
    zipBase,
    latitude,
    longitude,
    radiusMiles: 2,
    homes: 250,
    disclosesPrices,
    priceLevel,
    streets: city === 'Las Vegas' ? undefined : TREES,
  })),
];

const STREETS = ['Saguaro', 'Mesquite', 'Palo Verde', 'Ocotillo', 'Cholla', 'Agave', 'Yucca', 'Juniper', 'Sage', 'Cactus Wren', 'Roadrunner', 'Quail'];
const SUFFIXES = ['St', 'Ave', 'Dr', 'Ln', 'Way', 'Rd'];

export function normaliseMarketAddress(address: string): string {
  return address.toLowerCase().replace(/[.,#]/g, ' ').replace(/\s+/g, ' ').trim();
}

/** The model's value today of a home with these facts at this place. */
export function modelValue(location: number, sqft: number, beds: number, baths: number, yearBuilt: number): number {
  return location * (300 * sqft ** 0.92 + 8_000 * beds + 6_000 * baths + 600 * (yearBuilt - 1950));
}

/** Smooth location premium: x, y are miles east and north of the area's centre. */
function locationFactor(x: number, y: number, area: number): number {
  return 1 + 0.12 * Math.sin(x / 1.3 + area) * Math.cos(y / 1.7) + 0.03 * x;
}

export function generateMarket(seed: number, now: number): Market {
  const asOf = Math.floor(now / DAY) * DAY;
  const rnd = mulberry32((seed * 2654435761) >>> 0);
  const between = (a: number, b: number) => a + rnd() * (b - a);
  const normal = () => Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
  const dateAgo = (days: number) => new Date(asOf - Math.round(days) * DAY).toISOString().slice(0, 10);
  const worthAgo = (value: number, days: number) => value * (1 - (0.04 * days) / 365);
  const homes: MarketHome[] = [];
  let n = 0;
  MARKET_AREAS.forEach((area, areaIndex) => {
    for (let i = 0; i < area.homes; i++, n++) {
      const r = area.radiusMiles * Math.sqrt(rnd());
      const theta = 2 * Math.PI * rnd();
      const x = r * Math.cos(theta);
      const y = r * Math.sin(theta);
      const latitude = area.latitude + y / MILES_PER_DEGREE_LAT;
      const longitude = area.longitude + x / (MILES_PER_DEGREE_LAT * Math.cos((area.latitude * Math.PI) / 180));
      const squareFootage = Math.round(Math.min(3600, Math.max(800, 1650 * Math.exp(0.28 * normal()))) / 10) * 10;
      const bedrooms = Math.min(6, Math.max(1, Math.round(squareFootage / 600 + between(-0.6, 0.6))));
      const bathrooms = Math.min(4, Math.max(1, Math.round((bedrooms * 0.7 + between(-0.5, 0.5)) * 2) / 2));
      const yearBuilt = Math.round(between(1950, 2022));
      const trueValue = Math.round((area.priceLevel ?? 1) * modelValue(locationFactor(x, y, areaIndex), squareFootage, bedrooms, bathrooms, yearBuilt));
      const number = 100 + ((n * 7919) % 9800);
      const streets = area.streets ?? STREETS;
      const addressLine1 = `${number} ${streets[n % streets.length]} ${SUFFIXES[Math.floor(n / streets.length) % SUFFIXES.length]}`;
      const zipCode = String(area.zipBase + Math.floor(rnd() * 6));
      const price = (v: number) => (area.disclosesPrices ? Math.round(v / 100) * 100 : null);

      const sales: MarketSale[] = [];
      const oldDays = between(2 * 365, 15 * 365);
      sales.push({ date: dateAgo(oldDays), price: price(worthAgo(trueValue, oldDays) * 0.9), kind: 'old' });
      const roll = rnd();
      if (roll < 0.3) {
        const days = between(1, 365);
        const kind = rnd();
        const fair = worthAgo(trueValue, days) * Math.exp(0.05 * normal());
        if (kind < 0.85) sales.push({ date: dateAgo(days), price: price(fair), kind: 'market' });
        else if (kind < 0.93) sales.push({ date: dateAgo(days), price: price(fair * between(0.65, 0.8)), kind: 'distressed' });
        else sales.push({ date: dateAgo(days), price: price(rnd() < 0.5 ? between(100, 9_000) : fair * between(0.18, 0.3)), kind: 'non-arms-length' });
      } else if (roll < 0.34) {
        const sold = between(10, 150);
        const bought = sold + between(90, 200);
        sales.push({ date: dateAgo(bought), price: price(worthAgo(trueValue, bought) * between(0.55, 0.7)), kind: 'flip-buy' });
        sales.push({ date: dateAgo(sold), price: price(worthAgo(trueValue, sold) * Math.exp(0.05 * normal())), kind: 'flip-sell' });
      }
      const listed = rnd() < 0.1;
      homes.push({
        id: `${addressLine1.replace(/\s+/g, '-')}-${area.city}-${zipCode}-${n}`,
        formattedAddress: `${addressLine1}, ${area.city}, ${area.state} ${zipCode}`,
        addressLine1,
        city: area.city,
        state: area.state,
        zipCode,
        county: area.county,
        latitude: Math.round(latitude * 1e6) / 1e6,
        longitude: Math.round(longitude * 1e6) / 1e6,
        propertyType: 'Single Family',
        bedrooms,
        bathrooms,
        squareFootage,
        yearBuilt,
        trueValue,
        sales,
        listPrice: listed ? Math.round((trueValue * between(1.03, 1.1)) / 1000) * 1000 : null,
        listedDaysAgo: listed ? Math.round(between(1, 120)) : null,
        disclosesPrices: area.disclosesPrices,
      });
    }
  });
  const byAddress = new Map(homes.map((h) => [normaliseMarketAddress(h.formattedAddress), h]));
  return { asOf, homes, byAddress, byId: new Map(homes.map((h) => [h.id, h])) };
}

/** Whole days from the home's last sale to `asOf`. */
export function daysSinceLastSale(home: MarketHome, asOf: number): number {
  return Math.floor((asOf - Date.parse(home.sales[home.sales.length - 1]!.date)) / DAY);
}

export function milesBetween(a: { latitude: number; longitude: number }, b: { latitude: number; longitude: number }): number {
  const rad = Math.PI / 180;
  const dLat = (b.latitude - a.latitude) * rad;
  const dLon = (b.longitude - a.longitude) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.latitude * rad) * Math.cos(b.latitude * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * 3958.8 * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** A home as `/v1/properties` returns it: the last sale on top, every sale in `history`. */
export function propertyRecordJson(home: MarketHome): Record<string, unknown> {
  const last = home.sales[home.sales.length - 1]!;
  const history: Record<string, unknown> = {};
  for (const s of home.sales) history[s.date] = { event: 'Sale', date: `${s.date}T00:00:00.000Z`, ...(s.price === null ? {} : { price: s.price }) };
  return {
    id: home.id,
    formattedAddress: home.formattedAddress,
    addressLine1: home.addressLine1,
    addressLine2: null,
    city: home.city,
    state: home.state,
    zipCode: home.zipCode,
    county: home.county,
    latitude: home.latitude,
    longitude: home.longitude,
    propertyType: home.propertyType,
    bedrooms: home.bedrooms,
    bathrooms: home.bathrooms,
    squareFootage: home.squareFootage,
    lotSize: Math.round(home.squareFootage * 3.2),
    yearBuilt: home.yearBuilt,
    lastSaleDate: `${last.date}T00:00:00.000Z`,
    ...(last.price === null ? {} : { lastSalePrice: last.price }),
    features: { floorCount: home.squareFootage > 2400 ? 2 : 1, garage: true },
    ownerOccupied: true,
    history,
  };
}

/** A `min:max` / `a|b|c` / single-value filter of RentCast's query syntax; null when malformed. */
export function parseRangeFilter(text: string): ((value: number | null) => boolean) | null {
  const parts = text.split('|');
  const tests: ((v: number) => boolean)[] = [];
  for (const part of parts) {
    if (part.includes(':')) {
      const [lo, hi] = part.split(':');
      const min = lo === '*' || lo === '' ? -Infinity : Number(lo);
      const max = hi === '*' || hi === '' ? Infinity : Number(hi);
      if (Number.isNaN(min) || Number.isNaN(max)) return null;
      tests.push((v) => v >= min && v <= max);
    } else {
      const exact = Number(part);
      if (part.trim() === '' || Number.isNaN(exact)) return null;
      tests.push((v) => v === exact);
    }
  }
  return (value) => value !== null && tests.some((t) => t(value));
}
