/** @module The NetFlow v5 parser: a fixed-layout datagram decoded straight into FlowColumns (no per-record objects). */
import type { FlowColumns } from "../../../../shared/flow/columns.js";
import type { ExporterState } from "../exporter-state.js";
import { reject, type Datagram, type DatagramParser, type ParseReport } from "../types.js";
import * as L from "./layout.js";
import { badFlowTimes, uptimeToEpochMs } from "./uptime.js";

/**
 * NetFlow v5 has no templates, so the exporter state is unused. The whole datagram is rejected when
 * its header is wrong (version, count 0 or over 30, length ≠ 24 + 48·count); a record is rejected alone
 * when its times are unusable (end before start, longer than a day, outside 1970..2100).
 */
export const netflowV5: DatagramParser = {
  name: "netflow-v5",
  parseDatagram(datagram: Datagram, _state: ExporterState, out: FlowColumns, report: ParseReport): void {
    decodeV5(datagram.bytes, out, report);
  },
};

export function decodeV5(b: Uint8Array, out: FlowColumns, report: ParseReport): void {
  if (b.length < L.V5_HEADER_BYTES) {
    reject(report, "truncated", `NetFlow v5: ${b.length} bytes, shorter than the 24-byte header`);
    return;
  }
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const version = dv.getUint16(L.H_VERSION);
  if (version !== L.V5_VERSION) {
    reject(report, "bad_version", `NetFlow v5: version field is ${version}`);
    return;
  }
  const count = dv.getUint16(L.H_COUNT);
  if (count === 0 || count > L.V5_MAX_RECORDS) {
    reject(report, "bad_length", `NetFlow v5: record count ${count} is outside 1..${L.V5_MAX_RECORDS}`);
    return;
  }
  const expected = L.V5_HEADER_BYTES + L.V5_RECORD_BYTES * count;
  if (b.length !== expected) {
    reject(report, "bad_length", `NetFlow v5: ${b.length} bytes for ${count} records (expected ${expected})`);
    return;
  }

  const sysUptime = dv.getUint32(L.H_SYS_UPTIME);
  const nsecs = Math.min(dv.getUint32(L.H_UNIX_NSECS), 999_999_999);
  const exportMs = dv.getUint32(L.H_UNIX_SECS) * 1000 + Math.floor(nsecs / 1e6);
  const interval = dv.getUint16(L.H_SAMPLING) & L.SAMPLING_INTERVAL_MASK;
  const samplingRate = interval === 0 ? 1 : interval;

  let row = out.reserve(count); // room for every record; rejected ones are simply not counted
  const { startMs, endMs, family, src, dst, srcPort, dstPort, protocol, tcpFlags, packets, bytes, samplingRate: rate } = out;
  let bad = 0;
  let badWhy: string | null = null;
  for (let r = 0, o = L.V5_HEADER_BYTES; r < count; r++, o += L.V5_RECORD_BYTES) {
    const start = uptimeToEpochMs(exportMs, sysUptime, dv.getUint32(o + L.R_FIRST));
    const end = uptimeToEpochMs(exportMs, sysUptime, dv.getUint32(o + L.R_LAST));
    const why = badFlowTimes(start, end);
    if (why !== null) {
      bad++;
      badWhy ??= why;
      continue;
    }
    startMs[row] = start;
    endMs[row] = end;
    family[row] = 4;
    const w = 4 * row;
    src[w] = dv.getUint32(o + L.R_SRC_ADDR);
    src[w + 1] = 0;
    src[w + 2] = 0;
    src[w + 3] = 0;
    dst[w] = dv.getUint32(o + L.R_DST_ADDR);
    dst[w + 1] = 0;
    dst[w + 2] = 0;
    dst[w + 3] = 0;
    srcPort[row] = dv.getUint16(o + L.R_SRC_PORT);
    dstPort[row] = dv.getUint16(o + L.R_DST_PORT);
    protocol[row] = b[o + L.R_PROTOCOL]!;
    tcpFlags[row] = b[o + L.R_TCP_FLAGS]!;
    packets[row] = dv.getUint32(o + L.R_PACKETS);
    bytes[row] = dv.getUint32(o + L.R_BYTES);
    rate[row] = samplingRate;
    row++;
  }
  report.accepted += row - out.length;
  out.length = row;
  if (bad > 0) reject(report, "bad_record", `NetFlow v5: ${bad} of ${count} records rejected (${badWhy})`, bad);
}
