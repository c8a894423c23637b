// Test support for the NetFlow v5/v9 conformance and fuzz tests: decode export pcaps with per-exporter state, match
// decoded flows against nfdump's ground truth as multisets, and read tshark's cflow decode (the reference decoder).
import { existsSync, readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { FlowColumns } from "../../../shared/flow/columns.js";
import type { FlowRecord } from "../../../shared/flow/record.js";
import { ExporterState } from "../../../edge/src/parsers/exporter-state.js";
import { columnsToRecords } from "../../../edge/src/parsers/parser.case.js";
import { emptyReport, type DatagramParser, type ParseReport } from "../../../edge/src/parsers/types.js";
import { readPcapUdp, type UdpDatagram } from "../support/pcap.js";
import { EXTERNAL_DATA, readTruth, type TruthFlow } from "../support/nfdump-truth.js";

export const EXPORTS = `${EXTERNAL_DATA}netflow-exports/`;
export const AKVORADO = `${EXTERNAL_DATA}vendor-export-fixtures-akvorado/`;

/** A decoded flow and the index of the datagram (in capture order) it came from. */
export interface DecodedFlow extends FlowRecord {
  datagram: number;
}

export interface DecodedExport {
  flows: DecodedFlow[];
  report: ParseReport;
  datagrams: UdpDatagram[];
}

/** Decodes datagrams in order, one ExporterState per source address (the exporter), received at capture time. */
export function decodeDatagrams(datagrams: UdpDatagram[], parser: DatagramParser): DecodedExport {
  const states = new Map<string, ExporterState>();
  const out = new FlowColumns(1024);
  const report = emptyReport();
  const owner: number[] = [];
  datagrams.forEach((d, i) => {
    let state = states.get(d.srcIp);
    if (state === undefined) states.set(d.srcIp, (state = new ExporterState()));
    parser.parseDatagram({ exporter: d.srcIp, receivedAtMs: d.timeMs, bytes: d.payload }, state, out, report);
    while (owner.length < out.length) owner.push(i);
  });
  const flows = columnsToRecords(out).map((f, i) => ({ ...f, datagram: owner[i]! }));
  return { flows, report, datagrams };
}

/** Decodes every UDP datagram of the pcap files, in order (templates first when given first). */
export function decodePcaps(paths: string[], parser: DatagramParser): DecodedExport {
  return decodeDatagrams(paths.flatMap((p) => readPcapUdp(p)), parser);
}

/** The exporter's boot instant by one datagram's header: unix_secs·1000 − sysUptime (v9; v5 adds unix_nsecs). */
export function bootMs(payload: Uint8Array): number {
  const dv = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  const v5 = dv.getUint16(0) === 5;
  return dv.getUint32(8) * 1000 + (v5 ? Math.floor(dv.getUint32(12) / 1e6) : 0) - dv.getUint32(4);
}

// ---- nfdump ground truth ----

/** A truth row with the bytes column as nfdump printed it: large values are abbreviated ("1.9M"), so readTruth gives NaN. */
export interface TruthRow extends TruthFlow {
  bytesText: string;
}

function readText(path: string): string {
  const raw = readFileSync(path);
  return (path.endsWith(".gz") ? gunzipSync(raw) : raw).toString("utf8");
}

/** The name of `<base>.<kind>.csv` in flows-nfdump/, gzipped or not. */
export function truthFile(base: string, kind: "ms" | "nfdump"): string {
  const plain = `${base}.${kind}.csv`;
  return existsSync(`${EXTERNAL_DATA}flows-nfdump/${plain}`) ? plain : `${plain}.gz`;
}

/** `flows-nfdump/<base>.ms.csv[.gz]`, with the printed bytes text of each row. */
export function readTruthRows(base: string): TruthRow[] {
  const name = truthFile(base, "ms");
  const lines = readText(`${EXTERNAL_DATA}flows-nfdump/${name}`).split("\n").filter((l) => l.trim() !== "").slice(1);
  return readTruth(name).map((t, i) => ({ ...t, bytesText: lines[i]!.split(",")[10]! }));
}

/**
 * Exact totals from `<base>.nfdump.csv[.gz]` (`nfdump -o csv` prints full numbers; its times are whole
 * seconds, which is why the field-by-field comparison uses the ms file).
 */
export function readExactTotals(base: string): { flows: number; packets: number; bytes: number } {
  const lines = readText(`${EXTERNAL_DATA}flows-nfdump/${truthFile(base, "nfdump")}`).split("\n").filter((l) => l.trim() !== "");
  const header = lines.shift()!.split(",");
  const ipkt = header.indexOf("ipkt");
  const ibyt = header.indexOf("ibyt");
  let packets = 0;
  let bytes = 0;
  for (const line of lines) {
    const c = line.split(",");
    packets += Number(c[ipkt]);
    bytes += Number(c[ibyt]);
  }
  return { flows: lines.length, packets, bytes };
}

/** True when nfdump's abbreviated number ("1.9M", 1000-based, one decimal) stands for `value`. */
export function abbreviatedMatches(text: string, value: number): boolean {
  const m = /^\s*([\d.]+)\s*([KMGT])\s*$/.exec(text);
  if (!m) return false;
  const unit = { K: 1e3, M: 1e6, G: 1e9, T: 1e12 }[m[2] as "K" | "M" | "G" | "T"];
  return Math.abs(value - Number(m[1]) * unit) <= 0.05 * unit;
}

/**
 * Matches two multisets: candidates must share a bucket key (fields no known difference touches), then among
 * the unmatched candidates for which `same` holds the one of least `cost` (default: the first) is taken.
 * Returns the pairs and what is left on each side.
 */
export function matchMultisets<T, O>(
  truth: readonly T[],
  ours: readonly O[],
  keyT: (t: T) => string,
  keyO: (o: O) => string,
  same: (t: T, o: O) => boolean,
  cost: (t: T, o: O) => number = () => 0,
): { pairs: [T, O][]; truthLeft: T[]; oursLeft: O[] } {
  const buckets = new Map<string, O[]>();
  for (const o of ours) {
    const k = keyO(o);
    const b = buckets.get(k);
    if (b) b.push(o);
    else buckets.set(k, [o]);
  }
  const pairs: [T, O][] = [];
  const truthLeft: T[] = [];
  for (const t of truth) {
    const b = buckets.get(keyT(t)) ?? [];
    let i = -1;
    for (let j = 0; j < b.length; j++) if (same(t, b[j]!) && (i < 0 || cost(t, b[j]!) < cost(t, b[i]!))) i = j;
    if (i < 0) truthLeft.push(t);
    else pairs.push([t, b.splice(i, 1)[0]!]);
  }
  return { pairs, truthLeft, oursLeft: [...buckets.values()].flat() };
}

export function totals(flows: readonly { packets: number; bytes: number }[]): { flows: number; packets: number; bytes: number } {
  let packets = 0;
  let bytes = 0;
  for (const f of flows) {
    packets += f.packets;
    bytes += f.bytes;
  }
  return { flows: flows.length, packets, bytes };
}

// ---- tshark's cflow decode ----

export interface TsharkFlow {
  src: string;
  dst: string;
  srcPort: number;
  /** the destination port, or ICMP type·256 + code from cflow.icmp_type_code_ipv4/ipv6 */
  dstPort: number;
  protocol: number;
  tcpFlags: number;
  packets: number;
  bytes: number;
  /** FIRST/LAST_SWITCHED: exporter uptime in ms */
  firstUptimeMs: number;
  lastUptimeMs: number;
  /** tshark shows an uptime stamp of 0 as the absolute time 1970-01-01 (cflow.abstimestart/abstimeend) */
  zeroShownAs1970: boolean;
}

export interface TsharkPacket {
  version: number;
  sysUptimeMs: number;
  unixSecs: number;
  /** v5 only; 0 for v9 */
  unixNsecs: number;
  flows: TsharkFlow[];
}

type Json = { [key: string]: Json } & Record<string, unknown>;
const sec = (text: unknown) => Math.round(Number(text) * 1000);
const EPOCH_TEXT = /^Jan {1,2}1, 1970 00:00:00\.000000000 UTC$/;

/** An uptime stamp in ms: relative seconds, or tshark's 1970-01-01 rendering of 0 (NaN for anything else). */
function uptimeMs(times: Json, relative: string, absolute: string): number {
  if (times[relative] !== undefined) return sec(times[relative]);
  return EPOCH_TEXT.test(String(times[absolute])) ? 0 : NaN;
}

function tsharkFlow(f: Json): TsharkFlow | null {
  const src = f["cflow.srcaddr"] ?? f["cflow.srcaddrv6"];
  if (typeof src !== "string") return null; // options records (sampling, interface names)
  const times = f["cflow.timedelta_tree"] as Json;
  const icmp = f["cflow.icmp_type_code_ipv4"] ?? f["cflow.icmp_type_code_ipv6"];
  return {
    src,
    dst: String(f["cflow.dstaddr"] ?? f["cflow.dstaddrv6"]),
    srcPort: Number(f["cflow.srcport"] ?? 0),
    dstPort: icmp !== undefined && f["cflow.dstport"] === undefined ? Number(icmp) : Number(f["cflow.dstport"] ?? 0),
    protocol: Number(f["cflow.protocol"]),
    tcpFlags: Number(f["cflow.tcpflags"] ?? 0),
    packets: Number(f["cflow.packets"]),
    bytes: Number(f["cflow.octets"]),
    firstUptimeMs: uptimeMs(times, "cflow.timestart", "cflow.abstimestart"),
    lastUptimeMs: uptimeMs(times, "cflow.timeend", "cflow.abstimeend"),
    zeroShownAs1970: times["cflow.timestart"] === undefined || times["cflow.timeend"] === undefined,
  };
}

/** `tshark-decode/<name>` (`tshark -T json`, gzipped): the cflow layer of every frame, data records in order. */
export function readTshark(name: string): TsharkPacket[] {
  const frames = JSON.parse(readText(`${EXTERNAL_DATA}tshark-decode/${name}`)) as { _source: { layers: { cflow: Json } } }[];
  return frames.map(({ _source }) => {
    const c = _source.layers.cflow;
    const stamp = c["cflow.timestamp_tree"] as Json;
    const flows: TsharkFlow[] = [];
    for (const [key, value] of Object.entries(c)) {
      if (key.startsWith("pdu ")) flows.push(tsharkFlow(value as Json)!); // v5
      if (key.startsWith("FlowSet ")) {
        for (const [k, v] of Object.entries(value as Json)) {
          const f = k.startsWith("Flow ") ? tsharkFlow(v as Json) : null;
          if (f) flows.push(f);
        }
      }
    }
    return {
      version: Number(c["cflow.version"]),
      sysUptimeMs: sec(c["cflow.sysuptime"]),
      unixSecs: Number(stamp["cflow.unix_secs"]),
      unixNsecs: Number(stamp["cflow.unix_nsecs"] ?? 0),
      flows,
    };
  });
}
