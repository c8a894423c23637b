/** @module The cpu backend's LSTM kernels (LstmKernels over arena arrays): the input projections and weight gradients as packed GEMMs, the recurrence in WAT (wat/70-lstm.wat), pooling and the causal gather as WAT row moves (wat/71-lstm-pool.wat). */
import type { HostTensors } from "../kernels.js";
import type { LstmKernels } from "../lstm/kernels.js";
import type { Dispatch } from "./dispatch.js";

type F32 = Float32Array;

/** WASM writes past a view's end land in the neighbouring buffers, so every kernel checks its sizes first. */
function need(kernel: string, pairs: [ArrayLike<number>, number, string][]): void {
  for (const [a, n, name] of pairs) if (a.length < n) throw new RangeError(`${kernel}: ${name} holds ${a.length} elements, needs ${n}`);
}

/** Scratch bytes per thread for the recurrence's H mod 4 tail (the backward's 13 slots of 16 bytes, rounded up). */
const TAIL_SCRATCH = 256;

/**
 * The LSTM kernels over the dispatch of a cpu backend. Threads split the batch rows of the recurrence (in
 * strips of 4, each row's arithmetic independent of the split) and the rows or columns of the GEMMs, so
 * results do not depend on the thread count.
 */
export function createCpuLstmKernels(d: Dispatch): LstmKernels<HostTensors> {
  const { arena, tmp, perThread, block, par, packB, gemm } = d;
  const A = (a: F32): number => arena.addr(a);
  const f32At = (at: number, n: number): F32 => new Float32Array(arena.memory.buffer, at, n);
  return {
    lstmForward(h, c, gates, inp, wIh, wHh, bias, B, T, I, H) {
      const G = 4 * H;
      const BT = B * T;
      if (BT === 0 || H === 0) return;
      need("lstmForward", [[h, BT * H, "h"], [c, BT * H, "c"], [gates, BT * G, "gates"], [inp, BT * I, "inp"], [wIh, G * I, "wIh"], [wHh, G * H, "wHh"], [bias, G, "bias"]]);
      // gates (BT, 4H) = inp · W_ihᵀ + bias for every step at once
      gemm(BT, G, I, A(inp), I, 1, A(wIh), 1, I, A(gates), A(bias), 0);
      // W_hhᵀ as the (K = H, N = 4H) B operand of every step's h_{t−1}·W_hhᵀ, packed once
      const P = block("lstm.wHh", 4 * Math.ceil(G / 8) * 8 * H);
      packB(P, G, H, A(wHh), 1, H);
      const scr = perThread("lstm.tail", TAIL_SCRATCH);
      par("lstm_fwd_rec", B, 4, 2 * BT * G * H, (s, e, t) => [s, e, T, H, A(h), A(c), A(gates), P, tmp[t] ?? 0, scr[t] ?? 0]);
    },
    lstmBackward(dinp, dwIh, dwHh, dbias, dgates, dh, h, c, gates, inp, wIh, wHh, B, T, I, H) {
      const G = 4 * H;
      const BT = B * T;
      if (BT === 0 || H === 0) return;
      need("lstmBackward", [[dinp, BT * I, "dinp"], [dwIh, G * I, "dwIh"], [dwHh, G * H, "dwHh"], [dbias, G, "dbias"], [dgates, BT * G, "dgates"], [dh, BT * H, "dh"], [h, BT * H, "h"], [c, BT * H, "c"], [gates, BT * G, "gates"], [inp, BT * I, "inp"], [wIh, G * I, "wIh"], [wHh, G * H, "wHh"]]);
      // the recurrence, backward in time: dgates, with dh_{t−1} += dgates_t · W_hh (K = 4H, N = H) per step
      const P = block("lstm.wHhBwd", 4 * Math.ceil(H / 8) * 8 * G);
      packB(P, H, G, A(wHh), H, 1);
      const carry = block("lstm.carry", 8 * B * H);
      const scr = perThread("lstm.tail", TAIL_SCRATCH);
      par("lstm_bwd_rec", B, 4, 2 * BT * G * H, (s, e, t) => [s, e, T, H, A(dgates), A(dh), A(c), A(gates), P, carry, carry + 4 * B * H, tmp[t] ?? 0, scr[t] ?? 0]);
      // dinp (BT, I) += dgates · W_ih; dW_ih (4H, I) += dgatesᵀ · inp; dbias += Σ_bt dgates
      gemm(BT, I, G, A(dgates), G, 1, A(wIh), I, 1, A(dinp), 0, 1);
      gemm(G, I, BT, A(dgates), 1, G, A(inp), I, 1, A(dwIh), 0, 1);
      par("colsum_acc", G, 4, BT * G, (s, e) => [s, e, A(dbias), A(dgates), BT, G]);
      // dW_hh (4H, H) += dgatesᵀ · h_prev, h_prev (BT, H) = h shifted one step within each window (0 at t = 0)
      const prevAt = block("lstm.hPrev", 4 * BT * H);
      const prev = f32At(prevAt, BT * H);
      for (let b = 0; b < B; b++) {
        const row = b * T * H;
        prev.fill(0, row, row + H);
        prev.set(h.subarray(row, row + (T - 1) * H), row + H);
      }
      gemm(G, H, BT, A(dgates), 1, G, prevAt, H, 1, A(dwHh), 0, 1);
    },
    avgPoolForward(out, inp, B, T, C, k) {
      const Tk = Math.floor(T / k);
      if (Tk === 0) return;
      need("avgPoolForward", [[out, B * Tk * C, "out"], [inp, B * T * C, "inp"]]);
      par("avgpool_fwd", B, 1, 2 * B * T * C, (s, e) => [s, e, A(out), A(inp), T, C, k]);
    },
    avgPoolBackward(dinp, dout, B, T, C, k) {
      const Tk = Math.floor(T / k);
      if (Tk === 0) return;
      need("avgPoolBackward", [[dinp, B * T * C, "dinp"], [dout, B * Tk * C, "dout"]]);
      par("avgpool_bwd", B, 1, 3 * B * T * C, (s, e) => [s, e, A(dinp), A(dout), T, C, k]);
    },
    lastStateForward(out, h, B, T, Tk, H, k, OC, off) {
      need("lastStateForward", [[out, B * T * OC, "out"], [h, B * Tk * H, "h"], [{ length: OC }, off + H, "a row of out (OC)"]]);
      par("laststate_fwd", B, 1, 2 * B * T * H, (s, e) => [s, e, A(out), A(h), T, Tk, H, k, OC, off]);
    },
    lastStateBackward(dh, dout, B, T, Tk, H, k, OC, off) {
      need("lastStateBackward", [[dh, B * Tk * H, "dh"], [dout, B * T * OC, "dout"], [{ length: OC }, off + H, "a row of dout (OC)"]]);
      par("laststate_bwd", B, 1, 3 * B * T * H, (s, e) => [s, e, A(dh), A(dout), T, Tk, H, k, OC, off]);
    },
  };
}
