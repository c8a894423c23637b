/** @module Pending counter additions of a MinuteAccumulator: per-side records bucketed by node, so that one bucket's nodes are applied together while their blocks are in cache. */

/** float64s per record: [node | keys (two int32s)], minute, packets, bytes, flows (shares already applied). */
export const RECORD = 5;
/** Buckets by node id (low bits): a bucket's nodes' rings and blocks fit the L2 cache while it is applied. */
export const BUCKETS = 64;
const BUCKET_MASK = BUCKETS - 1;
/**
 * Records one bucket holds before it is applied: RECORDS_PER_NODE per node of the bucket (so a
 * node-minute's lines serve several additions per fetch), within [MIN_RECORDS, MAX_RECORDS].
 * At 4,096 open nodes that is 2,048 per bucket (5 MiB in all); at 37,000, 16,384 (40 MiB).
 */
export const RECORDS_PER_NODE = 32;
export const MIN_RECORDS = 256;
export const MAX_RECORDS = 16_384;
const FIRST_RECORDS = 16;

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
 */
export class PendingSides {
  readonly f64: Float64Array[] = [];
  readonly i32: Int32Array[] = [];
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
    for (let b = 0; b < BUCKETS; b++) this.setBuffer(b, new Float64Array(RECORD * FIRST_RECORDS));
  }

  /** Sets the capacity for `nodes` open nodes (unless fixed). A bucket already past it reports full at its next push. */
  fit(nodes: number): void {
    if (!this.fixed) this.capacity = bucketRecordsFor(nodes);
  }

  /** Appends one addition; returns the bucket when it is now full (the caller applies it), else -1. */
  push(node: number, keys: number, minute: number, packets: number, bytes: number, flows: number): number {
    const b = node & BUCKET_MASK;
    const n = this.count[b]!;
    let f = this.f64[b]!;
    if ((n + 1) * RECORD > f.length) f = this.grow(b);
    const at = RECORD * n;
    const i = this.i32[b]!;
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

  private grow(b: number): Float64Array {
    const old = this.f64[b]!;
    // push reports a bucket full at the capacity, and the capacity never exceeds MAX_RECORDS
    if (old.length >= RECORD * MAX_RECORDS) throw new Error(`bucket ${b} holds ${MAX_RECORDS} records: apply it before adding more`);
    const f = new Float64Array(Math.min(2 * old.length, RECORD * MAX_RECORDS));
    f.set(old);
    this.setBuffer(b, f);
    return f;
  }

  private setBuffer(b: number, f: Float64Array): void {
    this.f64[b] = f;
    this.i32[b] = new Int32Array(f.buffer);
  }
}
