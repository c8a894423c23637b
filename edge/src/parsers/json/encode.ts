/**
 * @module encodeFlowJson: flows as NDJSON, either as goflow2 v2 prints them (`format: "goflow2"`) or as FlowRecords
 * (`"ndjson-native"`). goflow2 text carries everything a FlowRecord does but the exporter id: times in ns (written as
 * digits, so no float rounding), `proto` as goflow2's name where it has one (ICMP, TCP, UDP, ICMPv6, SCTP) and as a
 * number otherwise (goflow2 itself prints "" there), ICMP type/code both in `dst_port` and in `icmp_type`/`icmp_code`.
 */
import { canonicalIp } from "../../../../shared/flow/ip.js";
import type { FlowRecord } from "../../../../shared/flow/record.js";

export interface FlowJsonOptions {
  format: "goflow2" | "ndjson-native";
}

const GOFLOW2_PROTO: Record<number, string> = { 1: "ICMP", 6: "TCP", 17: "UDP", 58: "ICMPv6", 132: "SCTP" };

function nanoseconds(ms: number): string {
  return Number.isInteger(ms) ? (ms === 0 ? "0" : `${ms}000000`) : String(Math.round(ms * 1e6));
}

function goflow2Line(f: FlowRecord, sequence: number): string {
  const icmp = f.protocol === 1 || f.protocol === 58;
  const sampler = canonicalIp(f.exporterId.split("/")[0] ?? "") ?? "0.0.0.0";
  const proto = GOFLOW2_PROTO[f.protocol];
  return (
    `{"type":"IPFIX","time_received_ns":${nanoseconds(f.endMs)},"sequence_num":${sequence},` +
    `"sampling_rate":${f.samplingRate},"sampler_address":"${sampler}",` +
    `"time_flow_start_ns":${nanoseconds(f.startMs)},"time_flow_end_ns":${nanoseconds(f.endMs)},` +
    `"bytes":${f.bytes},"packets":${f.packets},"src_addr":${JSON.stringify(f.src)},"dst_addr":${JSON.stringify(f.dst)},` +
    `"etype":"${f.src.includes(":") ? "IPv6" : "IPv4"}","proto":${proto === undefined ? f.protocol : `"${proto}"`},` +
    `"src_port":${f.srcPort},"dst_port":${f.dstPort},"tcp_flags":${f.tcpFlags},` +
    `"icmp_type":${icmp ? f.dstPort >> 8 : 0},"icmp_code":${icmp ? f.dstPort & 255 : 0}}`
  );
}

export function encodeFlowJson(flows: readonly FlowRecord[], options: FlowJsonOptions): string {
  const lines = flows.map((f, i) => (options.format === "goflow2" ? goflow2Line(f, i) : JSON.stringify(f)));
  return lines.length === 0 ? "" : `${lines.join("\n")}\n`;
}
