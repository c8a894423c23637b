/**
 * @module The length-framed datagram batch: raw NetFlow/IPFIX datagrams with their exporter's
 * address, as the relay posts them to `POST /v1/flows` (Content-Type DATAGRAM_BATCH_CONTENT_TYPE).
 *
 * Layout, little-endian:
 *   0   u32  magic "NFGD"
 *   4   u16  version (1)
 *   6   u16  reserved, 0
 *   8   u32  datagram count N
 *   12  N × { u8 family (4 | 6), u8 reserved 0, u16 payload length L, f64 receivedAtMs,
 *             4 or 16 address bytes (network order), L payload bytes }
 * The body must end exactly after the last datagram.
 */
import { formatIp, parseIp } from "../flow/ip.js";

export const DATAGRAM_BATCH_CONTENT_TYPE = "application/vnd.netflowgen.datagrams";
export const DATAGRAM_BATCH_MAGIC = 0x4447464e; // "NFGD" read as little-endian u32
export const DATAGRAM_BATCH_VERSION = 1;
const HEADER = 12;

export interface FramedDatagram {
  /** exporter address, canonical text */
  exporter: string;
  receivedAtMs: number;
  payload: Uint8Array;
}

export class DatagramBatchError extends Error {
  override readonly name = "DatagramBatchError";
  constructor(
    readonly code: "truncated" | "bad_magic" | "bad_version" | "bad_value" | "too_many" | "length_mismatch",
    message: string,
  ) {
    super(message);
  }
}

export function encodeDatagramBatch(datagrams: readonly FramedDatagram[]): Uint8Array {
  const addrs = datagrams.map((d) => {
    const a = parseIp(d.exporter);
    if (!a) throw new DatagramBatchError("bad_value", `exporter ${JSON.stringify(d.exporter)} is not an IP address`);
    if (d.payload.length > 0xffff) throw new DatagramBatchError("bad_value", `datagram of ${d.payload.length} bytes exceeds 65535`);
    return a;
  });
  let size = HEADER;
  datagrams.forEach((d, i) => (size += 12 + (addrs[i]!.family === 4 ? 4 : 16) + d.payload.length));
  const out = new Uint8Array(size);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, DATAGRAM_BATCH_MAGIC, true);
  dv.setUint16(4, DATAGRAM_BATCH_VERSION, true);
  dv.setUint32(8, datagrams.length, true);
  let off = HEADER;
  datagrams.forEach((d, i) => {
    const a = addrs[i]!;
    dv.setUint8(off, a.family);
    dv.setUint16(off + 2, d.payload.length, true);
    dv.setFloat64(off + 4, d.receivedAtMs, true);
    off += 12;
    const words = a.family === 4 ? 1 : 4;
    for (let w = 0; w < words; w++) dv.setUint32(off + 4 * w, a.words[w]!, false);
    off += 4 * words;
    out.set(d.payload, off);
    off += d.payload.length;
  });
  return out;
}

/**
 * Decodes a batch; throws DatagramBatchError (only) on malformed input. Payloads are views into
 * `bytes`, not copies. At most `maxDatagrams` datagrams are accepted.
 */
export function decodeDatagramBatch(bytes: Uint8Array, maxDatagrams = 100_000): FramedDatagram[] {
  if (bytes.length < HEADER) throw new DatagramBatchError("truncated", `batch of ${bytes.length} bytes is shorter than its 12-byte header`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (dv.getUint32(0, true) !== DATAGRAM_BATCH_MAGIC) throw new DatagramBatchError("bad_magic", "not a datagram batch (magic is not NFGD)");
  const version = dv.getUint16(4, true);
  if (version !== DATAGRAM_BATCH_VERSION) throw new DatagramBatchError("bad_version", `datagram batch version ${version} is not supported (want ${DATAGRAM_BATCH_VERSION})`);
  const count = dv.getUint32(8, true);
  if (count > maxDatagrams) throw new DatagramBatchError("too_many", `batch has ${count} datagrams, more than the limit of ${maxDatagrams}`);
  if (count * 16 > bytes.length - HEADER) throw new DatagramBatchError("truncated", `batch claims ${count} datagrams but has only ${bytes.length} bytes`);
  const out: FramedDatagram[] = [];
  let off = HEADER;
  for (let i = 0; i < count; i++) {
    if (off + 12 > bytes.length) throw new DatagramBatchError("truncated", `datagram ${i}: header past the end of the batch`);
    const family = dv.getUint8(off);
    if (family !== 4 && family !== 6) throw new DatagramBatchError("bad_value", `datagram ${i}: address family ${family} is not 4 or 6`);
    const length = dv.getUint16(off + 2, true);
    const receivedAtMs = dv.getFloat64(off + 4, true);
    if (!Number.isFinite(receivedAtMs) || receivedAtMs < 0) throw new DatagramBatchError("bad_value", `datagram ${i}: receivedAtMs ${receivedAtMs} is not a time`);
    off += 12;
    const addrBytes = family === 4 ? 4 : 16;
    if (off + addrBytes + length > bytes.length) throw new DatagramBatchError("truncated", `datagram ${i}: ${length} payload bytes past the end of the batch`);
    const words: [number, number, number, number] = [0, 0, 0, 0];
    for (let w = 0; w < addrBytes / 4; w++) words[w] = dv.getUint32(off + 4 * w, false);
    off += addrBytes;
    out.push({ exporter: formatIp({ family, words }), receivedAtMs, payload: bytes.subarray(off, off + length) });
    off += length;
  }
  if (off !== bytes.length) throw new DatagramBatchError("length_mismatch", `${bytes.length - off} bytes after the last datagram`);
  return out;
}
