/** @module IPFIX field decoding: sampling (in records and via options), reduced-size counters, time encodings, ICMP, address families, bad records. */
import { describe, expect, it } from "vitest";
import { BASIC_FLOWS } from "../parser.case.js";
import { encodeIpfix } from "./encode.js";
import { IE } from "./ie.js";
import { buildMessage, buildOptionsTemplateSet, buildSet, buildTemplateSet, type FieldSpec } from "./message.js";
import { NTP_UNIX_OFFSET_S } from "./times.js";
import { be, parseAll } from "./testkit.js";

const T = Date.UTC(2024, 4, 17, 10, 30, 0);
const HDR = { domain: 0, exportTime: T / 1000 + 120, sequence: 0 };
const msg = (...sets: Uint8Array[]) => buildMessage(HDR, sets);

type Cell = [FieldSpec, number[]];
const f = (id: number, length: number, value: number[]): Cell => [{ id, length }, value];
const V4: Cell[] = [f(IE.sourceIPv4Address, 4, [10, 0, 0, 1]), f(IE.destinationIPv4Address, 4, [10, 0, 0, 2])];
const COUNTS: Cell[] = [f(IE.octetDeltaCount, 4, be(1000, 4)), f(IE.packetDeltaCount, 4, be(10, 4))];
const TIMES: Cell[] = [f(IE.flowStartMilliseconds, 8, be(T, 8)), f(IE.flowEndMilliseconds, 8, be(T + 1500, 8))];

/** A template with these fields (id 600) and one data set holding one record per row of values. */
function oneTemplate(cells: Cell[], rows: number[][][] = [cells.map(([, v]) => v)]): Uint8Array[] {
  const fields = cells.map(([spec]) => spec);
  return [msg(buildTemplateSet([{ id: 600, fields }])), msg(buildSet(600, [Uint8Array.from(rows.flatMap((r) => r.flat()))]))];
}

describe("ipfix: sampling", () => {
  it("keeps each flow's rate when rates are mixed (selectorId in records, rates in options records)", () => {
    const input = BASIC_FLOWS.map((fl, i) => ({ ...fl, samplingRate: [1, 100, 1000, 4096][i]! }));
    const { flows } = parseAll(encodeIpfix(input));
    expect(flows.map((x) => x.samplingRate)).toEqual([1, 100, 1000, 4096]);
  });

  it("takes samplingInterval (34) in the data record", () => {
    const { flows } = parseAll(oneTemplate([...V4, ...COUNTS, ...TIMES, f(IE.samplingInterval, 4, be(512, 4))]));
    expect(flows[0]!.samplingRate).toBe(512);
  });

  it("looks up samplerId (48) in options records (samplerId scope, samplingInterval), unknown ids fall back to the domain rate", () => {
    const options = buildOptionsTemplateSet([{ id: 700, scopeFieldCount: 1, fields: [{ id: IE.samplerId, length: 1 }, { id: IE.samplingInterval, length: 4 }] }]);
    const records = buildSet(700, [Uint8Array.from([1, ...be(100, 4), 2, ...be(2000, 4)])]);
    const data = oneTemplate([...V4, ...COUNTS, ...TIMES, f(IE.samplerId, 1, [1])], [1, 2, 3].map((id) => [...[V4, COUNTS, TIMES].flat().map(([, v]) => v), [id]]));
    const { flows } = parseAll([msg(options, records), ...data]);
    expect(flows.map((x) => x.samplingRate)).toEqual([100, 2000, 1]);
  });

  it("applies an exporter-wide rate from RFC 5477 options (no sampler id): (interval + space) / interval", () => {
    const options = buildOptionsTemplateSet([
      { id: 701, scopeFieldCount: 1, fields: [{ id: IE.observationDomainId, length: 4 }, { id: IE.samplingPacketInterval, length: 4 }, { id: IE.samplingPacketSpace, length: 4 }] },
    ]);
    const record = buildSet(701, [Uint8Array.from([...be(0, 4), ...be(1, 4), ...be(99, 4)])]);
    const { flows } = parseAll([msg(options, record), ...oneTemplate([...V4, ...COUNTS, ...TIMES])]);
    expect(flows[0]!.samplingRate).toBe(100);
  });

  it("reads samplingPopulation / samplingSize (309/310) as population / size", () => {
    const cells = [...V4, ...COUNTS, ...TIMES, f(IE.samplingSize, 4, be(2, 4)), f(IE.samplingPopulation, 4, be(2048, 4))];
    expect(parseAll(oneTemplate(cells)).flows[0]!.samplingRate).toBe(1024);
  });
});

describe("ipfix: counters, flags, ICMP", () => {
  it("reads reduced-size counters (3 and 1 bytes) and a 2-byte tcpControlBits (low 8 bits)", () => {
    const cells = [...V4, f(IE.octetDeltaCount, 3, be(70000, 3)), f(IE.packetDeltaCount, 1, [200]), ...TIMES, f(IE.protocolIdentifier, 1, [6]), f(IE.tcpControlBits, 2, [0x01, 0x12])];
    expect(parseAll(oneTemplate(cells)).flows[0]).toMatchObject({ bytes: 70000, packets: 200, protocol: 6, tcpFlags: 0x12 });
  });

  it("reads 8-byte counters exactly up to 2^53 and falls back to total counts (85/86)", () => {
    const big = [...V4, f(IE.octetDeltaCount, 8, be(2 ** 53 - 1, 8)), f(IE.packetDeltaCount, 8, be(2 ** 40 + 3, 8)), ...TIMES];
    expect(parseAll(oneTemplate(big)).flows[0]).toMatchObject({ bytes: 2 ** 53 - 1, packets: 2 ** 40 + 3 });
    const totals = [...V4, f(IE.octetTotalCount, 8, be(5000, 8)), f(IE.packetTotalCount, 8, be(5, 8)), ...TIMES];
    expect(parseAll(oneTemplate(totals)).flows[0]).toMatchObject({ bytes: 5000, packets: 5 });
  });

  it("puts ICMP type·256+code in the destination port: icmpTypeCodeIPv4 (32) without ports, or icmpType/Code (176/177)", () => {
    const a = [...V4, ...COUNTS, ...TIMES, f(IE.protocolIdentifier, 1, [1]), f(IE.icmpTypeCodeIPv4, 2, [3, 3])];
    expect(parseAll(oneTemplate(a)).flows[0]).toMatchObject({ protocol: 1, srcPort: 0, dstPort: 771 });
    const b = [...V4, ...COUNTS, ...TIMES, f(IE.protocolIdentifier, 1, [1]), f(IE.sourceTransportPort, 2, [0, 0]), f(IE.destinationTransportPort, 2, [0, 0]), f(IE.icmpTypeIPv4, 1, [8]), f(IE.icmpCodeIPv4, 1, [0])];
    expect(parseAll(oneTemplate(b)).flows[0]).toMatchObject({ dstPort: 2048 });
    const udp = [...V4, ...COUNTS, ...TIMES, f(IE.protocolIdentifier, 1, [17]), f(IE.destinationTransportPort, 2, [0, 53]), f(IE.icmpTypeCodeIPv4, 2, [0, 0])];
    expect(parseAll(oneTemplate(udp)).flows[0]).toMatchObject({ dstPort: 53 });
  });
});

describe("ipfix: addresses", () => {
  const v6 = (last: number) => [0x20, 0x01, 0x0d, 0xb8, ...Array(11).fill(0), last];
  it("uses IPv6 when the template has both families and the IPv4 pair is 0.0.0.0", () => {
    const cells = [...V4.map(([s]): Cell => [s, [0, 0, 0, 0]]), f(IE.sourceIPv6Address, 16, v6(1)), f(IE.destinationIPv6Address, 16, v6(2)), ...COUNTS, ...TIMES];
    expect(parseAll(oneTemplate(cells)).flows[0]).toMatchObject({ src: "2001:db8::1", dst: "2001:db8::2" });
  });

  it("normalizes IPv4-mapped IPv6 on both ends to IPv4", () => {
    const mapped = (a: number) => [...Array(10).fill(0), 0xff, 0xff, 192, 0, 2, a];
    const cells = [f(IE.sourceIPv6Address, 16, mapped(1)), f(IE.destinationIPv6Address, 16, mapped(2)), ...COUNTS, ...TIMES];
    expect(parseAll(oneTemplate(cells)).flows[0]).toMatchObject({ src: "192.0.2.1", dst: "192.0.2.2" });
  });

  it("reports records of a template without an address pair or without counters as missing_field", () => {
    const noDst = oneTemplate([V4[0]!, ...COUNTS, ...TIMES], [[[10, 0, 0, 1], be(1, 4), be(1, 4), be(T, 8), be(T, 8)], [[10, 0, 0, 1], be(1, 4), be(1, 4), be(T, 8), be(T, 8)]]);
    const a = parseAll(noDst);
    expect(a.report).toMatchObject({ accepted: 0, rejected: 2 });
    expect(a.report.issues.map((i) => i.code)).toEqual(["missing_field"]);
    const noCounts = parseAll(oneTemplate([...V4, ...TIMES]));
    expect(noCounts.report.issues.map((i) => i.code)).toEqual(["missing_field"]);
  });
});

describe("ipfix: times", () => {
  const ntp = (ms: number) => [...be(Math.floor(ms / 1000) + NTP_UNIX_OFFSET_S, 4), ...be(Math.ceil(((ms % 1000) * 2 ** 32) / 1000), 4)];
  const parseTimes = (cells: Cell[]) => parseAll(oneTemplate([...V4, ...COUNTS, ...cells])).flows[0]!;

  it("reads seconds (150/151), NTP microseconds (154/155) and nanoseconds (156/157)", () => {
    expect(parseTimes([f(IE.flowStartSeconds, 4, be(T / 1000, 4)), f(IE.flowEndSeconds, 4, be(T / 1000 + 3, 4))])).toMatchObject({ startMs: T, endMs: T + 3000 });
    expect(parseTimes([f(IE.flowStartMicroseconds, 8, ntp(T + 123)), f(IE.flowEndMicroseconds, 8, ntp(T + 999))])).toMatchObject({ startMs: T + 123, endMs: T + 999 });
    expect(parseTimes([f(IE.flowStartNanoseconds, 8, ntp(T + 1)), f(IE.flowEndNanoseconds, 8, ntp(T + 2))])).toMatchObject({ startMs: T + 1, endMs: T + 2 });
  });

  it("reads NTP times after the 2036 era rollover (top bit clear = era 1)", () => {
    const t2040 = Date.UTC(2040, 0, 1);
    const era1 = (ms: number) => [...be((Math.floor(ms / 1000) + NTP_UNIX_OFFSET_S) % 2 ** 32, 4), 0, 0, 0, 0];
    expect(parseTimes([f(IE.flowStartMicroseconds, 8, era1(t2040)), f(IE.flowEndMicroseconds, 8, era1(t2040 + 1000))])).toMatchObject({ startMs: t2040, endMs: t2040 + 1000 });
  });

  it("reads delta microseconds before the export time (158/159) and a start plus duration (161)", () => {
    const exportMs = HDR.exportTime * 1000;
    expect(parseTimes([f(IE.flowStartDeltaMicroseconds, 4, be(5_000_000, 4)), f(IE.flowEndDeltaMicroseconds, 4, be(1_000_000, 4))])).toMatchObject({ startMs: exportMs - 5000, endMs: exportMs - 1000 });
    expect(parseTimes([f(IE.flowStartMilliseconds, 8, be(T, 8)), f(IE.flowDurationMilliseconds, 4, be(2500, 4))])).toMatchObject({ startMs: T, endMs: T + 2500 });
  });

  it("unwraps an end uptime that wrapped past 2^32 ms", () => {
    const init = T - 2 ** 32 + 1000;
    const options = buildOptionsTemplateSet([{ id: 702, scopeFieldCount: 1, fields: [{ id: IE.observationDomainId, length: 4 }, { id: IE.systemInitTimeMilliseconds, length: 8 }] }]);
    const record = buildSet(702, [Uint8Array.from([...be(0, 4), ...be(init, 8)])]);
    const cells = [...V4, ...COUNTS, f(IE.flowStartSysUpTime, 4, be(2 ** 32 - 500, 4)), f(IE.flowEndSysUpTime, 4, be(300, 4))];
    const { flows } = parseAll([msg(options, record), ...oneTemplate(cells)]);
    expect(flows[0]).toMatchObject({ startMs: init + 2 ** 32 - 500, endMs: init + 2 ** 32 + 300 });
  });

  it("rejects records whose end is before the start, too long, or past 2100 (bad_record, one issue per set)", () => {
    const row = (start: number, end: number) => [...V4, ...COUNTS].map(([, v]) => v).concat([be(start, 8), be(end, 8)]);
    const rows = [row(T, T - 1), row(T, T + 25 * 3600_000), row(Date.UTC(2101, 0, 1), Date.UTC(2101, 0, 1)), row(T, T)];
    const { flows, report } = parseAll(oneTemplate([...V4, ...COUNTS, ...TIMES], rows));
    expect(flows).toHaveLength(1);
    expect(report).toMatchObject({ accepted: 1, rejected: 3 });
    expect(report.issues.map((i) => i.code)).toEqual(["bad_record"]);
  });
});
