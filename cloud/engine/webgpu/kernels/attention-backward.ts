/**
 * @module Causal attention backward in WGSL, two kernels, deterministic (no atomics), visiting only t2 ≤ t.
 * 1. Per (batch·head, 16 query rows), like the forward: datt += dout·vᵀ (accumulating into the scratch as
 *    llm.c), the row dot Σ att·datt, dpreatt += att·(datt − dot), and dq += scale·dpreatt·k.
 * 2. Per (batch·head, 16 key rows): dv += attᵀ·dout and dk += scale·dpreattᵀ·q over the query rows ≥ the key.
 * FLOPs ≈ 4·B·T(T+1)·C (four causal-half products) + ≈ 5·B·NH·T²/2; bytes 4·(6·B·T·C + 5·B·NH·T²/2 + B·T·C)
 * (att and dpreatt read twice, datt read and written).
 */
import type { KernelDef } from "../codegen.js";
import { ATTENTION_SCALARS as SCALARS, attentionPrelude, BQ, loadRows } from "./attention.js";

const LANES = 4;
/** Key rows per workgroup of the second kernel, and the query rows it loads per step. */
const KB = 16;


export function attentionBackwardQueryDef(hs: number, bk: number): KernelDef {
  return {
    key: `attentionBackwardQuery.hs${hs}.bk${bk}`,
    tensors: [
      { name: "dqkv", type: "f32", write: true },
      { name: "dpreatt", type: "f32", write: true },
      { name: "datt", type: "f32", write: true },
      { name: "dout", type: "f32" },
      { name: "qkv", type: "f32" },
      { name: "att", type: "f32" },
    ],
    scalars: SCALARS,
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
${loadRows("Qs", "dout", "b * u.T * u.C + h * u.hs", "u.C", "q0", "BQ")}
  // pass 1: datt += dout·v, partial Σ att·datt
  var dot = 0.0;
  for (var k0 = 0u; k0 < nKeys; k0 += BK) {
    workgroupBarrier();
${loadRows("KV", "qkv", "base + 2u * u.C", "C3", "k0", "BK")}
    workgroupBarrier();
    if (t < u.T) {
      for (var j = lane; j < BK; j += ${LANES}u) {
        let tk = k0 + j;
        if (tk <= t) {
          var s = 0.0;
          for (var d = 0u; d < u.hs; d++) { s = fma(Qs[r * u.hs + d], KV[j * u.hs + d], s); }
          let nd = datt[arow + tk] + s;
          datt[arow + tk] = nd;
          dot = fma(att[arow + tk], nd, dot);
        }
      }
    }
  }
  redA[lidx] = dot;
  workgroupBarrier();
  let rowDot = (redA[r * ${LANES}u] + redA[r * ${LANES}u + 1u]) + (redA[r * ${LANES}u + 2u] + redA[r * ${LANES}u + 3u]);
  // pass 2: dpreatt += att·(datt − dot); dq += scale·dpreatt·k
  var acc: array<f32, DPT>;
  for (var k0 = 0u; k0 < nKeys; k0 += BK) {
    workgroupBarrier();
${loadRows("KV", "qkv", "base + u.C", "C3", "k0", "BK")}
    for (var j = lane; j < BK; j += ${LANES}u) {
      let tk = k0 + j;
      var ds = 0.0;
      if (t < u.T && tk <= t) {
        let i = arow + tk;
        let dp = dpreatt[i] + att[i] * (datt[i] - rowDot);
        dpreatt[i] = dp;
        ds = dp * u.scale;
      }
      Ps[r * BK + j] = ds;
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
    for (var n = 0u; n < (u.hs + 3u) / 4u; n++) {
      let d = lane + n * ${LANES}u;
      if (d < u.hs) {
        let o = (b * u.T + t) * C3 + h * u.hs + d;
        dqkv[o] = dqkv[o] + acc[n];
      }
    }
  }`,
  };
}

export function attentionBackwardKeyDef(hs: number): KernelDef {
  return {
    key: `attentionBackwardKey.hs${hs}`,
    tensors: [
      { name: "dqkv", type: "f32", write: true },
      { name: "dout", type: "f32" },
      { name: "qkv", type: "f32" },
      { name: "att", type: "f32" },
      { name: "dpreatt", type: "f32" },
    ],
    scalars: SCALARS,
    workgroupSize: [64],
    prelude: `const KB: u32 = ${KB}u;
const DPT: u32 = ${Math.ceil(hs / LANES)}u;
var<workgroup> Ds: array<f32, ${KB * hs}>;
var<workgroup> Qr: array<f32, ${KB * hs}>;
var<workgroup> Pt: array<f32, ${KB * KB}>;
var<workgroup> St: array<f32, ${KB * KB}>;`,
    body: `  let bh = wid.y;
  let b = bh / u.NH;
  let h = bh % u.NH;
  let kb0 = wid.x * KB;
  let r = lidx / ${LANES}u;
  let lane = lidx % ${LANES}u;
  let tk = kb0 + r;
  let C3 = 3u * u.C;
  let base = b * u.T * C3 + h * u.hs;
  var dk: array<f32, DPT>;
  var dv: array<f32, DPT>;
  for (var q0 = kb0; q0 < u.T; q0 += KB) {
    workgroupBarrier();
${loadRows("Ds", "dout", "b * u.T * u.C + h * u.hs", "u.C", "q0", "KB")}
${loadRows("Qr", "qkv", "base", "C3", "q0", "KB")}
    for (var i = lidx; i < KB * KB; i += 64u) {
      let tq = q0 + i / KB;
      let tk_ = kb0 + i % KB;
      var p = 0.0;
      var s = 0.0;
      if (tq < u.T && tk_ <= tq) {
        let a = (bh * u.T + tq) * u.T + tk_;
        p = att[a];
        s = dpreatt[a] * u.scale;
      }
      Pt[i] = p;
      St[i] = s;
    }
    workgroupBarrier();
    for (var n = 0u; n < (u.hs + 3u) / 4u; n++) {
      let d = lane + n * ${LANES}u;
      if (d < u.hs) {
        var sv = dv[n];
        var sk = dk[n];
        for (var i = 0u; i < KB * u.one; i++) {
          sv = fma(Pt[i * KB + r], Ds[i * u.hs + d], sv);
          sk = fma(St[i * KB + r], Qr[i * u.hs + d], sk);
        }
        dv[n] = sv;
        dk[n] = sk;
      }
    }
  }
  if (tk < u.T) {
    for (var n = 0u; n < (u.hs + 3u) / 4u; n++) {
      let d = lane + n * ${LANES}u;
      if (d < u.hs) {
        let o = (b * u.T + tk) * C3 + h * u.hs + d;
        dqkv[o + u.C] = dqkv[o + u.C] + dk[n];
        dqkv[o + 2u * u.C] = dqkv[o + 2u * u.C] + dv[n];
      }
    }
  }`,
  };
}

export const keyBlockGrid = (B: number, T: number, NH: number): [number, number] => [Math.ceil(T / KB), B * NH];
