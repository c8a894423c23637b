// Tests for minute aggregation: hand-worked flows for every rule, and invariants as properties.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { FlowRecord } from "../flow/record.js";
import { aggregateMinutes, MinuteAccumulator, MINUTE_MS, type NodeMinute, sortNodeMinutes } from "./aggregate.js";
import { FEATURE_COUNT, FEATURE_NAMES, featureIndex, PORT_CLASSES, PROTOCOL_CLASSES, TRAFFIC_TYPES, DIRECTIONS } from "./catalogue.js";
import { NodeSet } from "./nodes.js";

const M = 28_333_333; // an epoch minute (2023-11-14)
const T0 = M * MINUTE_MS;
const ipv4 = (ip: string) => ip.split(".").reduce((a, o) => a * 256 + Number(o), 0);
const customers = new NodeSet([{ prefix: "203.0.113.0/24", customer: "acme" }, { prefix: "2001:db8::/32", customer: "v6co" }]);

function flow(partial: Partial<FlowRecord>): FlowRecord {
  return {
    startMs: T0 + 5_000,
    endMs: T0 + 5_000,
    src: "198.51.100.7",
    dst: "203.0.113.10",
    srcPort: 53,
    dstPort: 50000,
    protocol: 17,
    tcpFlags: 0,
    packets: 10,
    bytes: 15_000,
    samplingRate: 1,
    exporterId: "",
    ...partial,
  };
}

/** Non-zero counters of a node-minute, by feature name. */
function nonZero(row: NodeMinute | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  if (!row) return out;
  row.counters.forEach((v, i) => {
    if (v !== 0) out[FEATURE_NAMES[i]!] = v;
  });
  return out;
}

describe("aggregateMinutes by hand", () => {
  it("counts a DNS amplification response inbound on UDP and the ephemeral port class, not port 53", () => {
    const rows = aggregateMinutes([flow({})], customers);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ node: "203.0.113.10", customer: "acme", minute: M });
    expect(nonZero(rows[0])).toEqual({
      volume_in_pkt: 10, volume_in_byt: 15000, volume_in_flow: 1,
      proto_udp_in_pkt: 10, proto_udp_in_byt: 15000, proto_udp_in_flow: 1,
      port_private_in_pkt: 10, port_private_in_byt: 15000, port_private_in_flow: 1,
    });
  });

  it("puts non-first fragments (no ports) and ICMP in port 0", () => {
    const rows = aggregateMinutes([flow({ srcPort: 0, dstPort: 0, packets: 3, bytes: 4500 }), flow({ protocol: 1, srcPort: 0, dstPort: 771, packets: 1, bytes: 84 })], customers);
    expect(nonZero(rows[0])).toMatchObject({ port_p0_in_pkt: 4, port_p0_in_byt: 4584, port_p0_in_flow: 2, proto_icmp_in_flow: 1, proto_udp_in_flow: 1 });
  });

  it("counts outbound TCP by source port, with the flags byte", () => {
    const rows = aggregateMinutes(
      [
        flow({ src: "203.0.113.10", dst: "8.8.8.8", srcPort: 44321, dstPort: 443, protocol: 6, tcpFlags: 2, packets: 1, bytes: 60 }),
        flow({ src: "203.0.113.10", dst: "8.8.8.8", srcPort: 80, dstPort: 50123, protocol: 6, tcpFlags: 0xc2, packets: 1, bytes: 60 }), // ECN SYN
        flow({ src: "203.0.113.10", dst: "8.8.8.8", srcPort: 443, dstPort: 50123, protocol: 6, tcpFlags: 0x1b, packets: 5, bytes: 500 }), // FIN+SYN+PSH+ACK: no class
        flow({ src: "203.0.113.10", dst: "8.8.8.8", srcPort: 1000, dstPort: 50123, protocol: 6, tcpFlags: 0x12, packets: 1, bytes: 60 }),
      ],
      customers,
    );
    expect(nonZero(rows[0])).toEqual({
      volume_out_pkt: 8, volume_out_byt: 680, volume_out_flow: 4,
      proto_tcp_out_pkt: 8, proto_tcp_out_byt: 680, proto_tcp_out_flow: 4,
      port_registered_out_pkt: 1, port_registered_out_byt: 60, port_registered_out_flow: 1,
      port_p80_out_pkt: 1, port_p80_out_byt: 60, port_p80_out_flow: 1,
      port_p443_out_pkt: 5, port_p443_out_byt: 500, port_p443_out_flow: 1,
      port_wellknown_out_pkt: 1, port_wellknown_out_byt: 60, port_wellknown_out_flow: 1,
      tcpflags_2_out_flow: 2, tcpflags_18_out_flow: 1,
    });
  });

  it("counts a flow between two nodes for both, and ignores transit", () => {
    const acc = new MinuteAccumulator(customers);
    acc.addRecords([flow({ src: "203.0.113.1", dst: "203.0.113.2", srcPort: 123, dstPort: 123 }), flow({ src: "192.0.2.1", dst: "192.0.2.2" })]);
    expect(acc.stats).toEqual({ flows: 2, matched: 1, unmatched: 1, late: 0, overCapacity: 0 });
    const rows = acc.closeAll();
    expect(rows.map((r) => r.node)).toEqual(["203.0.113.1", "203.0.113.2"]);
    expect(nonZero(rows[0])).toMatchObject({ volume_out_pkt: 10, port_p123_out_pkt: 10 });
    expect(nonZero(rows[1])).toMatchObject({ volume_in_pkt: 10, port_p123_in_pkt: 10 });
    expect(rows[0]!.counters[featureIndex("volume_in_pkt")]).toBe(0);
  });

  it("scales packets and bytes, not flows, by the sampling rate", () => {
    const rows = aggregateMinutes([flow({ packets: 2, bytes: 200, samplingRate: 100 })], customers);
    expect(nonZero(rows[0])).toMatchObject({ volume_in_pkt: 200, volume_in_byt: 20000, volume_in_flow: 1 });
  });

  it("splits a long flow across minutes in proportion to its overlap", () => {
    const rows = aggregateMinutes([flow({ startMs: T0 + 30_000, endMs: T0 + 150_000, packets: 40, bytes: 4000 })], customers);
    expect(rows.map((r) => [r.minute - M, r.counters[0], r.counters[1], r.counters[2]])).toEqual([
      [0, 10, 1000, 0.25],
      [1, 20, 2000, 0.5],
      [2, 10, 1000, 0.25],
    ]);
  });

  it("gives a flow ending exactly on a minute boundary nothing in the next minute", () => {
    const rows = aggregateMinutes([flow({ startMs: T0, endMs: T0 + MINUTE_MS })], customers);
    expect(rows.map((r) => r.minute)).toEqual([M]);
    expect(rows[0]!.counters[0]).toBe(10);
  });

  it("handles IPv6 nodes and longest-prefix customers", () => {
    const rows = aggregateMinutes([flow({ src: "2001:db9::1", dst: "2001:db8::1" })], customers);
    expect(rows[0]).toMatchObject({ node: "2001:db8::1", customer: "v6co" });
    const nested = new NodeSet([{ prefix: "10.0.0.0/8", customer: "a" }, { prefix: "10.1.0.0/16", customer: "b" }]);
    const r2 = aggregateMinutes([flow({ dst: "10.1.2.3" }), flow({ dst: "10.2.0.1" })], nested);
    expect(r2.map((r) => [r.node, r.customer])).toEqual([["10.1.2.3", "b"], ["10.2.0.1", "a"]]);
  });

  it("closes minutes before a cut and keeps the rest open", () => {
    const acc = new MinuteAccumulator(customers);
    acc.addRecords([flow({}), flow({ startMs: T0 + MINUTE_MS, endMs: T0 + MINUTE_MS })]);
    expect(acc.openEntries).toBe(2);
    expect(acc.closeBefore(M + 1).map((r) => r.minute)).toEqual([M]);
    expect(acc.openEntries).toBe(1);
    acc.addRecords([flow({ startMs: T0 + MINUTE_MS + 1, endMs: T0 + MINUTE_MS + 1 })]);
    const rest = acc.closeAll();
    expect(rest).toHaveLength(1);
    expect(rest[0]!.counters[0]).toBe(20);
  });
});

describe("aggregation invariants", () => {
  const hosts = ["203.0.113.1", "203.0.113.2", "203.0.113.200", "198.51.100.1", "192.0.2.9"];
  const flowArb = fc.record({
    start: fc.integer({ min: 0, max: 5 * MINUTE_MS }),
    duration: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 4 * MINUTE_MS })),
    src: fc.constantFrom(...hosts),
    dst: fc.constantFrom(...hosts),
    srcPort: fc.oneof(fc.constantFrom(0, 53, 80, 123, 443, 22, 8080, 60000), fc.integer({ min: 0, max: 65535 })),
    dstPort: fc.oneof(fc.constantFrom(0, 53, 80, 123, 443, 22, 8080, 60000), fc.integer({ min: 0, max: 65535 })),
    protocol: fc.constantFrom(1, 6, 17, 47, 58, 132),
    tcpFlags: fc.integer({ min: 0, max: 255 }),
    packets: fc.integer({ min: 0, max: 1e6 }),
    bytes: fc.integer({ min: 0, max: 1e9 }),
    samplingRate: fc.constantFrom(1, 10, 1000),
  });
  const toFlow = (f: typeof flowArb extends fc.Arbitrary<infer R> ? R : never): FlowRecord => ({ ...f, startMs: T0 + f.start, endMs: T0 + f.start + f.duration, exporterId: "" });
  const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));

  it("protocol classes and port classes each partition the volume; flags never exceed outbound TCP flows", () => {
    fc.assert(
      fc.property(fc.array(flowArb, { maxLength: 40 }), (raw) => {
        for (const row of aggregateMinutes(raw.map(toFlow), customers)) {
          const c = row.counters;
          for (const dir of DIRECTIONS) {
            for (const type of TRAFFIC_TYPES) {
              const total = c[featureIndex(`volume_${dir}_${type}`)]!;
              const byProto = PROTOCOL_CLASSES.reduce((s, p) => s + c[featureIndex(`proto_${p}_${dir}_${type}`)]!, 0);
              const byPort = PORT_CLASSES.reduce((s, p) => s + c[featureIndex(`port_${p}_${dir}_${type}`)]!, 0);
              expect(close(byProto, total)).toBe(true);
              expect(close(byPort, total)).toBe(true);
            }
          }
          let flags = 0;
          for (let f = 78; f < FEATURE_COUNT; f++) flags += c[f]!;
          expect(flags).toBeLessThanOrEqual(c[featureIndex("proto_tcp_out_flow")]! * (1 + 1e-9) + 1e-12);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("closing minutes along the way gives the same node-minutes as aggregating the on-time flows at once; late ones are counted", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.array(flowArb, { maxLength: 15 }), fc.integer({ min: 0, max: 10 })), { maxLength: 6 }), (batches) => {
        const acc = new MinuteAccumulator(customers);
        const closed: NodeMinute[] = [];
        const onTime: FlowRecord[] = [];
        let watermark = Number.NEGATIVE_INFINITY;
        let late = 0;
        for (const [raw, cut] of batches) {
          const flows = raw.map(toFlow);
          for (const f of flows) {
            const matched = customers.matchV4(ipv4(f.src)) >= 0 || customers.matchV4(ipv4(f.dst)) >= 0;
            if (Math.floor(f.startMs / MINUTE_MS) >= watermark) onTime.push(f);
            else if (matched) late++;
          }
          acc.addRecords(flows);
          closed.push(...acc.closeBefore(M + cut));
          watermark = Math.max(watermark, M + cut);
        }
        closed.push(...acc.closeAll());
        expect(acc.stats.late).toBe(late);
        // closed minutes never reopen, so each node-minute is emitted once
        const keys = closed.map((r) => `${r.node}@${r.minute}`);
        expect(new Set(keys).size).toBe(keys.length);
        // draining along the way changes nothing: the same adds and watermarks, drained once at the end
        const acc2 = new MinuteAccumulator(customers);
        let mark = Number.NEGATIVE_INFINITY;
        for (const [raw, cut] of batches) {
          acc2.addRecords(raw.map(toFlow));
          mark = Math.max(mark, M + cut);
          acc2.markClosedBefore(mark);
        }
        expect(acc2.stats.late).toBe(late);
        const atEnd = acc2.closeAll();
        expect(sortNodeMinutes([...closed]).map((r) => `${r.node}@${r.minute}`)).toEqual(atEnd.map((r) => `${r.node}@${r.minute}`));
        const byKey = new Map(closed.map((r) => [`${r.node}@${r.minute}`, r.counters]));
        for (const r of atEnd) byKey.get(`${r.node}@${r.minute}`)!.forEach((v, f) => expect(close(v, r.counters[f]!)).toBe(true));
        // and flows that start after every cut are never touched by closing
        const future = onTime.filter((f) => Math.floor(f.startMs / MINUTE_MS) >= watermark);
        for (const r of aggregateMinutes(future, customers)) expect(byKey.has(`${r.node}@${r.minute}`)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it("bounds open nodes and counts what it refuses; keeps customers when the matcher is replaced", () => {
    const acc = new MinuteAccumulator(customers, { maxNodes: 2 });
    acc.addRecords([flow({ dst: "203.0.113.1" }), flow({ dst: "203.0.113.2" }), flow({ dst: "203.0.113.3" }), flow({ dst: "203.0.113.1" })]);
    expect(acc.stats).toMatchObject({ flows: 4, matched: 3, overCapacity: 1 });
    acc.setMatcher(new NodeSet([{ prefix: "203.0.113.0/25", customer: "renamed" }]));
    acc.addRecords([flow({ dst: "203.0.113.2" })]);
    const rows = acc.closeAll();
    expect(rows.map((r) => [r.node, r.customer, r.counters[0]])).toEqual([["203.0.113.1", "acme", 20], ["203.0.113.2", "acme", 20]]);
    acc.addRecords([flow({ dst: "203.0.113.3" })]);
    expect(acc.closeAll().map((r) => [r.node, r.customer])).toEqual([["203.0.113.3", "renamed"]]);
  });

  it("asks a replaced matcher again about cached non-nodes and open nodes, also across a compaction", () => {
    const before = new NodeSet([{ prefix: "203.0.113.0/25", customer: "acme" }]);
    const after = new NodeSet([{ prefix: "203.0.113.128/25", customer: "beta" }, { prefix: "203.0.113.1/32", customer: "beta" }, { prefix: "203.0.113.3/32", customer: "beta" }]);
    const acc = new MinuteAccumulator(before);
    const next = { startMs: T0 + MINUTE_MS + 5_000, endMs: T0 + MINUTE_MS + 5_000 };
    acc.addRecords([flow({ dst: "203.0.113.1" }), flow({ dst: "203.0.113.2" }), flow({ dst: "203.0.113.3", ...next }), flow({ dst: "203.0.113.200" })]);
    expect(acc.stats).toMatchObject({ flows: 4, matched: 3, unmatched: 1 });
    acc.setMatcher(after);
    // .1 still a node: keeps acme; .2 no longer one: dropped (its open minute stays); .200 (no node before) now one
    acc.addRecords([flow({ dst: "203.0.113.1" }), flow({ dst: "203.0.113.2" }), flow({ dst: "203.0.113.200" })]);
    expect(acc.stats).toMatchObject({ flows: 7, matched: 5, unmatched: 2 });
    // closing minute M compacts: .3 stays open, unconfirmed; the new matcher still decides for it (keeps acme)
    expect(acc.closeBefore(M + 1).map((r) => [r.node, r.customer, r.counters[0]])).toEqual([
      ["203.0.113.1", "acme", 20],
      ["203.0.113.2", "acme", 10],
      ["203.0.113.200", "beta", 10],
    ]);
    acc.addRecords([flow({ dst: "203.0.113.3", ...next }), flow({ dst: "203.0.113.2", ...next })]);
    expect(acc.stats).toMatchObject({ flows: 9, matched: 6, unmatched: 3 });
    expect(acc.closeAll().map((r) => [r.node, r.customer, r.minute, r.counters[0]])).toEqual([["203.0.113.3", "acme", M + 1, 20]]);
  });

  it("loses nothing when the counter pool grows (many nodes, one minute, fresh accumulator)", () => {
    const flows = Array.from({ length: 300 }, (_, i) => flow({ dst: `203.0.113.${i % 250}`, dstPort: 50000 + i, startMs: T0 + i, endMs: T0 + i + (i % 3 === 0 ? 90_000 : 0) }));
    const rows = aggregateMinutes(flows, customers);
    const total = rows.reduce((s, r) => s + r.counters[featureIndex("volume_in_pkt")]!, 0);
    expect(total).toBeCloseTo(300 * 10, 9);
    expect(rows.every((r) => r.counters[featureIndex("volume_in_flow")]! > 0)).toBe(true);
  });

  it("drops and counts a flow for a minute that has closed", () => {
    const acc = new MinuteAccumulator(customers);
    acc.closeBefore(M + 1);
    acc.addRecords([flow({}), flow({ startMs: T0 + 30_000, endMs: T0 + 90_000 })]);
    expect(acc.stats.late).toBe(2);
    const rows = acc.closeAll();
    expect(rows.map((r) => [r.minute - M, r.counters[0]])).toEqual([[1, 5]]); // half of the spanning flow's 10 packets
  });

  it("conserves packets, bytes and flows per direction across minutes, whatever the order", () => {
    fc.assert(
      fc.property(fc.array(flowArb, { maxLength: 40 }), (raw) => {
        const flows = raw.map(toFlow);
        const isNode = (ip: string) => customers.matchV4(Number(ip.split(".").reduce((a, o) => a * 256 + Number(o), 0))) >= 0;
        const expected = [0, 0, 0, 0, 0, 0];
        for (const f of flows) {
          if (isNode(f.dst)) {
            expected[0]! += f.packets * f.samplingRate;
            expected[1]! += f.bytes * f.samplingRate;
            expected[2]! += 1;
          }
          if (isNode(f.src)) {
            expected[3]! += f.packets * f.samplingRate;
            expected[4]! += f.bytes * f.samplingRate;
            expected[5]! += 1;
          }
        }
        const rows = aggregateMinutes(flows, customers);
        const got = [0, 1, 2, 3, 4, 5].map((i) => rows.reduce((s, r) => s + r.counters[i]!, 0));
        got.forEach((g, i) => expect(close(g, expected[i]!)).toBe(true));
        const reversed = aggregateMinutes([...flows].reverse(), customers);
        expect(reversed.map((r) => `${r.node}@${r.minute}`)).toEqual(rows.map((r) => `${r.node}@${r.minute}`));
        reversed.forEach((r, i) => r.counters.forEach((v, f) => expect(close(v, rows[i]!.counters[f]!)).toBe(true)));
      }),
      { numRuns: 300 },
    );
  });
});
