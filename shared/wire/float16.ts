/** @module IEEE 754 binary16 <-> binary32 conversion (round to nearest, ties to even), for runtimes without Float16Array. */

const scratchF32 = new Float32Array(1);
const scratchU32 = new Uint32Array(scratchF32.buffer);

/** Largest finite half: 65504. */
export const FLOAT16_MAX = 65504;

/**
 * binary32 bit pattern -> binary16 bit pattern, round to nearest, ties to even.
 * Overflow gives +-Infinity, underflow gives subnormals or +-0. NaN stays NaN (quiet; the top 10
 * payload bits are kept, and the quiet bit is set so a payload never collapses into Infinity).
 */
export function float32BitsToFloat16Bits(bits: number): number {
  const sign = (bits >>> 16) & 0x8000;
  const exp = (bits >>> 23) & 0xff;
  const mant = bits & 0x7f_ffff;
  if (exp === 0xff) return mant === 0 ? sign | 0x7c00 : sign | 0x7e00 | (mant >>> 13);
  const e = exp - 127 + 15; // biased half exponent
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    // Half subnormal: value = m * 2^-24 with m = full * 2^(e - 14), full = 1.mant as a 24-bit integer.
    if (e < -10) return sign; // below half of the smallest subnormal: rounds to 0
    const full = mant | 0x80_0000;
    const shift = 14 - e; // 14..24
    let m = full >>> shift;
    const rem = full & ((1 << shift) - 1);
    const half = 1 << (shift - 1);
    if (rem > half || (rem === half && (m & 1) === 1)) m++; // may carry into the smallest normal: correct
    return sign | m;
  }
  let h = sign | (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && (h & 1) === 1)) h++; // carry into the exponent is correct (up to Infinity)
  return h;
}

/** binary16 bit pattern -> binary32 bit pattern (exact; every half is a float). */
export function float16BitsToFloat32Bits(h: number): number {
  const sign = (h & 0x8000) << 16;
  const exp = (h >>> 10) & 0x1f;
  let mant = h & 0x3ff;
  if (exp === 0x1f) return (sign | 0x7f80_0000 | (mant << 13)) >>> 0;
  if (exp === 0) {
    if (mant === 0) return sign >>> 0;
    // Subnormal: normalize. value = mant * 2^-24.
    let e = -1;
    do {
      mant <<= 1;
      e++;
    } while ((mant & 0x400) === 0);
    return (sign | ((127 - 15 - e) << 23) | ((mant & 0x3ff) << 13)) >>> 0;
  }
  return (sign | ((exp - 15 + 127) << 23) | (mant << 13)) >>> 0;
}

/** A number (first rounded to float32) -> binary16 bits. Exact RNE for float32 inputs. */
export function toFloat16Bits(x: number): number {
  scratchF32[0] = x;
  return float32BitsToFloat16Bits(scratchU32[0]!);
}

/** binary16 bits -> number. */
export function fromFloat16Bits(h: number): number {
  scratchU32[0] = float16BitsToFloat32Bits(h & 0xffff);
  return scratchF32[0]!;
}

/** Rounds a number to the nearest half (through float32), returned as a number. */
export function roundToFloat16(x: number): number {
  return fromFloat16Bits(toFloat16Bits(x));
}

/** Encodes `src` as little-endian halves into `out` (2 bytes each) starting at `offset`. */
export function writeFloat16Array(out: DataView, offset: number, src: Float32Array): void {
  const bits = new Uint32Array(src.buffer, src.byteOffset, src.length);
  for (let i = 0; i < src.length; i++) out.setUint16(offset + 2 * i, float32BitsToFloat16Bits(bits[i]!), true);
}

/** Decodes `out.length` little-endian halves from `src` at `offset` into `out` (bit-exact). */
export function readFloat16Array(src: DataView, offset: number, out: Float32Array): void {
  const bits = new Uint32Array(out.buffer, out.byteOffset, out.length);
  for (let i = 0; i < out.length; i++) bits[i] = float16BitsToFloat32Bits(src.getUint16(offset + 2 * i, true));
}
