/** @module The NetFlow v5 encoder: FlowRecords to export datagrams of at most 30 records (shared cases, traffic simulator). */
import { parseIPv4 } from "../../../../shared/flow/ip.js";
import type { FlowRecord } from "../../../../shared/flow/record.js";
import * as L from "./layout.js";

export interface NetflowV5EncodeOptions {
  /** epoch ms at which the exporter booted (sysUptime 0); default 60 s before the earliest start */
  uptimeBaseMs: number | undefined;
  /**
   * 1-in-N interval (1..16383) written in every header, overriding the flows' own `samplingRate`.
   * Default: each flow's samplingRate; flows with different rates go into different datagrams.
   */
  sampling: number | undefined;
  /** sampling mode written with an interval > 1: 1 deterministic, 2 random */
  samplingMode: 1 | 2;
  engineType: number;
  engineId: number;
  /** flow_sequence of the first datagram (flows exported before it) */
  flowSequence: number;
}

export const V5_ENCODE_DEFAULTS: NetflowV5EncodeOptions = {
  uptimeBaseMs: undefined,
  sampling: undefined,
  samplingMode: 1,
  engineType: 0,
  engineId: 0,
  flowSequence: 0,
};

/** Records of one datagram must sit within ±2^31 ms of its export time for the uptime difference to decode. */
const MAX_SPAN_MS = 2 ** 31 - 1;
const U32_MAX = 0xffffffff;

/**
 * Encodes IPv4 flows as NetFlow v5 datagrams, in order, 30 records at most per datagram. Each datagram's
 * export time is the latest end among its flows, with millisecond precision (unix_secs + unix_nsecs), so
 * times decode exactly. Throws on what v5 cannot carry: IPv6, counters ≥ 2^32, intervals > 16383.
 */
export function encodeNetflowV5(flows: readonly FlowRecord[], options: Partial<NetflowV5EncodeOptions> = {}): Uint8Array[] {
  const opts = { ...V5_ENCODE_DEFAULTS, ...options };
  let base = opts.uptimeBaseMs;
  if (base === undefined) {
    base = Infinity;
    for (const f of flows) base = Math.min(base, Math.round(f.startMs));
    base = Number.isFinite(base) ? base - 60_000 : 0;
  }
  const out: Uint8Array[] = [];
  let sequence = opts.flowSequence;
  for (let i = 0; i < flows.length; ) {
    // One datagram: up to 30 flows with one sampling rate whose times fit around one export time.
    const rate = opts.sampling ?? flows[i]!.samplingRate;
    let lo = Infinity;
    let hi = -Infinity;
    let j = i;
    for (; j < flows.length && j - i < L.V5_MAX_RECORDS; j++) {
      const f = flows[j]!;
      if (opts.sampling === undefined && f.samplingRate !== rate) break;
      const nlo = Math.min(lo, Math.round(f.startMs));
      const nhi = Math.max(hi, Math.round(f.endMs));
      if (j > i && nhi - nlo > MAX_SPAN_MS) break;
      lo = nlo;
      hi = nhi;
    }
    out.push(encodeDatagram(flows.slice(i, j), hi, base, rate, sequence, opts));
    sequence = (sequence + (j - i)) >>> 0;
    i = j;
  }
  return out;
}

function encodeDatagram(
  flows: readonly FlowRecord[],
  exportMs: number,
  base: number,
  rate: number,
  sequence: number,
  opts: NetflowV5EncodeOptions,
): Uint8Array {
  if (!Number.isInteger(rate) || rate < 1 || rate > L.SAMPLING_INTERVAL_MASK) {
    throw new RangeError(`NetFlow v5 cannot carry sampling interval ${rate} (1..${L.SAMPLING_INTERVAL_MASK})`);
  }
  const buf = new Uint8Array(L.V5_HEADER_BYTES + L.V5_RECORD_BYTES * flows.length);
  const dv = new DataView(buf.buffer);
  const uptime = (ms: number) => (ms - base) >>> 0;
  dv.setUint16(L.H_VERSION, L.V5_VERSION);
  dv.setUint16(L.H_COUNT, flows.length);
  dv.setUint32(L.H_SYS_UPTIME, uptime(exportMs));
  dv.setUint32(L.H_UNIX_SECS, Math.floor(exportMs / 1000));
  dv.setUint32(L.H_UNIX_NSECS, (exportMs - Math.floor(exportMs / 1000) * 1000) * 1e6);
  dv.setUint32(L.H_FLOW_SEQUENCE, sequence);
  buf[L.H_ENGINE_TYPE] = opts.engineType;
  buf[L.H_ENGINE_ID] = opts.engineId;
  dv.setUint16(L.H_SAMPLING, rate === 1 ? 0 : (opts.samplingMode << L.SAMPLING_MODE_SHIFT) | rate);
  flows.forEach((f, r) => {
    const o = L.V5_HEADER_BYTES + L.V5_RECORD_BYTES * r;
    const src = parseIPv4(f.src);
    const dst = parseIPv4(f.dst);
    if (src === null || dst === null) throw new TypeError(`NetFlow v5 carries IPv4 only: ${f.src} → ${f.dst}`);
    if (!(f.packets <= U32_MAX && f.bytes <= U32_MAX)) throw new RangeError(`NetFlow v5 counters are 32-bit: ${f.packets} packets, ${f.bytes} bytes`);
    dv.setUint32(o + L.R_SRC_ADDR, src);
    dv.setUint32(o + L.R_DST_ADDR, dst);
    dv.setUint32(o + L.R_PACKETS, f.packets);
    dv.setUint32(o + L.R_BYTES, f.bytes);
    dv.setUint32(o + L.R_FIRST, uptime(Math.round(f.startMs)));
    dv.setUint32(o + L.R_LAST, uptime(Math.round(f.endMs)));
    dv.setUint16(o + L.R_SRC_PORT, f.srcPort);
    dv.setUint16(o + L.R_DST_PORT, f.dstPort);
    buf[o + L.R_TCP_FLAGS] = f.tcpFlags;
    buf[o + L.R_PROTOCOL] = f.protocol;
  });
  return buf;
}
