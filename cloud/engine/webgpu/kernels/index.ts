/** @module Every kernel of the interface for the webgpu backend, listed explicitly: argument checks on the host, then dispatches recorded in call order. */
import { dropoutThreshold, LAYERNORM_EPS, type Kernels } from "../../kernels.js";
import type { KernelDef } from "../codegen.js";
import type { Recorder } from "../recorder.js";
import type { GpuTensor, GpuTensors } from "../types.js";
import { attentionBackwardKeyDef, attentionBackwardQueryDef, keyBlockGrid } from "./attention-backward.js";
import { attentionForwardDef, attentionGrid, headBucket, keyBlock } from "./attention.js";
import * as ew from "./elementwise.js";
import { binsGrid, embeddingBackwardBins, embeddingBackwardIndex, embeddingForwardDef, gatherGrid, indexGrid, MAX_BINS } from "./embedding.js";
import { columnGrid, layernormBackwardInput, layernormBackwardParams, layernormForward, rowGrid } from "./layernorm.js";
import { matmul, matmulGrid, matmulScalars } from "./matmul.js";
import { crossEntropyForward, rowsGrid, softmaxForward } from "./rows.js";
import { colSum, colSumGrid, sumDef, sumGrid } from "./reduce.js";

/** mix32 of the dropout hash (kernels.ts), applied to the seed on the host. */
function mix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

/** Throws unless every tensor holds at least its count of elements (an out-of-range GPU access would be clamped silently). */
function need(kernel: string, pairs: [GpuTensor | null, number, string][]): void {
  for (const [t, n, name] of pairs) if (t !== null && t.length < n) throw new RangeError(`${kernel}: ${name} holds ${t.length} elements, needs ${n}`);
}

export function webgpuKernels(rec: Recorder): Kernels<GpuTensors> {
  const defs = new Map<string, KernelDef>();
  /** A cached kernel variant. */
  const def = (key: string, make: () => KernelDef): KernelDef => {
    let d = defs.get(key);
    if (d === undefined) defs.set(key, (d = make()));
    return d;
  };
  const wgLimit = rec.device.limits.maxComputeWorkgroupStorageSize;
  const colsum = (dst: GpuTensor, src: GpuTensor, R: number, cols: number, ld: number): void => rec.run(colSum, [dst, src], [R, cols, ld], colSumGrid(cols));

  return {
    matmulForward(out, inp, weight, bias, BT, C, OC) {
      need("matmulForward", [[out, BT * OC, "out"], [inp, BT * C, "inp"], [weight, OC * C, "weight"], [bias, OC, "bias"]]);
      const flags = { aMContig: false, bNContig: false, accumulate: false, bias: bias !== null };
      rec.run(matmul, [out, inp, weight, bias ?? rec.dummy], matmulScalars(BT, OC, C, C, C, OC, flags), matmulGrid(BT, OC));
    },
    matmulBackward(dinp, dweight, dbias, dout, inp, weight, BT, C, OC) {
      need("matmulBackward", [[dinp, BT * C, "dinp"], [dweight, OC * C, "dweight"], [dbias, OC, "dbias"], [dout, BT * OC, "dout"], [inp, BT * C, "inp"], [weight, OC * C, "weight"]]);
      // dinp (BT, C) += dout (BT, OC) · weight (OC, C)
      rec.run(matmul, [dinp, dout, weight, rec.dummy], matmulScalars(BT, C, OC, OC, C, C, { aMContig: false, bNContig: true, accumulate: true, bias: false }), matmulGrid(BT, C));
      // dweight (OC, C) += doutᵀ (OC, BT) · inp (BT, C)
      rec.run(matmul, [dweight, dout, inp, rec.dummy], matmulScalars(OC, C, BT, OC, C, C, { aMContig: true, bNContig: true, accumulate: true, bias: false }), matmulGrid(OC, C));
      if (dbias !== null) colsum(dbias, dout, BT, OC, OC);
    },
    layernormForward(out, mean, rstd, inp, weight, bias, BT, C) {
      need("layernormForward", [[out, BT * C, "out"], [mean, BT, "mean"], [rstd, BT, "rstd"], [inp, BT * C, "inp"], [weight, C, "weight"], [bias, C, "bias"]]);
      rec.run(layernormForward, [out, mean, rstd, inp, weight, bias], [BT, C, LAYERNORM_EPS], rowGrid(BT));
    },
    layernormBackward(dinp, dweight, dbias, dout, inp, weight, mean, rstd, BT, C) {
      need("layernormBackward", [[dinp, BT * C, "dinp"], [dweight, C, "dweight"], [dbias, C, "dbias"], [dout, BT * C, "dout"], [inp, BT * C, "inp"], [weight, C, "weight"], [mean, BT, "mean"], [rstd, BT, "rstd"]]);
      rec.run(layernormBackwardInput, [dinp, dout, inp, weight, mean, rstd], [BT, C], rowGrid(BT));
      rec.run(layernormBackwardParams, [dweight, dbias, dout, inp, mean, rstd], [BT, C], columnGrid(C));
    },
    geluForward(out, inp, N) {
      need("geluForward", [[out, N, "out"], [inp, N, "inp"]]);
      rec.run(ew.geluForward, [out, inp], [N], ew.elementwiseGrid(N));
    },
    geluBackward(dinp, inp, dout, N) {
      need("geluBackward", [[dinp, N, "dinp"], [inp, N, "inp"], [dout, N, "dout"]]);
      rec.run(ew.geluBackward, [dinp, inp, dout], [N], ew.elementwiseGrid(N));
    },
    softmaxForward(out, inp, N, V) {
      need("softmaxForward", [[out, N * V, "out"], [inp, N * V, "inp"]]);
      rec.run(softmaxForward, [out, inp], [N, V], rowsGrid(N));
    },
    attentionForward(out, preatt, att, qkv, B, T, C, NH) {
      const hs = C / NH;
      if (!Number.isInteger(hs)) throw new RangeError(`attentionForward: C ${C} is not a multiple of NH ${NH}`);
      need("attentionForward", [[out, B * T * C, "out"], [preatt, B * NH * T * T, "preatt"], [att, B * NH * T * T, "att"], [qkv, B * T * 3 * C, "qkv"]]);
      const hsMax = headBucket(hs);
      const bk = keyBlock(hsMax, wgLimit);
      const d = def(`attF${hsMax}.${bk}`, () => attentionForwardDef(hsMax, bk));
      // without preatt, the scores go to att (the same binding) and are overwritten by the probabilities
      rec.run(d, [out, preatt ?? att, att, qkv], [T, C, NH, hs, 1 / Math.sqrt(hs)], attentionGrid(B, T, NH));
    },
    attentionBackward(dqkv, dpreatt, datt, dout, qkv, att, B, T, C, NH) {
      const hs = C / NH;
      if (!Number.isInteger(hs)) throw new RangeError(`attentionBackward: C ${C} is not a multiple of NH ${NH}`);
      const TT = B * NH * T * T;
      need("attentionBackward", [[dqkv, B * T * 3 * C, "dqkv"], [dpreatt, TT, "dpreatt"], [datt, TT, "datt"], [dout, B * T * C, "dout"], [qkv, B * T * 3 * C, "qkv"], [att, TT, "att"]]);
      const hsMax = headBucket(hs);
      const bk = keyBlock(hsMax, wgLimit);
      const scalars = [T, C, NH, hs, 1 / Math.sqrt(hs)];
      rec.run(def(`attBQ${hsMax}.${bk}`, () => attentionBackwardQueryDef(hsMax, bk)), [dqkv, dpreatt, datt, dout, qkv, att], scalars, attentionGrid(B, T, NH));
      rec.run(def(`attBK${hsMax}`, () => attentionBackwardKeyDef(hsMax)), [dqkv, dout, qkv, att, dpreatt], scalars, keyBlockGrid(B, T, NH));
    },
    embeddingForward(out, bins, time, node, customer, wInp, bias, wPos, wNode, wCustomer, B, T, C, NF, V, NTIME) {
      const BT = B * T;
      need("embeddingForward", [[out, BT * C, "out"], [bins, BT * NF, "bins"], [time, BT * NTIME, "time"], [node, BT, "node"], [customer, BT, "customer"], [bias, C, "bias"], [wPos, T * C, "wPos"]]);
      const d = def(`embF${bias !== null}`, () => embeddingForwardDef(bias !== null));
      const tensors = [out, bins, time, node, customer, wInp, wPos, wNode, wCustomer, ...(bias === null ? [] : [bias])];
      rec.run(d, tensors, [BT, T, C, NF, V, NTIME], gatherGrid(BT * C));
    },
    embeddingBackward(dwInp, dbias, dwPos, dwNode, dwCustomer, dout, bins, time, node, customer, B, T, C, NF, V, NTIME) {
      const BT = B * T;
      need("embeddingBackward", [[dout, BT * C, "dout"], [bins, BT * NF, "bins"], [time, BT * NTIME, "time"], [node, BT, "node"], [customer, BT, "customer"], [dbias, C, "dbias"], [dwPos, T * C, "dwPos"], [dwInp, NF * V * C, "dwInp"]]);
      if (V > MAX_BINS) throw new RangeError(`embeddingBackward: V ${V} > ${MAX_BINS}`);
      if (dbias !== null) colsum(dbias, dout, BT, C, C);
      colsum(dwPos, dout, B, T * C, T * C); // dwPos[t] += Σ_b dout[b·T + t]
      if (NF > 0) rec.run(embeddingBackwardBins, [dwInp, dout, bins], [BT, C, NF, V], binsGrid(C, NF));
      const rows = (t: GpuTensor): number => Math.floor(t.length / C);
      const index = (dw: GpuTensor, idx: GpuTensor, K: number, R: number, rowOff: number): void => {
        if (R > 0 && K > 0) rec.run(embeddingBackwardIndex, [dw, dout, idx], [BT, C, K, R, rowOff], indexGrid(C, R));
      };
      index(dwInp, time, NTIME, rows(dwInp) - NF * V, NF * V);
      index(dwNode, node, 1, rows(dwNode), 0);
      index(dwCustomer, customer, 1, rows(dwCustomer), 0);
    },
    crossEntropyForward(losses, probs, logits, targets, BT, NF, V) {
      need("crossEntropyForward", [[losses, BT * NF, "losses"], [probs, BT * NF * V, "probs"], [logits, BT * NF * V, "logits"], [targets, BT * NF, "targets"]]);
      rec.run(crossEntropyForward, [losses, probs, logits, targets], [BT * NF, V], rowsGrid(BT * NF));
    },
    crossEntropyBackward(dlogits, probs, targets, dloss, BT, NF, V) {
      const N = BT * NF * V;
      need("crossEntropyBackward", [[dlogits, N, "dlogits"], [probs, N, "probs"], [targets, BT * NF, "targets"]]);
      rec.run(ew.crossEntropyBackward, [dlogits, probs, targets], [N, V, dloss], ew.elementwiseGrid(N));
    },
    residualForward(out, inp1, inp2, N) {
      need("residualForward", [[out, N, "out"], [inp1, N, "inp1"], [inp2, N, "inp2"]]);
      rec.run(ew.residualForward, [out, inp1, inp2], [N], ew.elementwiseGrid(N));
    },
    residualBackward(dinp1, dinp2, dout, N) {
      need("residualBackward", [[dinp1, N, "dinp1"], [dinp2, N, "dinp2"], [dout, N, "dout"]]);
      rec.run(ew.residualBackward, [dinp1, dinp2, dout], [N], ew.elementwiseGrid(N));
    },
    adamWUpdate(params, grads, m, v, N, lr, beta1, beta2, eps, weightDecay, t) {
      need("adamWUpdate", [[params, N, "params"], [grads, N, "grads"], [m, N, "m"], [v, N, "v"]]);
      const scalars = [N, lr, beta1, beta2, 1 - beta1, 1 - beta2, eps, weightDecay, 1 - Math.pow(beta1, t), 1 - Math.pow(beta2, t)];
      rec.run(ew.adamWUpdate, [params, grads, m, v], scalars, ew.elementwiseGrid(N));
    },
    dropoutForward(out, mask, inp, N, p, seed) {
      need("dropoutForward", [[out, N, "out"], [mask, N, "mask"], [inp, N, "inp"]]);
      rec.run(ew.dropoutForward, [out, mask, inp], [N, mix32(seed >>> 0), dropoutThreshold(p), 1 / (1 - p)], ew.elementwiseGrid(N));
    },
    dropoutBackward(dinp, dout, mask, N, p) {
      need("dropoutBackward", [[dinp, N, "dinp"], [dout, N, "dout"], [mask, N, "mask"]]);
      dropoutThreshold(p); // validates p
      rec.run(ew.dropoutBackward, [dinp, dout, mask], [N, 1 / (1 - p)], ew.elementwiseGrid(N));
    },
    sum(out, inp, N) {
      need("sum", [[out, 1, "out"], [inp, N, "inp"]]);
      rec.run(def("sum", () => sumDef(false)), [out, inp], [N], sumGrid);
    },
    mean(out, inp, N) {
      need("mean", [[out, 1, "out"], [inp, N, "inp"]]);
      rec.run(def("mean", () => sumDef(true)), [out, inp], [N], sumGrid);
    },
  };
}
