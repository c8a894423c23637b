/** @module The heads' MLP (C → H → OC, GELU) on an engine Backend: parameters, Adam moments and activations in the backend's buffers, forward/backward with its matmul and GELU kernels, AdamW with its kernel; the host supplies the inputs and the output gradient. */
import type { Backend, TensorTypes } from "../../engine/kernels.js";
import { type MlpConfig, mlpLayout } from "./mlp.js";

/**
 * Legend: BT rows (examples × minutes), C inputs, H hidden units, OC outputs (1 for a hazard head,
 * K for the classifier). Same computation as ./mlp.ts (the plain-JS reference path):
 *   pre (BT, H) = inp·w1ᵀ + b1; h = GELU(pre); out (BT, OC) = h·w2ᵀ + b2,
 * with the same flat parameter layout (mlpLayout), so parameters move between the two paths as is.
 *
 * A workspace is sized for `maxRows` rows and reused: the backends' allocators never free (the cpu
 * backend's arena is a bump allocator), so callers share one per (backend, shape) via engineMlp().
 * The kernels' matmulBackward always writes dinp: the first layer's input gradient goes to a scratch
 * buffer that is read only when asked for (the from-scratch and LSTM baselines).
 */
export interface AdamSettings {
  readonly lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
}

interface Views<F> {
  readonly w1: F;
  readonly b1: F;
  readonly w2: F;
  readonly b2: F;
}

export class EngineMlp<T extends TensorTypes = TensorTypes> {
  readonly size: number;
  private readonly params: T["f32"];
  private readonly grads: T["f32"];
  private readonly m: T["f32"];
  private readonly v: T["f32"];
  private readonly p: Views<T["f32"]>;
  private readonly g: Views<T["f32"]>;
  /** (maxRows, C) */ private readonly inp: T["f32"];
  /** (maxRows, H) */ private readonly pre: T["f32"];
  /** (maxRows, H) */ private readonly h: T["f32"];
  /** (maxRows, OC) */ private readonly out: T["f32"];
  /** (maxRows, OC) */ private readonly dout: T["f32"];
  /** (maxRows, H) */ private readonly dh: T["f32"];
  /** (maxRows, H) */ private readonly dpre: T["f32"];
  /** (maxRows, C) */ private readonly dinp: T["f32"];

  constructor(
    readonly backend: Backend<T>,
    readonly cfg: MlpConfig,
    readonly maxRows: number,
  ) {
    const { C, H, OC } = cfg;
    const l = mlpLayout(cfg);
    this.size = l.total;
    const b = backend;
    this.params = b.alloc(l.total);
    this.grads = b.alloc(l.total);
    this.m = b.alloc(l.total);
    this.v = b.alloc(l.total);
    const views = (buf: T["f32"]): Views<T["f32"]> => ({ w1: b.view(buf, l.w1, H * C), b1: b.view(buf, l.b1, H), w2: b.view(buf, l.w2, OC * H), b2: b.view(buf, l.b2, OC) });
    this.p = views(this.params);
    this.g = views(this.grads);
    this.inp = b.alloc(maxRows * C);
    this.pre = b.alloc(maxRows * H);
    this.h = b.alloc(maxRows * H);
    this.out = b.alloc(maxRows * OC);
    this.dout = b.alloc(maxRows * OC);
    this.dh = b.alloc(maxRows * H);
    this.dpre = b.alloc(maxRows * H);
    this.dinp = b.alloc(maxRows * C);
  }

  /** Loads parameters (layout mlpLayout(cfg)) and clears the Adam moments. */
  load(params: Float32Array): void {
    if (params.length !== this.size) throw new RangeError(`${params.length} parameters for a layout of ${this.size}`);
    this.backend.write(this.params, params);
    this.backend.zero(this.m);
    this.backend.zero(this.v);
  }

  readParams(): Promise<Float32Array> {
    return this.backend.read(this.params);
  }

  private rows(BT: number): void {
    if (!(BT >= 1 && BT <= this.maxRows)) throw new RangeError(`${BT} rows for a workspace of ${this.maxRows}`);
  }

  /** Runs the forward on inp (BT, C) (host) and returns out (BT, OC) (host copy). */
  async forward(inp: Float32Array, BT: number): Promise<Float32Array> {
    this.rows(BT);
    const { C, H, OC } = this.cfg;
    const k = this.backend.kernels;
    this.backend.write(this.inp, inp.subarray(0, BT * C));
    k.matmulForward(this.pre, this.inp, this.p.w1, this.p.b1, BT, C, H);
    k.geluForward(this.h, this.pre, BT * H);
    k.matmulForward(this.out, this.h, this.p.w2, this.p.b2, BT, H, OC);
    return (await this.backend.read(this.out)).subarray(0, BT * OC);
  }

  /**
   * Backward of the last forward (same rows) from dout (BT, OC) (host): grads = ∂/∂θ (zeroed first,
   * not accumulated across calls). With `inputGrad` returns dinp (BT, C) (host copy), else null.
   */
  async backward(dout: ArrayLike<number>, BT: number, inputGrad = false): Promise<Float32Array | null> {
    this.rows(BT);
    const { C, H, OC } = this.cfg;
    const b = this.backend;
    const k = b.kernels;
    b.zero(this.grads);
    b.zero(this.dh);
    b.zero(this.dpre);
    b.zero(this.dinp);
    b.write(this.dout, dout);
    k.matmulBackward(this.dh, this.g.w2, this.g.b2, this.dout, this.h, this.p.w2, BT, H, OC);
    k.geluBackward(this.dpre, this.pre, this.dh, BT * H);
    k.matmulBackward(this.dinp, this.g.w1, this.g.b1, this.dpre, this.inp, this.p.w1, BT, C, H);
    if (!inputGrad) return null;
    return (await b.read(this.dinp)).subarray(0, BT * C);
  }

  /** One AdamW step (t counts from 1) on the gradients of the last backward. */
  step(a: AdamSettings, t: number): void {
    this.backend.kernels.adamWUpdate(this.params, this.grads, this.m, this.v, this.size, a.lr, a.beta1, a.beta2, a.eps, a.weightDecay, t);
  }
}

const shared = new WeakMap<object, EngineMlp[]>();

/** A workspace of this backend for cfg with at least maxRows rows: reused when one exists (parameters are the caller's to load). */
export function engineMlp<T extends TensorTypes>(backend: Backend<T>, cfg: MlpConfig, maxRows: number): EngineMlp<T> {
  let list = shared.get(backend);
  if (list === undefined) shared.set(backend, (list = []));
  const hit = list.find((w) => w.cfg.C === cfg.C && w.cfg.H === cfg.H && w.cfg.OC === cfg.OC && w.maxRows >= maxRows);
  if (hit !== undefined) return hit as unknown as EngineMlp<T>;
  const w = new EngineMlp(backend, cfg, maxRows);
  list.push(w as unknown as EngineMlp);
  return w;
}
