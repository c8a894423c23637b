/** @module Page's one-sided CUSUM for a sudden sustained increase, with a robust (median/MAD) baseline: finds an anomaly's onset minute. */

/**
 * Definitions (used by the EarlyDetect builder, cloud/data/dataset/early.ts):
 *
 *   S_0 = 0,  S_t = max(0, S_{t−1} + (min(x_t, μ + cσ) − μ − k)),  alarm at the first t with S_t > h
 *   (c = `clipSigma`, below).
 *
 * Onset: first the run start r = (the last t' < alarm with S_{t'} = 0) + 1 (Page's estimate), then
 * refined by maximum likelihood for a shift from μ to the post-change level L (the median of x over
 * the last ≤ 3 points of the run, alarm included): onset = the τ in [r, alarm] maximizing
 * Σ_{t=τ}^{alarm} (x_t − (μ + L)/2) (earliest on ties). Page's run start alone is biased early: noise
 * that sits a little above μ + k just before the change keeps S positive and starts the run minutes
 * before the onset; the refinement drops such points because they lie below the midpoint to L.
 *
 * μ and σ come from a baseline (points the caller knows precede the anomaly): μ = median and
 * σ = max(1.4826 · MAD, (q90 − q50) / 1.2816, minSigma). Both spread terms equal the standard
 * deviation for Gaussian data; the median and MAD are not moved by the heavy-tailed bursts of real
 * traffic, and the upper-tail term keeps σ honest for zero-inflated series (a node whose UDP traffic
 * is 0 most minutes has MAD 0, but its occasional non-zero minutes are normal, not an attack). The
 * floor `minSigma` covers zero-variance baselines (an idle node: every minute 0).
 *
 * Defaults: k = 0.5σ (tuned for a shift of 1σ, the classic choice) and h = 8σ. With h = 5σ the
 * in-control average run length for Gaussian noise is about 930 points (Siegmund's approximation),
 * so a 512-minute series would false-alarm in a large share of cases; h = 8σ gives about 19,000.
 * The price is detection delay, not onset accuracy: the onset is read back from the alarm (above),
 * and a DDoS step is many σ, so the alarm comes 2–3 points after the onset either way.
 *
 * Clipping (a Huberized CUSUM): each x_t is capped at μ + 4σ before it enters S, so one point adds
 * at most 3.5σ and an alarm (S > 8σ) needs at least three consecutive high points. Without it a
 * single one-minute burst (Pareto-sized in real traffic) of more than 8.5σ alarms on its own; with
 * it "sustained" means at least three minutes. A real step of any size is found with a delay of
 * 2–3 points and the same onset.
 *
 * Scale: callers run it on log1p(bytes) (`logBytes`). Attacks multiply traffic (a 3× step is the
 * same +1.1 whether the node sends 1 MB or 1 GB a minute), per-minute byte counts are heavy-tailed
 * (lognormal flow sizes, Pareto bursts) and their spread grows with their level; on the log scale
 * the noise is closer to homoscedastic and symmetric, so one kσ/hσ works for every node. The floor
 * `minSigma` = 0.5 is a 65 % change: a flatter baseline is treated as that noisy, and a DDoS
 * multiplies traffic by far more.
 */
export interface CusumOptions {
  /** reference value k in units of σ (default 0.5) */
  readonly kSigma?: number;
  /** decision threshold h in units of σ (default 8) */
  readonly hSigma?: number;
  /** lower bound on σ, in the units of x (default 0.5: a 65 % change on the log1p scale) */
  readonly minSigma?: number;
  /** each point is clipped at μ + clipSigma·σ before it enters S (default 4; Infinity: no clipping) */
  readonly clipSigma?: number;
}

export const DEFAULT_K_SIGMA = 0.5;
export const DEFAULT_H_SIGMA = 8;
export const DEFAULT_MIN_SIGMA = 0.5;
export const DEFAULT_CLIP_SIGMA = 4;
/** 1 / Φ⁻¹(3/4): scales the median absolute deviation to σ for Gaussian data. */
export const MAD_TO_SIGMA = 1.4826;

export interface Baseline {
  readonly mu: number;
  /** after the floor */
  readonly sigma: number;
}

export interface CusumResult {
  readonly mu: number;
  /** points are clipped at this value */
  readonly cap: number;
  readonly sigma: number;
  readonly k: number;
  readonly h: number;
  /** index of the first point with S > h, or -1 when none */
  readonly alarm: number;
  /** index of the anomaly onset (refined), or -1 when no alarm */
  readonly onset: number;
  /** Page's estimate: the first point of the alarming run, or -1 */
  readonly runStart: number;
  /** S_t for every point */
  readonly s: Float64Array;
}

export function median(values: ArrayLike<number>): number {
  const n = values.length;
  if (n === 0) throw new RangeError("median of no values");
  const x = Float64Array.from(values as ArrayLike<number>).sort();
  const mid = n >>> 1;
  return n % 2 === 1 ? x[mid]! : (x[mid - 1]! + x[mid]!) / 2;
}

/** Φ⁻¹(0.9): scales q90 − q50 to σ for Gaussian data. */
export const Q90_TO_SIGMA = 1.2816;

/** Linear-interpolation quantile of an ascending array. */
function quantile(sorted: Float64Array, q: number): number {
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo]! + (pos - lo) * (sorted[hi]! - sorted[lo]!);
}

/** Robust baseline: μ = median, σ = max(1.4826 · MAD, (q90 − q50) / 1.2816, minSigma). */
export function robustBaseline(values: ArrayLike<number>, minSigma: number = DEFAULT_MIN_SIGMA): Baseline {
  const mu = median(values);
  const dev = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) dev[i] = Math.abs(values[i]! - mu);
  const sorted = Float64Array.from(values as ArrayLike<number>).sort();
  const sigma = Math.max(minSigma, MAD_TO_SIGMA * median(dev), (quantile(sorted, 0.9) - mu) / Q90_TO_SIGMA);
  return { mu, sigma };
}

/** Runs the recursion over `x` with a given baseline. */
export function cusumWith(x: ArrayLike<number>, baseline: Baseline, options: CusumOptions = {}): CusumResult {
  const { mu, sigma } = baseline;
  if (!(sigma > 0) || !Number.isFinite(mu)) throw new RangeError(`CUSUM needs a finite μ and σ > 0, got μ=${mu}, σ=${sigma}`);
  const k = (options.kSigma ?? DEFAULT_K_SIGMA) * sigma;
  const h = (options.hSigma ?? DEFAULT_H_SIGMA) * sigma;
  const cap = mu + (options.clipSigma ?? DEFAULT_CLIP_SIGMA) * sigma;
  const s = new Float64Array(x.length);
  let prev = 0;
  let alarm = -1;
  for (let t = 0; t < x.length; t++) {
    const v = x[t]!;
    if (!Number.isFinite(v)) throw new RangeError(`CUSUM input ${v} at ${t} is not finite`);
    const st = Math.max(0, prev + (Math.min(v, cap) - mu - k));
    s[t] = st;
    prev = st;
    if (alarm < 0 && st > h) alarm = t;
  }
  let onset = -1;
  let runStart = -1;
  if (alarm >= 0) {
    let z = alarm - 1;
    while (z >= 0 && s[z]! !== 0) z--;
    runStart = z + 1;
    // maximum-likelihood refinement for a shift from μ to the run's level L
    const level = median(Array.prototype.slice.call(x, Math.max(runStart, alarm - 2), alarm + 1) as number[]);
    const mid = (mu + level) / 2;
    let best = Number.NEGATIVE_INFINITY;
    let sum = 0;
    for (let t = alarm; t >= runStart; t--) {
      sum += x[t]! - mid;
      if (sum >= best) {
        best = sum;
        onset = t;
      }
    }
  }
  return { mu, sigma, k, h, cap, alarm, onset, runStart, s };
}

/**
 * CUSUM on `x`, its baseline estimated from `x[0, baselineLength)` (robust), the recursion run over
 * `x[baselineLength, …)`. Indices in the result (alarm, onset, s) are of `x` itself; s is 0 over
 * the baseline.
 */
export function cusum(x: ArrayLike<number>, baselineLength: number, options: CusumOptions = {}): CusumResult {
  if (!Number.isInteger(baselineLength) || baselineLength < 1 || baselineLength > x.length) {
    throw new RangeError(`baseline length ${baselineLength} must be 1..${x.length}`);
  }
  const base = robustBaseline(Array.prototype.slice.call(x, 0, baselineLength) as number[], options.minSigma);
  const rest = Array.prototype.slice.call(x, baselineLength) as number[];
  const r = cusumWith(rest, base, options);
  const s = new Float64Array(x.length);
  s.set(r.s, baselineLength);
  const shift = (i: number) => (i < 0 ? -1 : i + baselineLength);
  return { ...r, alarm: shift(r.alarm), onset: shift(r.onset), runStart: shift(r.runStart), s };
}

/** log1p of each value: the scale the builder runs CUSUM on. */
export function logBytes(values: ArrayLike<number>): Float64Array {
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = Math.log1p(Math.max(0, values[i]!));
  return out;
}
