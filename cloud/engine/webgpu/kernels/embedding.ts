/**
 * @module The input embedding in WGSL: a gather (one invocation per output element) and a deterministic
 * backward without float atomics: every destination row is owned by one workgroup, which loops over all
 * tokens in order and adds the dout rows whose index selects it (a sort-free per-row loop over tokens).
 * dbias and dwPos are column sums (reduce.ts).
 */
import { grid1d, type KernelDef } from "../codegen.js";

const WG = 256;
export const gatherGrid = (n: number): [number, number] => grid1d(n / WG);

/** out[bt, c] = bias | 0 + Σ_f wInp[f·V + bins] + Σ_j wInp[NF·V + time] + wPos[bt mod T] + wNode + wCustomer. FLOPs (NF+NTIME+4)·BT·C adds; bytes 4·(NF+NTIME+5)·BT·C. */
export function embeddingForwardDef(hasBias: boolean): KernelDef {
  return {
    key: `embeddingForward${hasBias ? "" : ".nobias"}`,
    tensors: [
      { name: "out", type: "f32", write: true },
      { name: "bins", type: "u32" },
      { name: "time", type: "i32" },
      { name: "node", type: "i32" },
      { name: "customer", type: "i32" },
      { name: "wInp", type: "f32" },
      { name: "wPos", type: "f32" },
      { name: "wNode", type: "f32" },
      { name: "wCustomer", type: "f32" },
      ...(hasBias ? [{ name: "bias", type: "f32" as const }] : []),
    ],
    scalars: ["BT", "T", "C", "NF", "V", "NTIME"].map((name) => ({ name, type: "u32" as const })),
    workgroupSize: [WG],
    body: `  let e = wg_linear(wid, nwg) * ${WG}u + lidx;
  if (e >= u.BT * u.C) { return; }
  let bt = e / u.C;
  let c = e % u.C;
  var s = ${hasBias ? "bias[c]" : "0.0"};
  for (var f = 0u; f < u.NF; f++) { s += wInp[(f * u.V + bins[bt * u.NF + f]) * u.C + c]; }
  for (var j = 0u; j < u.NTIME; j++) { s += wInp[(u.NF * u.V + u32(time[bt * u.NTIME + j])) * u.C + c]; }
  s += wPos[(bt % u.T) * u.C + c];
  s += wNode[u32(node[bt]) * u.C + c];
  s += wCustomer[u32(customer[bt]) * u.C + c];
  out[e] = s;`,
  };
}

const CH = 64; // channels per workgroup
const RB = 16; // rows per workgroup in the index scatter

/**
 * dwInp rows f·V + v (v < V ≤ 64) += Σ_{bt: bins[bt,f] = v} dout[bt]: one workgroup per (feature, 64 channels),
 * V accumulators per channel in workgroup memory, tokens in order. FLOPs NF·BT·C; bytes 4·(NF·BT·C + NF·BT + 2·NF·V·C).
 */
export const embeddingBackwardBins: KernelDef = {
  key: "embeddingBackwardBins",
  tensors: [{ name: "dw", type: "f32", write: true }, { name: "dout", type: "f32" }, { name: "bins", type: "u32" }],
  scalars: ["BT", "C", "NF", "V"].map((name) => ({ name, type: "u32" as const })),
  workgroupSize: [CH],
  prelude: `var<workgroup> acc: array<f32, ${64 * CH}>;`,
  body: `  let f = wid.y;
  let c = wid.x * ${CH}u + lidx;
  for (var v = 0u; v < u.V; v++) { acc[v * ${CH}u + lidx] = 0.0; }
  if (c < u.C) {
    for (var bt = 0u; bt < u.BT; bt++) {
      let v = bins[bt * u.NF + f];
      if (v < u.V) { acc[v * ${CH}u + lidx] += dout[bt * u.C + c]; }
    }
    for (var v = 0u; v < u.V; v++) {
      let r = (f * u.V + v) * u.C + c;
      dw[r] = dw[r] + acc[v * ${CH}u + lidx];
    }
  }`,
};
export const binsGrid = (C: number, NF: number): [number, number] => [Math.ceil(C / CH), NF];
/** The largest V embeddingBackwardBins handles (its workgroup accumulators). */
export const MAX_BINS = 64;

/**
 * dw rows rowOff + r (r < R) += Σ_{bt, k<K: idx[bt·K + k] = r} dout[bt]: one workgroup per (16 rows, 64 channels),
 * tokens in order. Used for the time rows of wInp, wNode and wCustomer. FLOPs: K·BT·C adds, plus
 * ⌈R/16⌉·K·BT·C index compares; bytes 4·(⌈R/16⌉·(BT·C + K·BT) + 2·R·C).
 */
export const embeddingBackwardIndex: KernelDef = {
  key: "embeddingBackwardIndex",
  tensors: [{ name: "dw", type: "f32", write: true }, { name: "dout", type: "f32" }, { name: "idx", type: "i32" }],
  scalars: ["BT", "C", "K", "R", "rowOff"].map((name) => ({ name, type: "u32" as const })),
  workgroupSize: [CH],
  prelude: `var<workgroup> acc: array<f32, ${RB * CH}>;`,
  body: `  let r0 = wid.y * ${RB}u;
  let c = wid.x * ${CH}u + lidx;
  for (var k = 0u; k < ${RB}u * u.one; k++) { acc[k * ${CH}u + lidx] = 0.0; }
  if (c < u.C) {
    for (var bt = 0u; bt < u.BT; bt++) {
      for (var k = 0u; k < u.K; k++) {
        let rr = u32(idx[bt * u.K + k]) - r0;
        if (rr < ${RB}u) { acc[rr * ${CH}u + lidx] += dout[bt * u.C + c]; }
      }
    }
    for (var k = 0u; k < ${RB}u * u.one; k++) {
      if (r0 + k < u.R) {
        let r = (u.rowOff + r0 + k) * u.C + c;
        dw[r] = dw[r] + acc[k * ${CH}u + lidx];
      }
    }
  }`,
};
export const indexGrid = (C: number, R: number): [number, number] => [Math.ceil(C / CH), Math.ceil(R / RB)];
