/** @module Reductions in WGSL: sum/mean into out[0] (one workgroup, Kahan-compensated per invocation, then a fixed tree: deterministic), and the column sum dst[c] += Σ_r src[r·ld + c] used for bias, position and embedding-bias gradients. */
import { grid1d, type KernelDef } from "../codegen.js";

const SUM_WG = 256;

/** out[0] = Σ inp[0..N) (or / N when mean). FLOPs N (×4 for the compensation); bytes 4·N. */
export function sumDef(mean: boolean): KernelDef {
  return {
    key: mean ? "mean" : "sum",
    tensors: [{ name: "out", type: "f32", write: true }, { name: "inp", type: "f32" }],
    scalars: [{ name: "N", type: "u32" }],
    workgroupSize: [SUM_WG],
    prelude: `var<workgroup> part: array<f32, ${SUM_WG}>;`,
    body: `  var s = 0.0;
  var c = 0.0;
  for (var i = lidx; i < u.N; i += ${SUM_WG}u) {
    let y = inp[i] - c;
    let t = s + y;
    c = (t - s) - y;
    if (!is_finite(c)) { c = 0.0; }
    s = t;
  }
  part[lidx] = s;
  workgroupBarrier();
  for (var w = ${SUM_WG / 2}u * u.one; w > 0u; w >>= 1u) {
    if (lidx < w) { part[lidx] = part[lidx] + part[lidx + w]; }
    workgroupBarrier();
  }
  if (lidx == 0u) {
    ${mean ? "out[0] = select(part[0] / f32(u.N), u.nan, u.N == 0u);" : "out[0] = part[0];"}
  }`,
  };
}
export const sumGrid: [number] = [1];

const COLS = 64;
const LANES = 4;

/** dst[c] += Σ_{r<R} src[r·ld + c] for c < cols: 64 columns × 4 row lanes per workgroup, fixed order. FLOPs R·cols; bytes 4·(R + 2)·cols. */
export const colSum: KernelDef = {
  key: "colSum",
  tensors: [{ name: "dst", type: "f32", write: true }, { name: "src", type: "f32" }],
  scalars: [{ name: "R", type: "u32" }, { name: "cols", type: "u32" }, { name: "ld", type: "u32" }],
  workgroupSize: [COLS * LANES],
  prelude: `var<workgroup> part: array<f32, ${COLS * LANES}>;`,
  body: `  let cx = lidx % ${COLS}u;
  let lane = lidx / ${COLS}u;
  let c = wg_linear(wid, nwg) * ${COLS}u + cx;
  var s = 0.0;
  if (c < u.cols) {
    for (var r = lane; r < u.R; r += ${LANES}u) { s += src[r * u.ld + c]; }
  }
  part[lidx] = s;
  workgroupBarrier();
  if (lane == 0u && c < u.cols) {
    dst[c] = dst[c] + ((part[cx] + part[cx + ${COLS}u]) + (part[cx + ${2 * COLS}u] + part[cx + ${3 * COLS}u]));
  }`,
};
export const colSumGrid = (cols: number): [number, number] => grid1d(cols / COLS);
