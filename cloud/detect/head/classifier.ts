/** @module The attack-type classifier on the same hidden states: an MLP C → H → K per minute, softmax cross-entropy on the attack minutes of attack examples, trained with Adam. */
import { foldInputStats, prepareInputs } from "./standardize.js";
import { adamWUpdate } from "../../engine/reference/adam.js";
import { crossEntropyBackward, crossEntropyForward } from "../../engine/reference/cross-entropy.js";
import { Mulberry32 } from "../../engine/rng.js";
import { checkHidden, type HiddenStates, shuffle } from "./hidden.js";
import type { Arr } from "../../engine/reference/types.js";
import { type MlpActs, type MlpConfig, mlpBackward, mlpForward, mlpInit, mlpLayout, type MlpViews, mlpViews } from "./mlp.js";

/**
 * Legend: N examples, T minutes, C = d_model, H hidden units, K attack types, M selected rows.
 *
 * Training rows: for an attack example n of type k (target[n] = k ≥ 0), its minutes t ∈ [from[n], T)
 * (from = the CUSUM onset: the minutes where the attack is under way, which is where a detection
 * happens and the type is asked for); examples with target −1 (non-attacks) are not used. Each
 * example weighs the same in the loss (its rows share 1/B), however long its attack part.
 * Prediction at minute t: softmax of the logits of h_t (in deployment t = the detection minute).
 */
export interface ClassifierData {
  readonly hidden: HiddenStates;
  /** (N) type index in [0, K), or −1 to leave the example out */
  readonly target: ArrayLike<number>;
  /** (N) first minute used (window-relative, clamped to [0, T−1]) */
  readonly from: ArrayLike<number>;
}

export interface TrainClassifierOptions {
  readonly epochs: number;
  readonly lr: number;
  readonly batch: number;
  readonly seed: number;
  readonly hiddenUnits: number;
  readonly weightDecay: number;
  /** train on standardized inputs, folded into the first layer afterwards (standardize.ts) */
  readonly standardize: boolean;
}

export const TRAIN_CLASSIFIER_DEFAULTS: TrainClassifierOptions = { epochs: 30, lr: 1e-3, batch: 16, seed: 2, hiddenUnits: 512, weightDecay: 0, standardize: true };

export interface TypeClassifier {
  readonly cfg: MlpConfig;
  readonly params: Float32Array;
  /** mean loss per epoch */
  readonly history: number[];
}

/** Activations of the classifier over M rows. */
export interface ClassifierActs<A extends Arr = Float32Array> extends MlpActs<A> {
  /** (M, K) */ readonly logits: A;
  /** (M, K) */ readonly probs: A;
  /** (M) cross-entropy per row */ readonly losses: A;
}

export function allocClassifierActs(M: number, cfg: MlpConfig, make: (n: number) => Arr = (n) => new Float32Array(n)): ClassifierActs<Arr> {
  return { pre: make(M * cfg.H), h: make(M * cfg.H), logits: make(M * cfg.OC), probs: make(M * cfg.OC), losses: make(M) };
}

/** Loss = Σ_r weight[r]·CE(softmax(MLP(inp[r])), targets[r]) over inp (M, C), targets (M) in [0, K). */
export function classifierForward(acts: ClassifierActs<Arr>, p: MlpViews<Arr>, inp: Arr, targets: Uint8Array, weight: ArrayLike<number>, M: number, cfg: MlpConfig): number {
  mlpForward(acts.logits, acts, p, inp, M, cfg);
  crossEntropyForward(acts.losses, acts.probs, acts.logits, targets, M, 1, cfg.OC);
  let loss = 0;
  for (let r = 0; r < M; r++) loss += weight[r]! * acts.losses[r]!;
  return loss;
}

/** g += ∂loss/∂θ; dlogits (M, K) and the MLP scratch are written here; dinp (M, C) += ∂loss/∂inp unless null. */
export function classifierBackward(dinp: Arr | null, g: MlpViews<Arr>, scratch: MlpActs<Arr>, dlogits: Arr, acts: ClassifierActs<Arr>, p: MlpViews<Arr>, inp: Arr, targets: Uint8Array, weight: ArrayLike<number>, M: number, cfg: MlpConfig): void {
  const K = cfg.OC;
  crossEntropyBackward(dlogits, acts.probs, targets, 1, M, 1, K);
  for (let r = 0; r < M; r++) for (let k = 0; k < K; k++) dlogits[r * K + k] = dlogits[r * K + k]! * weight[r]!;
  mlpBackward(dinp, g, scratch, dlogits.subarray(0, M * K), acts, p, inp, M, cfg);
}

/** Trains the classifier over K types; deterministic for a seed. */
export function trainClassifier(input: ClassifierData, K: number, options: Partial<TrainClassifierOptions> = {}): TypeClassifier {
  const o = { ...TRAIN_CLASSIFIER_DEFAULTS, ...options };
  checkHidden(input.hidden);
  const prepared = prepareInputs(input.hidden, undefined, undefined, o.standardize);
  const data: ClassifierData = { ...input, hidden: prepared.hidden };
  const { hidden } = data;
  if (!(K >= 1 && K <= 255)) throw new RangeError(`K = ${K} types, expected 1..255`);
  const { T, C } = hidden;
  const cfg: MlpConfig = { C, H: o.hiddenUnits, OC: K };
  const rng = new Mulberry32(o.seed);
  const params = new Float32Array(mlpLayout(cfg).total);
  const p = mlpViews(params, cfg);
  mlpInit(p, cfg, new Mulberry32(rng.int(2 ** 32)), 0);
  const grads = new Float32Array(params.length);
  const g = mlpViews(grads, cfg);
  const m = new Float32Array(params.length);
  const v = new Float32Array(params.length);
  const pool: number[] = [];
  for (let n = 0; n < hidden.N; n++) {
    const k = data.target[n]!;
    if (k >= K) throw new RangeError(`example ${n}: type ${k} ≥ K = ${K}`);
    if (k >= 0) pool.push(n);
  }
  if (pool.length === 0) throw new RangeError("no attack examples to train the type classifier on");
  const B = Math.max(1, Math.min(o.batch, pool.length));
  const maxRows = B * T;
  const inp = new Float32Array(maxRows * C);
  const targets = new Uint8Array(maxRows);
  const rowWeight = new Float32Array(maxRows);
  const acts = allocClassifierActs(maxRows, cfg);
  const scratch = { pre: new Float32Array(maxRows * cfg.H), h: new Float32Array(maxRows * cfg.H) };
  const dlogits = new Float32Array(maxRows * K);
  const history: number[] = [];
  let step = 0;
  for (let epoch = 1; epoch <= o.epochs; epoch++) {
    shuffle(pool, () => rng.next());
    let sum = 0;
    let steps = 0;
    for (let at = 0; at < pool.length; at += B) {
      const idx = pool.slice(at, at + B);
      let M = 0;
      for (const n of idx) {
        const from = Math.min(T - 1, Math.max(0, Math.floor(data.from[n]!)));
        const w = 1 / (idx.length * (T - from));
        for (let t = from; t < T; t++, M++) {
          inp.set(hidden.data.subarray((n * T + t) * C, (n * T + t + 1) * C), M * C);
          targets[M] = data.target[n]!;
          rowWeight[M] = w;
        }
      }
      const x = inp.subarray(0, M * C);
      sum += classifierForward(acts, p, x, targets, rowWeight, M, cfg);
      steps++;
      grads.fill(0);
      classifierBackward(null, g, scratch, dlogits, acts, p, x, targets, rowWeight, M, cfg);
      adamWUpdate(params, grads, m, v, params.length, o.lr, 0.9, 0.999, 1e-8, o.weightDecay, ++step);
    }
    history.push(sum / steps);
  }
  return { cfg, params: prepared.stats === null ? params : foldInputStats(params, cfg, prepared.stats), history };
}

/** Type probabilities (K) of example n at minute t. */
export function classifyMinute(clf: TypeClassifier, hidden: HiddenStates, n: number, t: number): Float32Array {
  const { C, H, OC: K } = clf.cfg;
  if (hidden.C !== C) throw new RangeError(`classifier for C=${C}, hidden states have C=${hidden.C}`);
  if (!(n >= 0 && n < hidden.N && t >= 0 && t < hidden.T)) throw new RangeError(`(${n}, ${t}) outside the hidden states`);
  const x = hidden.data.subarray((n * hidden.T + t) * C, (n * hidden.T + t + 1) * C);
  const logits = new Float32Array(K);
  mlpForward(logits, { pre: new Float32Array(H), h: new Float32Array(H) }, mlpViews(clf.params, clf.cfg), x, 1, clf.cfg);
  const probs = new Float32Array(K);
  crossEntropyForward(new Float32Array(1), probs, logits, new Uint8Array(1), 1, 1, K);
  return probs;
}

/** argmax of classifyMinute (ties: the lower index). */
export function predictType(clf: TypeClassifier, hidden: HiddenStates, n: number, t: number): number {
  const p = classifyMinute(clf, hidden, n, t);
  let best = 0;
  for (let k = 1; k < p.length; k++) if (p[k]! > p[best]!) best = k;
  return best;
}

/** Confusion matrix (K, K) [true][predicted] and accuracy of predictions at given minutes (e.g. each detected attack's detection minute). */
export function typeConfusion(clf: TypeClassifier, hidden: HiddenStates, cases: readonly { n: number; target: number; minute: number }[]): { confusion: number[][]; accuracy: number } {
  const K = clf.cfg.OC;
  const confusion = Array.from({ length: K }, () => new Array<number>(K).fill(0));
  let right = 0;
  for (const c of cases) {
    if (!(c.target >= 0 && c.target < K)) throw new RangeError(`type ${c.target} outside 0..${K - 1}`);
    const k = predictType(clf, hidden, c.n, c.minute);
    confusion[c.target]![k]!++;
    if (k === c.target) right++;
  }
  return { confusion, accuracy: cases.length === 0 ? Number.NaN : right / cases.length };
}
