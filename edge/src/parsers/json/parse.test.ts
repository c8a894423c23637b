/** @module The JSON/NDJSON parser: the shared parser cases for both encodings, then names, body forms and errors (workerd). */
import { describe, expect, it } from "vitest";
import { BASIC_FLOWS, collect, runParserCases } from "../parser.case.js";
import { encodeFlowJson } from "./encode.js";
import { flowJson } from "./parse.js";

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder("utf-8", { fatal: false, ignoreBOM: false });

function parse(text: string, maxRecords = 1_000_000) {
  return collect((out, report) => flowJson.parseText(text, out, report, { maxRecords }));
}

for (const format of ["goflow2", "ndjson-native"] as const) {
  runParserCases({
    name: `json (${format})`,
    encode: (flows) => [utf8.encode(encodeFlowJson(flows, { format }))],
    parse: (inputs) =>
      collect((out, report) => {
        for (const bytes of inputs) flowJson.parseText(fromUtf8.decode(bytes), out, report, { maxRecords: 1_000_000 });
      }),
  });
}

// As goflow2 v2.2 prints a NetFlow v9 record (one line; fields it does not fill trimmed).
const GOFLOW2 = {
  type: "NETFLOW_V9",
  time_received_ns: 1767324720787460121,
  sequence_num: 65361,
  sampling_rate: 0,
  sampler_address: "192.168.88.1",
  time_flow_start_ns: 1767324719123000000,
  time_flow_end_ns: 1767324720456000000,
  bytes: 143,
  packets: 1,
  src_addr: "192.168.89.2",
  dst_addr: "192.168.88.30",
  etype: "IPv4",
  proto: "UDP",
  src_port: 53,
  dst_port: 55743,
  in_if: 11,
  out_if: 12,
  src_mac: "42:61:64:55:53:42",
  tcp_flags: 0,
  icmp_type: 0,
  icmp_code: 0,
  next_hop: "0.0.0.0",
};
const EXPECTED = { startMs: 1767324719123, endMs: 1767324720456, src: "192.168.89.2", dst: "192.168.88.30", srcPort: 53, dstPort: 55743, protocol: 17, tcpFlags: 0, packets: 1, bytes: 143, samplingRate: 1, exporterId: "" };

describe("json: field names", () => {
  it("reads a goflow2 v2 record: ns times, proto by name, sampling_rate 0 as 1", () => {
    const { flows, report } = parse(JSON.stringify(GOFLOW2));
    expect(report).toMatchObject({ accepted: 1, rejected: 0 });
    expect(flows).toEqual([EXPECTED]);
  });

  it("reads goflow2 v2 variants: digit-string and RFC 3339 times, numeric proto, ICMP type/code", () => {
    const record = { ...GOFLOW2, time_flow_start_ns: "1767324719123456789", time_flow_end_ns: "2026-01-02T03:32:00.456789Z", bytes: "143", proto: 1, dst_port: 0, icmp_type: 3, icmp_code: 1, sampling_rate: 512 };
    expect(parse(JSON.stringify(record)).flows[0]).toMatchObject({ startMs: 1767324719123, endMs: Date.UTC(2026, 0, 2, 3, 32, 0, 456), protocol: 1, dstPort: 3 * 256 + 1, bytes: 143, samplingRate: 512 });
  });

  it("reads goflow2 v1 names (seconds or ms times)", () => {
    const v1 = { Type: "NETFLOW_V5", TimeFlowStart: 1621820000, TimeFlowEnd: 1621820002, Bytes: 70, Packets: 1, SamplingRate: 100, SrcAddr: "192.168.1.1", DstAddr: "10.0.0.1", Proto: 6, SrcPort: 443, DstPort: 46344, TCPFlags: 16 };
    const ms = { ...v1, TimeFlowStartMs: 1621820000123, TimeFlowEndMs: 1621820002456 };
    const { flows, report } = parse(`${JSON.stringify(v1)}\n${JSON.stringify(ms)}\n`);
    expect(report.rejected).toBe(0);
    expect(flows[0]).toMatchObject({ startMs: 1621820000000, endMs: 1621820002000, protocol: 6, tcpFlags: 16, samplingRate: 100, srcPort: 443 });
    expect(flows[1]).toMatchObject({ startMs: 1621820000123, endMs: 1621820002456 });
  });

  it("reads nfdump's -o json names (1.7 and 1.6), IPv6 and ICMP", () => {
    const v17 = { type: "FLOW", sampled: 0, first: "2018-12-01T12:04:49.318", last: "2018-12-01T12:04:53.836", in_packets: 12, in_bytes: 1820, proto: 6, tcp_flags: "...AP.SF", src_port: 52003, dst_port: 80, src4_addr: "172.16.0.5", dst4_addr: "192.168.50.1" };
    const icmp6 = { first: "2018-12-01T12:04:49.318", last: "2018-12-01T12:04:49.318", in_packets: 1, in_bytes: 64, proto: 58, icmp_type: 128, icmp_code: 0, src6_addr: "2001:db8::1", dst6_addr: "2001:db8::2" };
    const v16 = { t_first: "2018-12-01T12:04:49.5", t_last: "2018-12-01T12:04:50.25", proto: 17, src4_addr: "10.0.0.1", dst4_addr: "10.0.0.2", src_port: 53, dst_port: 53, tcp_flags: "........", in_packets: 1, in_bytes: 80 };
    const { flows, report } = parse(JSON.stringify([v17, icmp6, v16]));
    expect(report.rejected).toBe(0);
    const t = Date.UTC(2018, 11, 1, 12, 4, 49);
    expect(flows[0]).toMatchObject({ startMs: t + 318, endMs: t + 4836, tcpFlags: 0x1b, packets: 12, bytes: 1820, samplingRate: 1 });
    expect(flows[1]).toMatchObject({ src: "2001:db8::1", protocol: 58, srcPort: 0, dstPort: 128 * 256 });
    expect(flows[2]).toMatchObject({ startMs: t + 5, endMs: t + 1025 }); // 1.6 printed the ms unpadded
  });

  it("carries validateFlow's typed errors, with the record's index and its source field", () => {
    const bad = [
      { ...GOFLOW2, dst_port: 70000 },
      { ...GOFLOW2, src_addr: undefined },
      { ...GOFLOW2, proto: "" },
      { startMs: 2, endMs: 1, src: "10.0.0.1", dst: "10.0.0.2", srcPort: 1, dstPort: 2, protocol: 6, packets: 1, bytes: 1 },
      GOFLOW2,
    ];
    const { flows, report } = parse(JSON.stringify(bad));
    expect(flows).toEqual([EXPECTED]);
    expect(report.issues).toEqual([
      { code: "bad_record", message: "record 1: dstPort must be an integer in 0..65535, got 70000 (goflow2 field dst_port)" },
      { code: "missing_field", message: "record 2: src is missing (goflow2 field src_addr)" },
      { code: "missing_field", message: expect.stringMatching(/^record 3: proto is "" \(goflow2 names only/) },
      { code: "bad_record", message: "record 4: endMs 1 is before startMs 2" },
    ]);
  });
});

describe("json: body forms", () => {
  const line = JSON.stringify(GOFLOW2);

  it("reads an array, one object, { flows: [...] } and NDJSON with blank lines and CRLF", () => {
    expect(parse(`[${line},${line}]`).report.accepted).toBe(2);
    expect(parse(`  ${line}  `).report.accepted).toBe(1);
    expect(parse(JSON.stringify({ flows: [GOFLOW2, GOFLOW2, GOFLOW2] }, null, 2)).report.accepted).toBe(3);
    expect(parse(`\n${line}\r\n\r\n${line}\n\n`).report).toMatchObject({ accepted: 2, rejected: 0 });
    expect(parse(JSON.stringify(GOFLOW2, null, 2)).report.accepted).toBe(1);
  });

  it("NDJSON: a bad line rejects that line only", () => {
    const { report } = parse(`${line}\n${line.slice(0, 40)}\n${line}\n[1,2]\n`);
    expect(report).toMatchObject({ accepted: 2, rejected: 2 });
    expect(report.issues.map((i) => [i.code, i.message.slice(0, 7)])).toEqual([["bad_syntax", "line 2:"], ["bad_record", "line 4:"]]);
  });

  it("a JSON array that does not parse rejects the whole body", () => {
    const { report } = parse(`[${line},${line.slice(0, 40)}]`);
    expect(report).toMatchObject({ accepted: 0, rejected: 1 });
    expect(report.issues[0]).toMatchObject({ code: "bad_syntax", message: expect.stringMatching(/^the body is not valid JSON/) });
    expect(parse(JSON.stringify({ flows: 3 })).report.issues[0]!.code).toBe("bad_syntax");
    expect(parse("42").report).toMatchObject({ accepted: 0, rejected: 1 });
  });

  it("survives 1e5-deep nesting with a report", () => {
    const deep = `${"[".repeat(100_000)}${"]".repeat(100_000)}`;
    expect(parse(deep).report.accepted).toBe(0);
    expect(parse(`{"flows":${deep}}`).report.rejected).toBe(1);
  });

  it("honours maxRecords for arrays and NDJSON; an oversized one takes everything", () => {
    const ndjson = encodeFlowJson(BASIC_FLOWS, { format: "goflow2" });
    const array = `[${ndjson.trimEnd().split("\n").join(",")}]`;
    for (const [text, where] of [[ndjson, "from line 4"], [array, "from record 4"]] as const) {
      const { report } = parse(text, 3);
      expect(report).toMatchObject({ accepted: 3, rejected: 1 });
      expect(report.issues[0]).toMatchObject({ code: "bad_length", message: expect.stringContaining(where) });
      expect(parse(text, Infinity).report).toMatchObject({ accepted: 4, rejected: 0 });
    }
  });
});
