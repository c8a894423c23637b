/**
 * @module The webgpu LSTM kernels (LstmKernels over GPU tensors). Forward: the input projection of all
 * timesteps as one tiled matmul into gates (B·T, 4H), then the recurrence kernel (one workgroup per batch
 * row looping over t: T barriers, no per-step dispatch). Backward: the recurrence in reverse writes dgates,
 * then dinp, dW_ih, dbias through the matmul backward and dW_hh through its own kernel.
 */
import type { LstmKernels } from "../../lstm/kernels.js";
import type { WebgpuBackend } from "../index.js";
import type { GpuTensor, GpuTensors } from "../types.js";
import * as d from "./lstm-defs.js";

function need(kernel: string, pairs: [GpuTensor, number, string][]): void {
  for (const [t, n, name] of pairs) if (t.length < n) throw new RangeError(`${kernel}: ${name} holds ${t.length} elements, needs ${n}`);
}
function checkH(kernel: string, H: number): void {
  if (H > d.LSTM_MAX_H) throw new RangeError(`${kernel}: H ${H} > ${d.LSTM_MAX_H} (the workgroup-memory bound of the recurrence kernel)`);
}

export function webgpuLstmKernels(backend: Pick<WebgpuBackend, "kernels" | "recorder">): LstmKernels<GpuTensors> {
  const rec = backend.recorder;
  const k = backend.kernels;
  return {
    lstmForward(h, c, gates, inp, wIh, wHh, bias, B, T, I, H) {
      checkH("lstmForward", H);
      need("lstmForward", [[h, B * T * H, "h"], [c, B * T * H, "c"], [gates, B * T * 4 * H, "gates"], [inp, B * T * I, "inp"], [wIh, 4 * H * I, "wIh"], [wHh, 4 * H * H, "wHh"], [bias, 4 * H, "bias"]]);
      k.matmulForward(gates, inp, wIh, bias, B * T, I, 4 * H);
      rec.run(d.lstmRecForward, [h, c, gates, wHh], [T, H], d.rowGridLstm(B));
    },
    lstmBackward(dinp, dwIh, dwHh, dbias, dgates, dh, h, c, gates, inp, wIh, wHh, B, T, I, H) {
      checkH("lstmBackward", H);
      const BT = B * T;
      need("lstmBackward", [[dinp, BT * I, "dinp"], [dwIh, 4 * H * I, "dwIh"], [dwHh, 4 * H * H, "dwHh"], [dbias, 4 * H, "dbias"], [dgates, BT * 4 * H, "dgates"], [dh, BT * H, "dh"], [h, BT * H, "h"], [c, BT * H, "c"], [gates, BT * 4 * H, "gates"], [inp, BT * I, "inp"], [wIh, 4 * H * I, "wIh"], [wHh, 4 * H * H, "wHh"]]);
      rec.run(d.lstmRecBackward, [dgates, dh, c, gates, wHh], [T, H], d.rowGridLstm(B));
      k.matmulBackward(dinp, dwIh, dbias, dgates, inp, wIh, BT, I, 4 * H);
      rec.run(d.lstmDwHh, [dwHh, dgates, h], [4 * H * H, B, T, H], d.elementGrid(4 * H * H));
    },
    avgPoolForward(out, inp, B, T, C, kk) {
      const Tk = Math.floor(T / kk);
      need("avgPoolForward", [[out, B * Tk * C, "out"], [inp, B * T * C, "inp"]]);
      rec.run(d.avgPoolForward, [out, inp], [B * Tk * C, T, Tk, C, kk], d.elementGrid(B * Tk * C));
    },
    avgPoolBackward(dinp, dout, B, T, C, kk) {
      const Tk = Math.floor(T / kk);
      need("avgPoolBackward", [[dinp, B * T * C, "dinp"], [dout, B * Tk * C, "dout"]]);
      if (Tk > 0) rec.run(d.avgPoolBackward, [dinp, dout], [B * T * C, T, Tk, C, kk], d.elementGrid(B * T * C));
    },
    lastStateForward(out, h, B, T, Tk, H, kk, OC, off) {
      need("lastStateForward", [[out, B * T * OC, "out"], [h, B * Tk * H, "h"]]);
      if (off + H > OC) throw new RangeError(`lastStateForward: columns [${off}, ${off + H}) outside OC ${OC}`);
      rec.run(d.lastStateForward, [out, h], [B * T * H, T, Tk, H, kk, OC, off], d.elementGrid(B * T * H));
    },
    lastStateBackward(dh, dout, B, T, Tk, H, kk, OC, off) {
      need("lastStateBackward", [[dh, B * Tk * H, "dh"], [dout, B * T * OC, "dout"]]);
      rec.run(d.lastStateBackward, [dh, dout], [B * Tk * H, T, Tk, H, kk, OC, off], d.elementGrid(B * Tk * H));
    },
  };
}
