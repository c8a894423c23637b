/** @module The decoder's backward pass: the forward in reverse (llm.c gpt2_backward), accumulating into the flat gradient buffer. */
import type { TensorTypes } from "../kernels.js";
import { blockInput } from "./forward.js";
import type { ForwardRecord, TrainState } from "./state.js";

/**
 * Enqueues the backward of the recorded forward. Parameter gradients accumulate (+=) into s.grads
 * (zeroing them is the caller's step); activation gradients are scratch, zeroed here before each use.
 * dloss of each per-head loss is 1/(BT·NF): the gradient of the mean loss.
 */
export function backwardPass<T extends TensorTypes>(s: TrainState<T>, rec: ForwardRecord): void {
  const { backend, config: c, acts: a, dacts: d } = s;
  const k = backend.kernels;
  const w = s.params.views;
  const g = s.grads.views;
  const BT = rec.B * rec.T;
  const C = c.dModel;
  const NV = c.NF * c.V;
  const z = (buf: T["f32"]): void => backend.zero(buf);

  // loss → logits → h
  k.crossEntropyBackward(d.dlogits, a.probs, a.targets, 1 / (BT * c.NF), BT, c.NF, c.V); // writes (BT, NF·V)
  z(d.dlnf);
  k.matmulBackward(d.dlnf, g.wOut, g.bOut, d.dlogits, a.lnf, w.wOut, BT, C, NV);
  backwardFromLnf(s, rec);
}

/**
 * The backward from the hidden state h = LNf(x) down: reads ∂L/∂h (BT, C) from s.dacts.dlnf (the
 * caller fills it: backwardPass from the output heads, Decoder.backwardFromHidden from a fine-tuning
 * head) and accumulates the gradients of LNf, every block and the embedding (wOut, bOut get none here).
 */
export function backwardFromLnf<T extends TensorTypes>(s: TrainState<T>, rec: ForwardRecord): void {
  const { backend, config: c, acts: a, dacts: d } = s;
  const k = backend.kernels;
  const w = s.params.views;
  const g = s.grads.views;
  const { B, T, p } = rec;
  const BT = B * T;
  const C = c.dModel;
  const FF = c.dFF;
  const z = (buf: T["f32"]): void => backend.zero(buf);
  z(d.dresidual);
  k.layernormBackward(d.dresidual, g.lnfw, g.lnfb, d.dlnf, blockInput(s, c.nLayer, p), w.lnfw, a.lnfMean, a.lnfRstd, BT, C);

  for (let l = c.nLayer - 1; l >= 0; l--) {
    const lw = w.layers[l]!;
    const lg = g.layers[l]!;
    const la = a.layers[l]!;
    const residual = blockInput(s, l, p); // (BT, C)
    // residual3 = residual2 + dropout(fcproj); d.dresidual holds dresidual3
    const dmlpOut = p > 0 ? d.dfcprojDrop : d.dfcproj;
    z(d.dresidual2);
    z(dmlpOut);
    k.residualBackward(d.dresidual2, dmlpOut, d.dresidual, BT * C);
    if (p > 0) {
      z(d.dfcproj);
      k.dropoutBackward(d.dfcproj, d.dfcprojDrop, la.fcprojMask, BT * C, p);
    }
    z(d.dfchGelu);
    k.matmulBackward(d.dfchGelu, lg.fcprojw, lg.fcprojb, d.dfcproj, la.fchGelu, lw.fcprojw, BT, FF, C);
    z(d.dfch);
    k.geluBackward(d.dfch, la.fch, d.dfchGelu, BT * FF);
    z(d.dln2);
    k.matmulBackward(d.dln2, lg.fcw, lg.fcb, d.dfch, la.ln2, lw.fcw, BT, C, FF);
    k.layernormBackward(d.dresidual2, lg.ln2w, lg.ln2b, d.dln2, la.residual2, lw.ln2w, la.ln2Mean, la.ln2Rstd, BT, C);
    // residual2 = residual + dropout(attproj); d.dresidual becomes the gradient of the block's input
    const dattOut = p > 0 ? d.dattprojDrop : d.dattproj;
    z(d.dresidual);
    z(dattOut);
    k.residualBackward(d.dresidual, dattOut, d.dresidual2, BT * C);
    if (p > 0) {
      z(d.dattproj);
      k.dropoutBackward(d.dattproj, d.dattprojDrop, la.attprojMask, BT * C, p);
    }
    z(d.datty);
    k.matmulBackward(d.datty, lg.projw, lg.projb, d.dattproj, la.atty, lw.projw, BT, C, C);
    z(d.dqkv);
    z(d.dpreatt);
    z(d.datt);
    k.attentionBackward(d.dqkv, d.dpreatt, d.datt, d.datty, la.qkv, la.att, B, T, C, c.nHead);
    z(d.dln1);
    k.matmulBackward(d.dln1, lg.qkvw, lg.qkvb, d.dqkv, la.ln1, lw.qkvw, BT, C, 3 * C);
    k.layernormBackward(d.dresidual, lg.ln1w, lg.ln1b, d.dln1, residual, lw.ln1w, la.ln1Mean, la.ln1Rstd, BT, C);
  }

  // embedding (after its dropout)
  let dx = d.dresidual;
  if (p > 0) {
    z(d.dencoded);
    k.dropoutBackward(d.dencoded, d.dresidual, a.encodedMask, BT * C, p);
    dx = d.dencoded;
  }
  k.embeddingBackward(g.wInp, g.bInp, g.wPos, g.wNode, g.wCustomer, dx, a.bins, a.time, a.node, a.customer, B, T, C, c.NF, c.V, c.NTIME);
}
