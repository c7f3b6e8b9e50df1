// In-memory search index over the cached contacts: the few columns the contact list
// filters and sorts by, kept in list order. The searchable text of all contacts is joined
// (in list order) into one string, so a query is a few native indexOf calls over ~4 MB
// (~1-2 ms for 50k contacts) instead of six LIKEs per row in SQLite (~150 ms).
// At 200k contacts that text is ~12 MB, and indexOf over it takes ~7-10 ms for a needle
// whose first letter is common ('5', 'e'): so the text is cut into blocks of BLOCK
// contacts, each with a bitmap of the (hashed) three-letter sequences in it, and a needle
// of three letters or more is looked for only in the blocks that have all of its own
// (~6 MB of bitmaps at 200k; a false hit only costs a scan of that block).
// The repository keeps it coherent with the table through connState (see there).
import type { Database } from 'sql.js';
import type { Contact } from '../protocol/entities';
import { firstRow, parseJsonArray } from './sql';

interface Entry {
  readonly id: string;
  /** Interned location id (small integer), cheap to compare. */
  loc: number;
  /** Contacts without a name sort after all named ones (SQL: `name IS NULL`). */
  named: boolean;
  /** Name folded like SQLite's NOCASE (ASCII letters only). */
  key: string;
  /** name, first/last name, email, phone and company, lower-cased, \u0001-separated, no \u0000. */
  hay: string;
  /** Interned tag ids (tags folded to lower case, as GHL keeps them), for the tag filter. */
  tags: number[];
  live: boolean;
}

export interface IndexedFields {
  id: string;
  locationId: string;
  name: string | null;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  phone: string | null;
  companyName: string | null;
  tags?: readonly string[];
}

/** ASCII-only case folding, as SQLite's NOCASE collation does. */
export function foldNoCase(s: string): string {
  return /[^\x00-\x7f]/.test(s) ? s.replace(/[A-Z]+/g, (m) => m.toLowerCase()) : s.toLowerCase();
}

/** The text a contact query matches against (Unicode-aware lower case). */
export function haystack(f: Omit<IndexedFields, 'id' | 'locationId'>): string {
  const name = f.name?.toLowerCase() ?? '';
  let out = '';
  for (const v of [f.name, f.firstName, f.lastName, f.email, f.phone, f.companyName]) {
    // A first or last name inside the full name adds no match, only text to scan.
    if (!v || ((v === f.firstName || v === f.lastName) && name.includes(v.toLowerCase()))) continue;
    out += (out ? '\u0001' : '') + v;
  }
  return out.toLowerCase().replace(/\u0000/g, '');
}

/** How a tag filter is compared: GHL keeps tags lower-case and trimmed; '' means no filter. */
export function normaliseTag(tag: string | undefined | null): string {
  return typeof tag === 'string' ? tag.trim().toLowerCase() : '';
}

/** How a user query is normalised before matching; '' means no filter. */
export function normaliseQuery(query: string | undefined | null): string {
  return typeof query === 'string' ? query.trim().toLowerCase().replace(/\u0000/g, '') : '';
}

/** Contacts per block of the trigram filter, and bits of each block's bitmap (a power of 2). */
const BLOCK = 8;
const BLOCK_BITS = 2048;
const BLOCK_WORDS = BLOCK_BITS / 32;
/** Blocks that cannot hold the needle are still scanned when at most this many lie between two that may. */
const SCAN_THROUGH_BLOCKS = 4;
/** Needles whose matches are kept, and matches kept in all (4 bytes each). */
const MATCH_CACHE_NEEDLES = 16;
const MATCH_CACHE_ENTRIES = 1_000_000;

function trigramBit(a: number, b: number, c: number): number {
  return Math.imul((a << 16) ^ (b << 8) ^ c, 0x9e3779b1) >>> (32 - Math.log2(BLOCK_BITS));
}

function compare(a: Entry, b: Entry): number {
  if (a.named !== b.named) return a.named ? -1 : 1;
  if (a.key !== b.key) return a.key < b.key ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function text(v: unknown): string | null {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : null;
}

export class ContactSearchIndex {
  /** How many times an index was built from the table (for tests and diagnostics). */
  static builds = 0;
  private readonly byId = new Map<string, Entry>();
  private order: Entry[] = [];
  private unsorted = false;
  private dead = 0;
  private readonly locIds = new Map<string, number>();
  /** Tag text (normalised) → small integer; an entry's tags are these ids, so a filter compares numbers. */
  private readonly tagIds = new Map<string, number>();
  /** All `hay` strings of `order`, each followed by \u0000; null when stale. */
  private blob: string | null = null;
  /** blob offset where order[k]'s text starts; starts[order.length] = blob.length. */
  private starts: Int32Array = new Int32Array(1);
  /** BLOCK_WORDS words per block of BLOCK entries of `order`: the trigrams its texts contain. */
  private blockBits: Uint32Array = new Uint32Array(0);
  /**
   * The entries (positions in `order`) whose text holds a needle, for the last few needles:
   * paging through a broad query, or asking it again, does not scan again. Valid while the
   * text is (every change that could change a match rebuilds it); the location filter is
   * applied on reading, as an entry may move without its text changing.
   */
  private readonly matchCache = new Map<string, Int32Array>();

  /** Reads the indexed columns of every contact (one row of JSON, parsed in JS). */
  static build(db: Database): ContactSearchIndex {
    ContactSearchIndex.builds++;
    const index = new ContactSearchIndex();
    const row = firstRow(
      db,
      `SELECT json_group_array(json_array(id, location_id, name, first_name, last_name, email, phone, company_name,
         json(CASE WHEN json_valid(tags) THEN tags ELSE '[]' END)))
       FROM ghl_contacts`,
    );
    for (const r of parseJsonArray(row?.[0])) {
      if (!Array.isArray(r)) continue;
      const id = text(r[0]);
      if (id === null) continue;
      index.set({
        id,
        locationId: text(r[1]) ?? '',
        name: text(r[2]),
        firstName: text(r[3]),
        lastName: text(r[4]),
        email: text(r[5]),
        phone: text(r[6]),
        companyName: text(r[7]),
        tags: Array.isArray(r[8]) ? r[8].filter((t): t is string => typeof t === 'string') : [],
      });
    }
    return index;
  }

  get size(): number {
    return this.byId.size;
  }

  set(f: IndexedFields | Contact): void {
    const named = f.name !== null && f.name !== undefined;
    const key = named ? foldNoCase(f.name as string) : '';
    const hay = haystack(f);
    const loc = this.locId(f.locationId);
    const tags = this.tagIdsOf(f.tags ?? []);
    const existing = this.byId.get(f.id);
    if (existing) {
      // A re-synced contact whose searchable text and name did not change (the common
      // case) leaves the joined search text and the order as they are.
      if (existing.named !== named || existing.key !== key) this.unsorted = true;
      if (existing.hay !== hay || this.unsorted) this.blob = null;
      existing.named = named;
      existing.key = key;
      existing.loc = loc;
      existing.hay = hay;
      // Tags are not in the search text: a tag edit changes neither the blob nor the order.
      existing.tags = tags;
      return;
    }
    this.blob = null;
    const entry: Entry = { id: f.id, loc, named, key, hay, tags, live: true };
    this.byId.set(f.id, entry);
    this.order.push(entry);
    this.unsorted = true;
  }

  remove(id: string): void {
    const entry = this.byId.get(id);
    if (!entry) return;
    entry.live = false;
    this.byId.delete(id);
    this.dead++;
    this.blob = null;
  }

  clear(): void {
    this.byId.clear();
    this.order = [];
    this.unsorted = false;
    this.dead = 0;
    this.blob = null;
  }

  /** Ids of one page, in list order, and how many match overall. */
  search(options: { locationId?: string; query?: string; tag?: string; offset: number; limit: number }): {
    ids: string[];
    total: number;
  } {
    this.settle();
    const order = this.order;
    const needle = normaliseQuery(options.query);
    // An unknown location or tag matches nothing; -1 is never an interned id.
    const loc = options.locationId === undefined ? undefined : (this.locIds.get(options.locationId) ?? -1);
    const tagText = normaliseTag(options.tag);
    const tag = tagText ? (this.tagIds.get(tagText) ?? -1) : undefined;
    const start = options.offset;
    const end = start + options.limit;
    const ids: string[] = [];
    let total = 0;
    if (!needle) {
      for (let k = 0; k < order.length; k++) {
        const e = order[k]!;
        if (loc !== undefined && e.loc !== loc) continue;
        if (tag !== undefined && !e.tags.includes(tag)) continue;
        if (total >= start && total < end) ids.push(e.id);
        total++;
      }
      return { ids, total };
    }
    for (const k of this.matches(needle)) {
      const e = order[k]!;
      if ((loc === undefined || e.loc === loc) && (tag === undefined || e.tags.includes(tag))) {
        if (total >= start && total < end) ids.push(e.id);
        total++;
      }
    }
    return { ids, total };
  }

  private matches(needle: string): Int32Array {
    const { blob, starts } = this.searchText();
    const cached = this.matchCache.get(needle);
    if (cached) {
      // Most recently used last.
      this.matchCache.delete(needle);
      this.matchCache.set(needle, cached);
      return cached;
    }
    const found: number[] = [];
    const visit = (k: number) => void found.push(k);
    const order = this.order;
    const wanted = needle.length >= 3 ? this.needleBits(needle) : null;
    const blocks = Math.ceil(order.length / BLOCK);
    for (let b = 0; b < blocks; b++) {
      if (wanted) {
        // Blocks that may hold the needle are scanned as one stretch of text, the few
        // between them too: one indexOf over a few more blocks costs less than starting
        // another (a needle found in a quarter of the blocks makes thousands of stretches).
        if (!this.blockMayHold(b, wanted)) continue;
        let last = b;
        for (let next = b + 1; next < blocks && next - last <= SCAN_THROUGH_BLOCKS; next++) {
          if (this.blockMayHold(next, wanted)) last = next;
        }
        scanEntries(blob, starts, needle, b * BLOCK, Math.min(order.length, (last + 1) * BLOCK), visit);
        b = last;
      } else {
        scanEntries(blob, starts, needle, 0, order.length, visit);
        break;
      }
    }
    const matches = Int32Array.from(found);
    this.matchCache.set(needle, matches);
    let kept = 0;
    for (const m of this.matchCache.values()) kept += m.length;
    // Oldest first, never the one just found.
    for (const [key, m] of this.matchCache) {
      if (this.matchCache.size <= 1 || (this.matchCache.size <= MATCH_CACHE_NEEDLES && kept <= MATCH_CACHE_ENTRIES)) break;
      this.matchCache.delete(key);
      kept -= m.length;
    }
    return matches;
  }

  /** The bitmap words and masks a block must have for `needle`'s trigrams. */
  private needleBits(needle: string): Array<[number, number]> {
    const bits = new Map<number, number>();
    for (let i = 0; i + 2 < needle.length; i++) {
      const bit = trigramBit(needle.charCodeAt(i), needle.charCodeAt(i + 1), needle.charCodeAt(i + 2));
      bits.set(bit >>> 5, (bits.get(bit >>> 5) ?? 0) | (1 << (bit & 31)));
    }
    return [...bits];
  }

  private blockMayHold(block: number, wanted: Array<[number, number]>): boolean {
    const base = block * BLOCK_WORDS;
    for (const [word, mask] of wanted) if ((this.blockBits[base + word]! & mask) >>> 0 !== mask >>> 0) return false;
    return true;
  }

  /** The tags the cached contacts of a location carry (normalised, sorted): the tag picker's list when GHL cannot be asked. */
  tagsSeen(locationId?: string): string[] {
    const loc = locationId === undefined ? undefined : (this.locIds.get(locationId) ?? -1);
    const seen = new Set<number>();
    for (const e of this.byId.values()) {
      if (loc !== undefined && e.loc !== loc) continue;
      for (const t of e.tags) seen.add(t);
    }
    const names = [...this.tagIds].filter(([, id]) => seen.has(id)).map(([name]) => name);
    return names.sort((a, b) => a.localeCompare(b));
  }

  private tagIdsOf(tags: readonly string[]): number[] {
    const out: number[] = [];
    for (const raw of tags) {
      const name = normaliseTag(raw);
      if (!name) continue;
      let id = this.tagIds.get(name);
      if (id === undefined) {
        id = this.tagIds.size;
        this.tagIds.set(name, id);
      }
      if (!out.includes(id)) out.push(id);
    }
    return out;
  }

  private locId(locationId: string): number {
    let id = this.locIds.get(locationId);
    if (id === undefined) {
      id = this.locIds.size;
      this.locIds.set(locationId, id);
    }
    return id;
  }

  private searchText(): { blob: string; starts: Int32Array } {
    if (this.blob === null) {
      const order = this.order;
      const starts = new Int32Array(order.length + 1);
      const parts: string[] = new Array<string>(order.length);
      let offset = 0;
      for (let k = 0; k < order.length; k++) {
        const hay = order[k]!.hay;
        starts[k] = offset;
        parts[k] = hay;
        offset += hay.length + 1;
      }
      starts[order.length] = offset;
      this.blob = parts.join('\u0000') + '\u0000';
      this.starts = starts;
      this.blockBits = blockBitmaps(order);
      this.matchCache.clear();
    }
    return { blob: this.blob, starts: this.starts };
  }

  private settle(): void {
    if (this.dead > 0) {
      this.order = this.order.filter((e) => e.live);
      this.dead = 0;
      this.blob = null;
    }
    if (this.unsorted) {
      // Mostly sorted after incremental changes: TimSort makes this close to linear.
      this.order.sort(compare);
      this.unsorted = false;
      this.blob = null;
    }
  }
}

/** Visits, in order, each entry of order[from, to) whose text contains `needle` (once per entry). */
function scanEntries(blob: string, starts: Int32Array, needle: string, from: number, to: number, visit: (k: number) => void): void {
  // indexOf has no end bound: search a slice (V8 shares the blob's characters, no copy) so
  // a stretch without a match costs its own length, not the rest of the blob.
  const base = starts[from]!;
  const text = from === 0 && to === starts.length - 1 ? blob : blob.substring(base, starts[to]!);
  let k = from;
  let pos = text.indexOf(needle);
  while (pos !== -1) {
    // Matches come in blob order: walk k forward to the entry containing pos. A match
    // never spans two entries (the needle has no \u0000).
    while (starts[k + 1]! <= base + pos) k++;
    visit(k);
    k++;
    if (k >= to) return;
    pos = text.indexOf(needle, starts[k]! - base);
  }
}

/** Each block's bitmap of the trigrams in its entries' texts (none across two entries). */
function blockBitmaps(order: readonly Entry[]): Uint32Array {
  const bits = new Uint32Array(Math.ceil(order.length / BLOCK) * BLOCK_WORDS);
  for (let k = 0; k < order.length; k++) {
    const hay = order[k]!.hay;
    const base = Math.floor(k / BLOCK) * BLOCK_WORDS;
    let a = hay.charCodeAt(0);
    let b = hay.charCodeAt(1);
    for (let i = 2; i < hay.length; i++) {
      const c = hay.charCodeAt(i);
      const bit = trigramBit(a, b, c);
      bits[base + (bit >>> 5)]! |= 1 << (bit & 31);
      a = b;
      b = c;
    }
  }
  return bits;
}
