/** @module The dataset's window file (`<split>.windows.bin`, `early-<split>.windows.bin`): a documented simple binary of fixed-length windows of token bins. */
import { FEATURE_COUNT, FEATURE_SCHEMA_HASH } from "../../../shared/features/catalogue.js";

/**
 * Layout, little-endian:
 *
 *   offset 0   magic "NFDW" (4 ASCII bytes)
 *          4   version u16 = 1
 *          6   flags u16: bit 0 = every record carries an unavailable mask
 *          8   schema hash u32 (FEATURE_SCHEMA_HASH; a reader must reject another)
 *         12   count u32 (windows)
 *         16   T u32 (minutes per window)
 *         20   F u32 (features per minute, 86)
 *         24   records, each: node u32 (index into manifest.json `nodes`), start minute u32
 *              (epoch minutes, UTC), bins T×F u8 (minute-major, catalogue feature order, 0..9),
 *              then with flag bit 0 a mask T×F u8 (1 = unavailable; its bin is 0)
 */
export const WINDOWS_MAGIC = "NFDW";
export const WINDOWS_VERSION = 1;
export const WINDOWS_HEADER_BYTES = 24;
export const WINDOWS_FLAG_MASK = 0x0001;

export interface WindowRecord {
  readonly node: number;
  readonly startMinute: number;
  /** (T, FEATURE_COUNT) */
  readonly bins: Uint8Array;
  readonly unavailable?: Uint8Array;
}

export interface WindowsFile {
  readonly length: number;
  readonly schemaHash: number;
  readonly masked: boolean;
  readonly windows: WindowRecord[];
}

export function encodeWindows(length: number, windows: readonly WindowRecord[], masked: boolean): Uint8Array {
  const cell = length * FEATURE_COUNT;
  const record = 8 + cell * (masked ? 2 : 1);
  const out = new Uint8Array(WINDOWS_HEADER_BYTES + windows.length * record);
  const v = new DataView(out.buffer);
  for (let i = 0; i < 4; i++) out[i] = WINDOWS_MAGIC.charCodeAt(i);
  v.setUint16(4, WINDOWS_VERSION, true);
  v.setUint16(6, masked ? WINDOWS_FLAG_MASK : 0, true);
  v.setUint32(8, FEATURE_SCHEMA_HASH, true);
  v.setUint32(12, windows.length, true);
  v.setUint32(16, length, true);
  v.setUint32(20, FEATURE_COUNT, true);
  let at = WINDOWS_HEADER_BYTES;
  for (const w of windows) {
    if (w.bins.length !== cell) throw new RangeError(`window of node ${w.node} has ${w.bins.length} bins, expected ${cell}`);
    v.setUint32(at, w.node, true);
    v.setUint32(at + 4, w.startMinute, true);
    out.set(w.bins, at + 8);
    if (masked) out.set(w.unavailable ?? new Uint8Array(cell), at + 8 + cell);
    at += record;
  }
  return out;
}

export function decodeWindows(bytes: Uint8Array): WindowsFile {
  if (bytes.length < WINDOWS_HEADER_BYTES) throw new RangeError("window file: truncated header");
  const magic = String.fromCharCode(bytes[0]!, bytes[1]!, bytes[2]!, bytes[3]!);
  if (magic !== WINDOWS_MAGIC) throw new RangeError(`window file: magic ${JSON.stringify(magic)}, expected ${WINDOWS_MAGIC}`);
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = v.getUint16(4, true);
  if (version !== WINDOWS_VERSION) throw new RangeError(`window file: version ${version}, expected ${WINDOWS_VERSION}`);
  const flags = v.getUint16(6, true);
  const schemaHash = v.getUint32(8, true);
  if (schemaHash !== FEATURE_SCHEMA_HASH) throw new RangeError(`window file: schema hash ${schemaHash.toString(16)} is not this build's`);
  const count = v.getUint32(12, true);
  const length = v.getUint32(16, true);
  if (v.getUint32(20, true) !== FEATURE_COUNT) throw new RangeError("window file: feature count differs");
  const masked = (flags & WINDOWS_FLAG_MASK) !== 0;
  const cell = length * FEATURE_COUNT;
  const record = 8 + cell * (masked ? 2 : 1);
  if (bytes.length !== WINDOWS_HEADER_BYTES + count * record) throw new RangeError(`window file: ${bytes.length} bytes, expected ${WINDOWS_HEADER_BYTES + count * record}`);
  const windows: WindowRecord[] = [];
  for (let i = 0, at = WINDOWS_HEADER_BYTES; i < count; i++, at += record) {
    const bins = Uint8Array.from(bytes.subarray(at + 8, at + 8 + cell)); // plain copies, also when `bytes` is a Buffer
    const base = { node: v.getUint32(at, true), startMinute: v.getUint32(at + 4, true), bins };
    windows.push(masked ? { ...base, unavailable: Uint8Array.from(bytes.subarray(at + 8 + cell, at + 8 + 2 * cell)) } : base);
  }
  return { length, schemaHash, masked, windows };
}
