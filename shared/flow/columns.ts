/** @module FlowColumns: a growable column-oriented batch of flows, the hot-path form parsers write and aggregation reads. */
import { formatIp, parseIp } from "./ip.js";
import type { FlowRecord } from "./record.js";

/**
 * Struct-of-arrays flow batch. Row i's addresses are words [4i, 4i+4) of `src`/`dst`
 * (IPv4 uses word 4i only; the other three are 0). Values have been validated by whoever wrote
 * them: parsers write typed fields directly, `pushRecord` takes a validated FlowRecord.
 */
export class FlowColumns {
  length = 0;
  startMs: Float64Array;
  endMs: Float64Array;
  /** 4 or 6 */
  family: Uint8Array;
  src: Uint32Array;
  dst: Uint32Array;
  srcPort: Uint16Array;
  dstPort: Uint16Array;
  protocol: Uint8Array;
  tcpFlags: Uint8Array;
  packets: Float64Array;
  bytes: Float64Array;
  samplingRate: Uint32Array;

  constructor(capacity = 1024) {
    const n = Math.max(1, capacity);
    this.startMs = new Float64Array(n);
    this.endMs = new Float64Array(n);
    this.family = new Uint8Array(n);
    this.src = new Uint32Array(4 * n);
    this.dst = new Uint32Array(4 * n);
    this.srcPort = new Uint16Array(n);
    this.dstPort = new Uint16Array(n);
    this.protocol = new Uint8Array(n);
    this.tcpFlags = new Uint8Array(n);
    this.packets = new Float64Array(n);
    this.bytes = new Float64Array(n);
    this.samplingRate = new Uint32Array(n);
  }

  get capacity(): number {
    return this.startMs.length;
  }

  /** Makes room for `extra` more rows, doubling the arrays when needed; returns the first free row. */
  reserve(extra: number): number {
    const need = this.length + extra;
    if (need > this.capacity) {
      let cap = this.capacity;
      while (cap < need) cap *= 2;
      const grow = <T extends Float64Array | Uint32Array | Uint16Array | Uint8Array>(a: T, per = 1): T => {
        const b = new (a.constructor as new (n: number) => T)(cap * per);
        b.set(a);
        return b;
      };
      this.startMs = grow(this.startMs);
      this.endMs = grow(this.endMs);
      this.family = grow(this.family);
      this.src = grow(this.src, 4);
      this.dst = grow(this.dst, 4);
      this.srcPort = grow(this.srcPort);
      this.dstPort = grow(this.dstPort);
      this.protocol = grow(this.protocol);
      this.tcpFlags = grow(this.tcpFlags);
      this.packets = grow(this.packets);
      this.bytes = grow(this.bytes);
      this.samplingRate = grow(this.samplingRate);
    }
    return this.length;
  }

  /** Appends a validated FlowRecord. */
  pushRecord(flow: FlowRecord): void {
    const src = parseIp(flow.src);
    const dst = parseIp(flow.dst);
    if (!src || !dst || src.family !== dst.family) throw new TypeError("pushRecord needs a validated FlowRecord");
    const i = this.reserve(1);
    this.startMs[i] = flow.startMs;
    this.endMs[i] = flow.endMs;
    this.family[i] = src.family;
    this.src.set(src.words, 4 * i);
    this.dst.set(dst.words, 4 * i);
    this.srcPort[i] = flow.srcPort;
    this.dstPort[i] = flow.dstPort;
    this.protocol[i] = flow.protocol;
    this.tcpFlags[i] = flow.tcpFlags;
    this.packets[i] = flow.packets;
    this.bytes[i] = flow.bytes;
    this.samplingRate[i] = flow.samplingRate;
    this.length = i + 1;
  }

  static fromRecords(flows: readonly FlowRecord[]): FlowColumns {
    const cols = new FlowColumns(flows.length);
    for (const f of flows) cols.pushRecord(f);
    return cols;
  }

  /** Appends every row of `other`. */
  append(other: FlowColumns): void {
    const n = other.length;
    const at = this.reserve(n);
    this.startMs.set(other.startMs.subarray(0, n), at);
    this.endMs.set(other.endMs.subarray(0, n), at);
    this.family.set(other.family.subarray(0, n), at);
    this.src.set(other.src.subarray(0, 4 * n), 4 * at);
    this.dst.set(other.dst.subarray(0, 4 * n), 4 * at);
    this.srcPort.set(other.srcPort.subarray(0, n), at);
    this.dstPort.set(other.dstPort.subarray(0, n), at);
    this.protocol.set(other.protocol.subarray(0, n), at);
    this.tcpFlags.set(other.tcpFlags.subarray(0, n), at);
    this.packets.set(other.packets.subarray(0, n), at);
    this.bytes.set(other.bytes.subarray(0, n), at);
    this.samplingRate.set(other.samplingRate.subarray(0, n), at);
    this.length = at + n;
  }

  clear(): void {
    this.length = 0;
  }
}

/** The rows of a batch as FlowRecords (canonical address text), each stamped with `exporterId`. */
export function columnsToRecords(cols: FlowColumns, exporterId = ""): FlowRecord[] {
  const out: FlowRecord[] = [];
  for (let i = 0; i < cols.length; i++) {
    const family = cols.family[i] as 4 | 6;
    const words = (a: Uint32Array): [number, number, number, number] => [a[4 * i]!, a[4 * i + 1]!, a[4 * i + 2]!, a[4 * i + 3]!];
    out.push({
      startMs: cols.startMs[i]!,
      endMs: cols.endMs[i]!,
      src: formatIp({ family, words: words(cols.src) }),
      dst: formatIp({ family, words: words(cols.dst) }),
      srcPort: cols.srcPort[i]!,
      dstPort: cols.dstPort[i]!,
      protocol: cols.protocol[i]!,
      tcpFlags: cols.tcpFlags[i]!,
      packets: cols.packets[i]!,
      bytes: cols.bytes[i]!,
      samplingRate: cols.samplingRate[i]!,
      exporterId,
    });
  }
  return out;
}
