/** @module Reference fused softmax + cross-entropy over NF heads of V classes per token, with a backward that writes dlogits directly. */
import { at, type Arr } from "./types.js";

/** probs (BT, NF*V), losses (BT, NF) = logsumexp − logit[target] from logits (BT, NF*V), targets (BT, NF). */
export function crossEntropyForward(losses: Arr, probs: Arr, logits: Arr, targets: Uint8Array, BT: number, NF: number, V: number): void {
  for (let n = 0; n < BT * NF; n++) {
    const b = n * V;
    let max = -Infinity;
    for (let i = 0; i < V; i++) {
      const x = at(logits, b + i);
      if (x > max) max = x;
    }
    let s = 0;
    for (let i = 0; i < V; i++) s += Math.exp(at(logits, b + i) - max);
    // a NaN logit makes s NaN, so the probs and the loss of this head are NaN
    const lse = max + Math.log(s);
    for (let i = 0; i < V; i++) probs[b + i] = Math.exp(at(logits, b + i) - max) / s;
    losses[n] = lse - at(logits, b + at(targets, n));
  }
}

/** WRITES dlogits (BT, NF*V) = dloss·(probs − onehot(targets)). */
export function crossEntropyBackward(dlogits: Arr, probs: Arr, targets: Uint8Array, dloss: number, BT: number, NF: number, V: number): void {
  for (let n = 0; n < BT * NF; n++) {
    const b = n * V;
    const y = at(targets, n);
    for (let i = 0; i < V; i++) dlogits[b + i] = dloss * (at(probs, b + i) - (i === y ? 1 : 0));
  }
}
