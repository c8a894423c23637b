/** @module Flow columns codec: a FlowColumns batch as compact little-endian bytes (Durable Object hand-off, write-ahead log), and row gathers. */
import { FlowColumns } from "./columns.js";

/**
 * Layout (all little-endian, no padding; every column starts aligned to its element size when
 * the frame itself starts 8-aligned):
 *
 * | offset | size        | field                                                          |
 * |--------|-------------|----------------------------------------------------------------|
 * | 0      | 4           | magic "NFGF" (u32 0x4647464e)                                  |
 * | 4      | 2           | version (u16, 1)                                               |
 * | 6      | 2           | flags (u16): bit 0 = all rows IPv4; other bits must be 0       |
 * | 8      | 4           | row count N (u32)                                              |
 * | 12     | 4           | payload bytes P (u32) = N × row bytes; the frame is 16 + P     |
 * | 16     | 8N each     | startMs, endMs, packets, bytes (f64 columns)                   |
 * |        | 4N or 16N   | src words (u32): 1 per row when all IPv4, else 4 per row       |
 * |        | 4N or 16N   | dst words, likewise                                            |
 * |        | 4N          | samplingRate (u32)                                             |
 * |        | 2N each     | srcPort, dstPort (u16)                                         |
 * |        | N each      | protocol, tcpFlags (u8)                                        |
 * |        | N or 0      | family (u8, 4 | 6), absent when all IPv4                       |
 *
 * Row bytes: 50 when all IPv4, 75 otherwise.
 */
export const FLOW_COLUMNS_MAGIC = 0x4647464e; // "NFGF" read as a little-endian u32
export const FLOW_COLUMNS_VERSION = 1;
export const FLOW_COLUMNS_HEADER_BYTES = 16;
/** Header flag bit 0: every row is IPv4 (one address word per row, no family column). */
export const FLOW_COLUMNS_FLAG_IPV4 = 0x0001;
/** Encoded bytes per row: all-IPv4 and mixed batches. */
export const FLOW_ROW_BYTES_IPV4 = 4 * 8 + 2 * 4 + 4 + 2 * 2 + 2;
export const FLOW_ROW_BYTES_MIXED = 4 * 8 + 2 * 16 + 4 + 2 * 2 + 3;

/**
 * Why bytes (or a batch to encode) were rejected.
 * - `truncated`: fewer bytes than the header or the declared payload.
 * - `length_mismatch`: bytes after the declared frame, or a payload length that is not N × row bytes.
 * - `bad_magic`, `bad_version`: not an NFGF frame of a version this build reads.
 * - `bad_flags`: flag bits this version does not define.
 * - `oversized`: (encode) a batch too large for the u32 payload length.
 * - `invalid_value`: a value breaks a rule (family not 4/6, non-finite or reversed times, negative
 *   or non-finite packets/bytes, an IPv4 row with non-zero upper address words), or the input is
 *   not bytes / not a FlowColumns batch.
 */
export type FlowColumnsCodecErrorCode =
  | "truncated"
  | "length_mismatch"
  | "bad_magic"
  | "bad_version"
  | "bad_flags"
  | "oversized"
  | "invalid_value";

/** The only error `decodeFlowColumns` throws, and what `encodeFlowColumns` throws for an invalid batch. */
export class FlowColumnsCodecError extends Error {
  override readonly name = "FlowColumnsCodecError";
  constructor(
    readonly code: FlowColumnsCodecErrorCode,
    message: string,
  ) {
    super(`${code}: ${message}`);
  }
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const MAX_PAYLOAD = 0xffff_ffff;

function fail(code: FlowColumnsCodecErrorCode, message: string): never {
  throw new FlowColumnsCodecError(code, message);
}

type Column = Float64Array | Uint32Array | Uint16Array | Uint8Array;

function byteView(a: Column, count: number): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, count * a.BYTES_PER_ELEMENT);
}

/** Checks the row values an encoder or decoder must agree on; `mixed` also checks the family column and IPv4 upper words. */
function checkRows(cols: FlowColumns, n: number, mixed: boolean): void {
  const { startMs, endMs, packets, bytes, family, src, dst } = cols;
  for (let i = 0; i < n; i++) {
    const s = startMs[i]!;
    const e = endMs[i]!;
    if (!(Number.isFinite(s) && Number.isFinite(e) && e >= s)) fail("invalid_value", `row ${i}: times ${s}..${e} are not finite with endMs >= startMs`);
    const p = packets[i]!;
    const b = bytes[i]!;
    if (!(p >= 0 && p <= Number.MAX_VALUE && b >= 0 && b <= Number.MAX_VALUE)) fail("invalid_value", `row ${i}: packets ${p} / bytes ${b} are not finite and >= 0`);
  }
  if (!mixed) return;
  for (let i = 0; i < n; i++) {
    const f = family[i]!;
    if (f === 4) {
      const w = 4 * i;
      if ((src[w + 1]! | src[w + 2]! | src[w + 3]! | dst[w + 1]! | dst[w + 2]! | dst[w + 3]!) !== 0) {
        fail("invalid_value", `row ${i}: IPv4 row with non-zero upper address words`);
      }
    } else if (f !== 6) fail("invalid_value", `row ${i}: family ${f} is not 4 or 6`);
  }
}

function checkShape(cols: FlowColumns): number {
  if (typeof cols !== "object" || cols === null) fail("invalid_value", "expected a FlowColumns batch");
  const n = cols.length;
  if (!Number.isSafeInteger(n) || n < 0) fail("invalid_value", `length ${String(n)} is not a row count`);
  const columns: [string, unknown, new (...args: never[]) => Column, number][] = [
    ["startMs", cols.startMs, Float64Array, 1],
    ["endMs", cols.endMs, Float64Array, 1],
    ["packets", cols.packets, Float64Array, 1],
    ["bytes", cols.bytes, Float64Array, 1],
    ["src", cols.src, Uint32Array, 4],
    ["dst", cols.dst, Uint32Array, 4],
    ["samplingRate", cols.samplingRate, Uint32Array, 1],
    ["srcPort", cols.srcPort, Uint16Array, 1],
    ["dstPort", cols.dstPort, Uint16Array, 1],
    ["protocol", cols.protocol, Uint8Array, 1],
    ["tcpFlags", cols.tcpFlags, Uint8Array, 1],
    ["family", cols.family, Uint8Array, 1],
  ];
  for (const [name, column, type, per] of columns) {
    if (!(column instanceof type) || column.length < n * per) fail("invalid_value", `${name} must be a ${type.name} of at least ${n * per} elements`);
  }
  return n;
}

/**
 * Encodes rows [0, cols.length) of a batch. IPv4 rows are written with zero upper address words
 * whatever the arrays hold there (FlowColumns leaves them unused). Throws FlowColumnsCodecError
 * ("invalid_value") for a batch that breaks the rules `decodeFlowColumns` checks.
 */
export function encodeFlowColumns(cols: FlowColumns): Uint8Array {
  const n = checkShape(cols);
  const family = cols.family;
  let allV4 = true;
  for (let i = 0; i < n; i++) {
    const f = family[i]!;
    if (f !== 4) {
      if (f !== 6) fail("invalid_value", `row ${i}: family ${f} is not 4 or 6`);
      allV4 = false;
    }
  }
  checkRows(cols, n, false);
  const rowBytes = allV4 ? FLOW_ROW_BYTES_IPV4 : FLOW_ROW_BYTES_MIXED;
  const payload = n * rowBytes;
  if (payload > MAX_PAYLOAD) fail("oversized", `${n} rows need ${payload} bytes, more than the u32 payload length allows`);
  const buffer = new ArrayBuffer(FLOW_COLUMNS_HEADER_BYTES + payload);
  const out = new Uint8Array(buffer);
  const view = new DataView(buffer);
  view.setUint32(0, FLOW_COLUMNS_MAGIC, true);
  view.setUint16(4, FLOW_COLUMNS_VERSION, true);
  view.setUint16(6, allV4 ? FLOW_COLUMNS_FLAG_IPV4 : 0, true);
  view.setUint32(8, n, true);
  view.setUint32(12, payload, true);
  let at = FLOW_COLUMNS_HEADER_BYTES;

  if (LITTLE_ENDIAN) {
    // The frame's own buffer is 8-aligned and so is every column in it: write through typed views.
    for (const col of [cols.startMs, cols.endMs, cols.packets, cols.bytes]) {
      new Float64Array(buffer, at, n).set(col.subarray(0, n));
      at += 8 * n;
    }
    for (const col of [cols.src, cols.dst]) {
      if (allV4) {
        const words = new Uint32Array(buffer, at, n);
        for (let i = 0; i < n; i++) words[i] = col[4 * i]!;
        at += 4 * n;
      } else {
        const words = new Uint32Array(buffer, at, 4 * n);
        words.set(col.subarray(0, 4 * n));
        for (let i = 0; i < n; i++) {
          if (family[i] === 4) {
            words[4 * i + 1] = 0;
            words[4 * i + 2] = 0;
            words[4 * i + 3] = 0;
          }
        }
        at += 16 * n;
      }
    }
    new Uint32Array(buffer, at, n).set(cols.samplingRate.subarray(0, n));
    at += 4 * n;
    for (const col of [cols.srcPort, cols.dstPort]) {
      new Uint16Array(buffer, at, n).set(col.subarray(0, n));
      at += 2 * n;
    }
  } else {
    for (const col of [cols.startMs, cols.endMs, cols.packets, cols.bytes]) {
      for (let i = 0; i < n; i++, at += 8) view.setFloat64(at, col[i]!, true);
    }
    for (const col of [cols.src, cols.dst]) {
      for (let i = 0; i < n; i++) {
        const v4 = family[i] === 4;
        if (allV4) {
          view.setUint32(at, col[4 * i]!, true);
          at += 4;
        } else {
          for (let k = 0; k < 4; k++, at += 4) view.setUint32(at, k === 0 || !v4 ? col[4 * i + k]! : 0, true);
        }
      }
    }
    for (let i = 0; i < n; i++, at += 4) view.setUint32(at, cols.samplingRate[i]!, true);
    for (const col of [cols.srcPort, cols.dstPort]) {
      for (let i = 0; i < n; i++, at += 2) view.setUint16(at, col[i]!, true);
    }
  }
  out.set(byteView(cols.protocol, n), at);
  at += n;
  out.set(byteView(cols.tcpFlags, n), at);
  at += n;
  if (!allV4) {
    out.set(byteView(family, n), at);
    at += n;
  }
  if (at !== out.length) throw new Error(`internal: wrote ${at} of ${out.length} bytes`);
  return out;
}

function asBytes(input: unknown): Uint8Array {
  if (input instanceof Uint8Array) return input;
  if (input instanceof ArrayBuffer) return new Uint8Array(input);
  if (ArrayBuffer.isView(input)) return new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  return fail("invalid_value", "expected bytes (Uint8Array, ArrayBuffer or an ArrayBufferView)");
}

interface FrameInfo {
  readonly rows: number;
  readonly allV4: boolean;
  /** 16 + payload bytes */
  readonly frameBytes: number;
}

/** Checks a header (magic first, as soon as 4 bytes exist) and the payload length against the row count. */
function readFrameHeader(bytes: Uint8Array, offset: number): FrameInfo {
  const have = bytes.length - offset;
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, Math.min(have, FLOW_COLUMNS_HEADER_BYTES));
  if (have >= 4 && view.getUint32(0, true) !== FLOW_COLUMNS_MAGIC) fail("bad_magic", "not a flow columns frame (magic is not NFGF)");
  if (have < FLOW_COLUMNS_HEADER_BYTES) fail("truncated", `${have} bytes, the header alone needs ${FLOW_COLUMNS_HEADER_BYTES}`);
  const version = view.getUint16(4, true);
  if (version !== FLOW_COLUMNS_VERSION) fail("bad_version", `flow columns version ${version} is not supported (this build reads ${FLOW_COLUMNS_VERSION})`);
  const flags = view.getUint16(6, true);
  if ((flags & ~FLOW_COLUMNS_FLAG_IPV4) !== 0) fail("bad_flags", `unknown flag bits 0x${flags.toString(16)}`);
  const rows = view.getUint32(8, true);
  const payload = view.getUint32(12, true);
  const allV4 = (flags & FLOW_COLUMNS_FLAG_IPV4) !== 0;
  const need = rows * (allV4 ? FLOW_ROW_BYTES_IPV4 : FLOW_ROW_BYTES_MIXED);
  if (payload !== need) fail("length_mismatch", `${rows} rows take ${need} payload bytes, the header says ${payload}`);
  return { rows, allV4, frameBytes: FLOW_COLUMNS_HEADER_BYTES + payload };
}

/**
 * Size of the frame starting at `offset` of `input` (header + payload), read from its header:
 * for walking a log of concatenated frames. Throws FlowColumnsCodecError like `decodeFlowColumns`
 * for a bad header; does not check that the payload is all there.
 */
export function flowColumnsFrameBytes(input: Uint8Array | ArrayBuffer | ArrayBufferView, offset = 0): number {
  const bytes = asBytes(input);
  if (!Number.isSafeInteger(offset) || offset < 0 || offset > bytes.length) fail("invalid_value", `offset ${offset} is outside 0..${bytes.length}`);
  return readFrameHeader(bytes, offset).frameBytes;
}

/** Copies `count` elements of a little-endian column at byte `at` of `bytes` into `out` (any source alignment). */
function copyIn(bytes: Uint8Array, at: number, out: Column, count: number, view: DataView): void {
  if (LITTLE_ENDIAN || out.BYTES_PER_ELEMENT === 1) {
    byteView(out, count).set(bytes.subarray(at, at + count * out.BYTES_PER_ELEMENT));
  } else if (out instanceof Float64Array) {
    for (let i = 0; i < count; i++) out[i] = view.getFloat64(at + 8 * i, true);
  } else if (out instanceof Uint32Array) {
    for (let i = 0; i < count; i++) out[i] = view.getUint32(at + 4 * i, true);
  } else {
    for (let i = 0; i < count; i++) out[i] = view.getUint16(at + 2 * i, true);
  }
}

/**
 * Decodes a frame into a new FlowColumns (capacity = its row count, at least 1). The input must be
 * exactly one frame. Throws only FlowColumnsCodecError; the payload length is checked against the
 * row count and the input size before anything is allocated.
 */
export function decodeFlowColumns(input: Uint8Array | ArrayBuffer | ArrayBufferView): FlowColumns {
  const bytes = asBytes(input);
  const { rows: n, allV4, frameBytes } = readFrameHeader(bytes, 0);
  if (bytes.length < frameBytes) fail("truncated", `declared ${frameBytes} bytes, got ${bytes.length}`);
  if (bytes.length > frameBytes) fail("length_mismatch", `declared ${frameBytes} bytes, got ${bytes.length}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const cols = new FlowColumns(n);
  let at = FLOW_COLUMNS_HEADER_BYTES;
  for (const col of [cols.startMs, cols.endMs, cols.packets, cols.bytes]) {
    copyIn(bytes, at, col, n, view);
    at += 8 * n;
  }
  if (allV4) {
    const words = new Uint32Array(n);
    for (const col of [cols.src, cols.dst]) {
      copyIn(bytes, at, words, n, view);
      for (let i = 0; i < n; i++) col[4 * i] = words[i]!;
      at += 4 * n;
    }
    cols.family.fill(4, 0, n);
  } else {
    for (const col of [cols.src, cols.dst]) {
      copyIn(bytes, at, col, 4 * n, view);
      at += 16 * n;
    }
  }
  copyIn(bytes, at, cols.samplingRate, n, view);
  at += 4 * n;
  for (const col of [cols.srcPort, cols.dstPort]) {
    copyIn(bytes, at, col, n, view);
    at += 2 * n;
  }
  for (const col of [cols.protocol, cols.tcpFlags]) {
    copyIn(bytes, at, col, n, view);
    at += n;
  }
  if (!allV4) {
    copyIn(bytes, at, cols.family, n, view);
    at += n;
  }
  cols.length = n;
  checkRows(cols, n, !allV4);
  return cols;
}

/**
 * A new batch of the given rows of `cols`, in the given order (repeats allowed): e.g. the rows of
 * one shard. Every index must be an integer in [0, cols.length), else RangeError.
 */
export function sliceFlowColumns(cols: FlowColumns, rows: Uint32Array | readonly number[]): FlowColumns {
  const m = rows.length;
  const n = cols.length;
  const out = new FlowColumns(m);
  const { startMs, endMs, family, src, dst, srcPort, dstPort, protocol, tcpFlags, packets, bytes, samplingRate } = cols;
  for (let k = 0; k < m; k++) {
    const i = rows[k]!;
    if (!(Number.isInteger(i) && i >= 0 && i < n)) throw new RangeError(`sliceFlowColumns: row ${i} is outside 0..${n - 1}`);
    out.startMs[k] = startMs[i]!;
    out.endMs[k] = endMs[i]!;
    out.family[k] = family[i]!;
    const w = 4 * i;
    const o = 4 * k;
    out.src[o] = src[w]!;
    out.src[o + 1] = src[w + 1]!;
    out.src[o + 2] = src[w + 2]!;
    out.src[o + 3] = src[w + 3]!;
    out.dst[o] = dst[w]!;
    out.dst[o + 1] = dst[w + 1]!;
    out.dst[o + 2] = dst[w + 2]!;
    out.dst[o + 3] = dst[w + 3]!;
    out.srcPort[k] = srcPort[i]!;
    out.dstPort[k] = dstPort[i]!;
    out.protocol[k] = protocol[i]!;
    out.tcpFlags[k] = tcpFlags[i]!;
    out.packets[k] = packets[i]!;
    out.bytes[k] = bytes[i]!;
    out.samplingRate[k] = samplingRate[i]!;
  }
  out.length = m;
  return out;
}
