/** @module Activation and activation-gradient buffers (llm.c ActivationTensors), allocated once for (maxB, maxT); a smaller batch uses their prefix. */
import type { Backend, TensorTypes } from "../kernels.js";
import type { ModelConfig } from "./config.js";

/** Saved activations of one block; BT = B·T, att is (B, NH, T, T) laid out for the current B, T. */
export interface LayerActivations<T extends TensorTypes> {
  ln1: T["f32"]; // (BT, C)
  ln1Mean: T["f32"]; // (BT)
  ln1Rstd: T["f32"]; // (BT)
  qkv: T["f32"]; // (BT, 3C)
  atty: T["f32"]; // (BT, C)
  att: T["f32"]; // (B, NH, T, T)
  attproj: T["f32"]; // (BT, C)
  attprojDrop: T["f32"]; // (BT, C) dropout(attproj)
  attprojMask: T["u8"]; // (BT, C)
  residual2: T["f32"]; // (BT, C)
  ln2: T["f32"]; // (BT, C)
  ln2Mean: T["f32"]; // (BT)
  ln2Rstd: T["f32"]; // (BT)
  fch: T["f32"]; // (BT, FF)
  fchGelu: T["f32"]; // (BT, FF)
  fcproj: T["f32"]; // (BT, C)
  fcprojDrop: T["f32"]; // (BT, C) dropout(fcproj)
  fcprojMask: T["u8"]; // (BT, C)
  residual3: T["f32"]; // (BT, C) the block's output
}

export interface Activations<T extends TensorTypes> {
  maxB: number;
  maxT: number;
  // inputs
  bins: T["u8"]; // (BT, NF) minutes 0..T−1
  targets: T["u8"]; // (BT, NF) minutes 1..T
  time: T["i32"]; // (BT, NTIME)
  node: T["i32"]; // (BT)
  customer: T["i32"]; // (BT)
  // forward
  encoded: T["f32"]; // (BT, C)
  encodedDrop: T["f32"]; // (BT, C) dropout(encoded)
  encodedMask: T["u8"]; // (BT, C)
  layers: Array<LayerActivations<T>>;
  lnf: T["f32"]; // (BT, C) the hidden state
  lnfMean: T["f32"]; // (BT)
  lnfRstd: T["f32"]; // (BT)
  logits: T["f32"]; // (BT, NF·V)
  probs: T["f32"]; // (BT, NF·V)
  losses: T["f32"]; // (BT, NF)
  loss: T["f32"]; // (1) mean of losses
}

/**
 * Activation gradients. The residual stream needs two (BT, C) buffers (ping-pong); everything inside a
 * block is scratch shared by all blocks and zeroed before each block's backward.
 */
export interface ActivationGrads<T extends TensorTypes> {
  dlogits: T["f32"]; // (BT, NF·V)
  dlnf: T["f32"]; // (BT, C)
  dresidual: T["f32"]; // (BT, C) gradient of the current block's output, then of its input
  dresidual2: T["f32"]; // (BT, C)
  dencoded: T["f32"]; // (BT, C) only used with embedding dropout
  dln1: T["f32"]; // (BT, C)
  dqkv: T["f32"]; // (BT, 3C)
  datty: T["f32"]; // (BT, C)
  dpreatt: T["f32"]; // (B, NH, T, T) scratch of attentionBackward
  datt: T["f32"]; // (B, NH, T, T) scratch of attentionBackward
  dattproj: T["f32"]; // (BT, C)
  dattprojDrop: T["f32"]; // (BT, C)
  dln2: T["f32"]; // (BT, C)
  dfch: T["f32"]; // (BT, FF)
  dfchGelu: T["f32"]; // (BT, FF)
  dfcproj: T["f32"]; // (BT, C)
  dfcprojDrop: T["f32"]; // (BT, C)
}

/** Allocates every forward buffer for (maxB, maxT); dropout buffers only when the config has dropout > 0. */
export function allocActivations<T extends TensorTypes>(backend: Backend<T>, c: ModelConfig, maxB: number, maxT: number): Activations<T> {
  const BT = maxB * maxT;
  const C = c.dModel;
  const f = (n: number): T["f32"] => backend.alloc(n);
  const u = (n: number): T["u8"] => backend.allocU8(n);
  const dropN = c.dropout > 0 ? BT * C : 1;
  const layers: Array<LayerActivations<T>> = [];
  for (let l = 0; l < c.nLayer; l++) {
    layers.push({
      ln1: f(BT * C),
      ln1Mean: f(BT),
      ln1Rstd: f(BT),
      qkv: f(BT * 3 * C),
      atty: f(BT * C),
      att: f(maxB * c.nHead * maxT * maxT),
      attproj: f(BT * C),
      attprojDrop: f(dropN),
      attprojMask: u(dropN),
      residual2: f(BT * C),
      ln2: f(BT * C),
      ln2Mean: f(BT),
      ln2Rstd: f(BT),
      fch: f(BT * c.dFF),
      fchGelu: f(BT * c.dFF),
      fcproj: f(BT * C),
      fcprojDrop: f(dropN),
      fcprojMask: u(dropN),
      residual3: f(BT * C),
    });
  }
  return {
    maxB,
    maxT,
    bins: u(BT * c.NF),
    targets: u(BT * c.NF),
    time: backend.allocI32(BT * c.NTIME),
    node: backend.allocI32(BT),
    customer: backend.allocI32(BT),
    encoded: f(BT * C),
    encodedDrop: f(dropN),
    encodedMask: u(dropN),
    layers,
    lnf: f(BT * C),
    lnfMean: f(BT),
    lnfRstd: f(BT),
    logits: f(BT * c.NF * c.V),
    probs: f(BT * c.NF * c.V),
    losses: f(BT * c.NF),
    loss: f(1),
  };
}

/** Allocates the activation gradients for (maxB, maxT) (done lazily, at the first backward). */
export function allocActivationGrads<T extends TensorTypes>(backend: Backend<T>, c: ModelConfig, maxB: number, maxT: number): ActivationGrads<T> {
  const BT = maxB * maxT;
  const C = c.dModel;
  const f = (n: number): T["f32"] => backend.alloc(n);
  const dropN = c.dropout > 0 ? BT * C : 1;
  const att = maxB * c.nHead * maxT * maxT;
  return {
    dlogits: f(BT * c.NF * c.V),
    dlnf: f(BT * C),
    dresidual: f(BT * C),
    dresidual2: f(BT * C),
    dencoded: f(dropN),
    dln1: f(BT * C),
    dqkv: f(BT * 3 * C),
    datty: f(BT * C),
    dpreatt: f(att),
    datt: f(att),
    dattproj: f(BT * C),
    dattprojDrop: f(dropN),
    dln2: f(BT * C),
    dfch: f(BT * c.dFF),
    dfchGelu: f(BT * c.dFF),
    dfcproj: f(BT * C),
    dfcprojDrop: f(dropN),
  };
}
