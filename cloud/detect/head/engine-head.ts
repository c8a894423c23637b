/** @module The survival head with its MLP on an engine Backend (./engine-mlp.ts) and the hazard, survival and SAFE parts on the host: a step object for end-to-end trainers, and trainHeadOn / headSurvivalOn / meanHeadLossOn, the backend twins of train.ts. */
import { foldInputStats, prepareInputs } from "./standardize.js";
import type { Backend, TensorTypes } from "../../engine/kernels.js";
import { Mulberry32 } from "../../engine/rng.js";
import { type HazardActs, type HazardGradScratch, hazardBackward, hazardForward, headConfig, headLoss } from "./head.js";
import { checkHidden, gatherExamples, type HiddenStates, shuffle } from "./hidden.js";
import { type AdamSettings, type EngineMlp, engineMlp } from "./engine-mlp.js";
import type { MlpConfig } from "./mlp.js";
import { safeLoss } from "./safe.js";
import { type EpochLog, newHead, type SurvivalHead, TRAIN_HEAD_DEFAULTS, type TrainedHead, type TrainHeadOptions } from "./train.js";

/**
 * Legend: N (or B) examples, T minutes, C inputs, H hidden units. Same computation, initialization,
 * batch order and Adam as train.ts (one seeded Mulberry32: the init seed, then Fisher–Yates per
 * epoch), so on the reference backend the result matches trainHead to float32 rounding and on the
 * cpu backend to float32 tolerance; deterministic on both. Per step the host moves B·T·C floats in
 * and B·T out and back (z, dz); the (B·T, H) activations stay in the backend.
 */
export class EngineHead<T extends TensorTypes = TensorTypes> {
  readonly mlp: EngineMlp<T>;
  private readonly acts: HazardActs;
  private readonly grad: HazardGradScratch;
  private rowsN = 0;

  constructor(
    backend: Backend<T>,
    readonly cfg: MlpConfig,
    readonly maxB: number,
    readonly T: number,
  ) {
    if (cfg.OC !== 1) throw new RangeError(`a survival head has one output, got OC = ${cfg.OC}`);
    this.mlp = engineMlp(backend, cfg, maxB * T);
    const NT = maxB * T;
    const f = () => new Float32Array(NT);
    this.acts = { z: f(), hazard: f(), cum: f(), survival: f(), losses: new Float32Array(maxB) };
    this.grad = { dcum: f(), dhazard: f(), dz: f() };
  }

  /** Loads a head's parameters (and clears the Adam moments). */
  load(head: SurvivalHead): void {
    this.mlp.load(head.params);
  }

  /** Forward over inp (N, T, C) (host), N ≤ maxB: the host activations (views valid until the next call). */
  async forward(inp: Float32Array, N: number): Promise<HazardActs> {
    if (!(N >= 1 && N <= this.maxB)) throw new RangeError(`${N} examples for a head workspace of ${this.maxB}`);
    const z = await this.mlp.forward(inp, N * this.T);
    this.acts.z.set(z);
    hazardForward(this.acts, N, this.T);
    this.rowsN = N;
    return this.acts;
  }

  /** Mean SAFE loss of the last forward. */
  loss(labels: ArrayLike<number>): number {
    return headLoss(this.acts, labels, this.rowsN, this.T);
  }

  /** Backward of the mean SAFE loss of the last forward: parameter grads in the backend; ∂L/∂inp (N, T, C) when asked. */
  backward(labels: ArrayLike<number>, inputGrad = false): Promise<Float32Array | null> {
    const N = this.rowsN;
    const dz = hazardBackward(this.grad, this.acts, labels, N, this.T);
    return this.mlp.backward(dz, N * this.T, inputGrad);
  }

  step(a: AdamSettings, t: number): void {
    this.mlp.step(a, t);
  }

  async head(): Promise<SurvivalHead> {
    return { cfg: this.cfg, params: await this.mlp.readParams() };
  }
}

/** trainHead (train.ts) with the MLP on `backend`. */
export async function trainHeadOn<T extends TensorTypes>(backend: Backend<T>, raw: HiddenStates, labels: ArrayLike<number>, options: Partial<TrainHeadOptions> = {}): Promise<TrainedHead> {
  const o = { ...TRAIN_HEAD_DEFAULTS, ...options };
  checkHidden(raw);
  if (labels.length !== raw.N) throw new RangeError(`${labels.length} labels for ${raw.N} examples`);
  const prepared = prepareInputs(raw, o.examples, o.validation, o.standardize);
  const hidden = prepared.hidden;
  const { T, C } = hidden;
  const rng = new Mulberry32(o.seed);
  const init = newHead(C, T, o.hiddenUnits, rng.int(2 ** 32));
  const pool = [...(o.examples ?? Array.from({ length: hidden.N }, (_, i) => i))];
  if (pool.length === 0) throw new RangeError("no training examples");
  const B = Math.max(1, Math.min(o.batch, pool.length));
  const eh = new EngineHead(backend, init.cfg, B, T);
  eh.load(init);
  const adam: AdamSettings = { lr: o.lr, beta1: o.beta1, beta2: o.beta2, eps: o.eps, weightDecay: o.weightDecay };
  const inp = new Float32Array(B * T * C);
  const batchLabels = new Float32Array(B);
  const history: EpochLog[] = [];
  let best: { epoch: number; loss: number; params: Float32Array } = { epoch: 0, loss: Number.POSITIVE_INFINITY, params: init.params.slice() };
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
      await eh.forward(inp, b);
      sum += eh.loss(batchLabels);
      steps++;
      await eh.backward(batchLabels);
      eh.step(adam, ++step);
    }
    const params = await eh.mlp.readParams();
    const val = prepared.validation;
    // the validation forward reuses the workspace (rows of the training batch size), then the training state is unchanged
    const valLoss = val === undefined ? null : await lossWith(eh, val.hidden, val.labels, val.examples);
    const log = { epoch, trainLoss: sum / steps, valLoss };
    history.push(log);
    o.onEpoch?.(log);
    if (valLoss === null || valLoss < best.loss) best = { epoch, loss: valLoss ?? Number.POSITIVE_INFINITY, params };
  }
  return { cfg: init.cfg, params: prepared.stats === null ? best.params : foldInputStats(best.params, init.cfg, prepared.stats), history, bestEpoch: best.epoch };
}

/** Runs a loaded EngineHead over examples (default all) in chunks of its maxB; each(k, acts, row) per example. */
async function runOn(eh: EngineHead, hidden: HiddenStates, examples: readonly number[] | undefined, each: (k: number, acts: HazardActs, row: number) => void): Promise<void> {
  checkHidden(hidden);
  if (eh.cfg.C !== hidden.C) throw new RangeError(`head for C=${eh.cfg.C}, hidden states have C=${hidden.C}`);
  if (hidden.T !== eh.T) throw new RangeError(`head workspace for T=${eh.T}, hidden states have T=${hidden.T}`);
  const { T, C } = hidden;
  const list = examples ?? Array.from({ length: hidden.N }, (_, i) => i);
  const inp = new Float32Array(eh.maxB * T * C);
  for (let at = 0; at < list.length; at += eh.maxB) {
    const idx = list.slice(at, at + eh.maxB);
    gatherExamples(inp, hidden, idx, idx.length);
    const acts = await eh.forward(inp, idx.length);
    for (let i = 0; i < idx.length; i++) each(at + i, acts, i);
  }
}

async function lossWith(eh: EngineHead, hidden: HiddenStates, labels: ArrayLike<number>, examples?: readonly number[]): Promise<number> {
  const T = hidden.T;
  let sum = 0;
  let n = 0;
  await runOn(eh, hidden, examples, (k, acts, row) => {
    sum += safeLoss(acts.cum[row * T + T - 1]!, labels[examples === undefined ? k : examples[k]!]!);
    n++;
  });
  return sum / n;
}

/** A loaded forward workspace for a head on hidden states of T minutes (chunk examples per forward). */
function loaded<T extends TensorTypes>(backend: Backend<T>, head: SurvivalHead, T: number, chunk: number): EngineHead<T> {
  const eh = new EngineHead(backend, headConfig(head.cfg.C, head.cfg.H), chunk, T);
  eh.load(head);
  return eh;
}

/** headSurvival (train.ts) on `backend`: survival curves (M, T) of the examples (default all N). */
export async function headSurvivalOn<T extends TensorTypes>(backend: Backend<T>, head: SurvivalHead, hidden: HiddenStates, examples?: readonly number[], chunk = 16): Promise<Float32Array> {
  const T = hidden.T;
  const out = new Float32Array((examples?.length ?? hidden.N) * T);
  if (out.length === 0) return out;
  const eh = loaded(backend, head, T, Math.max(1, Math.min(chunk, examples?.length ?? hidden.N)));
  await runOn(eh, hidden, examples, (k, acts, row) => out.set(acts.survival.subarray(row * T, (row + 1) * T), k * T));
  return out;
}

/** meanHeadLoss (train.ts) on `backend`. */
export async function meanHeadLossOn<T extends TensorTypes>(backend: Backend<T>, head: SurvivalHead, hidden: HiddenStates, labels: ArrayLike<number>, examples?: readonly number[], chunk = 16): Promise<number> {
  const eh = loaded(backend, head, hidden.T, Math.max(1, Math.min(chunk, examples?.length ?? hidden.N)));
  return lossWith(eh, hidden, labels, examples);
}
