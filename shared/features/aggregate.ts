/** @module Minute aggregation: flows → per-node, per-minute raw counters of the 86 features. */
import { FlowColumns } from "../flow/columns.js";
import type { FlowRecord } from "../flow/record.js";
import { COMBO_INDEX, COMBOS, FLAG_KEY_BASE } from "./aggregate-layout.js";
import { FEATURE_COUNT } from "./catalogue.js";
import { NO_MINUTE, OpenNodes, REC, REC_CUSTOMER, REC_EPOCH, REC_HEAD, REC_MINUTE } from "./aggregate-nodes.js";
import { sortNodesByText } from "./aggregate-order.js";
import { BLOCK_BYTES, CounterStore, MAX_BLOCKS_PER_SLOT } from "./aggregate-store.js";
import { portClass, PROTO_TCP, protocolClass, tcpFlagIndex } from "./classes.js";
import { PairTable } from "./int-tables.js";
import type { NodeMatcher } from "./nodes.js";

export const MINUTE_MS = 60_000;

/**
 * Most bytes of counters one open node-minute can take (aggregate-store.ts: two chained 128-byte
 * blocks of five keys, plus the dense run that replaced them until the next close compacts). A
 * typical node-minute uses one or two blocks (`MinuteAccumulator.openBytes` gives the real
 * figure); bookkeeping adds about 40 bytes more.
 */
export const BYTES_PER_NODE_MINUTE = MAX_BLOCKS_PER_SLOT * BLOCK_BYTES;

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

/** Closed rows whose counters share one backing buffer (allocating one per row costs more than expanding it). */
const ROWS_PER_CHUNK = 256;

/** Flag class index (0–7) → its counter key and lane (aggregate-layout.ts). */
const FLAG_KEY = Int8Array.from({ length: 8 }, (_, i) => FLAG_KEY_BASE + Math.floor(i / 3));
const FLAG_LANE = Int8Array.from({ length: 8 }, (_, i) => i % 3);

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
 * Storage is allocation-free per flow: an open node's id is found by its address before the
 * matcher is asked (so a node's prefix lookup runs once per matcher, not once per flow), and each
 * open node-minute keeps only the counter keys it has seen, in a sparse block chain
 * (aggregate-store.ts). Closing expands each node-minute into the 86 features.
 */
export class MinuteAccumulator {
  readonly stats: AggregationStats = { flows: 0, matched: 0, unmatched: 0, late: 0, overCapacity: 0 };
  private readonly maxNodes: number;
  /** customer names of open nodes (interned, so the matcher can be replaced while minutes are open) */
  private readonly customerNames: string[] = [];
  private readonly customerIds = new Map<string, number>();
  /** matcher customer index → interned id; reset when the matcher changes */
  private customerCache: number[] = [];
  /** bumped by setMatcher: an open node confirmed under an older matcher is asked again */
  private matcherEpoch = 0;
  /** Minutes before this one are closed: shares that fall there are late (counted, dropped). */
  private closedBefore = Number.NEGATIVE_INFINITY;
  private readonly open = new OpenNodes();
  private readonly store = new CounterStore();
  // node-minute slots: (node, minute) → slot, and each slot's head block
  private slotIds = new PairTable();
  private slotNode = new Int32Array(64);
  private slotMinute = new Float64Array(64);
  private slotHead = new Int32Array(64);
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
    this.matcherEpoch++;
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
    const stats = this.stats;
    const store = this.store;
    const comboIndex = COMBO_INDEX;
    const outKeys = COMBOS;
    const flagKeys = FLAG_KEY;
    const flagLanes = FLAG_LANE;
    const minuteMs = MINUTE_MS;
    const n = cols.length;
    let matched = 0;
    for (let i = 0; i < n; i++) {
      const w = 4 * i;
      let inNode: number;
      let outNode: number;
      if (family[i] === 4) {
        inNode = this.nodeV4(dst[w]!);
        outNode = this.nodeV4(src[w]!);
      } else {
        inNode = this.nodeV6(dst, w);
        outNode = this.nodeV6(src, w);
      }
      if (this.full) {
        this.full = false;
        stats.overCapacity++;
      }
      if (inNode < 0 && outNode < 0) continue;
      matched++;
      const proto = protocol[i]!;
      const protoRow = protocolClass(proto) * 8;
      const rate = samplingRate[i]! || 1;
      const pk = packets[i]! * rate;
      const by = bytes[i]! * rate;
      const flagIndex = proto === PROTO_TCP ? tcpFlagIndex(tcpFlags[i]!) : -1;
      const flagKey = flagIndex >= 0 ? flagKeys[flagIndex]! : -1;
      const flagLane = flagIndex >= 0 ? flagLanes[flagIndex]! : 0;
      const inKey = comboIndex[protoRow + portClass(dstPort[i]!, proto)]!;
      const outKey = outKeys + comboIndex[protoRow + portClass(srcPort[i]!, proto)]!;
      const start = startMs[i]!;
      const end = endMs[i]!;
      const m0 = Math.floor(start / minuteMs);
      const closedBefore = this.closedBefore;
      if (end <= start || Math.floor(end / minuteMs) === m0) {
        if (m0 < closedBefore) {
          stats.late++;
          continue;
        }
        // entry() may grow the pool: take the entry first, then read store.pool
        if (inNode >= 0) {
          const v = store.entry(this.head(inNode, m0), inKey);
          const p = store.pool;
          p[v]! += pk;
          p[v + 1]! += by;
          p[v + 2]! += 1;
        }
        if (outNode >= 0) {
          const head = this.head(outNode, m0);
          const v = store.entry(head, outKey);
          const p = store.pool;
          p[v]! += pk;
          p[v + 1]! += by;
          p[v + 2]! += 1;
          if (flagKey >= 0) {
            const fv = store.entry(head, flagKey) + flagLane;
            store.pool[fv]! += 1;
          }
        }
        continue;
      }
      const m1 = Math.floor(end / minuteMs);
      const duration = end - start;
      if (m0 < closedBefore) stats.late++;
      for (let m = Math.max(m0, closedBefore); m <= m1; m++) {
        const overlap = Math.min(end, (m + 1) * minuteMs) - Math.max(start, m * minuteMs);
        if (overlap <= 0) continue;
        const f = overlap / duration;
        if (inNode >= 0) {
          const v = store.entry(this.head(inNode, m), inKey);
          const p = store.pool;
          p[v]! += pk * f;
          p[v + 1]! += by * f;
          p[v + 2]! += f;
        }
        if (outNode >= 0) {
          const head = this.head(outNode, m);
          const v = store.entry(head, outKey);
          const p = store.pool;
          p[v]! += pk * f;
          p[v + 1]! += by * f;
          p[v + 2]! += f;
          if (flagKey >= 0) {
            const fv = store.entry(head, flagKey) + flagLane;
            store.pool[fv]! += f;
          }
        }
      }
    }
    stats.matched += matched;
    stats.flows += n;
    stats.unmatched = stats.flows - stats.matched;
  }

  /** Adds validated flow records (convenience path; parsers fill FlowColumns directly). */
  addRecords(flows: readonly FlowRecord[]): void {
    this.addColumns(FlowColumns.fromRecords(flows));
  }

  /** Number of open (node, minute) entries; each takes at most BYTES_PER_NODE_MINUTE. */
  get openEntries(): number {
    return this.slotCount;
  }

  /** Bytes of counters the open node-minutes use now (the pool itself keeps its high-water size). */
  get openBytes(): number {
    return this.store.bytes;
  }

  /** Number of distinct nodes with open minutes. */
  get openNodes(): number {
    return this.open.count;
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
    const emit: number[] = [];
    const keep: number[] = [];
    for (let s = 0; s < this.slotCount; s++) (this.slotMinute[s]! < beforeMinute ? emit : keep).push(s);
    if (emit.length === 0) return [];
    const out = this.rows(emit);
    this.compact(keep);
    return out;
  }

  /** The node-minutes of the given slots, ordered by node text (as sortNodeMinutes), then minute. */
  private rows(slots: number[]): NodeMinute[] {
    const open = this.open;
    const { slotNode, slotMinute } = this;
    const start = new Int32Array(open.count + 1);
    for (const s of slots) start[slotNode[s]!]!++;
    const distinct: number[] = [];
    for (let node = 0; node < open.count; node++) if (start[node]! > 0) distinct.push(node);
    const sorted = sortNodesByText(Int32Array.from(distinct), (node) => open.textKey(node), (node) => open.text(node));
    let at = 0;
    for (const node of sorted) {
      const c = start[node]!;
      start[node] = at;
      at += c;
    }
    const order = new Int32Array(slots.length);
    for (const s of slots) order[start[slotNode[s]!]!++] = s;
    const out: NodeMinute[] = []; // pushed: a preallocated array this long would be in dictionary mode
    // counters are views into shared chunks: one backing store per ROWS_PER_CHUNK rows, not per row
    let chunk = new Float64Array(0);
    let used = 0;
    for (let from = 0; from < order.length; ) {
      const node = slotNode[order[from]!]!;
      let to = from + 1;
      while (to < order.length && slotNode[order[to]!] === node) to++;
      // a node's few minutes, by minute (insertion sort; slots of one node never share a minute)
      for (let i = from + 1; i < to; i++) {
        const s = order[i]!;
        let j = i - 1;
        while (j >= from && slotMinute[order[j]!]! > slotMinute[s]!) {
          order[j + 1] = order[j]!;
          j--;
        }
        order[j + 1] = s;
      }
      const text = open.text(node);
      const customer = this.customerNames[open.rec[REC * node + REC_CUSTOMER]!]!;
      for (let i = from; i < to; i++) {
        const s = order[i]!;
        if (used === chunk.length) {
          chunk = new Float64Array(FEATURE_COUNT * Math.min(ROWS_PER_CHUNK, order.length - i));
          used = 0;
        }
        const counters = chunk.subarray(used, used + FEATURE_COUNT);
        used += FEATURE_COUNT;
        out.push({ node: text, customer, minute: slotMinute[s]!, counters: this.store.expand(this.slotHead[s]!, counters) });
      }
      from = to;
    }
    return out;
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

  /**
   * Keeps only the given slots (ascending), their blocks and the nodes they belong to, renumbered
   * in order. The counter pool is compacted in place and keeps its size, so a long-lived
   * accumulator reaches its high-water mark once and then allocates little.
   */
  private compact(keep: number[]): void {
    const { slotNode, slotMinute, slotHead } = this;
    const newBlock = this.store.compact(keep.map((s) => slotHead[s]!));
    const keepNode = new Uint8Array(this.open.count);
    for (const s of keep) keepNode[slotNode[s]!] = 1;
    const newNode = this.open.retain(keepNode);
    this.slotIds = new PairTable(keep.length);
    let n = 0;
    for (const s of keep) {
      // n ≤ s: rewriting in place only overwrites slots already read
      const node = newNode[slotNode[s]!]!;
      const minute = slotMinute[s]!;
      slotNode[n] = node;
      slotMinute[n] = minute;
      slotHead[n] = newBlock[slotHead[s]!]!;
      this.slotIds.set(node, minute, n);
      n++;
    }
    this.slotCount = n;
  }

  /** Open node id of an IPv4 address, creating it when the matcher says it is a node; -1 when not (or refused). No closures here: a captured variable would cost an allocation per call. */
  private nodeV4(addr: number): number {
    const open = this.open;
    const id = open.findV4(addr);
    if (id >= 0 && open.rec[REC * id + REC_EPOCH] === this.matcherEpoch) return id;
    const c = this.nodes.matchV4(addr);
    if (c < 0) return -1;
    const customer = this.customerId(c);
    if (id >= 0) return this.reconfirm(id);
    if (!this.hasRoom()) return -1;
    return open.addV4(addr, customer, this.matcherEpoch);
  }

  private nodeV6(words: Uint32Array, w: number): number {
    const open = this.open;
    const id = open.findV6(words, w);
    if (id >= 0 && open.rec[REC * id + REC_EPOCH] === this.matcherEpoch) return id;
    const c = this.nodes.matchV6(words[w]!, words[w + 1]!, words[w + 2]!, words[w + 3]!);
    if (c < 0) return -1;
    const customer = this.customerId(c);
    if (id >= 0) return this.reconfirm(id);
    if (!this.hasRoom()) return -1;
    return open.addV6(words, w, customer, this.matcherEpoch);
  }

  /** An open node the new matcher still calls a node: it keeps its customer. */
  private reconfirm(id: number): number {
    this.open.rec[REC * id + REC_EPOCH] = this.matcherEpoch;
    return id;
  }

  /** Whether another node fits under the cap; flags the row as over capacity when not. */
  private hasRoom(): boolean {
    if (this.open.count < this.maxNodes) return true;
    this.full = true;
    return false;
  }

  /** Head block of (node, minute), created when new. */
  private head(node: number, minute: number): number {
    const rec = this.open.rec;
    if (rec[REC * node + REC_MINUTE] === minute) return rec[REC * node + REC_HEAD]!;
    return this.newHead(node, minute);
  }

  private newHead(node: number, minute: number): number {
    let s = this.slotIds.get(node, minute);
    if (s < 0) {
      s = this.slotCount++;
      if (s >= this.slotNode.length) {
        const cap = this.slotNode.length * 2;
        this.slotNode = grow(this.slotNode, cap);
        this.slotMinute = grow(this.slotMinute, cap);
        this.slotHead = grow(this.slotHead, cap);
      }
      this.slotNode[s] = node;
      this.slotMinute[s] = minute;
      this.slotHead[s] = this.store.alloc();
      this.slotIds.set(node, minute, s);
    }
    const head = this.slotHead[s]!;
    // cache only what an int32 holds exactly (epoch minutes of valid flows always do)
    if ((minute | 0) === minute && minute !== NO_MINUTE) {
      this.open.rec[REC * node + REC_MINUTE] = minute;
      this.open.rec[REC * node + REC_HEAD] = head;
    }
    return head;
  }
}

function grow<T extends Int32Array | Float64Array>(a: T, cap: number): T {
  const b = new (a.constructor as new (n: number) => T)(cap);
  b.set(a);
  return b;
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
