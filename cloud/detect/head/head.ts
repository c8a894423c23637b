/** @module The survival head: hidden states (N, T, C) → hazard λ = softplus(MLP(h)) (N, T), cumulative hazard Λ, survival S = exp(−Λ); the SAFE loss; forward/backward. */
import type { Arr } from "../../engine/reference/types.js";
import { type MlpActs, type MlpConfig, mlpBackward, mlpForward, type MlpViews } from "./mlp.js";
import { safeBackward, safeForward } from "./safe.js";
import { softplusBackward, softplusForward } from "./softplus.js";
import { cumulativeBackward, cumulativeForward, survivalForward } from "./survival.js";

/** Legend: N examples, T minutes, C = d_model, H = hidden units; rows of (N·T, ·) tensors are example-major. */

/** The head's MLP shape for C inputs: C → H → 1 (paper: H = 512, 66,561 parameters at C = 128). */
export function headConfig(C: number, H = 512): MlpConfig {
  return { C, H, OC: 1 };
}

/** The host part of the activations (everything after the MLP): (N, T) and (N) arrays. */
export interface HazardActs<A extends Arr = Float32Array> {
  /** (N, T) MLP output */ readonly z: A;
  /** (N, T) λ ≥ 0 */ readonly hazard: A;
  /** (N, T) Λ */ readonly cum: A;
  /** (N, T) S ∈ (0, 1] */ readonly survival: A;
  /** (N) SAFE per example */ readonly losses: A;
}

/** Activations of one forward pass over N examples of T minutes. */
export interface HeadActs<A extends Arr = Float32Array> extends MlpActs<A>, HazardActs<A> {}

export function allocHeadActs(N: number, T: number, cfg: MlpConfig, make: (n: number) => Arr = (n) => new Float32Array(n)): HeadActs<Arr> {
  const NT = N * T;
  return { pre: make(NT * cfg.H), h: make(NT * cfg.H), z: make(NT), hazard: make(NT), cum: make(NT), survival: make(NT), losses: make(N) };
}

/** Forward: fills acts.z, hazard, cum, survival from inp (N, T, C). */
export function headForward(acts: HeadActs<Arr>, p: MlpViews<Arr>, inp: Arr, N: number, T: number, cfg: MlpConfig): void {
  mlpForward(acts.z, acts, p, inp, N * T, cfg);
  hazardForward(acts, N, T);
}

/** The host part of the forward: hazard, cum, survival from acts.z (N, T). */
export function hazardForward(acts: HazardActs<Arr>, N: number, T: number): void {
  const NT = N * T;
  softplusForward(acts.hazard, acts.z, NT);
  cumulativeForward(acts.cum, acts.hazard, N, T);
  survivalForward(acts.survival, acts.cum, NT);
}

/** SAFE per example into acts.losses; returns the mean over the N examples. */
export function headLoss(acts: HazardActs<Arr>, labels: ArrayLike<number>, N: number, T: number): number {
  safeForward(acts.losses, acts.cum, labels, N, T);
  let s = 0;
  for (let n = 0; n < N; n++) s += acts.losses[n]!;
  return s / N;
}

/** Scratch gradients of the host part (zeroed inside hazardBackward). */
export interface HazardGradScratch<A extends Arr = Float32Array> {
  /** (N, T) */ readonly dcum: A;
  /** (N, T) */ readonly dhazard: A;
  /** (N, T) */ readonly dz: A;
}

/** Scratch gradients of the activations (zeroed inside headBackward). */
export interface HeadGradScratch<A extends Arr = Float32Array> extends MlpActs<A>, HazardGradScratch<A> {
  /** (N, T, C), or null to skip the input gradient (training: the backbone is frozen) */ readonly dinp: A | null;
}

export function allocHeadScratch(N: number, T: number, cfg: MlpConfig, make: (n: number) => Arr = (n) => new Float32Array(n), withInputGrad = true): HeadGradScratch<Arr> {
  const NT = N * T;
  return { pre: make(NT * cfg.H), h: make(NT * cfg.H), dcum: make(NT), dhazard: make(NT), dz: make(NT), dinp: withInputGrad ? make(NT * cfg.C) : null };
}

/**
 * Backward of the mean SAFE loss: parameter grads g += ∂L/∂θ, and s.dinp = ∂L/∂inp (N, T, C) when
 * allocated (zeroed here first: the backbone is frozen, so only the gradient checks read it).
 */
export function headBackward(g: MlpViews<Arr>, s: HeadGradScratch<Arr>, acts: HeadActs<Arr>, p: MlpViews<Arr>, inp: Arr, labels: ArrayLike<number>, N: number, T: number, cfg: MlpConfig): void {
  const NT = N * T;
  const dinp = s.dinp === null ? null : s.dinp.subarray(0, NT * cfg.C);
  dinp?.fill(0);
  const dz = hazardBackward(s, acts, labels, N, T);
  mlpBackward(dinp, g, s, dz, acts, p, inp, NT, cfg);
}

/** The host part of the backward of the mean SAFE loss: returns dz = ∂L/∂z (N, T), a view of s.dz. */
export function hazardBackward(s: HazardGradScratch<Arr>, acts: HazardActs<Arr>, labels: ArrayLike<number>, N: number, T: number): Arr {
  const NT = N * T;
  const dcum = s.dcum.subarray(0, NT);
  const dhazard = s.dhazard.subarray(0, NT);
  const dz = s.dz.subarray(0, NT);
  dcum.fill(0);
  dhazard.fill(0);
  dz.fill(0);
  safeBackward(dcum, acts.cum, labels, 1 / N, N, T);
  cumulativeBackward(dhazard, dcum, N, T);
  softplusBackward(dz, acts.z, dhazard, NT);
  return dz;
}
