/** @module The decoder's forward pass (docs/model.md "Forward"): embedding, pre-LN blocks with residual dropout, final LayerNorm, output heads and the loss. */
import type { TensorTypes } from "../kernels.js";
import type { LayerActivations } from "./activations.js";
import { dropoutSiteSeed, type DecoderState, type ForwardRecord } from "./state.js";

/** The input of block l: the (dropped-out) embedding for l = 0, else block l−1's output. */
export function blockInput<T extends TensorTypes>(s: DecoderState<T>, l: number, p: number): T["f32"] {
  const a = s.acts;
  if (l === 0) return p > 0 ? a.encodedDrop : a.encoded;
  return (a.layers[l - 1] as LayerActivations<T>).residual3;
}

/**
 * Enqueues the forward over the uploaded batch (B, T) with residual dropout p (0: none) and the loss
 * (acts.loss[0] = mean of acts.losses). Returns what backward needs to replay it.
 */
export function forwardPass<T extends TensorTypes>(s: DecoderState<T>, B: number, T: number, p: number, dropoutSeed: number): ForwardRecord {
  const { backend, config: c, acts: a } = s;
  const k = backend.kernels;
  const w = s.params.views;
  const BT = B * T;
  const C = c.dModel;
  const FF = c.dFF;
  const NV = c.NF * c.V;

  // embedding: x (BT, C)
  k.embeddingForward(a.encoded, a.bins, a.time, a.node, a.customer, w.wInp, w.bInp, w.wPos, w.wNode, w.wCustomer, B, T, C, c.NF, c.V, c.NTIME);
  if (p > 0) k.dropoutForward(a.encodedDrop, a.encodedMask, a.encoded, BT * C, p, dropoutSiteSeed(dropoutSeed, 0));

  for (let l = 0; l < c.nLayer; l++) {
    const lw = w.layers[l]!;
    const la = a.layers[l]!;
    const residual = blockInput(s, l, p); // (BT, C)
    k.layernormForward(la.ln1, la.ln1Mean, la.ln1Rstd, residual, lw.ln1w, lw.ln1b, BT, C);
    k.matmulForward(la.qkv, la.ln1, lw.qkvw, lw.qkvb, BT, C, 3 * C); // (BT, 3C)
    k.attentionForward(la.atty, null, la.att, la.qkv, B, T, C, c.nHead); // (BT, C), att (B, NH, T, T)
    k.matmulForward(la.attproj, la.atty, lw.projw, lw.projb, BT, C, C);
    let attOut = la.attproj;
    if (p > 0) {
      k.dropoutForward(la.attprojDrop, la.attprojMask, la.attproj, BT * C, p, dropoutSiteSeed(dropoutSeed, 1 + 2 * l));
      attOut = la.attprojDrop;
    }
    k.residualForward(la.residual2, residual, attOut, BT * C);
    k.layernormForward(la.ln2, la.ln2Mean, la.ln2Rstd, la.residual2, lw.ln2w, lw.ln2b, BT, C);
    k.matmulForward(la.fch, la.ln2, lw.fcw, lw.fcb, BT, C, FF); // (BT, FF)
    k.geluForward(la.fchGelu, la.fch, BT * FF);
    k.matmulForward(la.fcproj, la.fchGelu, lw.fcprojw, lw.fcprojb, BT, FF, C); // (BT, C)
    let mlpOut = la.fcproj;
    if (p > 0) {
      k.dropoutForward(la.fcprojDrop, la.fcprojMask, la.fcproj, BT * C, p, dropoutSiteSeed(dropoutSeed, 2 + 2 * l));
      mlpOut = la.fcprojDrop;
    }
    k.residualForward(la.residual3, la.residual2, mlpOut, BT * C);
  }

  const last = blockInput(s, c.nLayer, p);
  k.layernormForward(a.lnf, a.lnfMean, a.lnfRstd, last, w.lnfw, w.lnfb, BT, C); // h (BT, C)
  k.matmulForward(a.logits, a.lnf, w.wOut, w.bOut, BT, C, NV); // (BT, NF·V)
  k.crossEntropyForward(a.losses, a.probs, a.logits, a.targets, BT, c.NF, c.V); // (BT, NF)
  k.mean(a.loss, a.losses, BT * c.NF);
  return { B, T, p };
}
