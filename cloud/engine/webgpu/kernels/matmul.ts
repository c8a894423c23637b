/**
 * @module Tiled matmul in WGSL: out (M, N) = or += Σ_k A(m, k)·B(n, k) (+ bias (N)). 64×64 output tiles
 * per 256-invocation workgroup, 4×4 outputs per invocation held as vec4 rows, K in steps of 16 through
 * workgroup memory (stored k-major as vec4, so the inner loop is 2 vec4 loads and 4 vec4 FMAs).
 * Operand layouts are uniform flags: A(m,k) = a[m·lda + k] ("k-contiguous") or a[k·lda + m] ("m-contiguous"),
 * the same for B, so forward (NT), dinp (NN) and dweight (TN) are one pipeline (one slow lavapipe compile).
 * FLOPs 2·M·N·K; bytes 4·(M·K·⌈N/64⌉ + N·K·⌈M/64⌉ + (1 or 2)·M·N) from global memory.
 */
import type { KernelDef } from "../codegen.js";

const TILE = 64;
const BK = 16;

export interface MatmulFlags {
  /** A(m,k) = a[k·lda + m] instead of a[m·lda + k]. */
  aMContig: boolean;
  /** B(n,k) = b[k·ldb + n] instead of b[n·ldb + k]. */
  bNContig: boolean;
  /** out += instead of out =. */
  accumulate: boolean;
  bias: boolean;
}

/** Loads a 64×16 tile of X(r, k) (r = m or n) into S[k·16 + r/4][r%4], for either layout (a uniform branch). */
function loadTile(S: string, x: string, rowContig: string, r0: string, R: string, ld: string): string {
  return `    if (${rowContig} != 0u) {
      // X(r,k) = x[k·ld + r]: each invocation loads 4 consecutive r of one k
      let kk = lidx / 16u;
      let q = lidx % 16u;
      var v = vec4<f32>(0.0);
      let r = ${r0} + q * 4u;
      if (k0 + kk < u.K) {
        let row = (k0 + kk) * ${ld};
        if (r < ${R}) { v.x = ${x}[row + r]; }
        if (r + 1u < ${R}) { v.y = ${x}[row + r + 1u]; }
        if (r + 2u < ${R}) { v.z = ${x}[row + r + 2u]; }
        if (r + 3u < ${R}) { v.w = ${x}[row + r + 3u]; }
      }
      ${S}[kk * 16u + q] = v;
    } else {
      // X(r,k) = x[r·ld + k]: each invocation loads 4 consecutive k of one r
      let rr = lidx / 4u;
      let kk = (lidx % 4u) * 4u;
      let r = ${r0} + rr;
      for (var j = 0u; j < 4u * u.one; j++) {
        var v = 0.0;
        if (r < ${R} && k0 + kk + j < u.K) { v = ${x}[r * ${ld} + k0 + kk + j]; }
        ${S}[(kk + j) * 16u + rr / 4u][rr % 4u] = v;
      }
    }`;
}

/** Writes row i of the 4×4 block (acc row vector y) to out. */
const WRITE_ROW = `
fn write_row(m: u32, n0: u32, y: vec4<f32>) {
  for (var j = 0u; j < 4u * u.one; j++) {
    let n = n0 + j;
    if (n < u.N) {
      var val = y[j];
      if (u.hasBias != 0u) { val += bias[n]; }
      let o = m * u.ldo + n;
      if (u.accumulate != 0u) { out[o] = out[o] + val; } else { out[o] = val; }
    }
  }
}`;

export const matmul: KernelDef = {
  key: "matmul",
  tensors: [
    { name: "out", type: "f32", write: true },
    { name: "a", type: "f32" },
    { name: "b", type: "f32" },
    { name: "bias", type: "f32" },
  ],
  scalars: ["M", "N", "K", "lda", "ldb", "ldo", "aMContig", "bNContig", "accumulate", "hasBias"].map((name) => ({ name, type: "u32" as const })),
  workgroupSize: [256],
  prelude: `var<workgroup> As: array<vec4<f32>, ${BK * 16}>;
var<workgroup> Bs: array<vec4<f32>, ${BK * 16}>;
${WRITE_ROW}`,
  body: `  let tx = lidx % 16u;
  let ty = lidx / 16u;
  let m0 = wid.y * ${TILE}u;
  let n0 = wid.x * ${TILE}u;
  var acc0 = vec4<f32>(0.0);
  var acc1 = vec4<f32>(0.0);
  var acc2 = vec4<f32>(0.0);
  var acc3 = vec4<f32>(0.0);
  for (var k0 = 0u; k0 < u.K; k0 += ${BK}u) {
${loadTile("As", "a", "u.aMContig", "m0", "u.M", "u.lda")}
${loadTile("Bs", "b", "u.bNContig", "n0", "u.N", "u.ldb")}
    workgroupBarrier();
    for (var k = 0u; k < ${BK}u * u.one; k++) {
      let x = As[k * 16u + ty];
      let y = Bs[k * 16u + tx];
      acc0 = fma(vec4<f32>(x.x), y, acc0);
      acc1 = fma(vec4<f32>(x.y), y, acc1);
      acc2 = fma(vec4<f32>(x.z), y, acc2);
      acc3 = fma(vec4<f32>(x.w), y, acc3);
    }
    workgroupBarrier();
  }
  let m = m0 + ty * 4u;
  let n = n0 + tx * 4u;
  if (m < u.M) { write_row(m, n, acc0); }
  if (m + 1u < u.M) { write_row(m + 1u, n, acc1); }
  if (m + 2u < u.M) { write_row(m + 2u, n, acc2); }
  if (m + 3u < u.M) { write_row(m + 3u, n, acc3); }`,
};

/** The scalars of one matmul call, in matmul.scalars order. */
export function matmulScalars(M: number, N: number, K: number, lda: number, ldb: number, ldo: number, f: MatmulFlags): number[] {
  return [M, N, K, lda, ldb, ldo, +f.aMContig, +f.bNContig, +f.accumulate, +f.bias];
}

export const matmulGrid = (M: number, N: number): [number, number] => [Math.ceil(N / TILE), Math.ceil(M / TILE)];
