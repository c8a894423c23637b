/** @module The static-threshold detector: a window is flagged at the first minute any watched rate exceeds its threshold; prepared for fast evaluation of many threshold vectors. */
import { RATES } from "./rates.js";

/** Thresholds per rate (RATES order), in the rate's unit; +∞ disables one. */
export type Thresholds = readonly number[];

export const DISABLED = Number.POSITIVE_INFINITY;

/** Legend: M windows, T minutes, R = RATES.length rates. */
export class ThresholdDetector {
  /** (M, R, T) running maximum over minutes of each rate */
  readonly runMax: Float64Array;
  readonly R = RATES.length;
  constructor(
    /** per window (T, R) rates (windowRates) */
    rates: readonly Float64Array[],
    readonly T: number,
  ) {
    const { R } = this;
    this.runMax = new Float64Array(rates.length * R * T);
    rates.forEach((x, m) => {
      if (x.length !== T * R) throw new RangeError(`window ${m}: ${x.length} rates, expected ${T * R}`);
      for (let r = 0; r < R; r++) {
        let hi = Number.NEGATIVE_INFINITY;
        for (let t = 0; t < T; t++) {
          const v = x[t * R + r]!;
          if (v > hi) hi = v;
          this.runMax[(m * R + r) * T + t] = hi;
        }
      }
    });
  }

  get M(): number {
    return this.runMax.length / (this.R * this.T);
  }

  /** d = the first minute where some rate r > thresholds[r], per window (null: never). */
  detect(thresholds: Thresholds): (number | null)[] {
    const { R, T } = this;
    if (thresholds.length !== R) throw new RangeError(`${thresholds.length} thresholds, expected ${R}`);
    const out: (number | null)[] = [];
    for (let m = 0; m < this.M; m++) {
      let d = T;
      for (let r = 0; r < R; r++) {
        const th = thresholds[r]!;
        if (th === DISABLED) continue;
        const base = (m * R + r) * T;
        let lo = 0;
        let hi = d; // only an earlier minute can lower d
        while (lo < hi) {
          const mid = (lo + hi) >>> 1;
          if (this.runMax[base + mid]! > th) hi = mid;
          else lo = mid + 1;
        }
        d = lo;
      }
      out.push(d === T ? null : d);
    }
    return out;
  }
}

/** The same rule by a plain scan (the reference the tests compare the search against). */
export function detectScan(rates: Float64Array, T: number, thresholds: Thresholds): number | null {
  const R = RATES.length;
  for (let t = 0; t < T; t++) for (let r = 0; r < R; r++) if (rates[t * R + r]! > thresholds[r]!) return t;
  return null;
}
