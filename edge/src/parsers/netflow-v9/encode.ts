/**
 * @module The NetFlow v9 encoder (shared cases, traffic simulator): a template datagram (IPv4 and IPv6
 * data templates, and a sampling options template with one record per sampler) then data datagrams.
 */
import { parseIp } from "../../../../shared/flow/ip.js";
import type { FlowRecord } from "../../../../shared/flow/record.js";
import * as F from "./fields.js";
import * as H from "./header.js";

export interface NetflowV9EncodeOptions {
  /** the header's source id (observation domain) */
  sourceId: number;
  /** epoch ms at which the exporter booted (sysUptime 0); default 60 s before the earliest start */
  uptimeBaseMs: number | undefined;
  /** 8-byte packet and byte counters; default: only when some flow needs them (≥ 2^32) */
  counters64: boolean | undefined;
  /** first datagram carries the templates (and the sampling options); false when they were sent before */
  templates: boolean;
  /** header sequence number of the first datagram; each datagram adds 1 */
  sequence: number;
  /** upper bound on a datagram's size (an Ethernet MTU minus IP and UDP headers by default) */
  maxDatagramBytes: number;
}

export const V9_ENCODE_DEFAULTS: NetflowV9EncodeOptions = {
  sourceId: 0,
  uptimeBaseMs: undefined,
  counters64: undefined,
  templates: true,
  sequence: 0,
  maxDatagramBytes: 1400,
};

export const V9_TEMPLATE_IPV4 = 256;
export const V9_TEMPLATE_IPV6 = 257;
export const V9_TEMPLATE_SAMPLING = 258;

const U32_MAX = 0xffffffff;
/** Records of one datagram must sit within ±2^31 ms of its export time for uptime differences to decode. */
const MAX_SPAN_MS = 2 ** 31 - 1 - 1000;

type Field = [id: number, length: number];

/** A data template's fields; samplers are numbered by their interval, so ids stay stable across calls. */
function dataFields(family: 4 | 6, counterBytes: number, sampled: boolean): Field[] {
  const addr: Field[] = family === 4 ? [[F.IPV4_SRC_ADDR, 4], [F.IPV4_DST_ADDR, 4]] : [[F.IPV6_SRC_ADDR, 16], [F.IPV6_DST_ADDR, 16]];
  const fields: Field[] = [
    ...addr,
    [F.L4_SRC_PORT, 2],
    [F.L4_DST_PORT, 2],
    [F.PROTOCOL, 1],
    [F.TCP_FLAGS, 1],
    [F.IN_BYTES, counterBytes],
    [F.IN_PKTS, counterBytes],
    [F.FIRST_SWITCHED, 4],
    [F.LAST_SWITCHED, 4],
  ];
  if (sampled) fields.push([F.FLOW_SAMPLER_ID, 4]);
  return fields;
}

const SAMPLING_OPTION_FIELDS: Field[] = [
  [F.FLOW_SAMPLER_ID, 4],
  [F.FLOW_SAMPLER_MODE, 1],
  [F.FLOW_SAMPLER_RANDOM_INTERVAL, 4],
];

const recordBytes = (fields: Field[]) => fields.reduce((n, [, len]) => n + len, 0);
const pad4 = (n: number) => (n + 3) & ~3;

/** A growable big-endian byte writer. */
class Writer {
  buf = new Uint8Array(1500);
  dv = new DataView(this.buf.buffer);
  at = 0;
  private room(n: number): void {
    if (this.at + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(2 * this.buf.length, this.at + n));
    next.set(this.buf);
    this.buf = next;
    this.dv = new DataView(next.buffer);
  }
  u8(v: number): void {
    this.room(1);
    this.buf[this.at++] = v;
  }
  u16(v: number): void {
    this.room(2);
    this.dv.setUint16(this.at, v);
    this.at += 2;
  }
  u32(v: number): void {
    this.room(4);
    this.dv.setUint32(this.at, v >>> 0);
    this.at += 4;
  }
  uint(v: number, width: 4 | 8): void {
    if (width === 8) this.u32(Math.floor(v / 4294967296));
    this.u32(v % 4294967296);
  }
  /** Pads with zeros to a multiple of 4 from `from`, and writes the flowset length at `from + 2`. */
  closeFlowset(from: number): void {
    while ((this.at - from) % 4 !== 0) this.u8(0);
    this.dv.setUint16(from + 2, this.at - from);
  }
  bytes(): Uint8Array {
    return this.buf.slice(0, this.at);
  }
}

interface Encoded {
  flow: FlowRecord;
  family: 4 | 6;
  src: readonly number[];
  dst: readonly number[];
  startMs: number;
  endMs: number;
}

function prepare(f: FlowRecord, counterBytes: number): Encoded {
  const src = parseIp(f.src);
  const dst = parseIp(f.dst);
  if (src === null || dst === null || src.family !== dst.family) throw new TypeError(`NetFlow v9 encoder needs two addresses of one family: ${f.src} → ${f.dst}`);
  const limit = counterBytes === 8 ? Number.MAX_SAFE_INTEGER : U32_MAX;
  if (!(f.packets <= limit && f.bytes <= limit)) throw new RangeError(`NetFlow v9 counters of ${counterBytes} bytes cannot carry ${f.packets} packets, ${f.bytes} bytes`);
  if (!(Number.isInteger(f.samplingRate) && f.samplingRate >= 1 && f.samplingRate <= U32_MAX)) throw new RangeError(`sampling rate ${f.samplingRate}`);
  return { flow: f, family: src.family, src: src.words, dst: dst.words, startMs: Math.round(f.startMs), endMs: Math.round(f.endMs) };
}

/**
 * Encodes flows as NetFlow v9, in order. Each data datagram's export time is the next whole second at
 * or after its latest end, and sysUptime matches it exactly, so millisecond times decode exactly (real
 * exporters truncate unix_secs, hence their up-to-1 s offset). IPv4 and IPv6 flows go in separate data
 * flowsets (a new flowset whenever the family changes, so order is kept). When some flow is sampled
 * (samplingRate > 1), records carry FLOW_SAMPLER_ID = their interval and the template datagram carries
 * an options record per sampler. Returns [] for no flows.
 */
export function encodeNetflowV9(flows: readonly FlowRecord[], options: Partial<NetflowV9EncodeOptions> = {}): Uint8Array[] {
  const opts = { ...V9_ENCODE_DEFAULTS, ...options };
  if (flows.length === 0) return [];
  const wide = opts.counters64 ?? flows.some((f) => f.packets > U32_MAX || f.bytes > U32_MAX);
  const counterBytes = wide ? 8 : 4;
  const rates = [...new Set(flows.map((f) => f.samplingRate))].sort((a, b) => a - b);
  const sampled = rates.some((r) => r !== 1);
  const templates = { 4: dataFields(4, counterBytes, sampled), 6: dataFields(6, counterBytes, sampled) };
  const encoded = flows.map((f) => prepare(f, counterBytes));
  let earliest = Infinity;
  for (const e of encoded) earliest = Math.min(earliest, e.startMs);
  const base = opts.uptimeBaseMs ?? earliest - 60_000;
  const uptime = (ms: number) => (ms - base) >>> 0;

  // Group flows into datagrams: size bound, and times within ±2^31 ms of the datagram's export time.
  const groups: Encoded[][] = [];
  let group: Encoded[] = [];
  let size = H.V9_HEADER_BYTES;
  let lo = Infinity;
  let hi = -Infinity;
  let family = 0; // of the datagram's last flowset
  let inSet = 0; // records in it
  const cost = (e: Encoded): number => {
    const rl = recordBytes(templates[e.family]);
    return e.family === family ? pad4((inSet + 1) * rl) - pad4(inSet * rl) : H.FLOWSET_HEADER_BYTES + pad4(rl);
  };
  for (const e of encoded) {
    const span = Math.max(hi, e.endMs) + 1000 - Math.min(lo, e.startMs);
    if (group.length > 0 && (size + cost(e) > opts.maxDatagramBytes || span > MAX_SPAN_MS)) {
      groups.push(group);
      [group, size, lo, hi, family, inSet] = [[], H.V9_HEADER_BYTES, Infinity, -Infinity, 0, 0];
    }
    size += cost(e);
    inSet = e.family === family ? inSet + 1 : 1;
    family = e.family;
    lo = Math.min(lo, e.startMs);
    hi = Math.max(hi, e.endMs);
    group.push(e);
  }
  groups.push(group);

  const exportSecs = groups.map((g) => Math.ceil(g.reduce((m, e) => Math.max(m, e.endMs), -Infinity) / 1000));
  const out: Uint8Array[] = [];
  let sequence = opts.sequence;
  const header = (w: Writer, count: number, secs: number) => {
    w.u16(H.V9_VERSION);
    w.u16(count);
    w.u32(uptime(secs * 1000));
    w.u32(secs);
    w.u32(sequence);
    w.u32(opts.sourceId);
    sequence = (sequence + 1) >>> 0;
  };

  if (opts.templates) {
    const w = new Writer();
    header(w, 2 + (sampled ? 1 + rates.length : 0), exportSecs[0]!);
    let fs = w.at;
    w.u16(H.TEMPLATE_FLOWSET_ID);
    w.u16(0);
    for (const [id, fields] of [[V9_TEMPLATE_IPV4, templates[4]], [V9_TEMPLATE_IPV6, templates[6]]] as const) {
      w.u16(id);
      w.u16(fields.length);
      for (const [fid, len] of fields) {
        w.u16(fid);
        w.u16(len);
      }
    }
    w.closeFlowset(fs);
    if (sampled) {
      // Options template: scope System (4 bytes), then sampler id, mode, interval; then one record per sampler.
      fs = w.at;
      w.u16(H.OPTIONS_TEMPLATE_FLOWSET_ID);
      w.u16(0);
      w.u16(V9_TEMPLATE_SAMPLING);
      w.u16(4);
      w.u16(4 * SAMPLING_OPTION_FIELDS.length);
      w.u16(F.SCOPE_SYSTEM);
      w.u16(4);
      for (const [fid, len] of SAMPLING_OPTION_FIELDS) {
        w.u16(fid);
        w.u16(len);
      }
      w.closeFlowset(fs);
      fs = w.at;
      w.u16(V9_TEMPLATE_SAMPLING);
      w.u16(0);
      for (const rate of rates) {
        w.u32(opts.sourceId);
        w.u32(rate);
        w.u8(2); // random sampling
        w.u32(rate);
      }
      w.closeFlowset(fs);
    }
    out.push(w.bytes());
  }

  groups.forEach((g, i) => {
    const w = new Writer();
    header(w, g.length, exportSecs[i]!);
    let fs = -1;
    let setFamily = 0;
    for (const e of g) {
      if (e.family !== setFamily) {
        if (fs >= 0) w.closeFlowset(fs);
        fs = w.at;
        setFamily = e.family;
        w.u16(e.family === 4 ? V9_TEMPLATE_IPV4 : V9_TEMPLATE_IPV6);
        w.u16(0);
      }
      const words = e.family === 4 ? [e.src[0]!, e.dst[0]!] : [...e.src, ...e.dst];
      for (const x of words) w.u32(x);
      const f = e.flow;
      w.u16(f.srcPort);
      w.u16(f.dstPort);
      w.u8(f.protocol);
      w.u8(f.tcpFlags);
      w.uint(f.bytes, counterBytes);
      w.uint(f.packets, counterBytes);
      w.u32(uptime(e.startMs));
      w.u32(uptime(e.endMs));
      if (sampled) w.u32(f.samplingRate);
    }
    w.closeFlowset(fs);
    out.push(w.bytes());
  });
  return out;
}
