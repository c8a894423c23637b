/** @module The open nodes of a MinuteAccumulator: ids by address, per-node bookkeeping, and the one-entry minute cache. */
import { formatIPv4, formatIPv6 } from "../flow/ip.js";
import { ipv4TextKey } from "./aggregate-order.js";
import { U32Table } from "./int-tables.js";

/** No minute in the minute cache (epoch minutes of valid flows are ≥ 0). */
export const NO_MINUTE = -0x80000000;
/** Fields of a node's record in `rec` (REC int32s per node). */
export const REC = 4;
export const REC_EPOCH = 0;
export const REC_MINUTE = 1;
export const REC_HEAD = 2;
export const REC_CUSTOMER = 3;

/**
 * Dense node ids over the addresses that have open minutes. Per node: family and address words,
 * and a 16-byte record (`rec`) the hot path reads in one go: the matcher epoch the node was last
 * confirmed under, the minute and head block of its most recent flow (most flows of a node fall
 * in the minute of its previous flow), and its customer (interned id).
 */
export class OpenNodes {
  private v4Ids: U32Table;
  private v6Ids = new Map<string, number>();
  family: Uint8Array;
  /** (nodes, 4) address words */
  addr: Uint32Array;
  /** (nodes, REC) */
  rec: Int32Array;
  count = 0;

  constructor(capacity = 64) {
    const n = Math.max(16, capacity);
    this.v4Ids = new U32Table(n);
    this.family = new Uint8Array(n);
    this.addr = new Uint32Array(4 * n);
    this.rec = new Int32Array(REC * n);
  }

  findV4(addr: number): number {
    return this.v4Ids.get(addr);
  }

  findV6(words: Uint32Array, w: number): number {
    return this.v6Ids.get(v6Key(words, w)) ?? -1;
  }

  addV4(addr: number, customer: number, epoch: number): number {
    const node = this.add(4, customer, epoch);
    this.addr[4 * node] = addr;
    this.v4Ids.set(addr, node);
    return node;
  }

  addV6(words: Uint32Array, w: number, customer: number, epoch: number): number {
    const node = this.add(6, customer, epoch);
    this.addr.set(words.subarray(w, w + 4), 4 * node);
    this.v6Ids.set(v6Key(words, w), node);
    return node;
  }

  private add(family: 4 | 6, customer: number, epoch: number): number {
    const node = this.count++;
    if (node >= this.family.length) {
      const cap = 2 * this.family.length;
      this.family = grow(this.family, cap);
      this.addr = grow(this.addr, 4 * cap);
      this.rec = grow(this.rec, REC * cap);
    }
    this.family[node] = family;
    const r = REC * node;
    this.rec[r + REC_EPOCH] = epoch;
    this.rec[r + REC_MINUTE] = NO_MINUTE;
    this.rec[r + REC_HEAD] = -1;
    this.rec[r + REC_CUSTOMER] = customer;
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
   * rebuilds the lookups and clears the minute cache. Returns each old id's new id (-1: dropped).
   */
  retain(keep: Uint8Array): Int32Array {
    const old = this.count;
    const newId = new Int32Array(old).fill(-1);
    let n = 0;
    for (let node = 0; node < old; node++) if (keep[node] === 1) newId[node] = n++;
    this.v4Ids = new U32Table(Math.max(16, n));
    this.v6Ids = new Map();
    for (let node = 0; node < old; node++) {
      const id = newId[node]!;
      if (id < 0) continue;
      this.family[id] = this.family[node]!;
      this.addr.copyWithin(4 * id, 4 * node, 4 * node + 4);
      this.rec.copyWithin(REC * id, REC * node, REC * node + REC);
      this.rec[REC * id + REC_MINUTE] = NO_MINUTE;
      if (this.family[id] === 4) this.v4Ids.set(this.addr[4 * id]!, id);
      else this.v6Ids.set(v6Key(this.addr, 4 * id), id);
    }
    this.count = n;
    return newId;
  }
}

const v6Key = (words: Uint32Array, w: number): string => `${words[w]}:${words[w + 1]}:${words[w + 2]}:${words[w + 3]}`;

function grow<T extends Uint8Array | Uint32Array | Int32Array>(a: T, cap: number): T {
  const b = new (a.constructor as new (n: number) => T)(cap);
  b.set(a);
  return b;
}
