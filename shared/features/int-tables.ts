/** @module Open-addressing hash tables on typed arrays (u32 → i32, (i32, i32) → i32, and IPv6 words → i32) for allocation-free hot paths. */

const EMPTY = -1;

function hash32(x: number): number {
  return Math.imul(x ^ (x >>> 16), 0x45d9f3b) ^ (Math.imul(x, 0x9e3779b1) >>> 15);
}

/**
 * Map from unsigned 32-bit keys to non-negative int32 values; `get` returns -1 when absent. Keys and
 * values are interleaved in one array (8 bytes a slot, up to 3/4 full), so a probe mostly reads one
 * cache line.
 */
export class U32Table {
  /** (capacity, 2): key (as int32), value (-1 = empty) */
  private slots: Int32Array;
  private mask: number;
  size = 0;

  constructor(capacity = 16) {
    let cap = 16;
    while (cap * 3 < capacity * 4) cap *= 2;
    this.slots = new Int32Array(2 * cap).fill(EMPTY);
    this.mask = cap - 1;
  }

  get(key: number): number {
    const { slots, mask } = this;
    const k = key | 0;
    let i = hash32(key) & mask;
    for (;;) {
      const v = slots[2 * i + 1]!;
      if (v === EMPTY || slots[2 * i] === k) return v;
      i = (i + 1) & mask;
    }
  }

  /** Inserts or overwrites; `value` must be ≥ 0. */
  set(key: number, value: number): void {
    if ((this.size + 1) * 8 > 3 * this.slots.length) this.rehash(this.slots.length);
    const { slots, mask } = this;
    const k = key | 0;
    let i = hash32(key) & mask;
    for (;;) {
      const v = slots[2 * i + 1]!;
      if (v === EMPTY) {
        slots[2 * i] = k;
        slots[2 * i + 1] = value;
        this.size++;
        return;
      }
      if (slots[2 * i] === k) {
        slots[2 * i + 1] = value;
        return;
      }
      i = (i + 1) & mask;
    }
  }

  private rehash(cap: number): void {
    const old = this.slots;
    this.slots = new Int32Array(2 * cap).fill(EMPTY);
    this.mask = cap - 1;
    this.size = 0;
    for (let i = 0; i < old.length; i += 2) if (old[i + 1] !== EMPTY) this.set(old[i]! >>> 0, old[i + 1]!);
  }
}

/**
 * Map from pairs of int32 keys to non-negative int32 values; `get` returns -1 when absent. No
 * deletion: rebuild instead. Keys and value are interleaved (4 int32s per slot, 4 slots per cache
 * line), so a probe reads one cache line.
 */
export class PairTable {
  /** (capacity, 4): key a, key b, value (-1 = empty), unused */
  private slots: Int32Array;
  private mask: number;
  size = 0;

  constructor(capacity = 16) {
    let cap = 16;
    while (cap < capacity * 2) cap *= 2;
    this.slots = new Int32Array(4 * cap).fill(EMPTY);
    this.mask = cap - 1;
  }

  get(ka: number, kb: number): number {
    const { slots, mask } = this;
    let i = hash32(ka ^ Math.imul(kb, 0x27d4eb2d)) & mask;
    for (;;) {
      const o = 4 * i;
      const v = slots[o + 2]!;
      if (v === EMPTY) return EMPTY;
      if (slots[o] === ka && slots[o + 1] === kb) return v;
      i = (i + 1) & mask;
    }
  }

  set(ka: number, kb: number, value: number): void {
    if ((this.size + 1) * 8 > this.slots.length) this.rehash(this.slots.length / 2);
    const { slots, mask } = this;
    let i = hash32(ka ^ Math.imul(kb, 0x27d4eb2d)) & mask;
    for (;;) {
      const o = 4 * i;
      if (slots[o + 2] === EMPTY) {
        slots[o] = ka;
        slots[o + 1] = kb;
        slots[o + 2] = value;
        this.size++;
        return;
      }
      if (slots[o] === ka && slots[o + 1] === kb) {
        slots[o + 2] = value;
        return;
      }
      i = (i + 1) & mask;
    }
  }

  private rehash(cap: number): void {
    const old = this.slots;
    this.slots = new Int32Array(4 * cap).fill(EMPTY);
    this.mask = cap - 1;
    this.size = 0;
    for (let o = 0; o < old.length; o += 4) if (old[o + 2] !== EMPTY) this.set(old[o]!, old[o + 1]!, old[o + 2]!);
  }
}

/**
 * Map from 128-bit keys (four uint32 words, as FlowColumns holds an IPv6 address) to non-negative
 * int32 values; `get` returns -1 when absent. No allocation per lookup (a string key would cost
 * one per flow). Slots are 8 int32s (key words, value, unused), so a probe reads half a cache line.
 */
export class QuadTable {
  /** (capacity, 8): w0–w3 (as int32), value (-1 = empty), unused */
  private slots: Int32Array;
  private mask: number;
  size = 0;

  constructor(capacity = 16) {
    let cap = 16;
    while (cap < capacity * 2) cap *= 2;
    this.slots = new Int32Array(8 * cap).fill(EMPTY);
    this.mask = cap - 1;
  }

  get(w0: number, w1: number, w2: number, w3: number): number {
    const { slots, mask } = this;
    const a = w0 | 0;
    const b = w1 | 0;
    const c = w2 | 0;
    const d = w3 | 0;
    let i = quadHash(a, b, c, d) & mask;
    for (;;) {
      const o = 8 * i;
      const v = slots[o + 4]!;
      if (v === EMPTY) return EMPTY;
      if (slots[o] === a && slots[o + 1] === b && slots[o + 2] === c && slots[o + 3] === d) return v;
      i = (i + 1) & mask;
    }
  }

  /** Inserts or overwrites; `value` must be ≥ 0. */
  set(w0: number, w1: number, w2: number, w3: number, value: number): void {
    if ((this.size + 1) * 16 > this.slots.length) this.rehash(this.slots.length / 4);
    const { slots, mask } = this;
    const a = w0 | 0;
    const b = w1 | 0;
    const c = w2 | 0;
    const d = w3 | 0;
    let i = quadHash(a, b, c, d) & mask;
    for (;;) {
      const o = 8 * i;
      if (slots[o + 4] === EMPTY) {
        slots[o] = a;
        slots[o + 1] = b;
        slots[o + 2] = c;
        slots[o + 3] = d;
        slots[o + 4] = value;
        this.size++;
        return;
      }
      if (slots[o] === a && slots[o + 1] === b && slots[o + 2] === c && slots[o + 3] === d) {
        slots[o + 4] = value;
        return;
      }
      i = (i + 1) & mask;
    }
  }

  private rehash(cap: number): void {
    const old = this.slots;
    this.slots = new Int32Array(8 * cap).fill(EMPTY);
    this.mask = cap - 1;
    this.size = 0;
    for (let o = 0; o < old.length; o += 8) if (old[o + 4] !== EMPTY) this.set(old[o]!, old[o + 1]!, old[o + 2]!, old[o + 3]!, old[o + 4]!);
  }
}

function quadHash(a: number, b: number, c: number, d: number): number {
  return hash32(a ^ Math.imul(b, 0x27d4eb2d) ^ Math.imul(c, 0x165667b1) ^ Math.imul(d, 0x9e3779b1));
}
