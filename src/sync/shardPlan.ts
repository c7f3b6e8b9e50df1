/**
 * Splits a location's `dateAdded` span into disjoint half-open shards [lo, hi) so several
 * cursors can page through it at once, and splits again while the pass runs (work
 * stealing): a cursor that finishes takes half of what the largest unfinished shard has
 * left, so a big import on one day still spreads over every cursor.
 *
 * Invariant: the shards always tile the span exactly once (each split cuts one shard in
 * two at a point inside what it has not fetched yet), so no record belongs to two shards
 * and none to no shard. The lowest and the highest shard are open-ended, so records
 * dated outside the span learnt at the start (created while the pass runs) still belong
 * to one.
 */

export type ShardCursor = Array<string | number>;

export interface Shard {
  readonly id: number;
  lo: number;
  hi: number;
  /** No lower / upper bound is sent for the outermost shards. */
  openBelow: boolean;
  openAbove: boolean;
  /** searchAfter of the last record fetched; undefined before the first page. */
  cursor?: ShardCursor;
  /** dateAdded (ms) of the last record fetched; `lo` before any. */
  position: number;
  /** Records this shard has accounted for (fetched plus unusable ones GHL counted). */
  accounted: number;
  /** Records believed still to fetch: GHL's total for the range minus what was fetched. */
  estimate: number;
  done: boolean;
  /** A cursor is working on it (a request may be in flight). */
  busy: boolean;
  /** The previous cursor sent, to catch a cursor that does not move. */
  lastCursorKey: string | null;
}

export class ShardPlan {
  readonly shards: Shard[] = [];

  /**
   * The span [lo, hi) with `estimate` records left after `position` (the first page, if
   * one was fetched, already accounted for).
   */
  constructor(first: { lo: number; hi: number; position?: number; cursor?: ShardCursor; accounted?: number; estimate: number }) {
    this.shards.push({
      id: 0,
      lo: first.lo,
      hi: Math.max(first.hi, first.lo + 1),
      openBelow: true,
      openAbove: true,
      cursor: first.cursor,
      position: first.position ?? first.lo,
      accounted: first.accounted ?? 0,
      estimate: first.estimate,
      done: false,
      busy: false,
      lastCursorKey: null,
    });
  }

  get unfinished(): Shard[] {
    return this.shards.filter((s) => !s.done);
  }

  /**
   * The first cut of a plan of one shard: `count` shards whose expected records (the
   * estimate spread evenly over time, all the plan knows) fill whole pages less a margin
   * for chance. Each shard then ends on a full page, or a nearly full one, rather than
   * with a short page: every short page spends a request of GHL's window on less than a
   * page. A plan already cut, or too small, is split in halves (`fill`).
   */
  tile(count: number, pageRecords: number): void {
    const first = this.shards[0]!;
    const span = first.hi - first.position;
    if (this.shards.length !== 1 || first.done || count < 2 || span < 2 * count || first.estimate < 2 * count * pageRecords) {
      this.fill(count, 2 * pageRecords);
      return;
    }
    const total = first.estimate;
    const perMs = total / span;
    // Twice the spread a shard's count has by chance (Poisson: the root of its size).
    const margin = Math.ceil(2 * Math.sqrt(total / count));
    const pages = Math.ceil((total + count * margin) / pageRecords);
    let shard = first;
    let left = total;
    for (let i = 0; i < count - 1; i++) {
      const shardPages = Math.floor(pages / count) + (i < pages % count ? 1 : 0);
      const records = Math.max(1, shardPages * pageRecords - margin);
      if (records >= left) break;
      const at = Math.floor(shard.position + records / perMs);
      const upper = this.cutAt(shard, at, left - records);
      if (!upper) break;
      left -= records;
      shard = upper;
    }
  }

  /** Splits the largest shards until `count` are unfinished or none is worth splitting. */
  fill(count: number, minRecords: number): void {
    while (this.unfinished.length < count) {
      const largest = this.largestSplittable(minRecords, 0);
      if (!largest || !this.split(largest, 0, minRecords)) return;
    }
  }

  /** The next shard for a free cursor: an idle one, else half of the largest busy one. */
  take(minRecords: number, inFlightRecords: number): Shard | undefined {
    const idle = this.shards.find((s) => !s.done && !s.busy);
    if (idle) return idle;
    const largest = this.largestSplittable(minRecords, inFlightRecords);
    return largest ? this.split(largest, inFlightRecords, minRecords) : undefined;
  }

  private largestSplittable(minRecords: number, inFlightRecords: number): Shard | undefined {
    let best: Shard | undefined;
    for (const s of this.shards) {
      if (s.done || s.hi - s.position < 2) continue;
      const rest = s.estimate - (s.busy ? inFlightRecords : 0);
      if (rest < minRecords) continue;
      if (!best || s.estimate > best.estimate) best = s;
    }
    return best;
  }

  /**
   * Cuts what `shard` has not fetched in two; the upper half becomes a new shard. For a
   * busy shard the cut lies past where its page in flight probably ends, so that page is
   * rarely wasted (records it brings from past the cut are the new shard's, and dropped).
   */
  split(shard: Shard, inFlightRecords: number, minRecords: number): Shard | undefined {
    const span = shard.hi - shard.position;
    if (span < 2 || shard.done) return undefined;
    const reserved = shard.busy ? inFlightRecords : 0;
    if (shard.estimate - reserved < minRecords) return undefined;
    const perMs = Math.max(shard.estimate, 1) / span;
    const start = Math.min(shard.hi - 1, shard.position + Math.ceil(reserved / perMs));
    const mid = Math.floor((start + shard.hi) / 2);
    return this.cutAt(shard, mid, Math.round(shard.estimate * ((shard.hi - mid) / span)));
  }

  /** Cuts `shard` at `at` (inside what it has not fetched); the upper part, expected to hold `upperEstimate`, becomes a new shard. */
  private cutAt(shard: Shard, at: number, upperEstimate: number): Shard | undefined {
    if (at <= shard.position || at >= shard.hi) return undefined;
    const upper: Shard = {
      id: this.shards.length,
      lo: at,
      hi: shard.hi,
      openBelow: false,
      openAbove: shard.openAbove,
      position: at,
      accounted: 0,
      estimate: Math.min(shard.estimate, Math.max(0, upperEstimate)),
      done: false,
      busy: false,
      lastCursorKey: null,
    };
    shard.hi = at;
    shard.openAbove = false;
    shard.estimate -= upper.estimate;
    this.shards.push(upper);
    return upper;
  }
}
