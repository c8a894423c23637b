/** @module Detection metrics (docs/detection.md, PAPER-NOTES §8): per-example effectiveness, overhead and mitigation time from the EarlyDetect byte series, and TPR/FPR/FNR/F1 and their aggregates overall and per attack type. */

/**
 * Legend: T minutes per window; d = the detection minute (window-relative, 0..T−1) or null for none.
 * Definitions (kept stable; docs/detection.md is the reference text):
 * - attack example: A = Σ_t anomalous_t, B = Σ_{t≥d} anomalous_t, C = Σ_{t≥d} normal_t,
 *   all = Σ_t (anomalous_t + normal_t). effectiveness = B/A (undefined when A = 0: left out of the
 *   mean and counted), overhead = C/all. No detection: B = C = 0 (effectiveness 0, overhead 0).
 * - non-attack example: overhead = Σ_{t≥d} (anomalous_t + normal_t) / all (its anomalous_t are 0);
 *   no effectiveness. No detection: overhead 0. all = 0 → overhead 0.
 * - TP: attack with a detection anywhere in the window; FN: attack without; FP: non-attack with a
 *   detection; TN: non-attack without. TPR = TP/(TP+FN), FNR = FN/(TP+FN), FPR = FP/(FP+TN),
 *   precision = TP/(TP+FP), F1 = 2TP/(2TP+FP+FN). A ratio with a zero denominator is NaN.
 * - mitigation time = d − onset (minutes) over the TPs; negative = before the CUSUM onset (counted
 *   as `early`). Mean, median (lower middle for an even count), min, max.
 * - overhead level at p: O_p = the ⌈p·n⌉-th smallest per-example overhead over all n examples
 *   (attack and non-attack), i.e. the least value that at least a fraction p of the examples are at
 *   or under (nearest rank).
 */
export interface EvalExample {
  readonly label: 0 | 1;
  readonly type: string;
  /** window-relative CUSUM onset (attack examples), null otherwise */
  readonly onset: number | null;
  /** (T) */
  readonly anomalousBytes: ArrayLike<number>;
  /** (T) */
  readonly normalBytes: ArrayLike<number>;
}

/** An example with suffix sums, so that the outcome of any d costs O(1) (threshold search). */
export interface PreparedExample {
  readonly label: 0 | 1;
  readonly type: string;
  readonly onset: number | null;
  readonly T: number;
  /** (T+1) Σ_{t'≥t} anomalous_t', sufA[T] = 0 */
  readonly sufA: Float64Array;
  /** (T+1) Σ_{t'≥t} normal_t' */
  readonly sufN: Float64Array;
}

export function prepareExample(e: EvalExample): PreparedExample {
  const T = e.anomalousBytes.length;
  if (e.normalBytes.length !== T) throw new RangeError(`${T} anomalous but ${e.normalBytes.length} normal minutes`);
  if (e.label === 1 && e.onset === null) throw new RangeError("an attack example needs its onset");
  const sufA = new Float64Array(T + 1);
  const sufN = new Float64Array(T + 1);
  for (let t = T - 1; t >= 0; t--) {
    const a = e.anomalousBytes[t]!;
    const n = e.normalBytes[t]!;
    if (!(a >= 0 && n >= 0)) throw new RangeError(`minute ${t}: bytes must be ≥ 0 (anomalous ${a}, normal ${n})`);
    sufA[t] = sufA[t + 1]! + a;
    sufN[t] = sufN[t + 1]! + n;
  }
  return { label: e.label, type: e.type, onset: e.onset, T, sufA, sufN };
}

export interface Outcome {
  readonly detection: number | null;
  /** B/A; null for non-attacks and for attacks with A = 0 */
  readonly effectiveness: number | null;
  readonly overhead: number;
  /** d − onset for a detected attack, else null */
  readonly mitigation: number | null;
}

/** The outcome of detection minute d (null = none) on one example. */
export function outcome(e: PreparedExample, d: number | null): Outcome {
  if (d !== null && !(Number.isInteger(d) && d >= 0 && d < e.T)) throw new RangeError(`detection ${d} outside 0..${e.T - 1}`);
  const at = d ?? e.T;
  const A = e.sufA[0]!;
  const all = A + e.sufN[0]!;
  if (e.label === 1) {
    return {
      detection: d,
      effectiveness: A > 0 ? e.sufA[at]! / A : null,
      overhead: all > 0 ? e.sufN[at]! / all : 0,
      mitigation: d === null ? null : d - e.onset!,
    };
  }
  return { detection: d, effectiveness: null, overhead: all > 0 ? (e.sufA[at]! + e.sufN[at]!) / all : 0, mitigation: null };
}

export interface DetectionMetrics {
  readonly examples: number;
  readonly attacks: number;
  readonly nonAttacks: number;
  readonly tp: number;
  readonly fn: number;
  readonly fp: number;
  readonly tn: number;
  readonly tpr: number;
  readonly fnr: number;
  readonly fpr: number;
  readonly precision: number;
  readonly f1: number;
  /** mean B/A over the attacks with A > 0 (undetected count 0) */
  readonly effectiveness: number;
  /** attacks with A = 0, left out of the mean */
  readonly effectivenessUndefined: number;
  readonly overhead: {
    readonly p: number;
    /** O_p over all examples */
    readonly atP: number;
    readonly mean: number;
    readonly meanAttack: number;
    readonly meanNonAttack: number;
  };
  /** minutes, over the TPs */
  readonly mitigation: { readonly count: number; readonly mean: number; readonly median: number; readonly min: number; readonly max: number; readonly early: number };
}

/** O_p: the ⌈p·n⌉-th smallest value (NaN for n = 0). */
export function overheadAtP(overheads: readonly number[], p: number): number {
  if (!(p > 0 && p <= 1)) throw new RangeError(`p must be in (0, 1], got ${p}`);
  if (overheads.length === 0) return Number.NaN;
  const sorted = [...overheads].sort((a, b) => a - b);
  return sorted[Math.ceil(p * sorted.length - 1e-9) - 1]!;
}

const ratio = (a: number, b: number) => (b === 0 ? Number.NaN : a / b);
const meanOf = (xs: readonly number[]) => (xs.length === 0 ? Number.NaN : xs.reduce((s, x) => s + x, 0) / xs.length);

/** Aggregates outcomes (same order as examples) with the overhead level at p. */
export function summarize(examples: readonly PreparedExample[], outcomes: readonly Outcome[], p: number): DetectionMetrics {
  if (outcomes.length !== examples.length) throw new RangeError(`${outcomes.length} outcomes for ${examples.length} examples`);
  let tp = 0;
  let fn = 0;
  let fp = 0;
  let tn = 0;
  let undef = 0;
  const eff: number[] = [];
  const ovAll: number[] = [];
  const ovAtk: number[] = [];
  const ovNon: number[] = [];
  const mit: number[] = [];
  examples.forEach((e, i) => {
    const o = outcomes[i]!;
    const detected = o.detection !== null;
    ovAll.push(o.overhead);
    if (e.label === 1) {
      if (detected) tp++;
      else fn++;
      if (o.effectiveness === null) undef++;
      else eff.push(o.effectiveness);
      ovAtk.push(o.overhead);
      if (o.mitigation !== null) mit.push(o.mitigation);
    } else {
      if (detected) fp++;
      else tn++;
      ovNon.push(o.overhead);
    }
  });
  const sortedMit = [...mit].sort((a, b) => a - b);
  return {
    examples: examples.length,
    attacks: tp + fn,
    nonAttacks: fp + tn,
    tp,
    fn,
    fp,
    tn,
    tpr: ratio(tp, tp + fn),
    fnr: ratio(fn, tp + fn),
    fpr: ratio(fp, fp + tn),
    precision: ratio(tp, tp + fp),
    f1: ratio(2 * tp, 2 * tp + fp + fn),
    effectiveness: meanOf(eff),
    effectivenessUndefined: undef,
    overhead: { p, atP: overheadAtP(ovAll, p), mean: meanOf(ovAll), meanAttack: meanOf(ovAtk), meanNonAttack: meanOf(ovNon) },
    mitigation: {
      count: mit.length,
      mean: meanOf(mit),
      median: sortedMit.length === 0 ? Number.NaN : sortedMit[Math.floor((sortedMit.length - 1) / 2)]!,
      min: sortedMit.length === 0 ? Number.NaN : sortedMit[0]!,
      max: sortedMit.length === 0 ? Number.NaN : sortedMit[sortedMit.length - 1]!,
      early: mit.filter((m) => m < 0).length,
    },
  };
}

/** Metrics overall and per attack type (an example's type is its alert's, for both labels). */
export function summarizeByType(examples: readonly PreparedExample[], outcomes: readonly Outcome[], p: number): { overall: DetectionMetrics; byType: Record<string, DetectionMetrics> } {
  const byType: Record<string, DetectionMetrics> = {};
  for (const type of [...new Set(examples.map((e) => e.type))].sort()) {
    const idx = examples.flatMap((e, i) => (e.type === type ? [i] : []));
    byType[type] = summarize(
      idx.map((i) => examples[i]!),
      idx.map((i) => outcomes[i]!),
      p,
    );
  }
  return { overall: summarize(examples, outcomes, p), byType };
}
