/** @module Layernorm in WGSL: one 64-invocation workgroup per row (two-pass mean and variance by a fixed tree, deterministic); the backward's dweight/dbias are column sums over rows in a second kernel (no atomics). */
import { grid1d, type KernelDef } from "../codegen.js";

const WG = 64;
/** Workgroup sum of one value per invocation (fixed tree); call from uniform control flow. */
const WG_SUM = `
var<workgroup> red: array<f32, ${WG}>;
fn wg_sum(v: f32, i: u32) -> f32 {
  red[i] = v;
  workgroupBarrier();
  for (var w = ${WG / 2}u * u.one; w > 0u; w >>= 1u) {
    if (i < w) { red[i] = red[i] + red[i + w]; }
    workgroupBarrier();
  }
  let r = red[0];
  workgroupBarrier();
  return r;
}`;
export const rowGrid = (BT: number): [number, number] => grid1d(BT);

/** out (BT, C), mean, rstd (BT) from inp (BT, C). FLOPs ≈ 8·BT·C; bytes 4·(2·BT·C + 2·C + 2·BT). */
export const layernormForward: KernelDef = {
  key: "layernormForward",
  tensors: [
    { name: "out", type: "f32", write: true },
    { name: "mean", type: "f32", write: true },
    { name: "rstd", type: "f32", write: true },
    { name: "inp", type: "f32" },
    { name: "weight", type: "f32" },
    { name: "bias", type: "f32" },
  ],
  scalars: [{ name: "BT", type: "u32" }, { name: "C", type: "u32" }, { name: "eps", type: "f32" }],
  workgroupSize: [WG],
  prelude: WG_SUM,
  body: `  let row = wg_linear(wid, nwg);
  if (row >= u.BT) { return; }
  let b = row * u.C;
  var s = 0.0;
  for (var i = lidx; i < u.C; i += ${WG}u) { s += inp[b + i]; }
  let m = wg_sum(s, lidx) / f32(u.C);
  var v = 0.0;
  for (var i = lidx; i < u.C; i += ${WG}u) { let x = inp[b + i] - m; v += x * x; }
  let r = 1.0 / sqrt(wg_sum(v, lidx) / f32(u.C) + u.eps);
  for (var i = lidx; i < u.C; i += ${WG}u) { out[b + i] = (inp[b + i] - m) * r * weight[i] + bias[i]; }
  if (lidx == 0u) { mean[row] = m; rstd[row] = r; }`,
};

/** dinp (BT, C) += per row. FLOPs ≈ 10·BT·C; bytes 4·(3·BT·C + C + 2·BT). */
export const layernormBackwardInput: KernelDef = {
  key: "layernormBackwardInput",
  tensors: [
    { name: "dinp", type: "f32", write: true },
    { name: "dout", type: "f32" },
    { name: "inp", type: "f32" },
    { name: "weight", type: "f32" },
    { name: "mean", type: "f32" },
    { name: "rstd", type: "f32" },
  ],
  scalars: [{ name: "BT", type: "u32" }, { name: "C", type: "u32" }],
  workgroupSize: [WG],
  prelude: WG_SUM,
  body: `  let row = wg_linear(wid, nwg);
  if (row >= u.BT) { return; }
  let b = row * u.C;
  let m = mean[row];
  let r = rstd[row];
  var s1 = 0.0;
  var s2 = 0.0;
  for (var i = lidx; i < u.C; i += ${WG}u) {
    let dnorm = weight[i] * dout[b + i];
    s1 += dnorm;
    s2 += dnorm * (inp[b + i] - m) * r;
  }
  let dnormMean = wg_sum(s1, lidx) / f32(u.C);
  let dnormNormMean = wg_sum(s2, lidx) / f32(u.C);
  for (var i = lidx; i < u.C; i += ${WG}u) {
    let norm = (inp[b + i] - m) * r;
    dinp[b + i] = dinp[b + i] + (weight[i] * dout[b + i] - dnormMean - norm * dnormNormMean) * r;
  }`,
};

const COLS = 64;
const LANES = 4;
/** dweight (C) += Σ_bt norm·dout, dbias (C) += Σ_bt dout: 64 columns × 4 row lanes per workgroup. FLOPs ≈ 4·BT·C; bytes 4·(2·BT·C + 2·BT + 4·C). */
export const layernormBackwardParams: KernelDef = {
  key: "layernormBackwardParams",
  tensors: [
    { name: "dweight", type: "f32", write: true },
    { name: "dbias", type: "f32", write: true },
    { name: "dout", type: "f32" },
    { name: "inp", type: "f32" },
    { name: "mean", type: "f32" },
    { name: "rstd", type: "f32" },
  ],
  scalars: [{ name: "BT", type: "u32" }, { name: "C", type: "u32" }],
  workgroupSize: [COLS * LANES],
  prelude: `var<workgroup> pw: array<f32, ${COLS * LANES}>;
var<workgroup> pb: array<f32, ${COLS * LANES}>;`,
  body: `  let cx = lidx % ${COLS}u;
  let lane = lidx / ${COLS}u;
  let c = wg_linear(wid, nwg) * ${COLS}u + cx;
  var sw = 0.0;
  var sb = 0.0;
  if (c < u.C) {
    for (var r = lane; r < u.BT; r += ${LANES}u) {
      let d = dout[r * u.C + c];
      sb += d;
      sw += (inp[r * u.C + c] - mean[r]) * rstd[r] * d;
    }
  }
  pw[lidx] = sw;
  pb[lidx] = sb;
  workgroupBarrier();
  if (lane == 0u && c < u.C) {
    dweight[c] = dweight[c] + ((pw[cx] + pw[cx + ${COLS}u]) + (pw[cx + ${2 * COLS}u] + pw[cx + ${3 * COLS}u]));
    dbias[c] = dbias[c] + ((pb[cx] + pb[cx + ${COLS}u]) + (pb[cx + ${2 * COLS}u] + pb[cx + ${3 * COLS}u]));
  }`,
};
export const columnGrid = (C: number): [number, number] => grid1d(C / COLS);
