/** @module The from-scratch baseline (paper Table 5): the same decoder, freshly initialized, trained end to end with a survival head on the SAFE loss (Decoder.backwardFromHidden), on labelled EarlyDetect windows only. */
import { shuffle } from "../detect/head/hidden.js";
import { headStepper } from "../detect/head/stepper.js";
import { newHead, type SurvivalHead } from "../detect/head/train.js";
import type { Backend, TensorTypes } from "../engine/kernels.js";
import type { ModelConfig } from "../engine/model/config.js";
import { Decoder } from "../engine/model/model.js";
import { Mulberry32 } from "../engine/rng.js";
import { windowBatch } from "./backbone.js";
import type { EarlyData, Split } from "./early-data.js";

export interface ScratchOptions {
  readonly epochs: number;
  readonly lr: number;
  /** windows per step */
  readonly batch: number;
  readonly hiddenUnits: number;
  readonly seed: number;
  /**
   * Fraction of the examples held out of training (each class alike) to choose the epoch: the
   * parameters of the epoch with the lowest mean SAFE loss on them are returned. 0 (default):
   * train on all, return the last epoch's.
   */
  readonly holdout?: number;
}

export interface ScratchEpoch {
  readonly epoch: number;
  readonly trainLoss: number;
  /** mean SAFE loss on the held-out examples (with `holdout` only) */
  readonly holdoutLoss?: number;
  readonly seconds: number;
}

export interface ScratchResult {
  /** the decoder's trained flat parameters */
  readonly params: Float32Array;
  readonly head: SurvivalHead;
  readonly history: ScratchEpoch[];
  /** the epoch whose parameters these are */
  readonly bestEpoch: number;
  /** the held-out examples (indices into the split), empty without `holdout` */
  readonly heldOut: number[];
}

/**
 * Splits idx into (fit, held out): round(fraction · n) of each label's examples held out, drawn with
 * their own seeded stream (so the training stream is the same as without a holdout).
 */
export function holdoutSplit(idx: readonly number[], labelOf: (n: number) => number, fraction: number, seed: number): { fit: number[]; heldOut: number[] } {
  if (!(fraction >= 0 && fraction < 1)) throw new RangeError(`holdout fraction ${fraction} is not in [0, 1)`);
  const rng = new Mulberry32((seed ^ 0x6b0d07) >>> 0);
  const held = new Set<number>();
  for (const label of [0, 1]) {
    const group = idx.filter((n) => labelOf(n) === label);
    shuffle(group, () => rng.next());
    for (const n of group.slice(0, Math.round(fraction * group.length))) held.add(n);
  }
  return { fit: idx.filter((n) => !held.has(n)), heldOut: idx.filter((n) => held.has(n)) };
}

/**
 * Trains decoder + head on examples idx of a split: per step a batch of windows (T = W), a forward
 * with residual dropout (config.dropout, a fresh mask seed per step), the head's mean SAFE loss, its
 * gradient on the hidden state backpropagated through the decoder, and one Adam step each for the
 * decoder (Decoder.step) and the head (lr, β 0.9/0.999, eps 1e-8, no weight decay). The decoder is
 * initialized with Mulberry32(seed)'s first draw, the head with its second; batch order and dropout
 * seeds follow from the same stream. The last epoch's parameters are returned, or with `holdout`
 * those of the epoch with the lowest held-out loss (forward without dropout; the held-out examples
 * are not trained on). The head's MLP runs on `headBackend` (engine-head.ts), or in plain JS when it
 * is null (the default).
 */
export async function trainFromScratch<T extends TensorTypes>(backend: Backend<T>, config: ModelConfig, data: EarlyData, split: Split, idx: readonly number[], o: ScratchOptions, onEpoch?: (e: ScratchEpoch) => void, headBackend: Backend<TensorTypes> | null = null): Promise<ScratchResult> {
  if (idx.length === 0) throw new RangeError("no training examples");
  const records = data.splits[split].records;
  const { fit, heldOut } = o.holdout ? holdoutSplit(idx, (n) => records[n]!.label, o.holdout, o.seed) : { fit: [...idx], heldOut: [] };
  if (fit.length === 0) throw new RangeError("no training examples left after the holdout");
  const rng = new Mulberry32(o.seed);
  const T = data.window;
  const C = config.dModel;
  const B = Math.max(1, Math.min(o.batch, fit.length));
  const decoder = new Decoder(backend, config, { maxB: B, maxT: T, seed: rng.int(2 ** 32) });
  const head = headStepper(newHead(C, T, o.hiddenUnits, rng.int(2 ** 32)), B, T, headBackend);
  const adam = { lr: o.lr, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 };
  const windows = data.splits[split].windows;
  const pool = fit;
  const history: ScratchEpoch[] = [];
  let best: { loss: number; epoch: number; params: Float32Array; head: SurvivalHead | null } = { loss: Number.POSITIVE_INFINITY, epoch: 0, params: new Float32Array(0), head: null };
  let step = 0;
  for (let epoch = 1; epoch <= o.epochs; epoch++) {
    const t0 = performance.now();
    shuffle(pool, () => rng.next());
    let sum = 0;
    let steps = 0;
    for (let at = 0; at < pool.length; at += B) {
      const part = pool.slice(at, at + B);
      const b = part.length;
      const labels = part.map((n) => records[n]!.label);
      decoder.setBatch(windowBatch(data, windows, part));
      decoder.forward({ train: true, dropoutSeed: rng.int(2 ** 32) });
      const hidden = (await backend.read(decoder.hidden())).subarray(0, b * T * C);
      const loss = await head.forwardLoss(hidden, labels, b);
      if (!Number.isFinite(loss)) throw new Error(`from-scratch training: non-finite loss ${loss} at epoch ${epoch}, step ${step + 1}`);
      sum += loss;
      steps++;
      const dinp = await head.backward();
      decoder.zeroGrad();
      decoder.backwardFromHidden(dinp);
      step++;
      decoder.step(adam, step);
      head.step(adam, step);
    }
    let holdoutLoss: number | undefined;
    if (heldOut.length > 0) {
      let total = 0;
      for (let at = 0; at < heldOut.length; at += B) {
        const part = heldOut.slice(at, at + B);
        decoder.setBatch(windowBatch(data, windows, part));
        decoder.forward({ train: false });
        const hidden = (await backend.read(decoder.hidden())).subarray(0, part.length * T * C);
        total += part.length * (await head.forwardLoss(hidden, part.map((n) => records[n]!.label), part.length));
      }
      holdoutLoss = total / heldOut.length;
      if (holdoutLoss < best.loss) best = { loss: holdoutLoss, epoch, params: await decoder.readParams(), head: await head.head() };
    }
    const e = { epoch, trainLoss: sum / steps, ...(holdoutLoss !== undefined ? { holdoutLoss } : {}), seconds: (performance.now() - t0) / 1000 };
    history.push(e);
    onEpoch?.(e);
  }
  if (best.head !== null) return { params: best.params, head: best.head, history, bestEpoch: best.epoch, heldOut };
  return { params: await decoder.readParams(), head: await head.head(), history, bestEpoch: o.epochs, heldOut };
}
