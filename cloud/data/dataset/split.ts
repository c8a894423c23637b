/** @module Time-based train/val/test split (no leakage across time) and the fixed-length windows inside each split. */

export const SPLITS = ["train", "val", "test"] as const;
export type SplitName = (typeof SPLITS)[number];

/** A split's minutes: [startMinute, endMinute), epoch minutes. */
export interface SplitRange {
  readonly name: SplitName;
  readonly startMinute: number;
  readonly endMinute: number;
}

export const DEFAULT_FRACTIONS: readonly [number, number, number] = [0.7, 0.15, 0.15];

/** Parses "0.7,0.15,0.15": three non-negative numbers summing to 1 (±1e-6), train > 0. */
export function parseFractions(text: string): [number, number, number] {
  const parts = text.split(",").map((s) => Number(s.trim()));
  if (parts.length !== 3 || parts.some((x) => !Number.isFinite(x) || x < 0)) throw new RangeError(`split ${JSON.stringify(text)}: expected three non-negative numbers, e.g. 0.7,0.15,0.15`);
  const [a, b, c] = parts as [number, number, number];
  if (Math.abs(a + b + c - 1) > 1e-6) throw new RangeError(`split ${JSON.stringify(text)}: fractions sum to ${a + b + c}, not 1`);
  if (a <= 0) throw new RangeError(`split ${JSON.stringify(text)}: the train fraction must be > 0`);
  return [a, b, c];
}

/**
 * Splits [start, end) by time: train = [start, start + ⌊M·f_train⌋), val up to
 * start + ⌊M·(f_train + f_val)⌋, test the rest (M = end − start). Contiguous and disjoint.
 */
export function splitRanges(startMinute: number, endMinute: number, fractions: readonly [number, number, number] = DEFAULT_FRACTIONS): SplitRange[] {
  const M = endMinute - startMinute;
  // + 1e-9: 1440 × 0.7 is 1007.9999… in floating point and must give 1008
  const a = startMinute + Math.floor(M * fractions[0] + 1e-9);
  const b = Math.min(endMinute, startMinute + Math.floor(M * (fractions[0] + fractions[1]) + 1e-9));
  return [
    { name: "train", startMinute, endMinute: a },
    { name: "val", startMinute: a, endMinute: b },
    { name: "test", startMinute: b, endMinute },
  ];
}

/** The split holding a minute (undefined outside the range). */
export function splitOf(ranges: readonly SplitRange[], minute: number): SplitRange | undefined {
  return ranges.find((r) => minute >= r.startMinute && minute < r.endMinute);
}

/**
 * Window starts inside one split: start, start + stride, … while start + length ≤ end, so every
 * window lies wholly in the split (a window never straddles a boundary; the tail shorter than a
 * window is not used).
 */
export function windowStarts(range: SplitRange, length: number, stride: number): number[] {
  if (!Number.isInteger(length) || length < 1 || !Number.isInteger(stride) || stride < 1) throw new RangeError(`window ${length} and stride ${stride} must be positive integers`);
  const out: number[] = [];
  for (let s = range.startMinute; s + length <= range.endMinute; s += stride) out.push(s);
  return out;
}
