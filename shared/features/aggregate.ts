/** @module Minute aggregation: flows → per-node, per-minute raw counters of the 86 features. */
import { FlowColumns } from "../flow/columns.js";
import type { FlowRecord } from "../flow/record.js";
import { COMBO, FLAG_KEY, FLAG_LANE, PORT_CLASS, PORT_MASK, PROTO_ROW, TCP_ROW } from "./aggregate-keys.js";
import { COMBOS } from "./aggregate-layout.js";
import { FEATURE_COUNT } from "./catalogue.js";
import { fitsRing, NO_MINUTE, OpenNodes, RING, RING_MASK, STALE } from "./aggregate-nodes.js";
import { sortNodesByText } from "./aggregate-order.js";
import { BUCKETS, keysWord, PendingSides, RECORD } from "./aggregate-pending.js";
import { BLOCK_BYTES, BLOCK_WIDTH, CounterStore, MAX_BLOCKS_PER_SLOT } from "./aggregate-store.js";
import { PairTable } from "./int-tables.js";
import type { NodeMatcher } from "./nodes.js";

export const MINUTE_MS = 60_000;

/**
 * Most bytes of counters one open node-minute can take (aggregate-store.ts: two chained 128-byte
 * blocks of five keys, plus the dense run that replaced them until the next close compacts). A
 * typical node-minute uses one or two blocks (`MinuteAccumulator.openBytes` gives the real
 * figure); bookkeeping adds about 50–100 bytes more (the slot record, and the node-minute's share
 * of its node's 8-byte address slot (the table is at least 1/4 empty) and 64-byte minute ring).
 * Held-back additions take about 1.3 KB more per open node, up to twice that just past a doubling of
 * their buffer (aggregate-pending.ts): at most 5 MiB at the 4,096-node shard cap.
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
  /** Fixes the counter additions held back per node bucket before they are applied (default: by the open nodes, aggregate-pending.ts; tests make it small). */
  bucketRecords?: number;
}

/** Closed rows whose counters share one backing buffer (allocating one per row costs more than expanding it). */
const ROWS_PER_CHUNK = 256;

/** Rows per addChunk: their lookups' lines (a few per row) stay in L1/L2 between passes. */
const CHUNK = 256;
/** Size − 1 of the direct-mapped cache of IPv4 addresses that are no node. */
const NOT_NODE_MASK = 255;

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
 * (aggregate-store.ts), found through its node's minute ring (aggregate-nodes.ts). Counter
 * additions are held back per bucket of nodes and applied a bucket at a time (addColumns), so a
 * node-minute's cache lines are fetched once per bucket rather than once per flow. Closing
 * expands each node-minute into the 86 features.
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
  private readonly open = new OpenNodes();
  private readonly store = new CounterStore();
  /**
   * The open node-minutes' head blocks: each is in its node's ring entry (OpenNodes.ring, at its
   * minute mod RING_ENTRIES) or, when another minute of the node holds that entry, in this
   * overflow table ((node, minute) → head block), and the node is marked in OpenNodes.overflow.
   */
  private slotIds = new PairTable();
  // node-minute slots (creation order): node, minute and head block
  private slotNode = new Int32Array(64);
  private slotMinute = new Float64Array(64);
  private slotHead = new Int32Array(64);
  private slotCount = 0;
  /** per-chunk scratch of addChunk: each row's nodes (-1: none) */
  private readonly chunkIn = new Int32Array(CHUNK);
  private readonly chunkOut = new Int32Array(CHUNK);
  /** counter additions not yet in the store, by node bucket (applyBucket, applyPending) */
  private readonly pending: PendingSides;
  /** IPv4 addresses the current matcher calls no node, direct-mapped by low bits (-1: empty) */
  private notNode = new Float64Array(NOT_NODE_MASK + 1).fill(-1);
  /** set by resolveV4/nodeV6 when a node was refused for capacity during the current row */
  private full = false;

  constructor(
    private nodes: NodeMatcher,
    options: AccumulatorOptions = {},
  ) {
    this.maxNodes = options.maxNodes ?? Number.POSITIVE_INFINITY;
    this.pending = new PendingSides(options.bucketRecords);
  }

  /** Replaces the node matcher (prefixes changed); open minutes keep their node and customer. */
  setMatcher(nodes: NodeMatcher): void {
    this.nodes = nodes;
    this.customerCache = [];
    this.notNode.fill(-1);
    // an open node confirmed under the older matcher is asked again (OpenNodes STALE)
    this.open.markStale();
  }

  /** The close watermark: minutes before it have been closed (or were closed before a restart). */
  get closedBeforeMinute(): number {
    return this.closedBefore;
  }

  /** Marks minutes before `minute` as closed without emitting them (restoring after a restart). */
  markClosedBefore(minute: number): void {
    if (minute > this.closedBefore) this.closedBefore = minute;
  }

  /**
   * Adds every row of a column batch, CHUNK rows at a time in two passes: (1) each row's two nodes
   * (created, or refused for capacity, in row order), (2) each node side's counter keys and its
   * share in each open minute, appended to the node's bucket of held-back additions
   * (aggregate-pending.ts). A full bucket is applied at once (applyBucket); the others wait for
   * more additions, a close, or a size query. The batch's stats (matched, late, overCapacity) are
   * final when this returns; its counters are in the store once applied. A bucket keeps its nodes'
   * additions in row order, so every sum is bit-identical to adding row by row.
   */
  addColumns(cols: FlowColumns): void {
    const n = cols.length;
    this.pending.fit(this.open.count);
    for (let from = 0; from < n; from += CHUNK) this.addChunk(cols, from, Math.min(n, from + CHUNK));
    const stats = this.stats;
    stats.flows += n;
    stats.unmatched = stats.flows - stats.matched;
  }

  private addChunk(cols: FlowColumns, from: number, to: number): void {
    const { family, src, dst, srcPort, dstPort, protocol, tcpFlags, packets, bytes, samplingRate, startMs, endMs } = cols;
    const stats = this.stats;
    const open = this.open;
    const nodeIn = this.chunkIn;
    const nodeOut = this.chunkOut;
    const notNode = this.notNode;
    const comboIndex = COMBO;
    const protoRows = PROTO_ROW;
    const portMasks = PORT_MASK;
    const portClasses = PORT_CLASS;
    const tcpRows = TCP_ROW;
    const outBase = COMBOS;
    const flagKeys = FLAG_KEY;
    const flagLanes = FLAG_LANE;
    const minuteMs = MINUTE_MS;
    const closedBefore = this.closedBefore;
    // pass 1: nodes (in row order: nodes are created, and refused for capacity, as rows come)
    const v4Ids = open.v4Ids;
    for (let i = from; i < to; i++) {
      const w = 4 * i;
      let inNode = -1;
      let outNode = -1;
      if (family[i] === 4) {
        // an id without STALE is a node confirmed under the current matcher; -1 (absent) is ≥ STALE unsigned
        const da = dst[w]!;
        if (notNode[da & NOT_NODE_MASK] !== da) {
          inNode = v4Ids.get(da);
          if (inNode >>> 0 >= STALE) inNode = this.resolveV4(da, inNode);
        }
        const sa = src[w]!;
        if (notNode[sa & NOT_NODE_MASK] !== sa) {
          outNode = v4Ids.get(sa);
          if (outNode >>> 0 >= STALE) outNode = this.resolveV4(sa, outNode);
        }
      } else {
        inNode = this.nodeV6(dst, w);
        outNode = this.nodeV6(src, w);
      }
      if (this.full) {
        this.full = false;
        stats.overCapacity++;
      }
      nodeIn[i - from] = inNode;
      nodeOut[i - from] = outNode;
    }
    // pass 2: each node side's counter additions, in row order, held back in its node's bucket
    // (applyBucket adds them, bucket by bucket, so that one bucket's nodes' blocks are read once)
    // The four push-then-apply pairs below are written out: a shared helper method measured 1.05–1.11
    // of this time (paired, agg-ab.ts), as V8 did not inline it into this large function.
    const pending = this.pending;
    let matched = 0;
    let late = 0;
    for (let i = from; i < to; i++) {
      const j = i - from;
      const inNode = nodeIn[j]!;
      const outNode = nodeOut[j]!;
      if (inNode < 0 && outNode < 0) continue;
      matched++;
      const proto = protocol[i]!;
      const protoRow = protoRows[proto]!;
      const portMask = portMasks[proto]!;
      const rate = samplingRate[i]! || 1;
      const pk = packets[i]! * rate;
      const by = bytes[i]! * rate;
      // each side's keys only where that side is a node (most rows have one node end)
      const inKey = inNode >= 0 ? comboIndex[protoRow + (portClasses[dstPort[i]!]! & portMask)]! : 0;
      let outKeys = 0;
      if (outNode >= 0) {
        const flagRow = tcpRows[proto]! + tcpFlags[i]!;
        outKeys = keysWord(outBase + comboIndex[protoRow + (portClasses[srcPort[i]!]! & portMask)]!, flagKeys[flagRow]!, flagLanes[flagRow]!);
      }
      const start = startMs[i]!;
      const end = endMs[i]!;
      const m0 = Math.floor(start / minuteMs);
      if (end <= start || Math.floor(end / minuteMs) === m0) {
        if (m0 < closedBefore) {
          late++;
          continue;
        }
        if (inNode >= 0) {
          const full = pending.push(inNode, inKey, m0, pk, by, 1);
          if (full >= 0) this.applyBucket(full);
        }
        if (outNode >= 0) {
          const full = pending.push(outNode, outKeys, m0, pk, by, 1);
          if (full >= 0) this.applyBucket(full);
        }
        continue;
      }
      // a row spanning minutes: its share in each open minute, in proportion to the overlap; a
      // share in a closed minute is dropped, and the row counted late
      const m1 = Math.floor(end / minuteMs);
      const duration = end - start;
      let shares = 0;
      for (let m = Math.max(m0, closedBefore); m <= m1; m++) {
        const overlap = Math.min(end, (m + 1) * minuteMs) - Math.max(start, m * minuteMs);
        if (overlap <= 0) continue;
        const f = overlap / duration;
        shares++;
        if (inNode >= 0) {
          const full = pending.push(inNode, inKey, m, pk * f, by * f, f);
          if (full >= 0) this.applyBucket(full);
        }
        if (outNode >= 0) {
          const full = pending.push(outNode, outKeys, m, pk * f, by * f, f);
          if (full >= 0) this.applyBucket(full);
        }
      }
      if (shares === 0 || m0 < closedBefore) late++;
    }
    stats.late += late;
    stats.matched += matched;
  }

  /**
   * Adds bucket `b`'s held-back additions to the store, in their order: each record's head block
   * (node-minutes are created here), then its counters. A bucket holds about 1/BUCKETS of the open
   * nodes, so their rings and blocks stay in cache while its records (several per node-minute) are
   * applied: a node-minute's lines are fetched once per bucket, not once per flow. (Passes over the
   * bucket for the heads first, and for a read of each head's lines, were from the chunked design;
   * one pass measured 0.96–0.97 of them, paired.)
   */
  private applyBucket(b: number): void {
    const pending = this.pending;
    const n = pending.count[b]!;
    const f = pending.f64.subarray(pending.offset(b));
    const w = pending.i32.subarray(2 * pending.offset(b));
    const store = this.store;
    for (let r = 0; r < n; r++) {
      const h = this.head(w[2 * RECORD * r]!, f[RECORD * r + 1]!);
      const keys = w[2 * RECORD * r + 1]!;
      const at = RECORD * r;
      const flows = f[at + 4]!;
      // entry() may grow the pool: take the entry first, then read store.pool
      const v = store.entry(h, keys & 255);
      const p = store.pool;
      p[v]! += f[at + 2]!;
      p[v + 1]! += f[at + 3]!;
      p[v + 2]! += flows;
      const flag = keys >>> 8;
      if (flag !== 0) {
        const fv = store.entry(h, (flag - 1) >> 2) + ((flag - 1) & 3);
        store.pool[fv]! += flows;
      }
    }
    pending.clear(b);
  }

  /**
   * Applies every held-back addition. Closing and the size getters do it themselves; benchmarks
   * call it so that the rate they time includes it.
   */
  applyPending(): void {
    const pending = this.pending;
    if (pending.total === 0) return;
    for (let b = 0; b < BUCKETS; b++) if (pending.count[b]! > 0) this.applyBucket(b);
  }

  /** Adds validated flow records (convenience path; parsers fill FlowColumns directly). */
  addRecords(flows: readonly FlowRecord[]): void {
    this.addColumns(FlowColumns.fromRecords(flows));
  }

  /** Whether anything is open: node-minutes, or additions held back for them (does not apply them). */
  get hasOpen(): boolean {
    return this.slotCount > 0 || this.pending.total > 0;
  }

  /** Number of open (node, minute) entries; each takes at most BYTES_PER_NODE_MINUTE. */
  get openEntries(): number {
    this.applyPending();
    return this.slotCount;
  }

  /** Bytes of counters the open node-minutes use now (the pool itself keeps its high-water size). */
  get openBytes(): number {
    this.applyPending();
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
    this.applyPending();
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
      const customer = this.customerNames[open.customer[node]!]!;
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
    // the rings were cleared: each kept node-minute goes back into its ring entry, or the overflow table when that is taken
    this.slotIds = new PairTable();
    const ring = this.open.ring;
    let n = 0;
    for (const s of keep) {
      // n ≤ s: rewriting in place only overwrites slots already read
      const node = newNode[slotNode[s]!]!;
      const minute = slotMinute[s]!;
      const head = newBlock[slotHead[s]!]!;
      slotNode[n] = node;
      slotMinute[n] = minute;
      slotHead[n] = head;
      const r = RING * node + 2 * (minute & RING_MASK);
      if (fitsRing(minute) && ring[r] === NO_MINUTE) {
        ring[r] = minute;
        ring[r + 1] = head;
      } else {
        this.slotIds.set(node, minute, head);
        this.open.overflow[node] = 1;
      }
      n++;
    }
    this.slotCount = n;
  }

  /**
   * Open node id of an IPv4 address whose lookup gave `found` (-1, or an id marked STALE), creating
   * the node when the matcher says it is one; -1 when not (or refused). No closures here: a
   * captured variable would cost an allocation per call.
   */
  private resolveV4(addr: number, found: number): number {
    const c = this.nodes.matchV4(addr);
    if (c < 0) {
      this.notNode[addr & NOT_NODE_MASK] = addr;
      return -1;
    }
    const customer = this.customerId(c);
    if (found >= 0) return this.reconfirm(found & ~STALE);
    if (!this.hasRoom()) return -1;
    return this.open.addV4(addr, customer);
  }

  private nodeV6(words: Uint32Array, w: number): number {
    const open = this.open;
    const found = open.findV6(words, w);
    if (found >= 0 && found < STALE) return found;
    const c = this.nodes.matchV6(words[w]!, words[w + 1]!, words[w + 2]!, words[w + 3]!);
    if (c < 0) return -1;
    const customer = this.customerId(c);
    if (found >= 0) return this.reconfirm(found & ~STALE);
    if (!this.hasRoom()) return -1;
    return open.addV6(words, w, customer);
  }

  /** An open node the new matcher still calls a node: it keeps its customer. */
  private reconfirm(id: number): number {
    this.open.confirm(id);
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
    const ring = this.open.ring;
    const r = RING * node + 2 * (minute & RING_MASK);
    if (ring[r] === minute) return ring[r + 1]!;
    return this.newHead(node, minute);
  }

  /**
   * Head block of (node, minute) when the node's ring entry for the minute holds another minute or
   * none: from the overflow table, or a new node-minute. The ring is the record of the node-minutes
   * it holds (see `slotIds`), so a new node-minute costs no table probe unless the node has overflowed.
   */
  private newHead(node: number, minute: number): number {
    const open = this.open;
    const ringable = fitsRing(minute);
    if (!ringable || open.overflow[node] === 1) {
      const found = this.slotIds.get(node, minute);
      if (found >= 0) return found;
    }
    const s = this.slotCount++;
    if (s >= this.slotNode.length) {
      const cap = this.slotNode.length * 2;
      this.slotNode = grow(this.slotNode, cap);
      this.slotMinute = grow(this.slotMinute, cap);
      this.slotHead = grow(this.slotHead, cap);
    }
    const head = this.store.alloc();
    this.slotNode[s] = node;
    this.slotMinute[s] = minute;
    this.slotHead[s] = head;
    if (!ringable) {
      this.slotIds.set(node, minute, head);
      open.overflow[node] = 1;
      return head;
    }
    // the newest minute takes the ring entry; the one it displaces moves to the overflow table
    const ring = open.ring;
    const r = RING * node + 2 * (minute & RING_MASK);
    if (ring[r] !== NO_MINUTE) {
      this.slotIds.set(node, ring[r]!, ring[r + 1]!);
      open.overflow[node] = 1;
    }
    ring[r] = minute;
    ring[r + 1] = head;
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
