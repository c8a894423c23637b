/** @module Big-endian unsigned integers of any width 1..8 (IPFIX reduced-size encoding, NetFlow v9 field lengths), exact below 2^53. */

const TWO_32 = 4294967296;

/**
 * Reads an unsigned integer of `length` (1..8) bytes at `pos`; the caller has checked the bounds.
 * The common lengths come first and the rest go to a separate function, so that this one stays
 * small enough for the JIT to inline into the parsers' record loops.
 */
export function readUint(view: DataView, pos: number, length: number): number {
  if (length === 4) return view.getUint32(pos);
  if (length === 2) return view.getUint16(pos);
  if (length === 1) return view.getUint8(pos);
  if (length === 8) return readUint64(view, pos);
  return readOddLength(view, pos, length);
}

/** An unsigned 64-bit big-endian integer at `pos` (exact below 2^53). */
export function readUint64(view: DataView, pos: number): number {
  return view.getUint32(pos) * TWO_32 + view.getUint32(pos + 4);
}

function readOddLength(view: DataView, pos: number, length: number): number {
  let v = 0;
  for (let i = 0; i < length; i++) v = v * 256 + view.getUint8(pos + i);
  return v;
}
