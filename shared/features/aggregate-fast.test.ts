// The fast accumulator (sparse block store, node-first lookups, numeric output order) against the plain reference, bit for bit.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { FlowRecord } from "../flow/record.js";
import { aggregateMinutes, BYTES_PER_NODE_MINUTE, MinuteAccumulator, MINUTE_MS, type NodeMinute } from "./aggregate.js";
import { ipv4TextKey } from "./aggregate-order.js";
import { aggregateMinutesReference } from "./aggregate-reference.js";
import { NodeSet } from "./nodes.js";

const M = 28_333_333;
const T0 = M * MINUTE_MS;
const nodes = new NodeSet([
  { prefix: "10.0.0.0/8", customer: "a" },
  { prefix: "10.1.0.0/16", customer: "b" },
  { prefix: "2001:db8::/32", customer: "v6" },
]);
const v4Hosts = ["10.0.0.1", "10.0.0.2", "10.1.2.3", "10.1.20.3", "10.9.0.10", "10.10.0.9", "192.0.2.1", "198.51.100.7"];
const v6Hosts = ["2001:db8::1", "2001:db8::a:1", "2001:db9::1", "::ffff:10.0.0.1"];

const flowArb = fc
  .record({
    v6: fc.boolean(),
    s: fc.nat(),
    d: fc.nat(),
    start: fc.integer({ min: 0, max: 6 * MINUTE_MS }),
    duration: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 2000 }), fc.integer({ min: 0, max: 4 * MINUTE_MS })),
    srcPort: fc.oneof(fc.constantFrom(0, 53, 80, 123, 443, 22, 8080, 60000), fc.integer({ min: 0, max: 65535 })),
    dstPort: fc.oneof(fc.constantFrom(0, 53, 80, 123, 443, 22, 8080, 60000), fc.integer({ min: 0, max: 65535 })),
    protocol: fc.constantFrom(1, 6, 6, 6, 17, 17, 47, 58, 132),
    tcpFlags: fc.oneof(fc.constantFrom(0, 16, 24, 2, 17, 18, 4, 25, 0xc2), fc.integer({ min: 0, max: 255 })),
    packets: fc.integer({ min: 0, max: 1e6 }),
    bytes: fc.integer({ min: 0, max: 1e9 }),
    samplingRate: fc.constantFrom(1, 1, 10, 1000),
  })
  .map(({ v6, s, d, start, duration, ...rest }): FlowRecord => {
    const hosts = v6 ? v6Hosts.slice(0, 3) : v4Hosts;
    return { ...rest, src: hosts[s % hosts.length]!, dst: hosts[d % hosts.length]!, startMs: T0 + start, endMs: T0 + start + duration, exporterId: "" };
  });

/** held-back additions per node bucket: applied at every addition, every few, or only at the close */
const bucketArb = fc.constantFrom(1, 2, 3, 7, 4096);

function expectSame(got: readonly NodeMinute[], want: readonly NodeMinute[]): void {
  expect(got.map((r) => `${r.node}@${r.minute}/${r.customer}`)).toEqual(want.map((r) => `${r.node}@${r.minute}/${r.customer}`));
  // one expect per differing counter (an expect per counter makes the property runs slow)
  got.forEach((r, i) => r.counters.forEach((v, f) => Object.is(v, want[i]!.counters[f]) || expect(`${r.node}@${r.minute}[${f}] = ${v}`).toBe(`${want[i]!.counters[f]}`)));
}

describe("MinuteAccumulator against the reference", () => {
  it("gives bit-identical node-minutes in the same order (sparse, chained and dense node-minutes, IPv4 and IPv6)", () => {
    fc.assert(
      fc.property(fc.array(flowArb, { maxLength: 200 }), bucketArb, fc.integer({ min: 1, max: 200 }), (flows, bucketRecords, batch) => {
        const want = aggregateMinutesReference(flows, nodes);
        expectSame(aggregateMinutes(flows, nodes), want);
        // additions held back in small buckets, applied as they fill, across batches
        const acc = new MinuteAccumulator(nodes, { bucketRecords });
        for (let at = 0; at < flows.length; at += batch) acc.addRecords(flows.slice(at, at + batch));
        expectSame(acc.closeAll(), want);
      }),
      { numRuns: 300 },
    );
  });

  it("stays bit-identical when minutes are closed along the way (compaction keeps the open ones intact)", () => {
    fc.assert(
      fc.property(fc.array(flowArb, { maxLength: 300 }), fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 8 }), bucketArb, (raw, sizes, bucketRecords) => {
        // in start order, cut where no later flow starts earlier: nothing is late, so closing must change nothing
        const flows = [...raw].sort((a, b) => a.startMs - b.startMs);
        const acc = new MinuteAccumulator(nodes, { bucketRecords });
        const got: NodeMinute[] = [];
        let at = 0;
        for (let i = 0; at < flows.length; i++) {
          const batch = flows.slice(at, at + sizes[i % sizes.length]!);
          at += batch.length;
          acc.addRecords(batch);
          const next = flows[at];
          if (next) for (const r of acc.closeBefore(Math.floor(next.startMs / MINUTE_MS))) got.push(r);
        }
        for (const r of acc.closeAll()) got.push(r);
        expect(acc.stats.late).toBe(0);
        const want = aggregateMinutesReference(flows, nodes);
        const key = (r: NodeMinute) => `${r.node}@${r.minute}`;
        const byKey = new Map(got.map((r) => [key(r), r]));
        expect(byKey.size).toBe(got.length);
        expectSame(want.map((r) => byKey.get(key(r))!), want);
        expect(got.length).toBe(want.length);
      }),
      { numRuns: 200 },
    );
  });

  it("turns a busy node-minute dense and keeps its counters through compaction", () => {
    const flows: FlowRecord[] = [];
    for (let i = 0; i < 400; i++) {
      const proto = [6, 17, 47, 1][i % 4]!;
      flows.push({ startMs: T0 + (i % 3) * MINUTE_MS + i, endMs: T0 + (i % 3) * MINUTE_MS + i + (i % 7 === 0 ? 70_000 : 0), src: `10.0.0.${1 + (i % 5)}`, dst: `10.1.0.${1 + (i % 3)}`, srcPort: [0, 53, 80, 123, 443, 22, 8080, 60000][i % 8]!, dstPort: [0, 53, 80, 123, 443, 22, 8080, 60000][(i >> 3) % 8]!, protocol: proto, tcpFlags: [0, 16, 24, 2, 17, 18, 4, 25][i % 8]!, packets: 1 + i, bytes: 100 + i, samplingRate: 1, exporterId: "" });
    }
    const acc = new MinuteAccumulator(nodes);
    acc.addRecords(flows.slice(0, 200));
    expect(acc.openBytes).toBeLessThanOrEqual(acc.openEntries * BYTES_PER_NODE_MINUTE);
    const first = acc.closeBefore(M + 1);
    acc.addRecords(flows.slice(200).filter((f) => f.startMs >= (M + 1) * MINUTE_MS));
    const rest = acc.closeAll();
    const want = aggregateMinutesReference([...flows.slice(0, 200), ...flows.slice(200).filter((f) => f.startMs >= (M + 1) * MINUTE_MS)], nodes);
    const got = [...first, ...rest].sort((a, b) => (a.node < b.node ? -1 : a.node > b.node ? 1 : a.minute - b.minute));
    expectSame(got, want);
  });

  it("stays bit-identical for rows spanning many minutes and nodes with more open minutes than their ring holds", () => {
    // 300 rows in one chunk spanning up to 30 minutes: thousands of pieces (the piece scratch grows), and each
    // node open in up to 33 minutes (most of them in the overflow table); closes along the way rebuild the rings
    const flows: FlowRecord[] = [];
    for (let i = 0; i < 300; i++) {
      const start = T0 + ((i * 7919) % (3 * MINUTE_MS));
      flows.push({ startMs: start, endMs: start + ((i * 104_729) % (30 * MINUTE_MS)), src: `10.0.0.${1 + (i % 3)}`, dst: i % 2 ? "10.1.2.3" : "192.0.2.1", srcPort: [53, 80, 443, 60000][i % 4]!, dstPort: [0, 123, 8080][i % 3]!, protocol: [6, 17, 1][i % 3]!, tcpFlags: [2, 18, 16][i % 3]!, packets: 1 + i, bytes: 1000 + 3 * i, samplingRate: 1, exporterId: "" });
    }
    expectSame(aggregateMinutes(flows, nodes), aggregateMinutesReference(flows, nodes));
    const acc = new MinuteAccumulator(nodes);
    acc.addRecords(flows.slice(0, 150));
    const got = acc.closeBefore(M + 10);
    acc.addRecords(flows.slice(150).map((f) => ({ ...f, startMs: Math.max(f.startMs, (M + 10) * MINUTE_MS), endMs: Math.max(f.endMs, (M + 10) * MINUTE_MS) })));
    got.push(...acc.closeAll());
    const want = aggregateMinutesReference([...flows.slice(0, 150), ...flows.slice(150).map((f) => ({ ...f, startMs: Math.max(f.startMs, (M + 10) * MINUTE_MS), endMs: Math.max(f.endMs, (M + 10) * MINUTE_MS) }))], nodes);
    const key = (r: NodeMinute) => `${r.node}@${r.minute}`;
    const byKey = new Map(got.map((r) => [key(r), r]));
    expect(byKey.size).toBe(got.length);
    expectSame(want.map((r) => byKey.get(key(r))!), want);
  });

  it("stays bit-identical when many nodes share each bucket and buckets fill mid-batch", () => {
    // 1,000 nodes over 64 buckets (about 16 each); rows in random order across minutes, some spanning them
    const flows: FlowRecord[] = [];
    let x = 12345;
    const rand = (n: number) => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0) % n);
    for (let i = 0; i < 2000; i++) {
      const start = T0 + rand(3 * MINUTE_MS);
      flows.push({ startMs: start, endMs: start + (rand(5) === 0 ? rand(2 * MINUTE_MS) : 0), src: `10.2.${rand(4)}.${rand(250)}`, dst: `10.3.${rand(4)}.${rand(250)}`, srcPort: [53, 80, 443, 60000][rand(4)]!, dstPort: [0, 123, 8080, 22][rand(4)]!, protocol: [6, 6, 17, 1][rand(4)]!, tcpFlags: [2, 18, 16, 24][rand(4)]!, packets: 1 + rand(100), bytes: 40 + rand(100_000), samplingRate: [1, 10][rand(2)]!, exporterId: "" });
    }
    const want = aggregateMinutesReference(flows, nodes);
    // undefined: buckets sized by the open nodes, so the buffer widens (moving held records) as nodes pass 512
    for (const bucketRecords of [1, 5, 4096, undefined]) {
      const acc = new MinuteAccumulator(nodes, { bucketRecords });
      for (let at = 0; at < flows.length; at += 500) acc.addRecords(flows.slice(at, at + 500));
      expect(acc.hasOpen).toBe(true);
      expect(acc.openEntries).toBe(want.length); // applies what is held back
      expectSame(acc.closeAll(), want);
      expect(acc.hasOpen).toBe(false);
    }
  });

  it("orders IPv4 nodes by text through the numeric key", () => {
    const addrs = fc.sample(fc.integer({ min: 0, max: 0xffffffff }), 2000);
    const text = (a: number) => [a >>> 24, (a >>> 16) & 255, (a >>> 8) & 255, a & 255].join(".");
    const byText = [...addrs].sort((a, b) => (text(a) < text(b) ? -1 : text(a) > text(b) ? 1 : 0));
    const byKey = [...addrs].sort((a, b) => ipv4TextKey(a) - ipv4TextKey(b));
    expect(byKey.map(text)).toEqual(byText.map(text));
  });
});
