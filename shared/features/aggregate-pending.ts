/** @module Pending counter additions of a MinuteAccumulator: per-side records bucketed by node, so that one bucket's nodes are applied together while their blocks are in cache. */

/** float64s per record: [node | keys (two int32s)], minute, packets, bytes, flows (shares already applied). */
export const RECORD = 5;
/** Buckets by node id (low bits): a bucket's nodes' rings and blocks fit the L2 cache while it is applied. */
export const BUCKETS = 64;
const BUCKET_MASK = BUCKETS - 1;
/** Default records one bucket holds before it is applied (64 × 4,096 × 40 bytes = 10 MiB in all). */
export const DEFAULT_BUCKET_RECORDS = 4096;
const FIRST_RECORDS = 16;
/** Most bytes the held-back additions of one accumulator take (10 MiB at the defaults; the buffers grow to what is used). */
export function pendingBytes(bucketRecords = DEFAULT_BUCKET_RECORDS): number {
  return BUCKETS * bucketRecords * RECORD * 8;
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

  constructor(readonly bucketRecords = DEFAULT_BUCKET_RECORDS) {
    if (!Number.isInteger(bucketRecords) || bucketRecords < 1) throw new RangeError(`bucketRecords must be a positive integer, not ${bucketRecords}`);
    for (let b = 0; b < BUCKETS; b++) this.setBuffer(b, new Float64Array(RECORD * Math.min(FIRST_RECORDS, bucketRecords)));
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
    return n + 1 === this.bucketRecords ? b : -1;
  }

  /** Marks bucket `b` empty (after it was applied). */
  clear(b: number): void {
    this.total -= this.count[b]!;
    this.count[b] = 0;
  }

  private grow(b: number): Float64Array {
    const old = this.f64[b]!;
    if (old.length >= RECORD * this.bucketRecords) throw new Error(`bucket ${b} is full: apply it before adding more`);
    const f = new Float64Array(Math.min(2 * old.length, RECORD * this.bucketRecords));
    f.set(old);
    this.setBuffer(b, f);
    return f;
  }

  private setBuffer(b: number, f: Float64Array): void {
    this.f64[b] = f;
    this.i32[b] = new Int32Array(f.buffer);
  }
}
