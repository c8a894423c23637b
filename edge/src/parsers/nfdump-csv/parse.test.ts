/** @module The nfdump CSV parser: the shared parser cases, then nfdump's own details (runs in workerd). */
import { describe, expect, it } from "vitest";
import type { FlowRecord } from "../../../../shared/flow/record.js";
import { BASIC_FLOWS, collect, runParserCases } from "../parser.case.js";
import { encodeNfdumpCsv } from "./encode.js";
import { NFDUMP_CSV_HEADER } from "./header.js";
import { nfdumpCsv } from "./parse.js";

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder("utf-8", { fatal: false, ignoreBOM: false });

function parse(text: string, maxRecords = 1_000_000) {
  return collect((out, report) => nfdumpCsv.parseText(text, out, report, { maxRecords }));
}

runParserCases({
  name: "nfdump-csv",
  encode: (flows) => [utf8.encode(encodeNfdumpCsv(flows))],
  parse: (inputs) =>
    collect((out, report) => {
      for (const bytes of inputs) nfdumpCsv.parseText(fromUtf8.decode(bytes), out, report, { maxRecords: 1_000_000 });
    }),
  lacks: {
    milliseconds: "nfdump -o csv prints ts/te in whole seconds: startMs comes back floored, the duration (td) keeps its ms",
    sampling: "nfdump -o csv has no sampling column: samplingRate is always 1",
  },
});

/** A 48-column line as nfdump 1.7.1 prints it, with the first 13 columns given. */
function row(first13: string): string {
  return `${first13},0,0,0,0,0,0,0,0,0,0,0.0.0.0,0.0.0.0,0,0,${Array(4).fill("00:00:00:00:00:00")},${Array(10).fill("0-0-0")},    0.000,    0.000,    0.000,127.0.0.1,0/0,1,2026-11-23 11:39:26.565`;
}

const LINE_TCP = row("2010-07-07 03:16:19,2010-07-07 03:16:19,0.042,74.125.19.17,172.16.11.12,443,64565,TCP,...A...F,0,0,4,220");
const LINE_ICMP = row("2010-07-07 03:16:20,2010-07-07 03:16:20,0.000,10.31.0.1,10.34.0.1,0,2048,ICMP,........,0,0,1,108");
const T0 = Date.UTC(2010, 6, 7, 3, 16, 19);

describe("nfdump-csv: nfdump's format", () => {
  it("reads nfdump 1.7.1 lines: ts floored to the second, endMs = ts + td exactly", () => {
    const { flows, report } = parse(`${NFDUMP_CSV_HEADER}\n${LINE_TCP}\n${LINE_ICMP}\n`);
    expect(report).toMatchObject({ accepted: 2, rejected: 0 });
    expect(flows[0]).toMatchObject({ startMs: T0, endMs: T0 + 42, src: "74.125.19.17", dst: "172.16.11.12", srcPort: 443, dstPort: 64565, protocol: 6, tcpFlags: 0x11, packets: 4, bytes: 220, samplingRate: 1 });
    expect(flows[1]).toMatchObject({ startMs: T0 + 1000, protocol: 1, dstPort: 8 * 256, tcpFlags: 0 });
  });

  it("finds columns by the header, whatever their order", () => {
    const text = encodeNfdumpCsv(BASIC_FLOWS);
    const reversed = text
      .trimEnd()
      .split("\n")
      .map((l) => l.split(",").reverse().join(","))
      .join("\n");
    const { flows, report } = parse(reversed);
    expect(report.rejected).toBe(0);
    expect(flows).toEqual(BASIC_FLOWS);
  });

  it("accepts nfdump 1.6's shorter header and later 1.7's long names, with ms in ts", () => {
    const old = "ts,te,td,sa,da,sp,dp,pr,flg,fwd,stos,ipkt,ibyt,opkt,obyt,in,out,sas,das,smk,dmk,dtos,dir,nh,nhb,svln,dvln,ismc,odmc,idmc,osmc,mpls1,mpls2,mpls3,mpls4,mpls5,mpls6,mpls7,mpls8,mpls9,mpls10,ra,eng";
    const oldLine = LINE_TCP.split(",").slice(0, 41).concat(["127.0.0.1", "0/0"]).join(",");
    expect(parse(`${old}\n${oldLine}\n`).report).toMatchObject({ accepted: 1, rejected: 0 });
    const long = "firstSeen,lastSeen,duration,proto,srcAddr,srcPort,dstAddr,dstPort,flags,inPackets,inBytes";
    const { flows } = parse(`${long}\n2010-07-07 03:16:19.466,2010-07-07 03:16:19.508,0.042,UDP,10.0.0.1,53,10.0.0.2,5353,........,2,140\n`);
    expect(flows[0]).toMatchObject({ startMs: T0 + 466, endMs: T0 + 508, protocol: 17, srcPort: 53, packets: 2, bytes: 140 });
  });

  it("ignores the Summary block nfdump prints after the records", () => {
    const text = `${encodeNfdumpCsv(BASIC_FLOWS)}\nSummary\nflows,bytes,packets,avg_bps,avg_pps,avg_bpp\n4,113144,132,15085,17,857\n`;
    expect(parse(text).report).toMatchObject({ accepted: 4, rejected: 0, issues: [] });
  });

  it("rejects bad lines with their line number and column, and keeps the good ones", () => {
    const lines = encodeNfdumpCsv(BASIC_FLOWS).trimEnd().split("\n");
    lines[2] = lines[2]!.replace("203.0.113.10", "203.0.113"); // line 3: sa (4)
    lines[3] = lines[3]!.replace(",771,", ",70000,"); // line 4: dp (7) out of range
    lines[4] = lines[4]!.replace(",TCP,", ",,"); // line 5: pr (8) empty
    const { flows, report } = parse(lines.join("\n"));
    expect(flows).toEqual([BASIC_FLOWS[0]]);
    expect(report.rejected).toBe(3);
    expect(report.issues.map((i) => i.code)).toEqual(["bad_syntax", "bad_record", "missing_field"]);
    expect(report.issues[0]!.message).toContain("line 3, column sa (4)");
    expect(report.issues[1]!.message).toContain("line 4, column dp (7)");
    expect(report.issues[2]!.message).toContain("line 5, column pr (8)");
  });

  it("rejects a line cut inside a value rather than reading a shorter value", () => {
    const cut = LINE_TCP.slice(0, LINE_TCP.indexOf(",4,220") + 5); // ibyt "22", no comma after it
    const { report } = parse(`${NFDUMP_CSV_HEADER}\n${cut}\n${LINE_ICMP}\n`);
    expect(report).toMatchObject({ accepted: 1, rejected: 1 });
    expect(report.issues[0]!.message).toMatch(/^line 2: 13 column\(s\) where the header has 48/);
  });

  it("rejects nfdump's wrapped negative durations and a te that disagrees with ts + td", () => {
    const wrapped = LINE_TCP.replace(",0.042,", ",18446744073709548.000,");
    const late = LINE_TCP.replace("2010-07-07 03:16:19,2010-07-07 03:16:19", "2010-07-07 03:16:19,2010-07-07 03:16:25");
    const { report } = parse(`${NFDUMP_CSV_HEADER}\n${wrapped}\n${late}\n`);
    expect(report.issues.map((i) => i.code)).toEqual(["bad_record", "bad_record"]);
    expect(report.issues[0]!.message).toContain("2^64 wrap-around");
    expect(report.issues[1]!.message).toContain("column te (2)");
  });

  it("keeps the duration's milliseconds: a whole-second start round-trips exactly", () => {
    const flows: FlowRecord[] = BASIC_FLOWS.map((f) => ({ ...f, endMs: f.endMs + 911 }));
    expect(parse(encodeNfdumpCsv(flows)).flows).toEqual(flows);
    const shifted = BASIC_FLOWS.map((f) => ({ ...f, startMs: f.startMs + 137, endMs: f.endMs + 911 }));
    const back = parse(encodeNfdumpCsv(shifted)).flows;
    back.forEach((f, i) => {
      expect(f.startMs).toBe(BASIC_FLOWS[i]!.startMs);
      expect(f.endMs - f.startMs).toBe(shifted[i]!.endMs - shifted[i]!.startMs);
    });
  });

  it("reads protocol names and numbers, ICMP type.code, and every flag spelling", () => {
    const line = (pr: string, dp: string, flg: string) => row(`2010-07-07 03:16:19,2010-07-07 03:16:19,0.000,10.0.0.1,10.0.0.2,0,${dp},${pr},${flg},0,0,1,1`);
    const cases = [
      ["GRE", "0", "........", 47, 0, 0],
      ["ESP", "0", "0", 50, 0, 0],
      ["ICMP6", "128.0", "........", 58, 128 * 256, 0],
      ["ICMP", "3.3", "........", 1, 771, 0],
      ["253  ", "0", "0x1b", 253, 0, 0x1b],
      ["6", "80", "...A.RSF", 6, 80, 0x17],
      ["tcp", "80", ".A..S.", 6, 80, 0x12],
      ["IDPR", "0", "CE....S.", 35, 0, 0xc2],
    ] as const;
    const { flows, report } = parse([NFDUMP_CSV_HEADER, ...cases.map(([pr, dp, flg]) => line(pr, dp, flg))].join("\n"));
    expect(report.rejected).toBe(0);
    expect(flows.map((f) => [f.protocol, f.dstPort, f.tcpFlags])).toEqual(cases.map(([, , , p, d, t]) => [p, d, t]));
    expect(parse(`${NFDUMP_CSV_HEADER}\n${line("XYZ", "0", "0")}\n${line("TCP", "0", "..X.....")}`).report.issues.map((i) => i.message)).toEqual([
      expect.stringContaining("line 2, column pr (8)"),
      expect.stringContaining("line 3, column flg (9)"),
    ]);
  });

  it("reads full-text IPv6 and rejects mixed families", () => {
    const v6 = row("2010-07-07 03:16:19,2010-07-07 03:16:19,0.000,2001:0db8:0000:0000:0000:0000:0000:0053,2001:db8::10,53,5353,UDP,........,0,0,1,100");
    const mixed = v6.replace("2001:db8::10", "10.0.0.1");
    const { flows, report } = parse(`${NFDUMP_CSV_HEADER}\n${v6}\n${mixed}\n`);
    expect(flows.map((f) => [f.src, f.dst])).toEqual([["2001:db8::53", "2001:db8::10"]]);
    expect(report.issues[0]).toMatchObject({ code: "bad_record", message: expect.stringContaining("line 3, column da (5)") });
  });

  it("honours maxRecords, and an oversized one neither truncates nor preallocates", () => {
    const text = encodeNfdumpCsv(BASIC_FLOWS);
    const limited = parse(text, 3);
    expect(limited.report).toMatchObject({ accepted: 3, rejected: 1 });
    expect(limited.report.issues[0]).toMatchObject({ code: "bad_length", message: expect.stringContaining("from line 5") });
    for (const max of [4, 2 ** 53, Infinity]) expect(parse(text, max).report).toMatchObject({ accepted: 4, rejected: 0 });
    expect(parse(text, 0).report).toMatchObject({ accepted: 0, rejected: 4 });
  });

  it("reads a body without a header in nfdump's order, and CRLF line ends", () => {
    const { flows } = parse(`${LINE_TCP}\r\n${LINE_ICMP}\r\n`);
    expect(flows.map((f) => f.protocol)).toEqual([6, 1]);
  });

  it("counts the records under a header that lacks a needed column, once", () => {
    const header = NFDUMP_CSV_HEADER.replace(",flg,", ",flags_x,");
    const { report } = parse(`${header}\n${LINE_TCP}\n${LINE_ICMP}\n`);
    expect(report).toMatchObject({ accepted: 0, rejected: 2 });
    expect(report.issues).toEqual([{ code: "missing_field", message: "line 1: the header lacks column(s) flg; 2 record line(s) under it were not read" }]);
  });

  it("starts a new block at a later header line (nfdump 1.6 prints one per block)", () => {
    const first = encodeNfdumpCsv(BASIC_FLOWS.slice(0, 2));
    const second = encodeNfdumpCsv(BASIC_FLOWS.slice(2))
      .trimEnd()
      .split("\n")
      .map((l) => l.split(",").reverse().join(","))
      .join("\n");
    expect(parse(first + second).flows).toEqual(BASIC_FLOWS);
  });
});
