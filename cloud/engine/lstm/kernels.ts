/** @module The LSTM extension of the kernel interface (Xatu's Multiscale-LSTM baseline): llm.c-style forward/backward pairs for an LSTM layer, time average-pooling and the causal "latest completed bucket" gather. */
import type { HostTensors, TensorTypes } from "../kernels.js";

/**
 * Legend (besides kernels.ts's): I input size, H hidden size (4H gate rows, order i, f, g, o as PyTorch),
 * k pooling factor, Tk = ⌊T/k⌋ complete buckets, OC the row width of a concatenated output, off a column offset.
 * LSTM (h0 = c0 = 0):  a_t = W_ih·x_t + W_hh·h_{t−1} + b;  i, f, o = σ(a_i, a_f, a_o), g = tanh(a_g);
 *                      c_t = f⊙c_{t−1} + i⊙g;  h_t = o⊙tanh(c_t).
 * Conventions are kernels.ts's: outputs first, d-prefixed grads, backward ACCUMULATES (+=) into every
 * d-buffer except the named scratch (dgates), which it overwrites.
 */
export interface LstmKernels<T extends TensorTypes = HostTensors> {
  /**
   * h (B,T,H), c (B,T,H), gates (B,T,4H) = the activated gates [i | f | g | o] per step (saved for the
   * backward), from inp (B,T,I), wIh (4H,I), wHh (4H,H), bias (4H).
   * FLOPs ≈ 2·B·T·4H·(I + H) (+ B·T·5H exp/tanh); bytes 4·(B·T·(I + 6H) + 4H·(I + H + 1)).
   */
  lstmForward(h: T["f32"], c: T["f32"], gates: T["f32"], inp: T["f32"], wIh: T["f32"], wHh: T["f32"], bias: T["f32"], B: number, T: number, I: number, H: number): void;
  /**
   * Backpropagation through time from dh (B,T,H) (the gradient of the loss on every h_t):
   * dinp (B,T,I) +=, dwIh (4H,I) +=, dwHh (4H,H) +=, dbias (4H) +=; dgates (B,T,4H) is scratch, overwritten
   * with ∂L/∂a_t (the pre-activation gate gradients). Reads the forward's h, c, gates and inp, wIh, wHh.
   * FLOPs ≈ 2× the forward's matmul part: 4·B·T·4H·(I + H) (+ ≈ 20·B·T·H); bytes 4·(B·T·(2I + 12H) + 2·4H·(I + H + 1)).
   */
  lstmBackward(dinp: T["f32"], dwIh: T["f32"], dwHh: T["f32"], dbias: T["f32"], dgates: T["f32"], dh: T["f32"], h: T["f32"], c: T["f32"], gates: T["f32"], inp: T["f32"], wIh: T["f32"], wHh: T["f32"], B: number, T: number, I: number, H: number): void;

  /** out (B,Tk,C)[b,j] = mean of inp (B,T,C)[b, jk .. jk+k−1]; minutes past Tk·k are dropped. FLOPs B·Tk·k·C; bytes 4·(B·T·C + B·Tk·C). */
  avgPoolForward(out: T["f32"], inp: T["f32"], B: number, T: number, C: number, k: number): void;
  /** dinp (B,T,C)[b,t] += dout[b, ⌊t/k⌋]/k for t < Tk·k. FLOPs 2·B·T·C; bytes 4·(2·B·T·C + B·Tk·C). */
  avgPoolBackward(dinp: T["f32"], dout: T["f32"], B: number, T: number, C: number, k: number): void;

  /**
   * The causal upsampling of a scale's states to minutes: out (B,T,OC)[b, t, off + j] = h (B,Tk,H)[b, q, j] with
   * q = ⌊(t+1)/k⌋ − 1, the latest bucket that ended at or before minute t, or 0 when none has (t < k − 1).
   * Columns outside [off, off + H) are untouched. FLOPs 0; bytes 8·B·T·H.
   */
  lastStateForward(out: T["f32"], h: T["f32"], B: number, T: number, Tk: number, H: number, k: number, OC: number, off: number): void;
  /** dh (B,Tk,H)[b,q] += Σ over the minutes t that read bucket q of dout (B,T,OC)[b, t, off..off+H). FLOPs B·T·H; bytes 4·(B·T·H + 2·B·Tk·H). */
  lastStateBackward(dh: T["f32"], dout: T["f32"], B: number, T: number, Tk: number, H: number, k: number, OC: number, off: number): void;
}

/** The bucket minute t reads at factor k (−1: none yet). */
export const bucketOf = (t: number, k: number): number => Math.floor((t + 1) / k) - 1;
