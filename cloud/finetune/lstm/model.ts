/** @module Xatu's Multiscale-LSTM on the engine: embedded 86-feature minutes, average-pooled to several timescales, one LSTM per scale, each minute reading every scale's latest completed state (causal); forward/backward over one flat parameter buffer. */
import type { Backend, TensorTypes } from "../../engine/kernels.js";
import type { LstmKernels } from "../../engine/lstm/kernels.js";
import { Mulberry32 } from "../../engine/rng.js";
import { checkLstmConfig, featureWidth, type LstmConfig, lstmLayout, type LstmViews, lstmViews } from "./config.js";

/**
 * Forward, per window (shapes in the legend of config.ts):
 *   x (B,T,E)        = bInp + Σ_f wInp[f·V + bin] + Σ_j wInp[NF·V + time_j]  (the one-hot input × a linear layer, as a gather)
 *   x_s (B,T_s,E)    = avgPool(x, k_s)                                         (x itself for k_s = 1)
 *   h_s (B,T_s,H)    = LSTM_s(x_s)
 *   feat (B,T,S·H)[t] = [h_s at bucket ⌊(t+1)/k_s⌋ − 1, or 0 before the first bucket ends]_s
 * Minute t sees only buckets that ended at or before t, so feat[t] depends on minutes ≤ t (as the decoder's
 * hidden state does). The survival head (cloud/detect) reads feat like backbone hidden states.
 */
export class MultiscaleLstm<T extends TensorTypes> {
  readonly D: number;
  /** the flat parameters and gradients (same layout, lstmLayout) */
  readonly params: T["f32"];
  readonly grads: T["f32"];
  readonly p: LstmViews<T["f32"]>;
  readonly g: LstmViews<T["f32"]>;
  private readonly m: T["f32"];
  private readonly v: T["f32"];
  readonly nParams: number;
  // inputs
  private readonly bins: T["u8"];
  private readonly time: T["i32"];
  private readonly zeroIdx: T["i32"];
  // embedding parts that the LSTM does not use (position, node, customer): zero rows and their unused gradients
  private readonly zeroPos: T["f32"];
  private readonly zeroRow: T["f32"];
  private readonly junk: T["f32"];
  // activations (B,·,·) and their gradients
  private readonly x: T["f32"];
  private readonly dx: T["f32"];
  readonly feat: T["f32"];
  private readonly dfeat: T["f32"];
  private readonly acts: { Tk: number; xs: T["f32"] | null; dxs: T["f32"] | null; h: T["f32"]; c: T["f32"]; gates: T["f32"]; dh: T["f32"]; dgates: T["f32"] }[];
  private B = 0;

  constructor(
    readonly backend: Backend<T>,
    readonly lstm: LstmKernels<T>,
    readonly cfg: LstmConfig,
    readonly maxB: number,
    readonly T: number,
    seed: number,
  ) {
    checkLstmConfig(cfg, T);
    const { E, H, NF, NTIME } = cfg;
    this.D = featureWidth(cfg);
    this.nParams = lstmLayout(cfg).total;
    const a = (n: number): T["f32"] => backend.alloc(Math.max(1, n));
    this.params = a(this.nParams);
    this.grads = a(this.nParams);
    this.m = a(this.nParams);
    this.v = a(this.nParams);
    const view = (buf: T["f32"], off: number, n: number): T["f32"] => backend.view(buf, off, n);
    this.p = lstmViews(this.params, cfg, view);
    this.g = lstmViews(this.grads, cfg, view);
    backend.write(this.params, initLstmParams(cfg, seed));
    const BT = maxB * T;
    this.bins = backend.allocU8(BT * NF);
    this.time = backend.allocI32(BT * NTIME);
    this.zeroIdx = backend.allocI32(BT);
    this.zeroPos = a(T * E);
    this.zeroRow = a(E);
    this.junk = a(T * E);
    this.x = a(BT * E);
    this.dx = a(BT * E);
    this.feat = a(BT * this.D);
    this.dfeat = a(BT * this.D);
    this.acts = cfg.scales.map((k) => {
      const Tk = Math.floor(T / k);
      const n = maxB * Tk;
      return { Tk, xs: k === 1 ? null : a(n * E), dxs: k === 1 ? null : a(n * E), h: a(n * H), c: a(n * H), gates: a(n * 4 * H), dh: a(n * H), dgates: a(n * 4 * H) };
    });
  }

  /** Sets the batch: bins (B,T,NF) in [0, V), time (B,T,NTIME) indices into the time rows. */
  setBatch(bins: ArrayLike<number>, time: ArrayLike<number>, B: number): void {
    if (!(B >= 1 && B <= this.maxB)) throw new RangeError(`batch ${B} outside 1..${this.maxB}`);
    if (bins.length !== B * this.T * this.cfg.NF || time.length !== B * this.T * this.cfg.NTIME) throw new RangeError(`setBatch: ${bins.length} bins, ${time.length} time indices for B=${B}, T=${this.T}`);
    this.backend.writeU8(this.bins, bins);
    this.backend.writeI32(this.time, time);
    this.B = B;
  }

  /** Enqueues the forward pass; feat (B,T,D) holds the result. */
  forward(): void {
    const { backend: be, cfg, B, T } = this;
    const k = be.kernels;
    const { E, H } = cfg;
    k.embeddingForward(this.x, this.bins, this.time, this.zeroIdx, this.zeroIdx, this.p.wInp, this.p.bInp, this.zeroPos, this.zeroRow, this.zeroRow, B, T, E, cfg.NF, cfg.V, cfg.NTIME);
    cfg.scales.forEach((ks, s) => {
      const a = this.acts[s]!;
      const w = this.p.scales[s]!;
      const xs = a.xs ?? this.x;
      if (a.xs !== null) this.lstm.avgPoolForward(a.xs, this.x, B, T, E, ks);
      this.lstm.lstmForward(a.h, a.c, a.gates, xs, w.wIh, w.wHh, w.bias, B, a.Tk, E, H);
      this.lstm.lastStateForward(this.feat, a.h, B, T, a.Tk, H, ks, this.D, s * H);
    });
  }

  /** A host copy of feat (B,T,D) after the forward. */
  async features(): Promise<Float32Array> {
    return (await this.backend.read(this.feat)).subarray(0, this.B * this.T * this.D);
  }

  /** Backward from dfeat (B,T,D) (the head's input gradient): grads += ∂L/∂θ. Activation gradients are zeroed here. */
  backward(dfeat: ArrayLike<number>): void {
    const { backend: be, cfg, B, T } = this;
    const k = be.kernels;
    const { E, H } = cfg;
    be.write(this.dfeat, dfeat);
    be.zero(this.dx);
    cfg.scales.forEach((ks, s) => {
      const a = this.acts[s]!;
      const w = this.p.scales[s]!;
      const gw = this.g.scales[s]!;
      be.zero(a.dh);
      this.lstm.lastStateBackward(a.dh, this.dfeat, B, T, a.Tk, H, ks, this.D, s * H);
      if (a.dxs !== null) be.zero(a.dxs);
      this.lstm.lstmBackward(a.dxs ?? this.dx, gw.wIh, gw.wHh, gw.bias, a.dgates, a.dh, a.h, a.c, a.gates, a.xs ?? this.x, w.wIh, w.wHh, B, a.Tk, E, H);
      if (a.dxs !== null) this.lstm.avgPoolBackward(this.dx, a.dxs, B, T, E, ks);
    });
    k.embeddingBackward(this.g.wInp, this.g.bInp, this.junk, this.junk, this.junk, this.dx, this.bins, this.time, this.zeroIdx, this.zeroIdx, B, T, E, cfg.NF, cfg.V, cfg.NTIME);
  }

  zeroGrad(): void {
    this.backend.zero(this.grads);
  }

  /** One AdamW step over the flat buffer (t counts from 1). */
  step(o: { lr: number; beta1: number; beta2: number; eps: number; weightDecay: number }, t: number): void {
    this.backend.kernels.adamWUpdate(this.params, this.grads, this.m, this.v, this.nParams, o.lr, o.beta1, o.beta2, o.eps, o.weightDecay, t);
  }

  async readParams(): Promise<Float32Array> {
    return this.backend.read(this.params);
  }
}

/**
 * Initial parameters: embedding rows N(0, 1/√(NF + NTIME)) (so a minute's sum has unit scale), bias 0;
 * LSTM weights U(−1/√H, 1/√H) as PyTorch, biases 0 except the forget gate's, 1 (Jozefowicz et al. 2015).
 */
export function initLstmParams(cfg: LstmConfig, seed: number): Float32Array {
  const out = new Float32Array(lstmLayout(cfg).total);
  const v = lstmViews(out, cfg, (b, o, n) => b.subarray(o, o + n));
  const rng = new Mulberry32(seed);
  const std = 1 / Math.sqrt(cfg.NF + cfg.NTIME);
  for (let i = 0; i < v.wInp.length; i++) {
    const u1 = Math.max(rng.next(), 1e-12);
    v.wInp[i] = std * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * rng.next());
  }
  const r = 1 / Math.sqrt(cfg.H);
  for (const s of v.scales) {
    for (const w of [s.wIh, s.wHh]) for (let i = 0; i < w.length; i++) w[i] = r * (2 * rng.next() - 1);
    for (let j = 0; j < cfg.H; j++) s.bias[cfg.H + j] = 1;
  }
  return out;
}
