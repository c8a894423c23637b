/** @module NetFlow v5 parser and encoder: the shared parser cases (inside workerd), then v5-specific unit tests. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { FlowRecord } from "../../../../shared/flow/record.js";
import { ExporterState } from "../exporter-state.js";
import { BASIC_FLOWS, collect, runParserCases } from "../parser.case.js";
import type { ParseReport } from "../types.js";
import { encodeNetflowV5 } from "./encode.js";
import { netflowV5 } from "./parse.js";

const RECEIVED = Date.UTC(2024, 4, 17, 10, 35);

function parse(inputs: Uint8Array[]): { flows: FlowRecord[]; report: ParseReport } {
  const state = new ExporterState();
  return collect((out, report) => {
    for (const bytes of inputs) netflowV5.parseDatagram({ exporter: "192.0.2.1", receivedAtMs: RECEIVED, bytes }, state, out, report);
  });
}

runParserCases({
  name: "netflow-v5",
  encode: (flows) => encodeNetflowV5(flows),
  parse,
  lacks: { ipv6: "NetFlow v5 carries IPv4 only", counters64: "NetFlow v5 counters are 32-bit" },
});

/** A hand-built v5 datagram (independent of the encoder): header values, then records as [offset, width, value] lists. */
function v5(header: { count?: number; uptime: number; secs: number; nsecs: number; sampling?: number }, records: [number, 1 | 2 | 4, number][][]): Uint8Array {
  const b = new Uint8Array(24 + 48 * records.length);
  const dv = new DataView(b.buffer);
  dv.setUint16(0, 5);
  dv.setUint16(2, header.count ?? records.length);
  dv.setUint32(4, header.uptime);
  dv.setUint32(8, header.secs);
  dv.setUint32(12, header.nsecs);
  dv.setUint16(22, header.sampling ?? 0);
  records.forEach((fields, r) => {
    for (const [off, width, value] of fields) {
      const o = 24 + 48 * r + off;
      if (width === 1) b[o] = value;
      else if (width === 2) dv.setUint16(o, value);
      else dv.setUint32(o, value);
    }
  });
  return b;
}

/** One record: 10.0.0.1:1234 → 10.0.0.2:80 TCP SYN|ACK, 3 packets, 180 bytes, first/last uptime as given. */
const rec = (first: number, last: number): [number, 1 | 2 | 4, number][] => [
  [0, 4, 0x0a000001],
  [4, 4, 0x0a000002],
  [16, 4, 3],
  [20, 4, 180],
  [24, 4, first],
  [28, 4, last],
  [32, 2, 1234],
  [34, 2, 80],
  [37, 1, 0x12],
  [38, 1, 6],
];

describe("netflow-v5: header and records", () => {
  const secs = 1_700_000_000;

  it("decodes every field at its RFC offset, with times from uptime and unix_nsecs", () => {
    const { flows, report } = parse([v5({ uptime: 100_000, secs, nsecs: 250_000_000 }, [rec(40_000, 90_000)])]);
    expect(report).toEqual({ accepted: 1, rejected: 0, buffered: 0, released: 0, issues: [] });
    const exportMs = secs * 1000 + 250;
    expect(flows[0]).toEqual({
      startMs: exportMs - 60_000,
      endMs: exportMs - 10_000,
      src: "10.0.0.1",
      dst: "10.0.0.2",
      srcPort: 1234,
      dstPort: 80,
      protocol: 6,
      tcpFlags: 0x12,
      packets: 3,
      bytes: 180,
      samplingRate: 1,
      exporterId: "",
    });
  });

  it("reads the sampling interval from the low 14 bits (mode bits ignored; 0 means unsampled)", () => {
    const rate = (sampling: number) => parse([v5({ uptime: 1000, secs, nsecs: 0, sampling }, [rec(500, 900)])]).flows[0]!.samplingRate;
    expect(rate(0)).toBe(1);
    expect(rate((1 << 14) | 100)).toBe(100);
    expect(rate((2 << 14) | 16383)).toBe(16383);
    expect(rate(512)).toBe(512); // interval without a mode: still an interval
  });

  it("handles the uint32 wrap of sysUptime (exporter up more than 49.7 days)", () => {
    // The flow started 2 s before the wrap and the datagram left 0.5 s after it.
    const { flows } = parse([v5({ uptime: 500, secs, nsecs: 0 }, [rec(2 ** 32 - 2000, 2 ** 32 - 1000)])]);
    expect(flows[0]!.startMs).toBe(secs * 1000 - 2500);
    expect(flows[0]!.endMs).toBe(secs * 1000 - 1500);
  });

  it("rejects the whole datagram on a length that disagrees with count, count 0 or count > 30", () => {
    const ok = v5({ uptime: 1000, secs, nsecs: 0 }, [rec(1, 2), rec(3, 4)]);
    const cases: [string, Uint8Array][] = [
      ["one byte longer", new Uint8Array([...ok, 0])],
      ["one byte shorter", ok.subarray(0, ok.length - 1)],
      ["count 0", v5({ count: 0, uptime: 1000, secs, nsecs: 0 }, [])],
      ["count 31", v5({ uptime: 1000, secs, nsecs: 0 }, Array.from({ length: 31 }, () => rec(1, 2)))],
      ["count says 3 for 2 records", v5({ count: 3, uptime: 1000, secs, nsecs: 0 }, [rec(1, 2), rec(3, 4)])],
    ];
    for (const [why, bytes] of cases) {
      const { flows, report } = parse([bytes]);
      expect(flows, why).toEqual([]);
      expect(report.rejected, why).toBe(1);
      expect(report.issues[0]!.code, why).toBe("bad_length");
    }
  });

  it("rejects other versions and datagrams shorter than the header", () => {
    const wrong = v5({ uptime: 1000, secs, nsecs: 0 }, [rec(1, 2)]);
    wrong[1] = 9;
    expect(parse([wrong]).report.issues.map((i) => i.code)).toEqual(["bad_version"]);
    expect(parse([new Uint8Array(23)]).report.issues.map((i) => i.code)).toEqual(["truncated"]);
  });

  it("rejects single records whose end is before their start or that last over a day, keeping the others", () => {
    const day = 24 * 3600 * 1000;
    const { flows, report } = parse([v5({ uptime: 2 * day, secs, nsecs: 0 }, [rec(5000, 4000), rec(1000, 2000), rec(1000, day + 2000)])]);
    expect(flows).toHaveLength(1);
    expect(report.accepted).toBe(1);
    expect(report.rejected).toBe(2);
    expect(report.issues).toHaveLength(1);
    expect(report.issues[0]!.code).toBe("bad_record");
  });
});

describe("netflow-v5: encoder", () => {
  it("splits into datagrams of at most 30 records, with flow_sequence counting the flows before", () => {
    const flows = Array.from({ length: 61 }, (_, i) => ({ ...BASIC_FLOWS[i % 4]!, srcPort: i }));
    const datagrams = encodeNetflowV5(flows, { flowSequence: 7 });
    expect(datagrams.map((d) => new DataView(d.buffer).getUint16(2))).toEqual([30, 30, 1]);
    expect(datagrams.map((d) => new DataView(d.buffer).getUint32(16))).toEqual([7, 37, 67]);
    expect(parse(datagrams).flows.map((f) => f.srcPort)).toEqual(flows.map((f) => f.srcPort));
  });

  it("puts flows of different sampling rates in different datagrams, and honours a fixed interval", () => {
    const flows = BASIC_FLOWS.map((f, i) => ({ ...f, samplingRate: i < 2 ? 1 : 64 }));
    const datagrams = encodeNetflowV5(flows);
    expect(datagrams).toHaveLength(2);
    expect(parse(datagrams).flows.map((f) => f.samplingRate)).toEqual([1, 1, 64, 64]);
    expect(parse(encodeNetflowV5(flows, { sampling: 10 })).flows.map((f) => f.samplingRate)).toEqual([10, 10, 10, 10]);
  });

  it("throws on what v5 cannot carry: IPv6, 64-bit counters, intervals over 16383", () => {
    expect(() => encodeNetflowV5([{ ...BASIC_FLOWS[0]!, src: "2001:db8::1", dst: "2001:db8::2" }])).toThrow(TypeError);
    expect(() => encodeNetflowV5([{ ...BASIC_FLOWS[0]!, bytes: 2 ** 32 }])).toThrow(RangeError);
    expect(() => encodeNetflowV5([{ ...BASIC_FLOWS[0]!, samplingRate: 16384 }])).toThrow(RangeError);
  });

  it("round-trips arbitrary valid IPv4 flows exactly, across uptime wraps (property)", () => {
    const ip = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((o) => o.join("."));
    const flow = fc.record({
      startMs: fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2090, 0, 1) }),
      duration: fc.integer({ min: 0, max: 24 * 3600 * 1000 }),
      src: ip,
      dst: ip,
      srcPort: fc.nat(65535),
      dstPort: fc.nat(65535),
      protocol: fc.nat(255),
      tcpFlags: fc.nat(255),
      packets: fc.nat(0xffffffff),
      bytes: fc.nat(0xffffffff),
      samplingRate: fc.integer({ min: 1, max: 16383 }),
    });
    fc.assert(
      fc.property(fc.array(flow, { minLength: 1, maxLength: 70 }), fc.integer({ min: 0, max: 2 ** 40 }), (raw, boot) => {
        const flows: FlowRecord[] = raw.map(({ duration, ...f }) => ({ ...f, endMs: f.startMs + duration, exporterId: "" }));
        const { flows: got, report } = parse(encodeNetflowV5(flows, { uptimeBaseMs: boot }));
        expect(report.rejected).toBe(0);
        expect(got).toEqual(flows);
      }),
      { numRuns: 200 },
    );
  });
});
