/** @module The open nodes of a MinuteAccumulator: ids by address (with a stale mark for a replaced matcher), and each node's cache of its recent minutes' head blocks. */
import { formatIPv4, formatIPv6 } from "../flow/ip.js";
import { ipv4TextKey } from "./aggregate-order.js";
import { QuadTable, U32Table } from "./int-tables.js";

/** No minute in a ring entry (epoch minutes of valid flows are ≥ 0). */
export const NO_MINUTE = -0x80000000;

/** Whether a ring entry (an int32) can hold `minute`: an int32 other than NO_MINUTE (epoch minutes of valid flows always are). */
export function fitsRing(minute: number): boolean {
  return (minute | 0) === minute && minute !== NO_MINUTE;
}
/** An id found with this bit set belongs to a node last confirmed under an older matcher: ask the matcher again. */
export const STALE = 0x40000000;
/**
 * Minute-ring entries per node: (minute, head block) pairs at 2·(minute & RING_MASK). Eight, so a
 * node's open minutes stay in its ring with a lateness window of up to 6 minutes (exporters with
 * long active timeouts), and while a replay keeps 5 minutes open until one final close: with 4,
 * the fifth minute went to the overflow table, whose probes and rebuilds took about 1/10 of the
 * aggregation time in bench/ingest (paired, agg-ab.ts: 0.89).
 */
export const RING_ENTRIES = 8;
export const RING_MASK = RING_ENTRIES - 1;
/** int32s of a node's ring (64 bytes; a lookup reads one 8-byte entry, so one cache line). */
export const RING = 2 * RING_ENTRIES;

/**
 * Dense node ids over the addresses that have open minutes. An address's id is looked up in one
 * probe without allocating (U32Table for IPv4, QuadTable for IPv6: keys and value
 * interleaved); the value carries STALE while the node awaits reconfirmation by a replaced
 * matcher. Per node: family, address words, customer (interned id), and a 64-byte ring (`ring`)
 * holding the head block of up to RING_ENTRIES open minutes, direct-mapped by minute. The ring
 * is the record of the minutes it holds: a new minute takes its entry, and the minute it displaces
 * moves to the accumulator's overflow table, which the node's `overflow` mark says to search. So
 * a new node-minute costs no table probe, and a node's flows, which keep landing in a handful of
 * neighbouring minutes (flows spanning minutes, exporters' out-of-order records), find their
 * minutes in the ring.
 */
export class OpenNodes {
  /** IPv4 address → id (8-byte slots, up to 3/4 full: 512 KiB at 40,000 nodes) */
  v4Ids: U32Table;
  private v6Ids = new QuadTable();
  family: Uint8Array;
  /** (nodes, 4) address words */
  addr: Uint32Array;
  customer: Int32Array;
  /** (nodes, RING) */
  ring: Int32Array;
  /** 1 when some open minute of the node is not in its ring (MinuteAccumulator's overflow table holds it) */
  overflow: Uint8Array;
  count = 0;

  constructor(capacity = 64) {
    const n = Math.max(16, capacity);
    this.v4Ids = new U32Table(n);
    this.family = new Uint8Array(n);
    this.addr = new Uint32Array(4 * n);
    this.customer = new Int32Array(n);
    this.ring = new Int32Array(RING * n).fill(NO_MINUTE);
    this.overflow = new Uint8Array(n);
  }

  findV6(words: Uint32Array, w: number): number {
    return this.v6Ids.get(words[w]!, words[w + 1]!, words[w + 2]!, words[w + 3]!);
  }

  addV4(addr: number, customer: number): number {
    const node = this.add(4, customer);
    this.addr[4 * node] = addr;
    this.v4Ids.set(addr, node);
    return node;
  }

  addV6(words: Uint32Array, w: number, customer: number): number {
    const node = this.add(6, customer);
    this.addr.set(words.subarray(w, w + 4), 4 * node);
    this.v6Ids.set(words[w]!, words[w + 1]!, words[w + 2]!, words[w + 3]!, node);
    return node;
  }

  /** Marks every node as awaiting reconfirmation (the matcher changed). */
  markStale(): void {
    for (let node = 0; node < this.count; node++) this.setId(node, node | STALE);
  }

  /** Clears a node's STALE mark (the current matcher still calls it a node). */
  confirm(node: number): void {
    this.setId(node, node);
  }

  private setId(node: number, value: number): void {
    const a = this.addr;
    const w = 4 * node;
    if (this.family[node] === 4) this.v4Ids.set(a[w]!, value);
    else this.v6Ids.set(a[w]!, a[w + 1]!, a[w + 2]!, a[w + 3]!, value);
  }

  private add(family: 4 | 6, customer: number): number {
    const node = this.count++;
    if (node >= this.family.length) {
      const cap = 2 * this.family.length;
      this.family = grow(this.family, cap);
      this.addr = grow(this.addr, 4 * cap);
      this.customer = grow(this.customer, cap);
      this.overflow = grow(this.overflow, cap);
      const ring = new Int32Array(RING * cap).fill(NO_MINUTE);
      ring.set(this.ring);
      this.ring = ring;
    }
    this.family[node] = family;
    this.customer[node] = customer;
    return node;
  }

  text(node: number): string {
    const a = this.addr;
    return this.family[node] === 4 ? formatIPv4(a[4 * node]!) : formatIPv6([a[4 * node]!, a[4 * node + 1]!, a[4 * node + 2]!, a[4 * node + 3]!]);
  }

  /** ipv4TextKey of an IPv4 node; -1 for IPv6. */
  textKey(node: number): number {
    return this.family[node] === 4 ? ipv4TextKey(this.addr[4 * node]!) : -1;
  }

  /**
   * Keeps the nodes with `keep[node]` set, renumbered in order (so a node's id only goes down),
   * rebuilds the lookups (keeping STALE marks) and clears the rings. Returns each old id's new id
   * (-1: dropped).
   */
  retain(keep: Uint8Array): Int32Array {
    const old = this.count;
    const newId = new Int32Array(old).fill(-1);
    let n = 0;
    for (let node = 0; node < old; node++) if (keep[node] === 1) newId[node] = n++;
    const oldV4 = this.v4Ids;
    const oldV6 = this.v6Ids;
    this.v4Ids = new U32Table(Math.max(16, old)); // as many as were open: the next minutes see about as many nodes
    this.v6Ids = new QuadTable();
    for (let node = 0; node < old; node++) {
      const id = newId[node]!;
      if (id < 0) continue;
      const v4 = this.family[node] === 4;
      const a = this.addr;
      const w = 4 * node;
      const stale = (v4 ? oldV4.get(a[w]!) : oldV6.get(a[w]!, a[w + 1]!, a[w + 2]!, a[w + 3]!)) & STALE;
      this.family[id] = this.family[node]!;
      this.addr.copyWithin(4 * id, 4 * node, 4 * node + 4);
      this.customer[id] = this.customer[node]!;
      const x = 4 * id;
      if (v4) this.v4Ids.set(a[x]!, id | stale);
      else this.v6Ids.set(a[x]!, a[x + 1]!, a[x + 2]!, a[x + 3]!, id | stale);
    }
    this.ring.fill(NO_MINUTE, 0, RING * old);
    this.overflow.fill(0, 0, old);
    this.count = n;
    return newId;
  }
}

function grow<T extends Uint8Array | Uint32Array | Int32Array>(a: T, cap: number): T {
  const b = new (a.constructor as new (n: number) => T)(cap);
  b.set(a);
  return b;
}
