/** @module Training the Multiscale-LSTM baseline end to end (LSTMs + survival head, mean SAFE loss) on labelled EarlyDetect windows, and its per-minute features for evaluation. */
import { FEATURE_COUNT } from "../../../shared/features/catalogue.js";
import type { WindowRecord } from "../../data/dataset/windows-file.js";
import type { HiddenStates } from "../../detect/head/hidden.js";
import { shuffle } from "../../detect/head/hidden.js";
import { headStepper } from "../../detect/head/stepper.js";
import { newHead, type SurvivalHead } from "../../detect/head/train.js";
import type { Backend, TensorTypes } from "../../engine/kernels.js";
import { lstmKernelsFor } from "../../engine/lstm/index.js";
import { Mulberry32 } from "../../engine/rng.js";
import { windowBatch } from "../backbone.js";
import type { EarlyData, Split } from "../early-data.js";
import type { LstmConfig } from "./config.js";
import { MultiscaleLstm } from "./model.js";

export interface LstmTrainOptions {
  readonly epochs: number;
  readonly lr: number;
  /** windows per step */
  readonly batch: number;
  /** the survival head's hidden units */
  readonly hiddenUnits: number;
  readonly seed: number;
}

export interface LstmEpoch {
  readonly epoch: number;
  readonly trainLoss: number;
  readonly seconds: number;
}

export interface LstmTrained<T extends TensorTypes> {
  readonly model: MultiscaleLstm<T>;
  readonly head: SurvivalHead;
  readonly history: LstmEpoch[];
}

/** The model's inputs for windows idx: bins (B,T,NF) of the window's first T minutes and time indices (B,T,NTIME), as the decoder's batch. */
export function lstmBatch(data: Pick<EarlyData, "nodes" | "window" | "utcOffsetMinutes">, windows: readonly WindowRecord[], idx: readonly number[]): { bins: Uint8Array; time: Int32Array } {
  const T = data.window;
  const bins = new Uint8Array(idx.length * T * FEATURE_COUNT);
  idx.forEach((n, b) => bins.set(windows[n]!.bins.subarray(0, T * FEATURE_COUNT), b * T * FEATURE_COUNT));
  return { bins, time: windowBatch(data, windows, idx).time };
}

const ADAM = { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 };

/**
 * Trains LSTMs + head on examples idx of a split: per step a batch of windows, the forward, the head's mean
 * SAFE loss on the host (cloud/detect), its input gradient backpropagated through the LSTMs, one Adam step
 * each (lr, β 0.9/0.999, eps 1e-8, no weight decay). Mulberry32(seed): the model's init, then the head's,
 * then the batch order. The last epoch's parameters are kept (no labelled data is left for early stopping),
 * as for the from-scratch transformer. The head's MLP runs on `headBackend` (engine-head.ts), or in plain
 * JS when it is null (the default).
 */
export async function trainLstm<T extends TensorTypes>(backend: Backend<T>, cfg: LstmConfig, data: EarlyData, split: Split, idx: readonly number[], o: LstmTrainOptions, onEpoch?: (e: LstmEpoch) => void, headBackend: Backend<TensorTypes> | null = null): Promise<LstmTrained<T>> {
  if (idx.length === 0) throw new RangeError("no training examples");
  const rng = new Mulberry32(o.seed);
  const T = data.window;
  const B = Math.max(1, Math.min(o.batch, idx.length));
  const model = new MultiscaleLstm(backend, await lstmKernelsFor(backend), cfg, B, T, rng.int(2 ** 32));
  const head = headStepper(newHead(model.D, T, o.hiddenUnits, rng.int(2 ** 32)), B, T, headBackend);
  const { records, windows } = data.splits[split];
  const pool = [...idx];
  const history: LstmEpoch[] = [];
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
      const { bins, time } = lstmBatch(data, windows, part);
      model.setBatch(bins, time, b);
      model.forward();
      const feat = await model.features();
      const loss = await head.forwardLoss(feat, labels, b);
      if (!Number.isFinite(loss)) throw new Error(`Multiscale-LSTM training: non-finite loss ${loss} at epoch ${epoch}, step ${step + 1}`);
      sum += loss;
      steps++;
      const dinp = await head.backward();
      model.zeroGrad();
      model.backward(dinp);
      step++;
      model.step({ lr: o.lr, ...ADAM }, step);
      head.step({ lr: o.lr, ...ADAM }, step);
    }
    const e = { epoch, trainLoss: sum / steps, seconds: (performance.now() - t0) / 1000 };
    history.push(e);
    onEpoch?.(e);
  }
  return { model, head: await head.head(), history };
}

/** The trained model's per-minute features (N,T,D) of windows idx (default all) of a split: what its head reads, as HiddenStates. */
export async function lstmFeatures<T extends TensorTypes>(model: MultiscaleLstm<T>, data: EarlyData, split: Split, idx?: readonly number[]): Promise<HiddenStates> {
  const windows = data.splits[split].windows;
  const list = idx ?? windows.map((_, i) => i);
  const T = data.window;
  const out = new Float32Array(list.length * T * model.D);
  for (let at = 0; at < list.length; at += model.maxB) {
    const part = list.slice(at, at + model.maxB);
    const { bins, time } = lstmBatch(data, windows, part);
    model.setBatch(bins, time, part.length);
    model.forward();
    out.set(await model.features(), at * T * model.D);
  }
  return { data: out, N: list.length, T, C: model.D };
}
