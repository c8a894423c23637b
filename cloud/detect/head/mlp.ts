/** @module The heads' MLP, C → H → OC with a GELU hidden layer: one flat parameter buffer with named views, forward/backward (the engine's reference GELU, the heads' row-contiguous matmul). */
import { VIEW_ALIGN } from "../../engine/kernels.js";
import { geluBackward, geluForward } from "../../engine/reference/gelu.js";
import type { Arr } from "../../engine/reference/types.js";
import type { Mulberry32 } from "../../engine/rng.js";
import { matmulBackward, matmulForward } from "./matmul.js";

/**
 * Legend: BT rows (examples × minutes), C input channels (the backbone's d_model, 128), H hidden
 * units (512, the paper's head), OC outputs (1 for a hazard head, K types for the classifier).
 *
 * Hidden nonlinearity: GELU (tanh form), the backbone's own FFN activation. It is smooth, so the
 * finite-difference checks of the whole head have no kinks to straddle (ReLU's would), and it is
 * the engine's reference kernel, so the head runs on any backend that runs the decoder.
 * The matmul is ./matmul.ts: the reference contract with contiguous inner loops (the reference's
 * strided dweight loop made a 512-minute step ~10× slower), tested against the reference.
 */
export interface MlpConfig {
  readonly C: number;
  readonly H: number;
  readonly OC: number;
}

/** Parameter views into one flat buffer (offsets multiples of VIEW_ALIGN, as the engine's views). Gradients use the same layout. */
export interface MlpViews<A extends Arr = Float32Array> {
  readonly buf: A;
  /** (H, C) */ readonly w1: A;
  /** (H) */ readonly b1: A;
  /** (OC, H) */ readonly w2: A;
  /** (OC) */ readonly b2: A;
}

const align = (n: number) => Math.ceil(n / VIEW_ALIGN) * VIEW_ALIGN;

/** Offsets and total size (floats) of the flat buffer. */
export function mlpLayout(cfg: MlpConfig): { w1: number; b1: number; w2: number; b2: number; total: number } {
  const w1 = 0;
  const b1 = align(w1 + cfg.H * cfg.C);
  const w2 = align(b1 + cfg.H);
  const b2 = align(w2 + cfg.OC * cfg.H);
  return { w1, b1, w2, b2, total: align(b2 + cfg.OC) };
}

/** Number of parameters (without alignment padding): H·C + H + OC·H + OC. */
export function mlpParameterCount(cfg: MlpConfig): number {
  return cfg.H * cfg.C + cfg.H + cfg.OC * cfg.H + cfg.OC;
}

/** Named views over `buf` (length ≥ mlpLayout(cfg).total). */
export function mlpViews<A extends Arr>(buf: A, cfg: MlpConfig): MlpViews<A> {
  const l = mlpLayout(cfg);
  if (buf.length < l.total) throw new RangeError(`mlp buffer of ${buf.length} floats, expected ${l.total}`);
  const v = (o: number, n: number) => buf.subarray(o, o + n) as A;
  return { buf, w1: v(l.w1, cfg.H * cfg.C), b1: v(l.b1, cfg.H), w2: v(l.w2, cfg.OC * cfg.H), b2: v(l.b2, cfg.OC) };
}

/** Initialization: weights uniform in ±1/√fan_in (PyTorch's Linear), b1 = 0, b2 = `outBias` (per output). */
export function mlpInit(p: MlpViews<Arr>, cfg: MlpConfig, rng: Mulberry32, outBias: number): void {
  p.buf.fill(0);
  const u1 = 1 / Math.sqrt(cfg.C);
  for (let i = 0; i < p.w1.length; i++) p.w1[i] = (2 * rng.next() - 1) * u1;
  const u2 = 1 / Math.sqrt(cfg.H);
  for (let i = 0; i < p.w2.length; i++) p.w2[i] = (2 * rng.next() - 1) * u2;
  p.b2.fill(outBias);
}

/** What the forward saves for the backward. */
export interface MlpActs<A extends Arr = Float32Array> {
  /** (BT, H) */ readonly pre: A;
  /** (BT, H) */ readonly h: A;
}

/** pre (BT, H) = inp (BT, C)·w1ᵀ + b1; h = GELU(pre); out (BT, OC) = h·w2ᵀ + b2. */
export function mlpForward(out: Arr, acts: MlpActs<Arr>, p: MlpViews<Arr>, inp: Arr, BT: number, cfg: MlpConfig): void {
  matmulForward(acts.pre, inp, p.w1, p.b1, BT, cfg.C, cfg.H);
  geluForward(acts.h, acts.pre, BT * cfg.H);
  matmulForward(out, acts.h, p.w2, p.b2, BT, cfg.H, cfg.OC);
}

/**
 * Backward, forward in reverse. Accumulates into g (parameter grads, same layout) and dinp (BT, C);
 * scratch dh, dpre (BT, H) are zeroed here. dinp = null skips the input gradient (frozen backbone).
 */
export function mlpBackward(dinp: Arr | null, g: MlpViews<Arr>, scratch: MlpActs<Arr>, dout: Arr, acts: MlpActs<Arr>, p: MlpViews<Arr>, inp: Arr, BT: number, cfg: MlpConfig): void {
  const dh = scratch.h.subarray(0, BT * cfg.H);
  const dpre = scratch.pre.subarray(0, BT * cfg.H);
  dh.fill(0);
  dpre.fill(0);
  matmulBackward(dh, g.w2, g.b2, dout, acts.h, p.w2, BT, cfg.H, cfg.OC);
  geluBackward(dpre, acts.pre, dh, BT * cfg.H);
  matmulBackward(dinp, g.w1, g.b1, dpre, inp, p.w1, BT, cfg.C, cfg.H);
}
