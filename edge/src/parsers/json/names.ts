/**
 * @module The field names a JSON flow may use, mapped onto FlowRecord's: goflow2 v2 (`src_addr`, `time_flow_start_ns`,
 * …), goflow2 v1 (`SrcAddr`, `TimeFlowStart`, …), nfdump's `-o json` (`src4_addr`, `first`, `in_bytes`, …), and our own.
 *
 * - goflow2 v2: times in ns (numbers, digit strings, or RFC 3339 text when rendered as dates), rounded to the ms;
 *   `proto` is a name (goflow2 names only ICMP, TCP, UDP, ICMPv6, SCTP and prints "" for any other protocol, which
 *   cannot be recovered: render proto as a number in goflow2's mapping) or a number; `sampling_rate` 0 (unknown) is 1.
 * - goflow2 v1: `TimeFlowStartMs`/`TimeFlowEndMs`, else `TimeFlowStartNs`/`…EndNs`, else `TimeFlowStart`/`…End` (s).
 * - nfdump (1.7 `first`/`last`, 1.6 `t_first`/`t_last`): local time printed with ms, read as UTC (run nfdump with
 *   TZ=UTC); `tcp_flags` as `CEUAPRSF` text; `in_packets`/`in_bytes` (`out_*` are not read); no sampling rate (1).
 * - ICMP (protocol 1 or 58) without a destination port gets type·256 + code from `icmp_type`/`icmp_code` (goflow2
 *   v2, nfdump) or `IcmpType`/`IcmpCode` (v1), and source port 0, as NetFlow carries them.
 * Digit strings (protobuf JSON's 64-bit integers) are read as numbers for goflow2's fields.
 */
import { FlowValidationError, type FlowRecord } from "../../../../shared/flow/record.js";
import { readDateTime, readTcpFlags } from "../nfdump-csv/fields.js";
import { protocolNumber } from "../nfdump-csv/protocols.js";

export type Naming = "goflow2" | "goflow2-v1" | "nfdump" | "native";

/** A flow's fields under FlowRecord's names, still unchecked; one is reused for every record of a body. */
export interface Candidate {
  startMs: unknown;
  endMs: unknown;
  src: unknown;
  dst: unknown;
  srcPort: unknown;
  dstPort: unknown;
  protocol: unknown;
  tcpFlags: unknown;
  packets: unknown;
  bytes: unknown;
  samplingRate: unknown;
}

export function newCandidate(): Candidate {
  const u = undefined as unknown;
  return { startMs: u, endMs: u, src: u, dst: u, srcPort: u, dstPort: u, protocol: u, tcpFlags: u, packets: u, bytes: u, samplingRate: u };
}

type Json = Record<string, unknown>;

export function namingOf(o: Json): Naming {
  if (o.src_addr !== undefined || o.time_flow_start_ns !== undefined) return "goflow2";
  if (o.SrcAddr !== undefined || o.TimeFlowStart !== undefined || o.TimeFlowStartMs !== undefined) return "goflow2-v1";
  if (o.src4_addr !== undefined || o.src6_addr !== undefined || o.first !== undefined || o.t_first !== undefined) return "nfdump";
  return "native";
}

/** Where each FlowRecord field comes from under a naming, for error messages. */
export const SOURCE_NAMES: Record<Exclude<Naming, "native">, Partial<Record<keyof FlowRecord, string>>> = {
  goflow2: { startMs: "time_flow_start_ns", endMs: "time_flow_end_ns", src: "src_addr", dst: "dst_addr", srcPort: "src_port", dstPort: "dst_port", protocol: "proto", tcpFlags: "tcp_flags", packets: "packets", bytes: "bytes", samplingRate: "sampling_rate" },
  "goflow2-v1": { startMs: "TimeFlowStart", endMs: "TimeFlowEnd", src: "SrcAddr", dst: "DstAddr", srcPort: "SrcPort", dstPort: "DstPort", protocol: "Proto", tcpFlags: "TCPFlags", packets: "Packets", bytes: "Bytes", samplingRate: "SamplingRate" },
  nfdump: { startMs: "first", endMs: "last", src: "src4_addr/src6_addr", dst: "dst4_addr/dst6_addr", srcPort: "src_port", dstPort: "dst_port", protocol: "proto", tcpFlags: "tcp_flags", packets: "in_packets", bytes: "in_bytes" },
};

function isDigits(s: string): boolean {
  if (s.length === 0 || s.length > 20) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** A number, or a digit string as a number; anything else unchanged (validation reports it). */
function num(v: unknown): unknown {
  return typeof v === "string" && isDigits(v) ? Number(v) : v;
}

function ns(v: unknown, field: keyof FlowRecord, name: string): unknown {
  if (typeof v === "number") return Math.round(v / 1e6);
  if (typeof v !== "string") return v;
  if (isDigits(v)) {
    // exact: the ms are the digits without the last six, rounded by the first of those
    const cut = v.length - 6;
    const ms = cut > 0 ? Number(v.slice(0, cut)) : 0;
    return ms + (v.charCodeAt(Math.max(cut, 0)) >= 53 && v.length >= 6 ? 1 : 0);
  }
  const ms = Date.parse(v);
  if (Number.isNaN(ms)) throw new FlowValidationError("wrong_type", field, `${name} is not a time: ${JSON.stringify(v.slice(0, 40))}`);
  return ms;
}

function seconds(v: unknown): unknown {
  const n = num(v);
  return typeof n === "number" ? n * 1000 : n;
}

function protocol(v: unknown, name: string): unknown {
  if (typeof v !== "string") return v;
  const n = protocolNumber(v);
  if (n >= 0) return n;
  if (v.trim() === "") {
    throw new FlowValidationError("missing_field", "protocol", `${name} is "" (goflow2 names only ICMP, TCP, UDP, ICMPv6 and SCTP; render proto as a number)`);
  }
  throw new FlowValidationError("wrong_type", "protocol", `${name} is not a protocol name or number: ${JSON.stringify(v.slice(0, 20))}`);
}

function samplingRate(v: unknown): unknown {
  const n = num(v);
  return n === 0 || n === undefined ? 1 : n;
}

/** For ICMP, type·256 + code when the destination port is absent or 0. */
function icmpPort(c: Candidate, port: unknown, type: unknown, code: unknown): void {
  const isIcmp = c.protocol === 1 || c.protocol === 58;
  if (isIcmp && (port === undefined || port === 0) && (typeof type === "number" || typeof code === "number")) {
    const t = typeof type === "number" ? type : 0;
    const k = typeof code === "number" ? code : 0;
    c.dstPort = Number.isInteger(t) && Number.isInteger(k) && t >= 0 && t <= 255 && k >= 0 && k <= 255 ? t * 256 + k : -1;
  } else c.dstPort = port;
  if (isIcmp && c.srcPort === undefined) c.srcPort = 0;
}

function nfdumpTime(v: unknown, field: keyof FlowRecord, name: string, fractionIsMs: boolean): unknown {
  if (typeof v !== "string") return v;
  const ms = readDateTime(v, 0, v.length, fractionIsMs);
  if (Number.isNaN(ms)) throw new FlowValidationError("wrong_type", field, `${name} is not a time: ${JSON.stringify(v.slice(0, 40))}`);
  return ms;
}

/** Fills `c` from `o` under `naming` (not "native"). Throws FlowValidationError for values no name mapping can read. */
export function mapNames(naming: Exclude<Naming, "native">, o: Json, c: Candidate): void {
  if (naming === "goflow2") {
    c.startMs = ns(o.time_flow_start_ns, "startMs", "time_flow_start_ns");
    c.endMs = ns(o.time_flow_end_ns, "endMs", "time_flow_end_ns");
    c.src = o.src_addr;
    c.dst = o.dst_addr;
    c.protocol = protocol(num(o.proto), "proto");
    c.srcPort = num(o.src_port);
    icmpPort(c, num(o.dst_port), num(o.icmp_type), num(o.icmp_code));
    c.tcpFlags = num(o.tcp_flags);
    c.packets = num(o.packets);
    c.bytes = num(o.bytes);
    c.samplingRate = samplingRate(o.sampling_rate);
  } else if (naming === "goflow2-v1") {
    c.startMs = o.TimeFlowStartMs !== undefined ? num(o.TimeFlowStartMs) : o.TimeFlowStartNs !== undefined ? ns(o.TimeFlowStartNs, "startMs", "TimeFlowStartNs") : seconds(o.TimeFlowStart);
    c.endMs = o.TimeFlowEndMs !== undefined ? num(o.TimeFlowEndMs) : o.TimeFlowEndNs !== undefined ? ns(o.TimeFlowEndNs, "endMs", "TimeFlowEndNs") : seconds(o.TimeFlowEnd);
    c.src = o.SrcAddr;
    c.dst = o.DstAddr;
    c.protocol = protocol(num(o.Proto), "Proto");
    c.srcPort = num(o.SrcPort);
    icmpPort(c, num(o.DstPort), num(o.IcmpType), num(o.IcmpCode));
    c.tcpFlags = num(o.TCPFlags);
    c.packets = num(o.Packets);
    c.bytes = num(o.Bytes);
    c.samplingRate = samplingRate(o.SamplingRate);
  } else {
    const old = o.first === undefined && o.t_first !== undefined;
    c.startMs = nfdumpTime(old ? o.t_first : o.first, "startMs", old ? "t_first" : "first", old);
    c.endMs = nfdumpTime(old ? o.t_last : o.last, "endMs", old ? "t_last" : "last", old);
    c.src = o.src4_addr ?? o.src6_addr;
    c.dst = o.dst4_addr ?? o.dst6_addr;
    c.protocol = o.proto;
    c.srcPort = o.src_port;
    icmpPort(c, o.dst_port, o.icmp_type, o.icmp_code);
    const flags = o.tcp_flags;
    c.tcpFlags = typeof flags === "string" ? readTcpFlags(flags, 0, flags.length) : flags;
    if (c.tcpFlags === -1) throw new FlowValidationError("wrong_type", "tcpFlags", `tcp_flags is not CEUAPRSF flags: ${JSON.stringify(String(flags).slice(0, 20))}`);
    c.packets = o.in_packets;
    c.bytes = o.in_bytes;
    c.samplingRate = 1;
  }
}

/** Copies our own names (native records) into `c`. */
export function copyNative(o: Json, c: Candidate): void {
  c.startMs = o.startMs;
  c.endMs = o.endMs;
  c.src = o.src;
  c.dst = o.dst;
  c.srcPort = o.srcPort;
  c.dstPort = o.dstPort;
  c.protocol = o.protocol;
  c.tcpFlags = o.tcpFlags;
  c.packets = o.packets;
  c.bytes = o.bytes;
  c.samplingRate = o.samplingRate;
}
