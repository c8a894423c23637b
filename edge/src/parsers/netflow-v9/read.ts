/** @module Big-endian unsigned integers of any width 1..8 from a record (exact below 2^53), and NTP time stamps. */

/** Seconds from 1900-01-01 (NTP era 0) to 1970-01-01. */
export const NTP_UNIX_OFFSET_S = 2_208_988_800;

/**
 * Unsigned big-endian value of `width` bytes at `o` (width 1..8). Values of 2^53 and more lose precision.
 * The common widths come first and the rest go to a separate function, so that this one stays small
 * enough for the JIT to inline into the record loop.
 */
export function readUint(b: Uint8Array, dv: DataView, o: number, width: number): number {
  if (width === 4) return dv.getUint32(o);
  if (width === 2) return dv.getUint16(o);
  if (width === 1) return b[o]!;
  if (width === 8) return dv.getUint32(o) * 4294967296 + dv.getUint32(o + 4);
  return readOddWidth(b, o, width);
}

function readOddWidth(b: Uint8Array, o: number, width: number): number {
  let v = 0;
  for (let i = 0; i < width; i++) v = v * 256 + b[o + i]!;
  return v;
}

/** Epoch ms of a 64-bit NTP time stamp at `o` (dateTimeMicroseconds/Nanoseconds), rounded down. */
export function readNtpMs(dv: DataView, o: number): number {
  return (dv.getUint32(o) - NTP_UNIX_OFFSET_S) * 1000 + Math.floor((dv.getUint32(o + 4) * 1000) / 4294967296);
}
