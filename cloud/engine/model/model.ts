/** @module The NetFlowGen decoder over any Backend<T> (llm.c's GPT2 struct): parameters, activations, forward, backward and AdamW. */
import type { Backend, HostTensors, TensorTypes } from "../kernels.js";
import { allocActivationGrads, allocActivations, type Activations } from "./activations.js";
import { backwardFromLnf, backwardPass } from "./backward.js";
import { packBatch, type Batch } from "./batch.js";
import { validateConfig, type ModelConfig } from "./config.js";
import { forwardPass } from "./forward.js";
import { allocParameterSet, initParams, paramLayout, type ParamLayout, type ParameterSet } from "./params.js";
import type { ForwardRecord, TrainState } from "./state.js";

/** AdamW hyper-parameters (Kernels.adamWUpdate). */
export interface AdamWOptions {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
}

/** The paper's optimizer: Adam, lr 5e-4, β (0.9, 0.999), eps 1e-8, no weight decay. */
export const PAPER_ADAMW: Readonly<AdamWOptions> = Object.freeze({ lr: 5e-4, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 });

export interface DecoderOptions {
  /** Largest batch (activations are allocated once for maxB × maxT). */
  maxB: number;
  /** Longest window; defaults to config.maxT. */
  maxT?: number;
  /** Init seed (initParams); ignored when `params` is given. Default 0. */
  seed?: number;
  /** Initial flat parameters (layout.total floats), e.g. from a checkpoint. */
  params?: Float32Array;
}

export interface ForwardOptions {
  /** Training mode: residual dropout with p = config.dropout (none when p = 0). */
  train: boolean;
  /** Seed of the dropout masks (required when train and p > 0); sites are derived from it (dropoutSiteSeed). */
  dropoutSeed?: number;
}

/** Parameters and Adam moments on the host (flat, layout.total floats each, padding included). */
export interface DecoderHostState {
  params: Float32Array;
  m: Float32Array;
  v: Float32Array;
}

/** Training-only buffers, allocated at the first zeroGrad/backward/step/loadState. */
interface Training<T extends TensorTypes> {
  grads: ParameterSet<T>;
  m: T["f32"];
  v: T["f32"];
  state: TrainState<T>;
}

export class Decoder<T extends TensorTypes = HostTensors> {
  readonly config: ModelConfig;
  readonly layout: ParamLayout;
  readonly params: ParameterSet<T>;
  readonly acts: Activations<T>;
  private training: Training<T> | null = null;
  private batch: { B: number; T: number; targets: Uint8Array } | null = null;
  private record: ForwardRecord | null = null;

  constructor(
    readonly backend: Backend<T>,
    config: ModelConfig,
    options: DecoderOptions,
  ) {
    validateConfig(config);
    this.config = { ...config };
    this.layout = paramLayout(this.config);
    const maxT = options.maxT ?? config.maxT;
    if (!Number.isInteger(options.maxB) || options.maxB < 1) throw new RangeError(`maxB must be a positive integer, got ${options.maxB}`);
    if (!Number.isInteger(maxT) || maxT < 1 || maxT > config.maxT) throw new RangeError(`maxT must be in [1, config.maxT = ${config.maxT}], got ${maxT}`);
    this.params = allocParameterSet(backend, this.config, this.layout);
    this.acts = allocActivations(backend, this.config, options.maxB, maxT);
    this.writeParams(options.params ?? initParams(this.config, options.seed ?? 0));
  }

  /** Real parameter count (padding excluded). */
  get paramCount(): number {
    return this.layout.count;
  }

  /** Uploads inputs (minutes 0..T−1), targets (minutes 1..T), time, and node/customer per token. */
  setBatch(batch: Batch): void {
    const packed = packBatch(this.config, batch, this.acts.maxB, this.acts.maxT);
    const b = this.backend;
    b.writeU8(this.acts.bins, packed.inputs);
    b.writeU8(this.acts.targets, packed.targets);
    b.writeI32(this.acts.time, batch.time);
    b.writeI32(this.acts.node, packed.node);
    b.writeI32(this.acts.customer, packed.customer);
    this.batch = { B: batch.B, T: batch.T, targets: packed.targets };
    this.record = null;
  }

  /** Enqueues the forward pass and the loss over the current batch. */
  forward(options: ForwardOptions): void {
    const batch = this.requireBatch();
    const p = options.train ? this.config.dropout : 0;
    if (p > 0 && options.dropoutSeed === undefined) throw new Error("Decoder.forward: train with dropout > 0 needs a dropoutSeed");
    this.record = forwardPass(this.stateForForward(), batch.B, batch.T, p, options.dropoutSeed ?? 0);
  }

  /** The mean loss of the last forward (over B·T·NF heads). */
  async loss(): Promise<number> {
    this.requireRecord();
    const out = await this.backend.read(this.acts.loss);
    return out[0]!;
  }

  /** Fraction of heads whose argmax bin equals the target, over the last forward. */
  async accuracy(): Promise<number> {
    const { B, T } = this.requireRecord();
    const targets = this.requireBatch().targets;
    const probs = await this.backend.read(this.acts.probs);
    const { NF, V } = this.config;
    let hits = 0;
    for (let n = 0; n < B * T * NF; n++) {
      let best = 0;
      for (let i = 1; i < V; i++) if (probs[n * V + i]! > probs[n * V + best]!) best = i;
      if (best === targets[n]) hits++;
    }
    return hits / (B * T * NF);
  }

  /** The hidden state LNf(x): (maxB·maxT, C) buffer whose first B·T rows are the last forward's. */
  hidden(): T["f32"] {
    return this.acts.lnf;
  }
  /** Logits (BT, NF·V) prefix of a (maxB·maxT, NF·V) buffer. */
  logits(): T["f32"] {
    return this.acts.logits;
  }
  /** Per-head softmax (BT, NF·V) prefix of a (maxB·maxT, NF·V) buffer. */
  probs(): T["f32"] {
    return this.acts.probs;
  }
  /** B and T of the current batch. */
  batchShape(): { B: number; T: number } {
    const { B, T } = this.requireBatch();
    return { B, T };
  }

  /** Zeroes the parameter gradients (backward accumulates). */
  zeroGrad(): void {
    this.backend.zero(this.train().grads.buffer);
  }

  /** Enqueues the backward of the last forward, accumulating into the gradients. */
  backward(): void {
    backwardPass(this.train().state, this.requireRecord());
  }

  /**
   * Enqueues the backward of the last forward from a gradient on the hidden state (hidden(): LNf's
   * output) instead of the loss: dhidden (B·T, C) = ∂L/∂h of a fine-tuning head (e.g. the SAFE loss
   * of a survival head trained end to end). Runs LNf, the blocks and the embedding backward with the
   * forward's dropout masks; the output head (wOut, bOut) and the cross-entropy are skipped, so their
   * gradients stay as they were. Accumulates into the gradients like backward().
   */
  backwardFromHidden(dhidden: ArrayLike<number>): void {
    const rec = this.requireRecord();
    const n = rec.B * rec.T * this.config.dModel;
    if (dhidden.length !== n) throw new RangeError(`Decoder.backwardFromHidden: dhidden has ${dhidden.length} values, the last forward's hidden state has B·T·C = ${n}`);
    const tr = this.train();
    this.backend.zero(tr.state.dacts.dlnf);
    this.backend.write(tr.state.dacts.dlnf, dhidden);
    backwardFromLnf(tr.state, rec);
  }

  /** One AdamW update over the flat buffers; t counts from 1. */
  step(opt: AdamWOptions, t: number): void {
    if (!Number.isInteger(t) || t < 1) throw new RangeError(`Decoder.step: t must be an integer ≥ 1, got ${t}`);
    const tr = this.train();
    this.backend.kernels.adamWUpdate(this.params.buffer, tr.grads.buffer, tr.m, tr.v, this.layout.total, opt.lr, opt.beta1, opt.beta2, opt.eps, opt.weightDecay, t);
  }

  /** The flat gradients on the host (after every enqueued kernel). */
  async readGrads(): Promise<Float32Array> {
    return this.backend.read(this.train().grads.buffer);
  }
  async readParams(): Promise<Float32Array> {
    return this.backend.read(this.params.buffer);
  }
  writeParams(host: Float32Array): void {
    this.checkLength("params", host);
    this.backend.write(this.params.buffer, host);
  }

  /** Parameters and Adam moments on the host (for checkpoints). */
  async saveState(): Promise<DecoderHostState> {
    const tr = this.train();
    const [params, m, v] = await Promise.all([this.backend.read(this.params.buffer), this.backend.read(tr.m), this.backend.read(tr.v)]);
    return { params, m, v };
  }
  /** Restores parameters and Adam moments (layout.total floats each). */
  loadState(state: DecoderHostState): void {
    this.checkLength("m", state.m);
    this.checkLength("v", state.v);
    this.writeParams(state.params);
    const tr = this.train();
    this.backend.write(tr.m, state.m);
    this.backend.write(tr.v, state.v);
  }

  private checkLength(what: string, host: ArrayLike<number>): void {
    if (host.length !== this.layout.total) throw new RangeError(`Decoder: ${what} has ${host.length} floats, the layout has ${this.layout.total} (hash ${this.layout.hash})`);
  }
  private requireBatch(): { B: number; T: number; targets: Uint8Array } {
    if (this.batch === null) throw new Error("Decoder: call setBatch first");
    return this.batch;
  }
  private requireRecord(): ForwardRecord {
    if (this.record === null) throw new Error("Decoder: call forward after setBatch first");
    return this.record;
  }
  private stateForForward(): { backend: Backend<T>; config: ModelConfig; params: ParameterSet<T>; acts: Activations<T> } {
    return { backend: this.backend, config: this.config, params: this.params, acts: this.acts };
  }
  private train(): Training<T> {
    if (this.training === null) {
      const b = this.backend;
      const grads = allocParameterSet(b, this.config, this.layout);
      const dacts = allocActivationGrads(b, this.config, this.acts.maxB, this.acts.maxT);
      const state: TrainState<T> = { backend: b, config: this.config, params: this.params, acts: this.acts, grads, dacts };
      this.training = { grads, m: b.alloc(this.layout.total), v: b.alloc(this.layout.total), state };
    }
    return this.training;
  }
}
