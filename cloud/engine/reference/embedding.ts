/** @module Reference input embedding: a gather of NF feature rows + NTIME time rows + a position row + node and customer rows (instead of a one-hot matmul), and its scatter-add backward. */
import { at, type Arr } from "./types.js";

/** out (B·T, C) = bias | 0 + Σ_f wInp[f*V + bins[bt,f]] + Σ_j wInp[NF*V + time[bt,j]] + wPos[bt mod T] + wNode[node[bt]] + wCustomer[customer[bt]]. */
export function embeddingForward(out: Arr, bins: Uint8Array, time: Int32Array, node: Int32Array, customer: Int32Array, wInp: Arr, bias: Arr | null, wPos: Arr, wNode: Arr, wCustomer: Arr, B: number, T: number, C: number, NF: number, V: number, NTIME: number): void {
  const BT = B * T;
  const acc = new Float64Array(C);
  for (let bt = 0; bt < BT; bt++) {
    for (let i = 0; i < C; i++) acc[i] = bias === null ? 0 : at(bias, i);
    const add = (w: Arr, row: number): void => {
      const r = row * C;
      for (let i = 0; i < C; i++) acc[i] = at(acc, i) + at(w, r + i);
    };
    for (let f = 0; f < NF; f++) add(wInp, f * V + at(bins, bt * NF + f));
    for (let j = 0; j < NTIME; j++) add(wInp, NF * V + at(time, bt * NTIME + j));
    add(wPos, bt % T);
    add(wNode, at(node, bt));
    add(wCustomer, at(customer, bt));
    for (let i = 0; i < C; i++) out[bt * C + i] = at(acc, i);
  }
}

/** Scatter-add of dout (B·T, C) into every row the forward gathered (dwInp, dbias, dwPos, dwNode, dwCustomer +=). */
export function embeddingBackward(dwInp: Arr, dbias: Arr | null, dwPos: Arr, dwNode: Arr, dwCustomer: Arr, dout: Arr, bins: Uint8Array, time: Int32Array, node: Int32Array, customer: Int32Array, B: number, T: number, C: number, NF: number, V: number, NTIME: number): void {
  const BT = B * T;
  for (let bt = 0; bt < BT; bt++) {
    const d = bt * C;
    const scatter = (dw: Arr, row: number): void => {
      const r = row * C;
      for (let i = 0; i < C; i++) dw[r + i] = at(dw, r + i) + at(dout, d + i);
    };
    if (dbias !== null) scatter(dbias, 0);
    for (let f = 0; f < NF; f++) scatter(dwInp, f * V + at(bins, bt * NF + f));
    for (let j = 0; j < NTIME; j++) scatter(dwInp, NF * V + at(time, bt * NTIME + j));
    scatter(dwPos, bt % T);
    scatter(dwNode, at(node, bt));
    scatter(dwCustomer, at(customer, bt));
  }
}
