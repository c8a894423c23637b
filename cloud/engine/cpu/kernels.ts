/** @module The cpu backend's kernels: argument marshalling from typed-array views to byte addresses, and the split of each WASM kernel over the thread pool. */
import { dropoutThreshold, type HostTensors, type Kernels } from "../kernels.js";
import type { Arena } from "./arena.js";
import { createDispatch, type Dispatch } from "./dispatch.js";
import { lowbias32 } from "./hash.js";
import type { Pool } from "./pool.js";

type F32 = Float32Array;

/** The Kernels over an arena and a pool whose main instance exports the WAT kernels (d: the dispatch helpers, shared with the LSTM kernels). */
export function createCpuKernels(arena: Arena, pool: Pool, main: WebAssembly.Exports, d: Dispatch = createDispatch(arena, pool)): Kernels<HostTensors> {
  const A = (a: F32 | Uint8Array | Int32Array): number => arena.addr(a);
  const An = (a: F32 | null): number => (a === null ? 0 : arena.addr(a));
  const { tmp, perThread, par, gemm } = d;
  const sumF64 = main.sum_f64 as (x: number, n: number) => number;

  return {
    matmulForward(out, inp, weight, bias, BT, C, OC) {
      gemm(BT, OC, C, A(inp), C, 1, A(weight), 1, C, A(out), An(bias), 0);
    },
    matmulBackward(dinp, dweight, dbias, dout, inp, weight, BT, C, OC) {
      // dinp (BT, C) += dout (BT, OC) · weight (OC, C)
      gemm(BT, C, OC, A(dout), OC, 1, A(weight), C, 1, A(dinp), 0, 1);
      // dweight (OC, C) += doutᵀ (OC, BT) · inp (BT, C)
      gemm(OC, C, BT, A(dout), 1, OC, A(inp), C, 1, A(dweight), 0, 1);
      if (dbias !== null) par("colsum_acc", OC, 4, BT * OC, (s, e) => [s, e, A(dbias), A(dout), BT, OC]);
    },
    layernormForward(out, mean, rstd, inp, weight, bias, BT, C) {
      par("ln_fwd", BT, 1, 8 * BT * C, (s, e) => [s, e, A(out), A(mean), A(rstd), A(inp), A(weight), A(bias), C]);
    },
    layernormBackward(dinp, dweight, dbias, dout, inp, weight, mean, rstd, BT, C) {
      par("ln_bwd", BT, 1, 10 * BT * C, (s, e) => [s, e, A(dinp), A(dout), A(inp), A(weight), A(mean), A(rstd), C]);
      // dweight, dbias: split by columns, every column summed over the rows in order on whichever thread
      par("ln_bwd_wb", C, 4, 4 * BT * C, (s, e) => [s, e, A(dweight), A(dbias), A(dout), A(inp), A(mean), A(rstd), BT, C]);
    },
    geluForward(out, inp, N) {
      par("gelu_fwd", N, 4, 20 * N, (s, e) => [s, e, A(out), A(inp)]);
    },
    geluBackward(dinp, inp, dout, N) {
      par("gelu_bwd", N, 4, 30 * N, (s, e) => [s, e, A(dinp), A(inp), A(dout)]);
    },
    softmaxForward(out, inp, N, V) {
      par("softmax_rows", N, 1, 10 * N * V, (s, e) => [s, e, A(out), A(inp), V, 0, 0]);
    },
    attentionForward(out, preatt, att, qkv, B, T, C, NH) {
      const hs = C / NH;
      const floats = Math.ceil(T / 8) * 8 * hs + Math.ceil(hs / 8) * 8 * T;
      const at = perThread("attn", 4 * floats);
      par("attn_fwd", B * NH, 1, 2 * B * T * T * C, (s, e, t) => [s, e, A(out), An(preatt), A(att), A(qkv), T, C, NH, at[t] ?? 0, (at[t] ?? 0) + 4 * Math.ceil(T / 8) * 8 * hs, tmp[t] ?? 0]);
    },
    attentionBackward(dqkv, dpreatt, datt, dout, qkv, att, B, T, C, NH) {
      const hs = C / NH;
      const [p1, pv] = [Math.ceil(T / 8) * 8 * hs * 4, Math.ceil(hs / 8) * 8 * T * 4];
      const at = perThread("attnBwd", p1 + 3 * pv + 16 * T);
      par("attn_bwd", B * NH, 1, 4 * B * T * T * C, (s, e, t) => {
        const base = at[t] ?? 0;
        return [s, e, A(dqkv), A(dpreatt), A(datt), A(dout), A(qkv), A(att), T, C, NH, base, base + p1, base + p1 + pv, base + p1 + 2 * pv, base + p1 + 3 * pv, tmp[t] ?? 0];
      });
    },
    embeddingForward(out, bins, time, node, customer, wInp, bias, wPos, wNode, wCustomer, B, T, C, NF, V, NTIME) {
      const BT = B * T;
      const list = perThread("embList", 4 * (NF + NTIME + 3));
      par("emb_fwd", BT, 1, BT * C * (NF + NTIME + 4), (s, e, t) => [s, e, A(out), A(bins), A(time), A(node), A(customer), A(wInp), An(bias), A(wPos), A(wNode), A(wCustomer), T, C, NF, V, NTIME, list[t] ?? 0]);
    },
    embeddingBackward(dwInp, dbias, dwPos, dwNode, dwCustomer, dout, bins, time, node, customer, B, T, C, NF, V, NTIME) {
      const BT = B * T;
      par("emb_bwd", C, 4, BT * C * (NF + NTIME + 4), (s, e) => [s, e, A(dwInp), An(dbias), A(dwPos), A(dwNode), A(dwCustomer), A(dout), A(bins), A(time), A(node), A(customer), BT, T, C, NF, V, NTIME]);
    },
    crossEntropyForward(losses, probs, logits, targets, BT, NF, V) {
      par("softmax_rows", BT * NF, 1, 10 * BT * NF * V, (s, e) => [s, e, A(probs), A(logits), V, A(losses), A(targets)]);
    },
    crossEntropyBackward(dlogits, probs, targets, dloss, BT, NF, V) {
      par("ce_bwd", BT * NF, 4, 2 * BT * NF * V, (s, e) => [s, e, A(dlogits), A(probs), A(targets), dloss, V]);
    },
    residualForward(out, inp1, inp2, N) {
      par("residual_fwd", N, 4, 3 * N, (s, e) => [s, e, A(out), A(inp1), A(inp2)]);
    },
    residualBackward(dinp1, dinp2, dout, N) {
      par("residual_bwd", N, 4, 5 * N, (s, e) => [s, e, A(dinp1), A(dinp2), A(dout)]);
    },
    adamWUpdate(params, grads, m, v, N, lr, beta1, beta2, eps, weightDecay, t) {
      const c1 = 1 - Math.pow(beta1, t);
      const c2 = 1 - Math.pow(beta2, t);
      par("adamw", N, 4, 14 * N, (s, e, th) => [s, e, A(params), A(grads), A(m), A(v), lr, beta1, beta2, eps, weightDecay, c1, c2, tmp[th] ?? 0]);
    },
    dropoutForward(out, mask, inp, N, p, seed) {
      const threshold = dropoutThreshold(p);
      par("dropout_fwd", N, 16, 10 * N, (s, e) => [s, e, A(out), A(mask), A(inp), lowbias32(seed >>> 0), threshold, 1 / (1 - p)]);
    },
    dropoutBackward(dinp, dout, mask, N, p) {
      par("dropout_bwd", N, 4, 3 * N, (s, e) => [s, e, A(dinp), A(dout), A(mask), 1 / (1 - p)]);
    },
    sum(out, inp, N) {
      out[0] = sumF64(A(inp), N);
    },
    mean(out, inp, N) {
      out[0] = sumF64(A(inp), N) / N;
    },
  };
}
