/**
 * @module Fused causal attention forward in WGSL. One 64-invocation workgroup per (batch·head, 16 query
 * rows); 4 invocations per query row. Pass 1 loops over key blocks up to the block's last row only (the
 * masked half is never computed): scaled q·k into preatt (or, when preatt is null, into att as scratch),
 * with an online max/sum per invocation, merged per row. Pass 2 re-reads the scores, writes the
 * probabilities into att (zeros above the diagonal, as the interface requires for the backward) and
 * accumulates att·v from workgroup memory. hs is a uniform; workgroup arrays are sized for a bucket
 * hsMax ≥ hs (32, 64 or 128), so one pipeline serves every head size of a bucket. When preatt is null,
 * att itself is passed as the score scratch (the same binding).
 * FLOPs ≈ 2·B·T(T+1)·C (QKᵀ and AV over the causal half) + ≈ 4·B·NH·T²/2 softmax;
 * bytes 4·(3·B·T·C + (2 + 1)·B·NH·T²/2 + B·NH·T² + B·T·C) (scores written, re-read, att written in full).
 */
import type { KernelDef } from "../codegen.js";

/** Query rows per workgroup and invocations per row (64 invocations). */
export const BQ = 16;
const LANES = 4;

/** The head-size bucket whose workgroup arrays hold head size hs (≤ 128: the backward's key kernel holds 2·16·hs floats in 32 KiB). */
export function headBucket(hs: number): number {
  for (const b of [32, 64, 128]) if (hs <= b) return b;
  throw new RangeError(`attention: head size ${hs} > 128 is not supported by the webgpu kernels`);
}

/** Key rows per block for head-size bucket hs so that the workgroup memory fits in `limit` bytes. */
export function keyBlock(hs: number, limit: number): number {
  for (const bk of [32, 16, 8, 4]) if (4 * (BQ * hs + bk * hs + BQ * bk + 2 * 64) <= limit) return bk;
  throw new RangeError(`attention: head size ${hs} needs more than ${limit} bytes of workgroup memory`);
}

/** Scalars of every attention kernel: T, C, NH, hs, 1/√hs. */
export const ATTENTION_SCALARS = [{ name: "T", type: "u32" as const }, { name: "C", type: "u32" as const }, { name: "NH", type: "u32" as const }, { name: "hs", type: "u32" as const }, { name: "scale", type: "f32" as const }];

/** Shared declarations: q (or dout) rows, a k or v block, a probability tile, per-invocation stats. */
export function attentionPrelude(hs: number, bk: number): string {
  return `const BQ: u32 = ${BQ}u;
const BK: u32 = ${bk}u;
const DPT: u32 = ${Math.ceil(hs / LANES)}u;
var<workgroup> Qs: array<f32, ${BQ * hs}>;
var<workgroup> KV: array<f32, ${bk * hs}>;
var<workgroup> Ps: array<f32, ${BQ * bk}>;
var<workgroup> redA: array<f32, 64>;
var<workgroup> redB: array<f32, 64>;`;
}

/** Loads `count` rows of one head (tokens first.., hs values at rowBase + t·stride) into dst; zeros past T. */
export function loadRows(dst: string, src: string, rowBase: string, stride: string, first: string, count: string): string {
  return `  for (var i = lidx; i < ${count} * u.hs; i += 64u) {
    let rr = i / u.hs;
    let t_ = ${first} + rr;
    var x = 0.0;
    if (t_ < u.T) { x = ${src}[${rowBase} + t_ * ${stride} + i % u.hs]; }
    ${dst}[i] = x;
  }`;
}

export function attentionForwardDef(hs: number, bk: number): KernelDef {
  const scr = "preatt";
  return {
    key: `attentionForward.hs${hs}.bk${bk}`,
    tensors: [
      { name: "out", type: "f32", write: true },
      { name: "preatt", type: "f32", write: true },
      { name: "att", type: "f32", write: true },
      { name: "qkv", type: "f32" },
    ],
    scalars: ATTENTION_SCALARS,
    workgroupSize: [64],
    prelude: attentionPrelude(hs, bk),
    body: `  let bh = wid.y;
  let b = bh / u.NH;
  let h = bh % u.NH;
  let q0 = wid.x * BQ;
  let r = lidx / ${LANES}u;
  let lane = lidx % ${LANES}u;
  let t = q0 + r;
  let C3 = 3u * u.C;
  let base = b * u.T * C3 + h * u.hs;
  let arow = (bh * u.T + t) * u.T;
  let nKeys = min(q0 + BQ, u.T);
${loadRows("Qs", "qkv", "base", "C3", "q0", "BQ")}
  // pass 1: scores of the causal half, online max/sum per invocation
  var m = -FLT_MAX;
  var l = 0.0;
  for (var k0 = 0u; k0 < nKeys; k0 += BK) {
    workgroupBarrier();
${loadRows("KV", "qkv", "base + u.C", "C3", "k0", "BK")}
    workgroupBarrier();
    if (t < u.T) {
      for (var j = lane; j < BK; j += ${LANES}u) {
        let tk = k0 + j;
        if (tk <= t) {
          var s = 0.0;
          for (var d = 0u; d < u.hs; d++) { s = fma(Qs[r * u.hs + d], KV[j * u.hs + d], s); }
          s *= u.scale;
          ${scr}[arow + tk] = s;
          if (s > m) { l = l * exp(m - s) + 1.0; m = s; } else { l += exp(s - m); }
        }
      }
    }
  }
  redA[lidx] = m;
  redB[lidx] = l;
  workgroupBarrier();
  var M = -FLT_MAX;
  for (var i = 0u; i < ${LANES}u * u.one; i++) { M = max(M, redA[r * ${LANES}u + i]); }
  var L = 0.0;
  for (var i = 0u; i < ${LANES}u * u.one; i++) { L += redB[r * ${LANES}u + i] * exp(redA[r * ${LANES}u + i] - M); }
  let inv = 1.0 / L;
  // pass 2: probabilities into att, out = att·v
  var acc: array<f32, DPT>;
  for (var k0 = 0u; k0 < nKeys; k0 += BK) {
    workgroupBarrier();
${loadRows("KV", "qkv", "base + 2u * u.C", "C3", "k0", "BK")}
    for (var j = lane; j < BK; j += ${LANES}u) {
      let tk = k0 + j;
      var p = 0.0;
      if (t < u.T && tk <= t) { p = exp(${scr}[arow + tk] - M) * inv; }
      if (t < u.T && tk < u.T) { att[arow + tk] = p; }
      Ps[r * BK + j] = p;
    }
    workgroupBarrier();
    for (var n = 0u; n < (u.hs + 3u) / 4u; n++) {
      let d = lane + n * ${LANES}u;
      if (d < u.hs) {
        var s = acc[n];
        for (var j = 0u; j < BK * u.one; j++) { s = fma(Ps[r * BK + j], KV[j * u.hs + d], s); }
        acc[n] = s;
      }
    }
  }
  if (t < u.T) {
    let kEnd = ((nKeys + BK - 1u) / BK) * BK;
    for (var tk = kEnd + lane; tk < u.T; tk += ${LANES}u) { att[arow + tk] = 0.0; }
    for (var n = 0u; n < (u.hs + 3u) / 4u; n++) {
      let d = lane + n * ${LANES}u;
      if (d < u.hs) { out[(b * u.T + t) * u.C + h * u.hs + d] = acc[n]; }
    }
  }`,
  };
}

export const attentionGrid = (B: number, T: number, NH: number): [number, number] => [Math.ceil(T / BQ), B * NH];
