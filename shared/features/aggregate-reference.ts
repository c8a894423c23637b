/** @module The plain reference form of minute aggregation (one dense counter record per node-minute in a Map), which the fast MinuteAccumulator must match bit for bit. */
import { formatIp, parseIp } from "../flow/ip.js";
import type { FlowRecord } from "../flow/record.js";
import { COMBO_INDEX, COMBOS, DENSE_FLAGS, DENSE_WIDTH, expandDense } from "./aggregate-layout.js";
import { type NodeMinute, MINUTE_MS, sortNodeMinutes } from "./aggregate.js";
import { portClass, PROTO_TCP, protocolClass, tcpFlagIndex } from "./classes.js";
import type { NodeMatcher } from "./nodes.js";

interface Open {
  node: string;
  customer: string;
  minute: number;
  dense: Float64Array;
}

/**
 * The rules of docs/features.md written the simple way: every share of a flow is added, in flow
 * order, to its node-minute's dense record (aggregate-layout.ts), which is expanded on output. Same
 * float operations in the same order as the accumulator, so results are equal bit for bit. Slow:
 * for tests only.
 */
export function aggregateMinutesReference(flows: readonly FlowRecord[], nodes: NodeMatcher): NodeMinute[] {
  const open = new Map<string, Open>();
  const add = (node: string, customerIndex: number, minute: number, key: number, flagIndex: number, pk: number, by: number, fl: number) => {
    const id = `${node}@${minute}`;
    let entry = open.get(id);
    if (!entry) open.set(id, (entry = { node, customer: nodes.customers[customerIndex] ?? "", minute, dense: new Float64Array(DENSE_WIDTH) }));
    const d = entry.dense;
    d[3 * key]! += pk;
    d[3 * key + 1]! += by;
    d[3 * key + 2]! += fl;
    if (flagIndex >= 0) d[DENSE_FLAGS + flagIndex]! += fl;
  };
  const match = (text: string): number => {
    const ip = parseIp(text)!;
    return ip.family === 4 ? nodes.matchV4(ip.words[0]) : nodes.matchV6(ip.words[0], ip.words[1], ip.words[2], ip.words[3]);
  };
  for (const f of flows) {
    const dst = formatIp(parseIp(f.dst)!);
    const src = formatIp(parseIp(f.src)!);
    const dc = match(f.dst);
    const sc = match(f.src);
    if (dc < 0 && sc < 0) continue;
    const protoRow = protocolClass(f.protocol) * 8;
    const rate = f.samplingRate || 1;
    const pk = f.packets * rate;
    const by = f.bytes * rate;
    const flagIndex = f.protocol === PROTO_TCP ? tcpFlagIndex(f.tcpFlags) : -1;
    const inKey = COMBO_INDEX[protoRow + portClass(f.dstPort, f.protocol)]!;
    const outKey = COMBOS + COMBO_INDEX[protoRow + portClass(f.srcPort, f.protocol)]!;
    const m0 = Math.floor(f.startMs / MINUTE_MS);
    const m1 = Math.floor(f.endMs / MINUTE_MS);
    if (f.endMs <= f.startMs || m1 === m0) {
      if (dc >= 0) add(dst, dc, m0, inKey, -1, pk, by, 1);
      if (sc >= 0) add(src, sc, m0, outKey, flagIndex, pk, by, 1);
      continue;
    }
    const duration = f.endMs - f.startMs;
    for (let m = m0; m <= m1; m++) {
      const overlap = Math.min(f.endMs, (m + 1) * MINUTE_MS) - Math.max(f.startMs, m * MINUTE_MS);
      if (overlap <= 0) continue;
      const share = overlap / duration;
      if (dc >= 0) add(dst, dc, m, inKey, -1, pk * share, by * share, share);
      if (sc >= 0) add(src, sc, m, outKey, flagIndex, pk * share, by * share, share);
    }
  }
  return sortNodeMinutes([...open.values()].map((o) => ({ node: o.node, customer: o.customer, minute: o.minute, counters: expandDense(o.dense, 0) })));
}
