/** @module One training step interface for a survival head inside an end-to-end trainer (the from-scratch and Multiscale-LSTM baselines): forward + mean SAFE loss, backward with the input gradient, Adam; plain JS (head.ts) or an engine backend (engine-head.ts). */
import type { Backend, TensorTypes } from "../../engine/kernels.js";
import { adamWUpdate } from "../../engine/reference/adam.js";
import { EngineHead } from "./engine-head.js";
import type { AdamSettings } from "./engine-mlp.js";
import { allocHeadActs, allocHeadScratch, headBackward, headForward, headLoss } from "./head.js";
import { mlpViews } from "./mlp.js";
import type { SurvivalHead } from "./train.js";

/** Legend: B examples (≤ maxB), T minutes, C inputs. */
export interface HeadStepper {
  /** where the MLP runs: "js" or the backend's name */
  readonly where: string;
  /** Forward over inp (B, T, C); returns the mean SAFE loss for labels (B). */
  forwardLoss(inp: Float32Array, labels: ArrayLike<number>, B: number): Promise<number>;
  /** Backward of the last forward: parameter grads (replaced, not accumulated) and ∂L/∂inp (B, T, C), host. */
  backward(): Promise<Float32Array>;
  step(a: AdamSettings, t: number): void;
  /** The current parameters (a copy). */
  head(): Promise<SurvivalHead>;
}

/** A stepper for `head` (its parameters are the starting point; Adam moments start at 0); backend null = plain JS. */
export function headStepper<T extends TensorTypes>(head: SurvivalHead, maxB: number, T: number, backend: Backend<T> | null): HeadStepper {
  return backend === null ? plainStepper(head, maxB, T) : engineStepper(backend, head, maxB, T);
}

function engineStepper<T extends TensorTypes>(backend: Backend<T>, head: SurvivalHead, maxB: number, T: number): HeadStepper {
  const eh = new EngineHead(backend, head.cfg, maxB, T);
  eh.load(head);
  let labels: ArrayLike<number> = [];
  return {
    where: backend.name,
    async forwardLoss(inp, l, B) {
      labels = Array.from(l).slice(0, B);
      await eh.forward(inp, B);
      return eh.loss(labels);
    },
    async backward() {
      return (await eh.backward(labels, true))!;
    },
    step: (a, t) => eh.step(a, t),
    head: () => eh.head(),
  };
}

function plainStepper(head: SurvivalHead, maxB: number, T: number): HeadStepper {
  const { cfg } = head;
  const params = head.params.slice();
  const p = mlpViews(params, cfg);
  const grads = new Float32Array(params.length);
  const g = mlpViews(grads, cfg);
  const m = new Float32Array(params.length);
  const v = new Float32Array(params.length);
  const acts = allocHeadActs(maxB, T, cfg);
  const dinp = new Float32Array(maxB * T * cfg.C);
  const scratch = { ...allocHeadScratch(maxB, T, cfg, undefined, false), dinp };
  let last: { inp: Float32Array; labels: ArrayLike<number>; B: number } = { inp: new Float32Array(0), labels: [], B: 0 };
  return {
    where: "js",
    async forwardLoss(inp, labels, B) {
      const x = inp.subarray(0, B * T * cfg.C);
      last = { inp: x, labels, B };
      headForward(acts, p, x, B, T, cfg);
      return headLoss(acts, labels, B, T);
    },
    async backward() {
      grads.fill(0);
      headBackward(g, scratch, acts, p, last.inp, last.labels, last.B, T, cfg);
      return dinp.subarray(0, last.B * T * cfg.C);
    },
    step: (a, t) => adamWUpdate(params, grads, m, v, params.length, a.lr, a.beta1, a.beta2, a.eps, a.weightDecay, t),
    head: async () => ({ cfg, params: params.slice() }),
  };
}
