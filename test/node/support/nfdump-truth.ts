// Test support: loads nfdump's ground-truth flows (`*.ms.csv[.gz]` from ../shared/data/external/flows-nfdump) for conformance tests.
import { existsSync, readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { fileURLToPath } from "node:url";

/** ../shared/data/external beside the checkout; absent on a user's clone (tests must say they skipped). */
export const EXTERNAL_DATA = fileURLToPath(new URL("../../../../shared/data/external/", import.meta.url));
export const HAVE_EXTERNAL_DATA = existsSync(EXTERNAL_DATA);
/** Reason string for describe.skipIf / it.skipIf when the external data is missing. */
export const NO_EXTERNAL_DATA = `skipped: ${EXTERNAL_DATA} is absent (it is present in CI; see ../shared/README.md)`;

export interface TruthFlow {
  startMs: number;
  endMs: number;
  /** IP protocol number */
  protocol: number;
  /** nfdump prints IPv6 abbreviated (`2a01:4f..dd:9898`): compare with `addressMatches` */
  src: string;
  dst: string;
  srcPort: number;
  /** for ICMP nfdump prints `type.code`; this is type·256 + code, as NetFlow carries it */
  dstPort: number;
  tcpFlags: number;
  packets: number;
  bytes: number;
}

const PROTOCOLS: Record<string, number> = { ICMP: 1, IGMP: 2, TCP: 6, UDP: 17, GRE: 47, ESP: 50, ICMP6: 58, EIGRP: 88, SCTP: 132 };
const FLAG_BITS = "CEUAPRSF"; // nfdump's 8-character flags string, most significant bit first

function parseTime(text: string): number {
  // "2026-11-23 11:26:38.237", UTC (the collector ran in UTC)
  const ms = Date.parse(`${text.replace(" ", "T")}Z`);
  if (Number.isNaN(ms)) throw new Error(`bad nfdump time ${text}`);
  return ms;
}

function parseFlags(text: string): number {
  if (text.length !== 8) throw new Error(`bad nfdump flags ${text}`);
  let v = 0;
  for (let i = 0; i < 8; i++) if (text[i] === FLAG_BITS[i]) v |= 1 << (7 - i);
  return v;
}

/** Reads `flows-nfdump/NAME` (gzipped or not) into TruthFlows, in file order. */
export function readTruth(name: string): TruthFlow[] {
  const path = `${EXTERNAL_DATA}flows-nfdump/${name}`;
  const raw = readFileSync(path);
  const text = (name.endsWith(".gz") ? gunzipSync(raw) : raw).toString("utf8");
  const lines = text.split("\n").filter((l) => l.trim() !== "");
  const header = lines.shift();
  if (header !== "ts_first,ts_last,duration,proto,src_addr,src_port,dst_addr,dst_port,tcp_flags,packets,bytes,exporter") {
    throw new Error(`${name}: unexpected header ${header}`);
  }
  return lines.map((line) => {
    const c = line.split(",");
    const protocol = PROTOCOLS[c[3]!] ?? Number(c[3]);
    if (!Number.isInteger(protocol)) throw new Error(`${name}: unknown protocol ${c[3]}`);
    const dp = c[7]!;
    const dstPort = dp.includes(".") ? Number(dp.split(".")[0]) * 256 + Number(dp.split(".")[1]) : Number(dp);
    return {
      startMs: parseTime(c[0]!),
      endMs: parseTime(c[1]!),
      protocol,
      src: c[4]!,
      srcPort: Number(c[5]),
      dst: c[6]!,
      dstPort,
      tcpFlags: parseFlags(c[8]!),
      packets: Number(c[9]),
      bytes: Number(c[10]),
    };
  });
}

/**
 * True when our canonical address equals nfdump's. nfdump shortens long IPv6 text by cutting its
 * middle (`2a01:4f..dd:9898`), so then the canonical text must start and end with the visible parts.
 */
export function addressMatches(truth: string, ours: string): boolean {
  if (!truth.includes("..")) return truth === ours;
  const [head, tail] = truth.split("..") as [string, string];
  return ours.length >= head.length + tail.length && ours.startsWith(head) && ours.endsWith(tail);
}
