/** @module Training the survival head on frozen hidden states with Adam and the mean SAFE loss: deterministic (seeded init and batch order), early stopping on a validation set's loss. */
import { foldInputStats, prepareInputs } from "./standardize.js";
import { adamWUpdate } from "../../engine/reference/adam.js";
import { Mulberry32 } from "../../engine/rng.js";
import { allocHeadActs, allocHeadScratch, headBackward, headConfig, headForward, headLoss } from "./head.js";
import { checkHidden, gatherExamples, type HiddenStates, shuffle } from "./hidden.js";
import { type MlpConfig, mlpInit, mlpLayout, mlpViews } from "./mlp.js";
import { safeLoss } from "./safe.js";
import { softplusInverse } from "./softplus.js";

export interface HeadValidation {
  readonly hidden: HiddenStates;
  /** (hidden.N) 1 = attack, 0 = not */
  readonly labels: ArrayLike<number>;
  /** the examples to score (default all) */
  readonly examples?: readonly number[];
}

export interface TrainHeadOptions {
  readonly epochs: number;
  readonly lr: number;
  /** examples per Adam step */
  readonly batch: number;
  readonly seed: number;
  /** hidden units of the MLP (paper: 512) */
  readonly hiddenUnits: number;
  readonly weightDecay: number;
  /** train on standardized inputs (statistics of the training examples), folded into the first layer afterwards (standardize.ts) */
  readonly standardize: boolean;
  /** Adam β1, β2, ε */
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  /** the training examples (default all N): how the multi-task heads pick their subsets */
  readonly examples?: readonly number[];
  /** scored after every epoch; the parameters of the epoch with the lowest mean loss are returned */
  readonly validation?: HeadValidation;
  readonly onEpoch?: (log: EpochLog) => void;
}

export const TRAIN_HEAD_DEFAULTS = { epochs: 30, lr: 1e-3, batch: 16, seed: 1, hiddenUnits: 512, weightDecay: 0, standardize: true, beta1: 0.9, beta2: 0.999, eps: 1e-8 } as const;

export interface EpochLog {
  readonly epoch: number;
  /** mean over the epoch's steps of the batch mean loss */
  readonly trainLoss: number;
  readonly valLoss: number | null;
}

/** A trained head: its config and flat parameters (layout mlpLayout(cfg)). */
export interface SurvivalHead {
  readonly cfg: MlpConfig;
  readonly params: Float32Array;
}

export interface TrainedHead extends SurvivalHead {
  readonly history: EpochLog[];
  /** the epoch whose parameters were kept (1-based; the last one without validation) */
  readonly bestEpoch: number;
}

/**
 * The output bias starts at softplus⁻¹(ln 2 / T): every minute's hazard is ≈ ln 2 / T, so S at the
 * window's end starts near 1/2 for every example, the point of equal SAFE loss for both labels.
 */
export function initialOutputBias(T: number): number {
  return softplusInverse(Math.LN2 / T);
}

export function newHead(C: number, T: number, hiddenUnits: number, seed: number): SurvivalHead {
  const cfg = headConfig(C, hiddenUnits);
  const params = new Float32Array(mlpLayout(cfg).total);
  mlpInit(mlpViews(params, cfg), cfg, new Mulberry32(seed), initialOutputBias(T));
  return { cfg, params };
}

/** Trains one survival head. labels (hidden.N): 1 attack, 0 not. */
export function trainHead(raw: HiddenStates, labels: ArrayLike<number>, options: Partial<TrainHeadOptions> = {}): TrainedHead {
  const o = { ...TRAIN_HEAD_DEFAULTS, ...options };
  checkHidden(raw);
  if (labels.length !== raw.N) throw new RangeError(`${labels.length} labels for ${raw.N} examples`);
  const prepared = prepareInputs(raw, o.examples, o.validation, o.standardize);
  const hidden = prepared.hidden;
  const { T, C } = hidden;
  const rng = new Mulberry32(o.seed);
  const head = newHead(C, T, o.hiddenUnits, rng.int(2 ** 32));
  const { cfg, params } = head;
  const p = mlpViews(params, cfg);
  const grads = new Float32Array(params.length);
  const g = mlpViews(grads, cfg);
  const m = new Float32Array(params.length);
  const v = new Float32Array(params.length);
  const pool = [...(o.examples ?? Array.from({ length: hidden.N }, (_, i) => i))];
  if (pool.length === 0) throw new RangeError("no training examples");
  const B = Math.max(1, Math.min(o.batch, pool.length));
  const inp = new Float32Array(B * T * C);
  const acts = allocHeadActs(B, T, cfg);
  const scratch = allocHeadScratch(B, T, cfg, undefined, false);
  const batchLabels = new Float32Array(B);
  const history: EpochLog[] = [];
  let best = { epoch: 0, loss: Number.POSITIVE_INFINITY, params: params.slice() };
  let step = 0;
  for (let epoch = 1; epoch <= o.epochs; epoch++) {
    shuffle(pool, () => rng.next());
    let sum = 0;
    let steps = 0;
    for (let at = 0; at < pool.length; at += B) {
      const idx = pool.slice(at, at + B);
      const b = idx.length;
      gatherExamples(inp, hidden, idx, b);
      for (let i = 0; i < b; i++) batchLabels[i] = labels[idx[i]!]!;
      const x = inp.subarray(0, b * T * C);
      headForward(acts, p, x, b, T, cfg);
      sum += headLoss(acts, batchLabels, b, T);
      steps++;
      grads.fill(0);
      headBackward(g, scratch, acts, p, x, batchLabels, b, T, cfg);
      adamWUpdate(params, grads, m, v, params.length, o.lr, o.beta1, o.beta2, o.eps, o.weightDecay, ++step);
    }
    const val = prepared.validation;
    const valLoss = val === undefined ? null : meanHeadLoss(head, val.hidden, val.labels, val.examples);
    const log = { epoch, trainLoss: sum / steps, valLoss };
    history.push(log);
    o.onEpoch?.(log);
    // without validation the last epoch wins
    if (valLoss === null || valLoss < best.loss) best = { epoch, loss: valLoss ?? Number.POSITIVE_INFINITY, params: params.slice() };
  }
  return { cfg, params: prepared.stats === null ? best.params : foldInputStats(best.params, cfg, prepared.stats), history, bestEpoch: best.epoch };
}

/** Runs the head over examples (default all) in chunks; calls `each(k, acts, n)` for the k-th example n with its row in acts. */
function runHead(head: SurvivalHead, hidden: HiddenStates, examples: readonly number[] | undefined, each: (k: number, acts: ReturnType<typeof allocHeadActs>, row: number) => void, chunk = 8): void {
  checkHidden(hidden);
  if (head.cfg.C !== hidden.C) throw new RangeError(`head for C=${head.cfg.C}, hidden states have C=${hidden.C}`);
  const { T, C } = hidden;
  const list = examples ?? Array.from({ length: hidden.N }, (_, i) => i);
  const B = Math.max(1, Math.min(chunk, list.length));
  const inp = new Float32Array(B * T * C);
  const acts = allocHeadActs(B, T, head.cfg);
  const p = mlpViews(head.params, head.cfg);
  for (let at = 0; at < list.length; at += B) {
    const idx = list.slice(at, at + B);
    gatherExamples(inp, hidden, idx, idx.length);
    headForward(acts, p, inp.subarray(0, idx.length * T * C), idx.length, T, head.cfg);
    for (let i = 0; i < idx.length; i++) each(at + i, acts, i);
  }
}

/** Survival curves (M, T) of the examples (default all N, M = their count), float32. */
export function headSurvival(head: SurvivalHead, hidden: HiddenStates, examples?: readonly number[]): Float32Array {
  const T = hidden.T;
  const out = new Float32Array((examples?.length ?? hidden.N) * T);
  runHead(head, hidden, examples, (k, acts, row) => out.set(acts.survival.subarray(row * T, (row + 1) * T), k * T));
  return out;
}

/** Mean SAFE loss over the examples (default all). */
export function meanHeadLoss(head: SurvivalHead, hidden: HiddenStates, labels: ArrayLike<number>, examples?: readonly number[]): number {
  const T = hidden.T;
  let sum = 0;
  let n = 0;
  runHead(head, hidden, examples, (k, acts, row) => {
    sum += safeLoss(acts.cum[row * T + T - 1]!, labels[examples === undefined ? k : examples[k]!]!);
    n++;
  });
  return sum / n;
}
