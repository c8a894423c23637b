/** @module Pending counter additions of a MinuteAccumulator: per-side records bucketed by node, so that one bucket's nodes are applied together while their blocks are in cache. */

/** float64s per record: [node | keys (two int32s)], minute, packets, bytes, flows (shares already applied). */
export const RECORD = 5;
/** Buckets by node id (low bits): a bucket's nodes' rings and blocks fit the L2 cache while it is applied. */
export const BUCKETS = 64;
const BUCKET_MASK = BUCKETS - 1;
/**
 * Records one bucket holds before it is applied: RECORDS_PER_NODE per node of the bucket (so a
 * node-minute's lines serve several additions per fetch), within [MIN_RECORDS, MAX_RECORDS].
 * At 4,096 open nodes that is 2,048 per bucket (5 MiB in all); at 37,000, 16,384 (40 MiB). The
 * buffer holds BUCKETS × stride records, the stride doubling from MIN_RECORDS: less than twice the
 * capacity, and exactly it at those two sizes. It is allocated whole (655 KB at first).
 */
export const RECORDS_PER_NODE = 32;
export const MIN_RECORDS = 256;
export const MAX_RECORDS = 16_384;

/** Records per bucket for `nodes` open nodes. */
export function bucketRecordsFor(nodes: number): number {
  return Math.min(MAX_RECORDS, Math.max(MIN_RECORDS, RECORDS_PER_NODE * Math.ceil(nodes / BUCKETS)));
}

/**
 * A record's keys word: the counter key in the low byte; for an outbound side of a TCP flow with a
 * flag class, (flag key · 4 + lane + 1) above it (0: no flag counter).
 */
export function keysWord(key: number, flagKey: number, flagLane: number): number {
  return flagKey < 0 ? key : key | (((flagKey << 2) + flagLane + 1) << 8);
}

/**
 * Counter additions held back until their bucket is full (or the accumulator closes, or is asked
 * its size). Additions go to bucket `node mod BUCKETS` in row order, so each node's additions keep
 * their order and every sum is the same as if added at once (float addition is not associative;
 * its order per counter is what must not change).
 *
 * All buckets live in one buffer: bucket b's records start at record `b · stride`. The stride is
 * at least the capacity; it doubles (moving the held records) when `fit` raises the capacity past
 * it, so a push needs no bounds check of its own and no per-bucket buffer to look up.
 */
export class PendingSides {
  /** (BUCKETS · stride, RECORD) records, and the same bytes as int32s */
  f64: Float64Array;
  i32: Int32Array;
  /** records a bucket has room for (≥ capacity) */
  stride: number;
  readonly count = new Int32Array(BUCKETS);
  /** records in all buckets */
  total = 0;
  /** records a bucket holds before push reports it full (`fit`, or fixed) */
  capacity: number;
  private readonly fixed: boolean;

  /** `bucketRecords` fixes the capacity (tests); otherwise `fit` sets it from the open nodes. */
  constructor(bucketRecords?: number) {
    if (bucketRecords !== undefined && (!Number.isInteger(bucketRecords) || bucketRecords < 1 || bucketRecords > MAX_RECORDS)) {
      throw new RangeError(`bucketRecords must be an integer in [1, ${MAX_RECORDS}], not ${bucketRecords}`);
    }
    this.fixed = bucketRecords !== undefined;
    this.capacity = bucketRecords ?? MIN_RECORDS;
    this.stride = this.capacity;
    this.f64 = new Float64Array(BUCKETS * this.stride * RECORD);
    this.i32 = new Int32Array(this.f64.buffer);
  }

  /** Sets the capacity for `nodes` open nodes (unless fixed). A bucket already past it reports full at its next push. */
  fit(nodes: number): void {
    if (this.fixed) return;
    this.capacity = bucketRecordsFor(nodes);
    if (this.capacity > this.stride) this.widen(Math.min(MAX_RECORDS, Math.max(this.capacity, 2 * this.stride)));
  }

  /** First float64 of bucket `b`'s records. */
  offset(b: number): number {
    return b * this.stride * RECORD;
  }

  /**
   * Appends one addition; returns the bucket when it is now full (the caller applies it), else -1.
   * Room is certain: a bucket is applied once it reaches the capacity, and the capacity never
   * exceeds the stride (a bucket past a lowered capacity holds fewer records than the old one).
   */
  push(node: number, keys: number, minute: number, packets: number, bytes: number, flows: number): number {
    const b = node & BUCKET_MASK;
    const n = this.count[b]!;
    const at = (b * this.stride + n) * RECORD;
    const i = this.i32;
    const f = this.f64;
    i[2 * at] = node;
    i[2 * at + 1] = keys;
    f[at + 1] = minute;
    f[at + 2] = packets;
    f[at + 3] = bytes;
    f[at + 4] = flows;
    this.count[b] = n + 1;
    this.total++;
    return n + 1 >= this.capacity ? b : -1;
  }

  /** Marks bucket `b` empty (after it was applied). */
  clear(b: number): void {
    this.total -= this.count[b]!;
    this.count[b] = 0;
  }

  /** Moves every bucket's records to a buffer of `stride` records per bucket. */
  private widen(stride: number): void {
    const f = new Float64Array(BUCKETS * stride * RECORD);
    for (let b = 0; b < BUCKETS; b++) {
      const from = this.offset(b);
      f.set(this.f64.subarray(from, from + this.count[b]! * RECORD), b * stride * RECORD);
    }
    this.stride = stride;
    this.f64 = f;
    this.i32 = new Int32Array(f.buffer);
  }
}
