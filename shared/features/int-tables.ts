/** @module Open-addressing hash tables on typed arrays (u32 → i32 and (i32, i32) → i32) for allocation-free hot paths. */

const EMPTY = -1;

function hash32(x: number): number {
  return Math.imul(x ^ (x >>> 16), 0x45d9f3b) ^ (Math.imul(x, 0x9e3779b1) >>> 15);
}

/**
 * Map from unsigned 32-bit keys to non-negative int32 values; `get` returns -1 when absent. Keys and
 * values are interleaved in one array, so a probe reads one cache line.
 */
export class U32Table {
  /** (capacity, 2): key (as int32), value (-1 = empty) */
  private slots: Int32Array;
  private mask: number;
  size = 0;

  constructor(capacity = 16) {
    let cap = 16;
    while (cap < capacity * 2) cap *= 2;
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
    if ((this.size + 1) * 4 > this.slots.length) this.rehash(this.slots.length);
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

/** Map from pairs of int32 keys to non-negative int32 values; `get` returns -1 when absent. No deletion: rebuild instead. */
export class PairTable {
  private a: Int32Array;
  private b: Int32Array;
  private vals: Int32Array;
  private mask: number;
  size = 0;

  constructor(capacity = 16) {
    let cap = 16;
    while (cap < capacity * 2) cap *= 2;
    this.a = new Int32Array(cap);
    this.b = new Int32Array(cap);
    this.vals = new Int32Array(cap).fill(EMPTY);
    this.mask = cap - 1;
  }

  get(ka: number, kb: number): number {
    const { a, b, vals, mask } = this;
    let i = hash32(ka ^ Math.imul(kb, 0x27d4eb2d)) & mask;
    for (;;) {
      const v = vals[i]!;
      if (v === EMPTY) return EMPTY;
      if (a[i] === ka && b[i] === kb) return v;
      i = (i + 1) & mask;
    }
  }

  set(ka: number, kb: number, value: number): void {
    if ((this.size + 1) * 2 > this.vals.length) this.rehash(this.vals.length * 2);
    const { a, b, vals, mask } = this;
    let i = hash32(ka ^ Math.imul(kb, 0x27d4eb2d)) & mask;
    for (;;) {
      if (vals[i] === EMPTY) {
        a[i] = ka;
        b[i] = kb;
        vals[i] = value;
        this.size++;
        return;
      }
      if (a[i] === ka && b[i] === kb) {
        vals[i] = value;
        return;
      }
      i = (i + 1) & mask;
    }
  }

  private rehash(cap: number): void {
    const { a, b, vals } = this;
    this.a = new Int32Array(cap);
    this.b = new Int32Array(cap);
    this.vals = new Int32Array(cap).fill(EMPTY);
    this.mask = cap - 1;
    this.size = 0;
    for (let i = 0; i < vals.length; i++) if (vals[i] !== EMPTY) this.set(a[i]!, b[i]!, vals[i]!);
  }
}
