/**
 * @module Single-core parse rates of the text parsers (not a test): `npx tsx test/node/parsers/nfdump-csv.rate.ts`.
 * nfdump CSV (real nfdump 1.7.1 lines, repeated) against a split()-per-line reader using the same field readers, and
 * NDJSON (goflow2 v2 and FlowRecord names) against JSON.parse alone. Prints records/s, best of 7 runs (the minimum
 * filters out other processes on a shared machine).
 */
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { encodeFlowJson } from "../../../edge/src/parsers/json/encode.js";
import { flowJson } from "../../../edge/src/parsers/json/parse.js";
import { readDateTime, readIpv4, readPort, readSeconds, readTcpFlags, readUint } from "../../../edge/src/parsers/nfdump-csv/fields.js";
import { nfdumpCsv } from "../../../edge/src/parsers/nfdump-csv/parse.js";
import { readProtocol } from "../../../edge/src/parsers/nfdump-csv/protocols.js";
import { emptyReport, type TextParser } from "../../../edge/src/parsers/types.js";
import { FlowColumns } from "../../../shared/flow/columns.js";
import type { FlowRecord } from "../../../shared/flow/record.js";
import { EXTERNAL_DATA } from "../support/nfdump-truth.js";

const RECORDS = 300_000;

function best(label: string, records: number, run: () => void): void {
  let fastest = Infinity;
  for (let i = 0; i < 7; i++) {
    const t0 = performance.now();
    run();
    fastest = Math.min(fastest, performance.now() - t0);
  }
  console.log(`${label.padEnd(44)} ${(records / (fastest / 1000) / 1e6).toFixed(2)} M records/s  (${fastest.toFixed(0)} ms for ${records})`);
}

function parseWith(parser: TextParser, text: string): number {
  const out = new FlowColumns(1024);
  const report = emptyReport();
  parser.parseText(text, out, report, { maxRecords: Number.MAX_SAFE_INTEGER });
  if (report.rejected !== 0) throw new Error(`${parser.name}: ${report.rejected} rejected: ${report.issues[0]?.message}`);
  return report.accepted;
}

/** The same work by split(): one string per line, then one per field. */
function splitReader(text: string): number {
  let n = 0;
  const out = new FlowColumns(1024);
  for (const line of text.split("\n").slice(1)) {
    if (line === "") continue;
    const c = line.split(",");
    const f = (i: number) => c[i]!;
    const ts = readDateTime(f(0), 0, f(0).length);
    const te = readDateTime(f(1), 0, f(1).length);
    const td = readSeconds(f(2), 0, f(2).length);
    const row = out.reserve(1);
    out.startMs[row] = ts;
    out.endMs[row] = ts + td + (te - te);
    out.src[4 * row] = readIpv4(f(3), 0, f(3).length);
    out.dst[4 * row] = readIpv4(f(4), 0, f(4).length);
    out.srcPort[row] = readUint(f(5), 0, f(5).length);
    out.dstPort[row] = readPort(f(6), 0, f(6).length);
    out.protocol[row] = readProtocol(f(7), 0, f(7).length);
    out.tcpFlags[row] = readTcpFlags(f(8), 0, f(8).length);
    out.packets[row] = readUint(f(11), 0, f(11).length);
    out.bytes[row] = readUint(f(12), 0, f(12).length);
    out.length = ++n;
  }
  return n;
}

const sample = gunzipSync(readFileSync(`${EXTERNAL_DATA}flows-nfdump/stopddos.pkt.TCP.synflood.spoofed.ipfix.nfdump.csv.gz`)).toString("utf8").trimEnd().split("\n");
const [header, ...lines] = sample;
const body = Array.from({ length: RECORDS }, (_, i) => lines[i % lines.length]!);
/** A flat string, as TextDecoder or Request.text() gives it (a concatenation would be a slower rope). */
const flat = (s: string) => new TextDecoder().decode(new TextEncoder().encode(s));
const csv = flat(`${header}\n${body.join("\n")}\n`);
console.log(`nfdump CSV: ${RECORDS} records, ${(csv.length / 1e6).toFixed(1)} MB`);
best("nfdump-csv parser (index scan)", parseWith(nfdumpCsv, csv), () => parseWith(nfdumpCsv, csv));
best("split() per line and field, same readers", RECORDS, () => splitReader(csv));

const T = Date.UTC(2024, 4, 17, 10, 30);
const flows: FlowRecord[] = Array.from({ length: RECORDS }, (_, i) => ({
  startMs: T + i * 7,
  endMs: T + i * 7 + (i % 5000),
  src: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
  dst: "203.0.113.10",
  srcPort: 1024 + (i % 60000),
  dstPort: 443,
  protocol: i % 3 === 0 ? 17 : 6,
  tcpFlags: i % 3 === 0 ? 0 : 0x1b,
  packets: 1 + (i % 100),
  bytes: 60 + (i % 100_000),
  samplingRate: 1,
  exporterId: "192.0.2.1/0",
}));
for (const format of ["goflow2", "ndjson-native"] as const) {
  const ndjson = flat(encodeFlowJson(flows, { format }));
  console.log(`NDJSON (${format}): ${(ndjson.length / 1e6).toFixed(1)} MB`);
  best(`json parser, NDJSON ${format}`, parseWith(flowJson, ndjson), () => parseWith(flowJson, ndjson));
  best(`JSON.parse per line only (${format})`, RECORDS, () => {
    for (const l of ndjson.split("\n")) if (l !== "") JSON.parse(l);
  });
}
