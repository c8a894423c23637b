/** @module Sharding node IPs over aggregator Durable Objects, and splitting a flow batch by shard. */
import { FlowColumns } from "../../../shared/flow/columns.js";
import type { NodeMatcher } from "../../../shared/features/nodes.js";

/** Most shards a tenant may have. */
export const MAX_SHARDS = 256;

function mix(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Shard of an address (four words; IPv4 uses word 0). Stable forever: changing it moves every node. */
export function shardOf(family: number, w0: number, w1: number, w2: number, w3: number, shards: number): number {
  const h = family === 4 ? mix(w0) : mix(mix(mix(mix(w0) ^ w1) ^ w2) ^ w3);
  return h % shards;
}

/** A node matcher restricted to one shard: nodes of other shards do not match. */
export class ShardMatcher implements NodeMatcher {
  constructor(
    private readonly inner: NodeMatcher,
    private readonly shard: number,
    private readonly shards: number,
  ) {}

  get customers(): readonly string[] {
    return this.inner.customers;
  }

  matchV4(addr: number): number {
    const c = this.inner.matchV4(addr);
    return c >= 0 && shardOf(4, addr, 0, 0, 0, this.shards) === this.shard ? c : -1;
  }

  matchV6(w0: number, w1: number, w2: number, w3: number): number {
    const c = this.inner.matchV6(w0, w1, w2, w3);
    return c >= 0 && shardOf(6, w0, w1, w2, w3, this.shards) === this.shard ? c : -1;
  }
}

export interface ShardSplit {
  /** row indices per shard (a flow between nodes of two shards goes to both) */
  rows: Map<number, number[]>;
  /** rows with neither end on a node */
  unmatched: number;
}

/** Which shards need each row: the shard of the destination if it is a node, and of the source if it is. */
export function splitByShard(cols: FlowColumns, nodes: NodeMatcher, shards: number): ShardSplit {
  const rows = new Map<number, number[]>();
  let unmatched = 0;
  const add = (shard: number, row: number) => {
    let list = rows.get(shard);
    if (!list) rows.set(shard, (list = []));
    if (list[list.length - 1] !== row) list.push(row);
  };
  for (let i = 0; i < cols.length; i++) {
    const w = 4 * i;
    const fam = cols.family[i]!;
    const d = cols.dst;
    const s = cols.src;
    const dstNode = fam === 4 ? nodes.matchV4(d[w]!) : nodes.matchV6(d[w]!, d[w + 1]!, d[w + 2]!, d[w + 3]!);
    const srcNode = fam === 4 ? nodes.matchV4(s[w]!) : nodes.matchV6(s[w]!, s[w + 1]!, s[w + 2]!, s[w + 3]!);
    if (dstNode < 0 && srcNode < 0) {
      unmatched++;
      continue;
    }
    const dShard = dstNode >= 0 ? shardOf(fam, d[w]!, d[w + 1]!, d[w + 2]!, d[w + 3]!, shards) : -1;
    const sShard = srcNode >= 0 ? shardOf(fam, s[w]!, s[w + 1]!, s[w + 2]!, s[w + 3]!, shards) : -1;
    if (dShard >= 0) add(dShard, i);
    if (sShard >= 0 && sShard !== dShard) add(sShard, i);
  }
  return { rows, unmatched };
}
