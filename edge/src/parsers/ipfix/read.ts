/** @module Big-endian unsigned reads of any IPFIX reduced-size length (RFC 7011 §6.2), exact up to 2^53. */

const TWO_32 = 4294967296;

/**
 * Reads an unsigned integer of `length` (1..8) bytes at `pos`; the caller has checked the bounds.
 * The common lengths come first and the rest go to a separate function, so that this one stays
 * small enough for the JIT to inline into the record loop (data-set.ts).
 */
export function readUint(view: DataView, pos: number, length: number): number {
  if (length === 4) return view.getUint32(pos);
  if (length === 2) return view.getUint16(pos);
  if (length === 1) return view.getUint8(pos);
  if (length === 8) return view.getUint32(pos) * TWO_32 + view.getUint32(pos + 4);
  return readOddLength(view, pos, length);
}

function readOddLength(view: DataView, pos: number, length: number): number {
  let v = 0;
  for (let i = 0; i < length; i++) v = v * 256 + view.getUint8(pos + i);
  return v;
}

/** Writes `value` (a non-negative integer below 2^53, checked by the caller) as `length` (1..8) bytes. */
export function writeUint(view: DataView, pos: number, length: number, value: number): void {
  let v = value;
  for (let i = length - 1; i >= 0; i--) {
    view.setUint8(pos + i, v % 256);
    v = Math.floor(v / 256);
  }
}
