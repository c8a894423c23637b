/** @module Building FlowRecords with one fixed property order (one hidden class for every generated flow, which keeps the hot path fast). */
import type { FlowRecord } from "../../../shared/flow/record.js";

export function makeFlow(startMs: number, endMs: number, src: string, dst: string, srcPort: number, dstPort: number, protocol: number, tcpFlags: number, packets: number, bytes: number, exporterId: string): FlowRecord {
  return { startMs, endMs, src, dst, srcPort, dstPort, protocol, tcpFlags, packets, bytes, samplingRate: 1, exporterId };
}
