/** @module Exhaustive float16 tests: all 65536 halves, every rounding midpoint, known values, a slow reference. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { float16BitsToFloat32Bits, float32BitsToFloat16Bits, fromFloat16Bits, roundToFloat16, toFloat16Bits } from "./float16.js";

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
const bitsOf = (x: number): number => ((f32[0] = x), u32[0]!);
const valueOf = (bits: number): number => ((u32[0] = bits), f32[0]!);
const isNaNHalf = (h: number): boolean => (h & 0x7c00) === 0x7c00 && (h & 0x3ff) !== 0;

/** Slow reference: nearest half by exact double arithmetic, ties to even. */
function referenceHalf(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  const a = Math.abs(x);
  const sign = x < 0 || Object.is(x, -0) ? -1 : 1;
  if (a >= 65520) return sign * Number.POSITIVE_INFINITY;
  let e = -14;
  while (e < 15 && a >= 2 ** (e + 1)) e++;
  const q = 2 ** (e - 10);
  const n = a / q;
  const fl = Math.floor(n);
  const r = n - fl > 0.5 || (n - fl === 0.5 && fl % 2 === 1) ? fl + 1 : fl;
  return sign * r * q;
}

describe("float16", () => {
  it("round-trips all 65536 halves through float32 bit-exactly (NaNs stay NaN, quiet payloads kept)", () => {
    for (let h = 0; h < 0x1_0000; h++) {
      const back = float32BitsToFloat16Bits(float16BitsToFloat32Bits(h));
      if (isNaNHalf(h)) {
        expect(isNaNHalf(back)).toBe(true);
        expect(back & 0x8000).toBe(h & 0x8000);
        if (h & 0x200) expect(back).toBe(h);
      } else if (back !== h) {
        expect(back, `half 0x${h.toString(16)}`).toBe(h);
      }
      // and through numbers
      if (!isNaNHalf(h) && toFloat16Bits(fromFloat16Bits(h)) !== h) expect(toFloat16Bits(fromFloat16Bits(h))).toBe(h);
    }
  });

  it("decodes every half to the exact value of its fields", () => {
    for (let h = 0; h < 0x1_0000; h++) {
      const s = h & 0x8000 ? -1 : 1;
      const e = (h >>> 10) & 0x1f;
      const m = h & 0x3ff;
      const want = e === 31 ? (m ? Number.NaN : s * Infinity) : e === 0 ? s * m * 2 ** -24 : s * (1024 + m) * 2 ** (e - 25);
      const got = fromFloat16Bits(h);
      if (!Object.is(got, want)) expect(got, `half 0x${h.toString(16)}`).toBe(want);
    }
  });

  it("rounds every midpoint between adjacent halves to even, and its float32 neighbours to the nearer half", () => {
    for (let h = 0; h < 0x7c00; h++) {
      for (const sign of [0, 0x8000]) {
        const lo = fromFloat16Bits(h | sign);
        const hi = fromFloat16Bits((h + 1) | sign); // h + 1 == 0x7c00 is Infinity; the midpoint is 65520
        const mid = h + 1 === 0x7c00 ? (sign ? -65520 : 65520) : (lo + hi) / 2;
        if (Math.fround(mid) !== mid) expect(Math.fround(mid)).toBe(mid); // exact in float32
        const even = (h & 1) === 0 ? h : h + 1;
        if (toFloat16Bits(mid) !== (even | sign)) expect(toFloat16Bits(mid), `mid of 0x${h.toString(16)}`).toBe(even | sign);
        const mb = bitsOf(mid);
        const towardLo = valueOf(mb - 1); // magnitude just below the midpoint
        const towardHi = valueOf(mb + 1);
        if (toFloat16Bits(towardLo) !== (h | sign)) expect(toFloat16Bits(towardLo)).toBe(h | sign);
        if (toFloat16Bits(towardHi) !== ((h + 1) | sign)) expect(toFloat16Bits(towardHi)).toBe((h + 1) | sign);
      }
    }
  });

  it("matches known values", () => {
    const cases: [number, number][] = [
      [0, 0x0000],
      [-0, 0x8000],
      [1, 0x3c00],
      [-2, 0xc000],
      [0.5, 0x3800],
      [65504, 0x7bff],
      [65519, 0x7bff],
      [65520, 0x7c00],
      [1e6, 0x7c00],
      [-1e6, 0xfc00],
      [Infinity, 0x7c00],
      [-Infinity, 0xfc00],
      [2 ** -14, 0x0400],
      [2 ** -14 - 2 ** -24, 0x03ff],
      [2 ** -24, 0x0001],
      [2 ** -25, 0x0000],
      [-(2 ** -25), 0x8000],
      [3 * 2 ** -25, 0x0002],
      [1e-10, 0x0000],
      [0.1, 0x2e66],
      [1 / 3, 0x3555],
      [Math.PI, 0x4248],
      [1 + 2 ** -11, 0x3c00],
      [1 + 3 * 2 ** -11, 0x3c02],
    ];
    for (const [x, h] of cases) expect(toFloat16Bits(x), String(x)).toBe(h);
    expect(Number.isNaN(fromFloat16Bits(toFloat16Bits(Number.NaN)))).toBe(true);
    expect(toFloat16Bits(valueOf(0x7f80_0001)) & 0x7c00).toBe(0x7c00); // signalling NaN payload stays NaN
    expect(float32BitsToFloat16Bits(0x7f80_0001)).toBe(0x7e00);
    expect(fromFloat16Bits(0x3c00)).toBe(1);
    expect(fromFloat16Bits(0x0001)).toBe(2 ** -24);
    expect(fromFloat16Bits(0x7bff)).toBe(65504);
    expect(Object.is(fromFloat16Bits(0x8000), -0)).toBe(true);
  });

  it("agrees with a slow reference on random float32 values", () => {
    fc.assert(
      fc.property(fc.oneof(fc.float(), fc.float({ min: -70000, max: 70000 }), fc.float({ min: Math.fround(-1e-4), max: Math.fround(1e-4) })), (x) => {
        const want = referenceHalf(x);
        const got = roundToFloat16(x);
        if (Number.isNaN(want)) expect(Number.isNaN(got)).toBe(true);
        else expect(Object.is(got, want) || got === want).toBe(true);
      }),
      { numRuns: 20000 },
    );
  });
});
