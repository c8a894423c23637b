/** @module Sparse counter store of open node-minutes: chains of 128-byte blocks of (key → 3 float64) entries in one pooled buffer. */
import { expandDense, expandSparse, KEY_COUNT } from "./aggregate-layout.js";

/** float64s per block: one of metadata, then ENTRIES_PER_BLOCK entries of 3 counters. */
export const BLOCK_WIDTH = 16;
export const ENTRIES_PER_BLOCK = 5;
export const BLOCK_BYTES = BLOCK_WIDTH * 8;
/** Blocks of a dense node-minute's counters (3 float64s per key, at 3·key). */
const DENSE_BLOCKS = Math.ceil((3 * KEY_COUNT) / BLOCK_WIDTH);
/** A chain never grows past this many blocks: the next key turns the node-minute dense. */
const MAX_CHAIN = 2;
/** Most blocks one node-minute can hold: a dense region plus the chain it replaced (dropped at the next compaction). */
export const MAX_BLOCKS_PER_SLOT = MAX_CHAIN + DENSE_BLOCKS;
/** Keys word of a dense head (no key byte is ever 255). */
const DENSE_MARK = -1;
/**
 * Bit 7 of each byte of `x` that is zero (exact for the lowest zero byte, which is all callers use;
 * bytes above it may be flagged falsely).
 */
function zeroBytes(x: number): number {
  return (x - 0x01010101) & ~x & 0x80808080;
}

/** Bytes of a WebAssembly.Memory page (a pool is a whole number of pages). */
const WASM_PAGE = 65536;

/**
 * A zeroed pool of at least `blocks` blocks (at least one 64 KiB page). Backed by a WebAssembly.Memory where there is one: its
 * buffer starts on a page, so every block starts on a cache line (a 128-byte block then spans two
 * lines, not three as in an ArrayBuffer, which is only 16-byte aligned). Never grown in place:
 * memory.grow detaches the old buffer, and one detached buffer makes V8 check every typed-array
 * access in the process for detachment from then on.
 */
function newPool(blocks: number): Float64Array {
  const bytes = blocks * BLOCK_BYTES;
  if (typeof WebAssembly !== "object") return new Float64Array(bytes / 8);
  return new Float64Array(new WebAssembly.Memory({ initial: Math.ceil(bytes / WASM_PAGE) }).buffer);
}

/** Block indices must fit the 24-bit next pointer. */
const MAX_BLOCKS = 1 << 24;

/**
 * A node-minute is a chain of blocks; its first block (the head) identifies it. Block b is
 * float64s [16b, 16b + 16) of `pool`. Its first float64 holds metadata, read through `meta` (an
 * Int32Array over the same buffer): int32 32b holds the keys (+1, 0 = empty) of entries 0–3, one per
 * byte; int32 32b + 1 holds entry 4's key in its low byte and the next block's index above it
 * (0 = none: a chain only links to later blocks, so never to block 0). Entries fill in order, so the
 * first empty key byte ends a search. Entry e's counters are float64s 16b + 1 + 3e … + 3.
 *
 * A busy node-minute (more keys than MAX_CHAIN blocks hold) turns dense: its counters move to a
 * run of DENSE_BLOCKS blocks laid out as the dense form (key k at 3k), its head's keys word
 * becomes DENSE_MARK and the next int32 the run's first block. So a lookup never walks more than
 * two blocks, and the few nodes that see most flows pay one direct index.
 *
 * A key's entry sits with the node-minute's other keys, so a flow touches one or two cache lines
 * of a small record instead of one line of a 1.2 KB dense record: the open minutes of tens of
 * thousands of nodes stay within the caches' and the TLB's reach. Blocks are zeroed when allocated,
 * and `compact` moves the kept blocks down in place, so the buffer only ever grows to its high-water mark.
 */
export class CounterStore {
  pool: Float64Array;
  meta: Int32Array;
  /** blocks in use */
  count = 0;

  constructor(blocks = 64) {
    this.pool = newPool(Math.max(1, blocks));
    this.meta = new Int32Array(this.pool.buffer);
  }

  /** Bytes of blocks in use. */
  get bytes(): number {
    return this.count * BLOCK_BYTES;
  }

  /** A new zeroed block (the head of a new node-minute, or a chain's next block). */
  alloc(): number {
    const b = this.count++;
    if ((b + 1) * BLOCK_WIDTH > this.pool.length) this.grow(b + 1);
    const p = this.pool;
    const o = b * BLOCK_WIDTH;
    for (let i = 0; i < BLOCK_WIDTH; i++) p[o + i] = 0;
    return b;
  }

  private grow(need: number): void {
    if (need > MAX_BLOCKS) throw new RangeError(`minute aggregation needs more than ${MAX_BLOCKS} counter blocks`);
    const blocks = Math.min(MAX_BLOCKS, Math.max(need, 2 * (this.pool.length / BLOCK_WIDTH)));
    const pool = newPool(blocks);
    pool.set(this.pool.subarray(0, this.count * BLOCK_WIDTH));
    this.pool = pool;
    this.meta = new Int32Array(pool.buffer);
  }

  /**
   * Index in `pool` of key `key`'s first counter in the node-minute headed by `head`, creating the
   * entry (zeroed) when absent. May grow the pool: read `pool` after calling.
   */
  entry(head: number, key: number): number {
    const k1 = key + 1;
    let b = head;
    for (;;) {
      const meta = this.meta;
      const m = 2 * BLOCK_WIDTH * b;
      const w = meta[m]!;
      if (w === DENSE_MARK) return BLOCK_WIDTH * meta[m + 1]! + 3 * key;
      const base = BLOCK_WIDTH * b + 1;
      // entries 0–3 without data-dependent branches: the lowest key byte that is k1 or empty (0)
      // is the entry (keys fill in order and never repeat); OR-ing k1 in claims an empty byte and
      // leaves a matching one as it was
      const hit = zeroBytes(w ^ Math.imul(k1, 0x01010101)) | zeroBytes(w);
      if (hit !== 0) {
        const shift = (31 - Math.clz32(hit & -hit)) & 24;
        meta[m] = w | (k1 << shift);
        return base + 3 * (shift >>> 3);
      }
      const w2 = meta[m + 1]!;
      const kb = w2 & 255;
      if (kb === k1) return base + 12;
      if (kb === 0) {
        meta[m + 1] = w2 | k1;
        return base + 12;
      }
      const next = w2 >>> 8;
      if (next === 0) {
        if (b !== head) return this.densify(head) + 3 * key;
        const nb = this.alloc();
        const meta2 = this.meta;
        meta2[m + 1] = w2 | (nb << 8);
        meta2[2 * BLOCK_WIDTH * nb] = k1;
        return BLOCK_WIDTH * nb + 1;
      }
      b = next;
    }
  }

  /** Moves the chain headed by `head` into a new dense run; returns the run's first float64 index. */
  private densify(head: number): number {
    const run = this.count;
    this.count += DENSE_BLOCKS;
    if (this.count * BLOCK_WIDTH > this.pool.length) this.grow(this.count);
    const base = BLOCK_WIDTH * run;
    this.pool.fill(0, base, base + DENSE_BLOCKS * BLOCK_WIDTH);
    const { pool, meta } = this;
    for (let b = head; ; ) {
      const m = 2 * BLOCK_WIDTH * b;
      const w = meta[m]!;
      const w2 = meta[m + 1]!;
      for (let e = 0; e < ENTRIES_PER_BLOCK; e++) {
        const k1 = e < 4 ? (w >>> (8 * e)) & 255 : w2 & 255;
        if (k1 === 0) break;
        const v = BLOCK_WIDTH * b + 1 + 3 * e;
        const d = base + 3 * (k1 - 1);
        pool[d] = pool[v]!;
        pool[d + 1] = pool[v + 1]!;
        pool[d + 2] = pool[v + 2]!;
      }
      const next = w2 >>> 8;
      if (next === 0) break;
      b = next;
    }
    meta[2 * BLOCK_WIDTH * head] = DENSE_MARK;
    meta[2 * BLOCK_WIDTH * head + 1] = run;
    return base;
  }

  private readonly keys = new Int32Array(MAX_CHAIN * ENTRIES_PER_BLOCK);
  private readonly at = new Int32Array(MAX_CHAIN * ENTRIES_PER_BLOCK);

  /** The 86 features of the node-minute headed by `head`, written into `out` (zeroed). */
  expand(head: number, out: Float64Array): Float64Array {
    const { pool, meta, keys, at } = this;
    if (meta[2 * BLOCK_WIDTH * head] === DENSE_MARK) return expandDense(pool, BLOCK_WIDTH * meta[2 * BLOCK_WIDTH * head + 1]!, out);
    let n = 0;
    for (let b = head; ; ) {
      const m = 2 * BLOCK_WIDTH * b;
      const w = meta[m]!;
      const w2 = meta[m + 1]!;
      for (let e = 0; e < ENTRIES_PER_BLOCK; e++) {
        const k1 = e < 4 ? (w >>> (8 * e)) & 255 : w2 & 255;
        if (k1 === 0) break;
        // insertion by key: the sums must run in key order
        let j = n++;
        while (j > 0 && keys[j - 1]! > k1 - 1) {
          keys[j] = keys[j - 1]!;
          at[j] = at[j - 1]!;
          j--;
        }
        keys[j] = k1 - 1;
        at[j] = BLOCK_WIDTH * b + 1 + 3 * e;
      }
      const next = w2 >>> 8;
      if (next === 0) break;
      b = next;
    }
    return expandSparse(pool, keys, at, n, out);
  }

  /**
   * Keeps only the chains headed by `heads` and moves their blocks down, in order, to the start of
   * the pool. Returns each old block's new index (-1 for dropped blocks), for remapping heads.
   */
  compact(heads: ArrayLike<number>): Int32Array {
    const old = this.count;
    const { pool, meta } = this;
    const newIndex = new Int32Array(old).fill(-1);
    for (let i = 0; i < heads.length; i++) {
      const head = heads[i]!;
      if (meta[2 * BLOCK_WIDTH * head] === DENSE_MARK) {
        newIndex[head] = 0;
        const run = meta[2 * BLOCK_WIDTH * head + 1]!;
        newIndex.fill(0, run, run + DENSE_BLOCKS);
        continue;
      }
      for (let b = head; ; ) {
        newIndex[b] = 0;
        const next = meta[2 * BLOCK_WIDTH * b + 1]! >>> 8;
        if (next === 0) break;
        b = next;
      }
    }
    let n = 0;
    for (let b = 0; b < old; b++) if (newIndex[b] === 0) newIndex[b] = n++ + 1;
    for (let b = 0; b < old; b++) {
      if (newIndex[b] === -1) continue;
      const nb = newIndex[b]! - 1;
      newIndex[b] = nb;
      // nb ≤ b: the copy only moves data down, over blocks already moved or dropped
      if (nb !== b) pool.copyWithin(BLOCK_WIDTH * nb, BLOCK_WIDTH * b, BLOCK_WIDTH * (b + 1));
    }
    // links, from the (moved) heads: a dense run's blocks hold counters, not metadata
    for (let i = 0; i < heads.length; i++) {
      const m = 2 * BLOCK_WIDTH * newIndex[heads[i]!]!;
      if (meta[m] === DENSE_MARK) {
        meta[m + 1] = newIndex[meta[m + 1]!]!;
        continue;
      }
      for (let b = m; ; ) {
        const w2 = meta[b + 1]!;
        const next = w2 >>> 8;
        if (next === 0) break;
        const nn = newIndex[next]!;
        meta[b + 1] = (w2 & 255) | (nn << 8);
        b = 2 * BLOCK_WIDTH * nn;
      }
    }
    this.count = n;
    return newIndex;
  }
}
