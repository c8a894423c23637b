/** @module Test support for IPFIX conformance: decode an export pcap with our parser, read nfdump and tshark references, match flow multisets. */
import { existsSync, readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { ExporterState } from "../../../edge/src/parsers/exporter-state.js";
import { ipfix } from "../../../edge/src/parsers/ipfix/parse.js";
import { collect } from "../../../edge/src/parsers/parser.case.js";
import type { ParseReport } from "../../../edge/src/parsers/types.js";
import type { FlowRecord } from "../../../shared/flow/record.js";
import { EXTERNAL_DATA, addressMatches, readTruth, type TruthFlow } from "../support/nfdump-truth.js";
import { readPcapUdp } from "../support/pcap.js";

/** Decodes every datagram of a pcap in capture order, one ExporterState per source address. */
export function decodePcap(path: string): { flows: FlowRecord[]; report: ParseReport; states: Map<string, ExporterState> } {
  const states = new Map<string, ExporterState>();
  const { flows, report } = collect((out, rep) => {
    for (const d of readPcapUdp(path)) {
      let state = states.get(d.srcIp);
      if (!state) states.set(d.srcIp, (state = new ExporterState()));
      ipfix.parseDatagram({ exporter: d.srcIp, receivedAtMs: d.timeMs, bytes: d.payload }, state, out, rep);
    }
  });
  return { flows, report, states };
}

const truthFile = (name: string): string | undefined => [name, `${name}.gz`].find((n) => existsSync(`${EXTERNAL_DATA}flows-nfdump/${n}`));

/**
 * nfdump's ground truth for an export (`flows-nfdump/BASE.ms.csv[.gz]`), with exact byte counts:
 * the compact `.ms.csv` prints counts of a million or more scaled ("1.9M", NaN once read), so
 * those are taken from the 48-column `BASE.nfdump.csv` of the same run (same rows, same order).
 */
export function readExactTruth(base: string): TruthFlow[] {
  const ms = truthFile(`${base}.ms.csv`);
  if (!ms) throw new Error(`no nfdump truth for ${base}`);
  const truth = readTruth(ms);
  if (truth.every((t) => Number.isFinite(t.bytes))) return truth;
  const full = truthFile(`${base}.nfdump.csv`)!;
  const raw = readFileSync(`${EXTERNAL_DATA}flows-nfdump/${full}`);
  const rows = (full.endsWith(".gz") ? gunzipSync(raw) : raw).toString("utf8").split("\n").slice(1).filter((l) => l.trim() !== "");
  if (rows.length !== truth.length) throw new Error(`${full}: ${rows.length} rows, ${ms}: ${truth.length}`);
  return truth.map((t, i) => {
    if (Number.isFinite(t.bytes)) return t;
    const c = rows[i]!.split(","); // ts,te,td,sa,da,sp,dp,pr,flg,fwd,stos,ipkt,ibyt,...
    if (Number(c[5]) !== t.srcPort || Number(c[11]) !== t.packets) throw new Error(`${full} row ${i} does not match ${ms}`);
    return { ...t, bytes: Number(c[12]) };
  });
}

/** The comparable fields of a flow. */
export type Comparable = Omit<TruthFlow, never>;

export function comparable(f: FlowRecord): Comparable {
  const { startMs, endMs, protocol, src, dst, srcPort, dstPort, tcpFlags, packets, bytes } = f;
  return { startMs, endMs, protocol, src, dst, srcPort, dstPort, tcpFlags, packets, bytes };
}

export interface MatchResult {
  matched: number;
  /** our flows with no reference partner, and reference flows with none (first few of each) */
  onlyOurs: Comparable[];
  onlyReference: Comparable[];
}

/**
 * Matches two flow multisets: flows pair up when every field is equal, addresses compared with
 * `addressMatches` (nfdump abbreviates long IPv6 text). `fields` limits the comparison.
 */
export function matchFlows(ours: Comparable[], reference: Comparable[], fields: (keyof Comparable)[] = ["startMs", "endMs", "protocol", "src", "dst", "srcPort", "dstPort", "tcpFlags", "packets", "bytes"]): MatchResult {
  const keyFields = fields.filter((k) => k !== "src" && k !== "dst");
  const key = (f: Comparable) => keyFields.map((k) => f[k]).join("|");
  const groups = new Map<string, Comparable[]>();
  for (const r of reference) {
    const g = groups.get(key(r));
    if (g) g.push(r);
    else groups.set(key(r), [r]);
  }
  const onlyOurs: Comparable[] = [];
  let matched = 0;
  for (const o of ours) {
    const g = groups.get(key(o));
    const i = g ? g.findIndex((r) => (!fields.includes("src") || addressMatches(r.src, o.src)) && (!fields.includes("dst") || addressMatches(r.dst, o.dst))) : -1;
    if (g && i >= 0) {
      g.splice(i, 1);
      matched++;
    } else onlyOurs.push(o);
  }
  const onlyReference = [...groups.values()].flat();
  return { matched, onlyOurs: onlyOurs.slice(0, 5), onlyReference: onlyReference.slice(0, 5) };
}

export function totals(flows: { packets: number; bytes: number }[]): { flows: number; packets: number; bytes: number } {
  return { flows: flows.length, packets: flows.reduce((n, f) => n + f.packets, 0), bytes: flows.reduce((n, f) => n + f.bytes, 0) };
}

/** tshark's time text ("Nov 23, 2026 11:26:38.332000000 UTC") as epoch ms. */
function tsharkTime(text: string): number {
  const m = /^(\w{3}) +(\d+), (\d{4}) (\d\d):(\d\d):(\d\d)\.(\d{3})\d* UTC$/.exec(text);
  if (!m) throw new Error(`bad tshark time ${text}`);
  const month = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"].indexOf(m[1]!);
  return Date.UTC(Number(m[3]), month, Number(m[2]), Number(m[4]), Number(m[5]), Number(m[6]), Number(m[7]));
}

type Json = Record<string, unknown>;
const str = (o: Json, k: string): string | undefined => (typeof o[k] === "string" ? (o[k] as string) : undefined);

/**
 * Flows of a `tshark-decode/*.tshark.json.gz` file (tshark's cflow dissector), in capture order.
 * Uptime times (cflow.timestart/timeend, seconds since system init) are made absolute with the
 * cflow.sys_init_time of the latest options record. tshark shows an uptime of 0 as an absolute
 * 1970-01-01 (`cflow.abstimestart`); that is uptime 0, i.e. the system init time itself.
 */
export function readTshark(name: string): Comparable[] {
  const frames = JSON.parse(gunzipSync(readFileSync(`${EXTERNAL_DATA}tshark-decode/${name}`)).toString("utf8")) as Json[];
  const flows: Comparable[] = [];
  let initMs = NaN;
  for (const frame of frames) {
    const cflow = ((frame._source as Json).layers as Json).cflow as Json | undefined;
    if (!cflow) continue;
    for (const [setName, set] of Object.entries(cflow)) {
      if (!setName.startsWith("Set ") || typeof set !== "object" || set === null) continue;
      for (const [flowName, flow] of Object.entries(set as Json)) {
        if (!flowName.startsWith("Flow ")) continue;
        const f = flow as Json;
        const init = str(f, "cflow.sys_init_time");
        if (init !== undefined) initMs = tsharkTime(init);
        if (str(f, "cflow.octets") === undefined) continue; // an options record
        const times = f["cflow.timedelta_tree"] as Json;
        const time = (abs: string, rel: string) => {
          const a = str(times, abs);
          if (a !== undefined) return a.startsWith("Jan  1, 1970 00:00:00.000") ? initMs : tsharkTime(a);
          return initMs + Math.round(Number(str(times, rel)) * 1000);
        };
        const icmp = str(f, "cflow.icmp_type_code_ipv4") ?? str(f, "cflow.icmp_type_code_ipv6");
        flows.push({
          startMs: time("cflow.abstimestart", "cflow.timestart"),
          endMs: time("cflow.abstimeend", "cflow.timeend"),
          protocol: Number(str(f, "cflow.protocol")),
          src: (str(f, "cflow.srcaddr") ?? str(f, "cflow.srcaddrv6"))!,
          dst: (str(f, "cflow.dstaddr") ?? str(f, "cflow.dstaddrv6"))!,
          srcPort: Number(str(f, "cflow.srcport") ?? 0),
          dstPort: icmp !== undefined ? Number(icmp) : Number(str(f, "cflow.dstport") ?? 0),
          tcpFlags: Number(str(f, "cflow.tcpflags") ?? 0),
          packets: Number(str(f, "cflow.packets")),
          bytes: Number(str(f, "cflow.octets")),
        });
      }
    }
  }
  return flows;
}
