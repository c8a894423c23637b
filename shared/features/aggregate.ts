/** @module Minute aggregation: flows → per-node, per-minute raw counters of the 86 features. */
import { formatIPv4, formatIPv6 } from "../flow/ip.js";
import { FlowColumns } from "../flow/columns.js";
import type { FlowRecord } from "../flow/record.js";
import { FEATURE_COUNT } from "./catalogue.js";
import { portBlockOffset, portClass, PROTO_TCP, protocolBlockOffset, protocolClass, tcpFlagIndex } from "./classes.js";
import { TCP_FLAGS_OFFSET } from "./catalogue.js";
import { PairTable, U32Table } from "./int-tables.js";
import type { NodeMatcher } from "./nodes.js";

export const MINUTE_MS = 60_000;

/**
 * Internal slot layout of an open node-minute. A flow touches exactly one (protocol class × port
 * class) combination per side, so the accumulator keeps counters per combination (one 24-byte
 * group: pkt, byt, flow) and derives the volume, protocol and port features when the minute closes.
 * That is one cache line touched per flow side instead of three, which is what matters with
 * thousands of nodes interleaved. Combinations: icmp × port 0, and tcp, udp, other × 8 port classes.
 *   [0, 3·COMBOS)          inbound combinations × (pkt, byt, flow)
 *   [3·COMBOS, 6·COMBOS)   outbound combinations × (pkt, byt, flow)
 *   [6·COMBOS, +8)         outbound TCP flag classes
 */
const COMBO_PROTO: number[] = [];
const COMBO_PORT: number[] = [];
/** (protocol class, port class) → combination index, -1 when impossible */
const COMBO_INDEX = new Int8Array(4 * 8).fill(-1);
for (let proto = 0; proto < 4; proto++) {
  for (let port = 0; port < 8; port++) {
    if (proto === 0 && port !== 0) continue; // ICMP carries no ports
    COMBO_INDEX[proto * 8 + port] = COMBO_PROTO.length;
    COMBO_PROTO.push(proto);
    COMBO_PORT.push(port);
  }
}
const COMBOS = COMBO_PROTO.length;
const OUT_BASE = 3 * COMBOS;
const FLAGS_BASE = 6 * COMBOS;
const SLOT_WIDTH = FLAGS_BASE + 8;
/** Bytes of counters per open node-minute (float64 per combination counter). Bookkeeping adds ~40. */
export const BYTES_PER_NODE_MINUTE = SLOT_WIDTH * 8;

/** Raw counters of one node in one minute. `minute` is epoch minutes (floor(ms / 60000)), UTC. */
export interface NodeMinute {
  node: string;
  customer: string;
  minute: number;
  /** (FEATURE_COUNT,) raw counters in catalogue order */
  counters: Float64Array;
}

export interface AggregationStats {
  /** Flow rows read. */
  flows: number;
  /** Flow rows with at least one end on a node. */
  matched: number;
  /** Flow rows aggregated for neither end (transit traffic, or nodes refused for capacity). */
  unmatched: number;
  /** Flow rows with some share in an already closed minute; that share is dropped, not merged. */
  late: number;
  /** Flow rows with a side dropped because its node would exceed `maxNodes` open nodes (memory bound). */
  overCapacity: number;
}

export interface AccumulatorOptions {
  /** Most distinct nodes with open minutes; flows of further nodes are counted in overCapacity and dropped. */
  maxNodes?: number;
}

/**
 * Accumulates flows into open node-minutes. Attribution rules (the documented contract of the
 * feature pipeline, docs/features.md):
 * - Inbound: flows whose destination is a node; port class from the destination port.
 *   Outbound: flows whose source is a node; port class from the source port; TCP-flag features
 *   count outbound TCP flows only. A flow between two nodes counts for both.
 * - Sampling: packets and bytes are multiplied by the sampling rate (1-in-N); the flow count is
 *   not (one exported record is one observed flow).
 * - Time: a flow covers the interval [startMs, endMs]. A flow spanning several minutes is split
 *   across them in proportion to its overlap with each minute (packets, bytes and the flow count
 *   alike), so totals are conserved. A zero-duration flow belongs wholly to the minute of startMs.
 *
 * Storage is allocation-free per flow: node ids come from open-addressing tables, and each open
 * node-minute is a slot of SLOT_WIDTH float64s in one pooled buffer (layout above).
 */
export class MinuteAccumulator {
  readonly stats: AggregationStats = { flows: 0, matched: 0, unmatched: 0, late: 0, overCapacity: 0 };
  private readonly maxNodes: number;
  /** customer names of open nodes (interned, so the matcher can be replaced while minutes are open) */
  private readonly customerNames: string[] = [];
  private readonly customerIds = new Map<string, number>();
  /** matcher customer index → interned id; reset when the matcher changes */
  private customerCache: number[] = [];
  /** Minutes before this one are closed: shares that fall there are late (counted, dropped). */
  private closedBefore = Number.NEGATIVE_INFINITY;
  // nodes
  private v4Ids = new U32Table();
  private v6Ids = new Map<string, number>();
  private nodeFamily = new Uint8Array(64);
  /** (nodes, 4) address words */
  private nodeAddr = new Uint32Array(64 * 4);
  private nodeCustomer = new Int32Array(64);
  /** One-entry cache per node: most flows of a node fall in the minute of its previous flow. */
  private nodeLastMinute = new Float64Array(64).fill(Number.NaN);
  private nodeLastSlot = new Int32Array(64);
  private nodeCount = 0;
  // node-minute slots
  private slotIds = new PairTable();
  /** (slots, FEATURE_COUNT) */
  private pool = new Float64Array(64 * SLOT_WIDTH);
  private slotNode = new Int32Array(64);
  private slotMinute = new Float64Array(64);
  private slotCount = 0;
  /** set by nodeV4/nodeV6 when a node was refused for capacity during the current row */
  private full = false;

  constructor(
    private nodes: NodeMatcher,
    options: AccumulatorOptions = {},
  ) {
    this.maxNodes = options.maxNodes ?? Number.POSITIVE_INFINITY;
  }

  /** Replaces the node matcher (prefixes changed); open minutes keep their node and customer. */
  setMatcher(nodes: NodeMatcher): void {
    this.nodes = nodes;
    this.customerCache = [];
  }

  /** The close watermark: minutes before it have been closed (or were closed before a restart). */
  get closedBeforeMinute(): number {
    return this.closedBefore;
  }

  /** Marks minutes before `minute` as closed without emitting them (restoring after a restart). */
  markClosedBefore(minute: number): void {
    if (minute > this.closedBefore) this.closedBefore = minute;
  }

  /** Adds every row of a column batch. */
  addColumns(cols: FlowColumns): void {
    const { family, src, dst, srcPort, dstPort, protocol, tcpFlags, packets, bytes, samplingRate, startMs, endMs } = cols;
    const nodes = this.nodes;
    const stats = this.stats;
    const n = cols.length;
    for (let i = 0; i < n; i++) {
      const w = 4 * i;
      let inNode = -1;
      let outNode = -1;
      if (family[i] === 4) {
        const d = dst[w]!;
        const s = src[w]!;
        const dc = nodes.matchV4(d);
        if (dc >= 0) inNode = this.nodeV4(d, this.customerId(dc));
        const sc = nodes.matchV4(s);
        if (sc >= 0) outNode = this.nodeV4(s, this.customerId(sc));
      } else {
        const dc = nodes.matchV6(dst[w]!, dst[w + 1]!, dst[w + 2]!, dst[w + 3]!);
        if (dc >= 0) inNode = this.nodeV6(dst, w, this.customerId(dc));
        const sc = nodes.matchV6(src[w]!, src[w + 1]!, src[w + 2]!, src[w + 3]!);
        if (sc >= 0) outNode = this.nodeV6(src, w, this.customerId(sc));
      }
      if (this.full) {
        this.full = false;
        stats.overCapacity++;
      }
      if (inNode < 0 && outNode < 0) continue;
      stats.matched++;
      const proto = protocol[i]!;
      const protoRow = protocolClass(proto) * 8;
      const rate = samplingRate[i]! || 1;
      const pk = packets[i]! * rate;
      const by = bytes[i]! * rate;
      const flagIndex = proto === PROTO_TCP ? tcpFlagIndex(tcpFlags[i]!) : -1;
      const flagOff = flagIndex >= 0 ? FLAGS_BASE + flagIndex : -1;
      const inOff = 3 * COMBO_INDEX[protoRow + portClass(dstPort[i]!, proto)]!;
      const outOff = OUT_BASE + 3 * COMBO_INDEX[protoRow + portClass(srcPort[i]!, proto)]!;
      const start = startMs[i]!;
      const end = endMs[i]!;
      const m0 = Math.floor(start / MINUTE_MS);
      const closedBefore = this.closedBefore;
      if (end <= start || Math.floor(end / MINUTE_MS) === m0) {
        if (m0 < closedBefore) {
          stats.late++;
          continue;
        }
        // slot() may grow the pool: take the slot first, then read this.pool
        if (inNode >= 0) {
          const base = this.slot(inNode, m0) * SLOT_WIDTH;
          addCounts(this.pool, base, inOff, -1, pk, by, 1);
        }
        if (outNode >= 0) {
          const base = this.slot(outNode, m0) * SLOT_WIDTH;
          addCounts(this.pool, base, outOff, flagOff, pk, by, 1);
        }
        continue;
      }
      const m1 = Math.floor(end / MINUTE_MS);
      const duration = end - start;
      if (m0 < closedBefore) stats.late++;
      for (let m = Math.max(m0, closedBefore); m <= m1; m++) {
        const overlap = Math.min(end, (m + 1) * MINUTE_MS) - Math.max(start, m * MINUTE_MS);
        if (overlap <= 0) continue;
        const f = overlap / duration;
        if (inNode >= 0) {
          const base = this.slot(inNode, m) * SLOT_WIDTH;
          addCounts(this.pool, base, inOff, -1, pk * f, by * f, f);
        }
        if (outNode >= 0) {
          const base = this.slot(outNode, m) * SLOT_WIDTH;
          addCounts(this.pool, base, outOff, flagOff, pk * f, by * f, f);
        }
      }
    }
    stats.flows += n;
    stats.unmatched = stats.flows - stats.matched;
  }

  /** Adds validated flow records (convenience path; parsers fill FlowColumns directly). */
  addRecords(flows: readonly FlowRecord[]): void {
    this.addColumns(FlowColumns.fromRecords(flows));
  }

  /** Number of open (node, minute) entries: the memory driver, BYTES_PER_NODE_MINUTE each. */
  get openEntries(): number {
    return this.slotCount;
  }

  /** Number of distinct nodes with open minutes. */
  get openNodes(): number {
    return this.nodeCount;
  }

  /**
   * Removes and returns every node-minute with minute < `beforeMinute`, sorted by node then minute,
   * and moves the close watermark there: later shares in those minutes count as late and are dropped.
   */
  closeBefore(beforeMinute: number): NodeMinute[] {
    this.markClosedBefore(beforeMinute);
    return this.drain(beforeMinute);
  }

  /** Removes and returns everything, without moving the close watermark. */
  closeAll(): NodeMinute[] {
    return this.drain(Number.POSITIVE_INFINITY);
  }

  private drain(beforeMinute: number): NodeMinute[] {
    const out: NodeMinute[] = [];
    const keep: number[] = [];
    for (let s = 0; s < this.slotCount; s++) {
      if (this.slotMinute[s]! < beforeMinute) {
        const node = this.slotNode[s]!;
        out.push({
          node: this.nodeText(node),
          customer: this.customerNames[this.nodeCustomer[node]!]!,
          minute: this.slotMinute[s]!,
          counters: expandSlot(this.pool, s * SLOT_WIDTH),
        });
      } else keep.push(s);
    }
    if (out.length > 0) this.compact(keep);
    return sortNodeMinutes(out);
  }

  /** Interned id of the matcher's customer `index` (cached while the matcher is unchanged). */
  private customerId(index: number): number {
    const cached = this.customerCache[index];
    if (cached !== undefined) return cached;
    const name = this.nodes.customers[index] ?? "";
    let id = this.customerIds.get(name);
    if (id === undefined) {
      id = this.customerNames.length;
      this.customerNames.push(name);
      this.customerIds.set(name, id);
    }
    this.customerCache[index] = id;
    return id;
  }

  private nodeText(node: number): string {
    const a = this.nodeAddr;
    return this.nodeFamily[node] === 4 ? formatIPv4(a[4 * node]!) : formatIPv6([a[4 * node]!, a[4 * node + 1]!, a[4 * node + 2]!, a[4 * node + 3]!]);
  }

  /**
   * Keeps only the given slots (ascending), and only the nodes they belong to, and rebuilds the
   * lookup tables. The counter pool is compacted in place and keeps its size, so a long-lived
   * accumulator reaches its high-water mark once and then allocates nothing.
   */
  private compact(keepSlots: number[]): void {
    const oldFamily = this.nodeFamily.slice(0, this.nodeCount);
    const oldAddr = this.nodeAddr.slice(0, this.nodeCount * 4);
    const oldCustomer = this.nodeCustomer.slice(0, this.nodeCount);
    const oldSlotNode = this.slotNode.slice(0, this.slotCount);
    const oldSlotMinute = this.slotMinute.slice(0, this.slotCount);
    const oldSlotCount = this.slotCount;
    this.v4Ids = new U32Table();
    this.v6Ids = new Map();
    this.nodeLastMinute.fill(Number.NaN);
    this.nodeCount = 0;
    this.slotIds = new PairTable(keepSlots.length);
    this.slotCount = 0;
    const remap = new Map<number, number>();
    for (const s of keepSlots) {
      const oldNode = oldSlotNode[s]!;
      let node = remap.get(oldNode);
      if (node === undefined) {
        node = oldFamily[oldNode] === 4 ? this.nodeV4(oldAddr[4 * oldNode]!, oldCustomer[oldNode]!) : this.nodeV6(oldAddr, 4 * oldNode, oldCustomer[oldNode]!);
        remap.set(oldNode, node);
      }
      const slot = this.slot(node, oldSlotMinute[s]!); // slot ≤ s: the copy below only moves data down
      if (slot !== s) this.pool.copyWithin(slot * SLOT_WIDTH, s * SLOT_WIDTH, (s + 1) * SLOT_WIDTH);
    }
    this.pool.fill(0, this.slotCount * SLOT_WIDTH, oldSlotCount * SLOT_WIDTH);
  }

  private nodeV4(addr: number, customer: number): number {
    const id = this.v4Ids.get(addr);
    if (id >= 0) return id;
    if (this.nodeCount >= this.maxNodes) {
      this.full = true;
      return -1;
    }
    const node = this.newNode(4, customer);
    this.nodeAddr[4 * node] = addr;
    this.v4Ids.set(addr, node);
    return node;
  }

  private nodeV6(words: Uint32Array, w: number, customer: number): number {
    const key = `${words[w]}:${words[w + 1]}:${words[w + 2]}:${words[w + 3]}`;
    const id = this.v6Ids.get(key);
    if (id !== undefined) return id;
    if (this.nodeCount >= this.maxNodes) {
      this.full = true;
      return -1;
    }
    const node = this.newNode(6, customer);
    this.nodeAddr.set(words.subarray(w, w + 4), 4 * node);
    this.v6Ids.set(key, node);
    return node;
  }

  private newNode(family: 4 | 6, customer: number): number {
    const node = this.nodeCount++;
    if (node >= this.nodeFamily.length) {
      const cap = this.nodeFamily.length * 2;
      this.nodeFamily = grow(this.nodeFamily, cap);
      this.nodeAddr = grow(this.nodeAddr, cap * 4);
      this.nodeCustomer = grow(this.nodeCustomer, cap);
      this.nodeLastSlot = grow(this.nodeLastSlot, cap);
      const last = new Float64Array(cap).fill(Number.NaN);
      last.set(this.nodeLastMinute);
      this.nodeLastMinute = last;
    }
    this.nodeFamily[node] = family;
    this.nodeCustomer[node] = customer;
    return node;
  }

  /** Slot of (node, minute), created zeroed when new. */
  private slot(node: number, minute: number): number {
    if (this.nodeLastMinute[node] === minute) return this.nodeLastSlot[node]!;
    let s = this.slotIds.get(node, minute);
    if (s < 0) {
      s = this.slotCount++;
      if (s >= this.slotNode.length) {
        const cap = this.slotNode.length * 2;
        this.slotNode = grow(this.slotNode, cap);
        this.slotMinute = grow(this.slotMinute, cap);
        this.pool = grow(this.pool, cap * SLOT_WIDTH);
      }
      this.slotNode[s] = node;
      this.slotMinute[s] = minute;
      this.slotIds.set(node, minute, s);
    }
    this.nodeLastMinute[node] = minute;
    this.nodeLastSlot[node] = s;
    return s;
  }
}

function grow<T extends Uint8Array | Uint32Array | Int32Array | Float64Array>(a: T, cap: number): T {
  const b = new (a.constructor as new (n: number) => T)(cap);
  b.set(a);
  return b;
}

/** Adds one flow's share to its combination group (at `base + off`) and its TCP-flag class. */
function addCounts(c: Float64Array, base: number, off: number, flagOff: number, pk: number, by: number, fl: number): void {
  const v = base + off;
  c[v]! += pk;
  c[v + 1]! += by;
  c[v + 2]! += fl;
  if (flagOff >= 0) c[base + flagOff]! += fl;
}

/** Derives the 86 catalogue features of one slot from its combination counters. */
function expandSlot(pool: Float64Array, base: number): Float64Array {
  const out = new Float64Array(FEATURE_COUNT);
  for (let side = 0; side < 2; side++) {
    const dir = 3 * side;
    for (let combo = 0; combo < COMBOS; combo++) {
      const v = base + side * OUT_BASE + 3 * combo;
      const protoOff = protocolBlockOffset(COMBO_PROTO[combo]!) + dir;
      const portOff = portBlockOffset(COMBO_PORT[combo]!) + dir;
      for (let type = 0; type < 3; type++) {
        const x = pool[v + type]!;
        out[dir + type]! += x;
        out[protoOff + type]! += x;
        out[portOff + type]! += x;
      }
    }
  }
  for (let k = 0; k < 8; k++) out[TCP_FLAGS_OFFSET + k] = pool[base + FLAGS_BASE + k]!;
  return out;
}

export function sortNodeMinutes(rows: NodeMinute[]): NodeMinute[] {
  return rows.sort((a, b) => (a.node < b.node ? -1 : a.node > b.node ? 1 : a.minute - b.minute));
}

/**
 * The pure form: flows plus the node set → every node-minute's raw counters, sorted by node, then
 * minute. Flows with neither end on a node are ignored.
 */
export function aggregateMinutes(flows: readonly FlowRecord[] | FlowColumns, nodes: NodeMatcher): NodeMinute[] {
  const acc = new MinuteAccumulator(nodes);
  if (flows instanceof FlowColumns) acc.addColumns(flows);
  else acc.addRecords(flows);
  return acc.closeAll();
}
