/** @module The kernel interface every engine backend implements (reference, later cpu WASM SIMD and webgpu): llm.c-style forward/backward pairs over flat typed arrays. */

/**
 * Legend (written once, used in every shape comment of cloud/engine):
 *   B  batch size          T  sequence length (minutes)     BT = B*T tokens
 *   C  channels (d_model)  OC output channels               NH heads, hs = C/NH head size
 *   NF output features (86) V classes per feature (10 bins) N  element count of a flat buffer
 *   Input: NF one-hot features of V bins (rows f*V+bin) + NTIME time rows at offset NF*V (122 dims)
 *
 * Conventions (llm.c):
 * - Outputs come first; a `d` prefix marks a gradient.
 * - Every backward ACCUMULATES (+=) into its d-buffers, activation grads included; zeroing is the
 *   caller's explicit step. One exception: crossEntropyBackward WRITES dlogits (it is the first
 *   gradient of the backward pass, so nothing needs zeroing there).
 * - Forward saves exactly what backward reads (mean/rstd, att, probs, dropout mask).
 * - Matrices are row-major; a weight of a linear layer is (OC, C) as in llm.c: out = inp · weightᵀ + bias.
 * FLOP counts count a multiply-add as 2 FLOPs; byte counts assume float32 and one pass over each operand.
 */

/** Layernorm epsilon (llm.c and PyTorch default). */
export const LAYERNORM_EPS = 1e-5;

export interface Kernels {
  /**
   * out (BT, OC) = inp (BT, C) · weight (OC, C)ᵀ + bias (OC) | null.
   * FLOPs 2·BT·C·OC; bytes 4·(BT·C + OC·C + OC + BT·OC).
   */
  matmulForward(out: Float32Array, inp: Float32Array, weight: Float32Array, bias: Float32Array | null, BT: number, C: number, OC: number): void;
  /**
   * dinp (BT, C) += dout · weight; dweight (OC, C) += doutᵀ · inp; dbias (OC) += Σ_bt dout.
   * FLOPs 4·BT·C·OC (+ BT·OC for dbias); bytes 4·(2·BT·C + 2·OC·C + BT·OC).
   */
  matmulBackward(dinp: Float32Array, dweight: Float32Array, dbias: Float32Array | null, dout: Float32Array, inp: Float32Array, weight: Float32Array, BT: number, C: number, OC: number): void;

  /**
   * out (BT, C) = (inp − mean)·rstd·weight (C) + bias (C); saves mean (BT), rstd (BT) = 1/√(var + 1e-5).
   * A constant row gives out = bias. FLOPs ≈ 8·BT·C; bytes 4·(2·BT·C + 2·C + 2·BT).
   */
  layernormForward(out: Float32Array, mean: Float32Array, rstd: Float32Array, inp: Float32Array, weight: Float32Array, bias: Float32Array, BT: number, C: number): void;
  /**
   * dinp (BT, C) +=, dweight (C) +=, dbias (C) += from dout (BT, C), using the saved mean, rstd.
   * FLOPs ≈ 14·BT·C; bytes 4·(3·BT·C + 4·C + 2·BT).
   */
  layernormBackward(dinp: Float32Array, dweight: Float32Array, dbias: Float32Array, dout: Float32Array, inp: Float32Array, weight: Float32Array, mean: Float32Array, rstd: Float32Array, BT: number, C: number): void;

  /** out (N) = GELU(inp), tanh approximation 0.5·x·(1 + tanh(√(2/π)(x + 0.044715x³))). FLOPs ≈ 10·N (+N tanh); bytes 8·N. */
  geluForward(out: Float32Array, inp: Float32Array, N: number): void;
  /** dinp (N) += GELU'(inp)·dout. FLOPs ≈ 18·N (+N tanh, N cosh); bytes 12·N. */
  geluBackward(dinp: Float32Array, inp: Float32Array, dout: Float32Array, N: number): void;

  /**
   * out (N, V) = softmax over each row of inp (N, V), max-subtracted (huge logits stay finite);
   * a row holding NaN gives NaN. FLOPs ≈ 4·N·V (+N·V exp); bytes 8·N·V.
   */
  softmaxForward(out: Float32Array, inp: Float32Array, N: number, V: number): void;

  /**
   * Causal multi-head attention. qkv (B, T, 3C) holds q | k | v per token, heads are hs-wide slices.
   * preatt (B, NH, T, T) | null = q·k/√hs, att (B, NH, T, T) = causal softmax (zeros above the diagonal),
   * out (B, T, C) = att · v. The reference materializes the T×T matrices and visits only t2 ≤ t:
   * FLOPs ≈ 2·B·NH·T(T+1)/2·hs·2 = 2·B·T(T+1)·C (QKᵀ and AV, causal half), + softmax ≈ 3·B·NH·T²/2;
   * bytes 4·(3·B·T·C + (1 or 2)·B·NH·T² + B·T·C).
   */
  attentionForward(out: Float32Array, preatt: Float32Array | null, att: Float32Array, qkv: Float32Array, B: number, T: number, C: number, NH: number): void;
  /**
   * dqkv (B, T, 3C) += from dout (B, T, C), reading qkv and the saved att; dpreatt, datt (B, NH, T, T)
   * are scratch and accumulate (+=) as in llm.c, so zero them with the other grads.
   * FLOPs ≈ 2× the forward; bytes 4·(6·B·T·C + 3·B·NH·T² + B·T·C).
   */
  attentionBackward(dqkv: Float32Array, dpreatt: Float32Array, datt: Float32Array, dout: Float32Array, qkv: Float32Array, att: Float32Array, B: number, T: number, C: number, NH: number): void;

  /**
   * The input embedding as a gather instead of a one-hot matmul:
   *   out[bt] (C) = bias (C) | 0 + Σ_f wInp[f*V + bins[bt, f]] + Σ_j wInp[NF*V + time[bt, j]]
   *                 + wNode[node[bt]] + wCustomer[customer[bt]]
   * bins (BT, NF) in [0, V); time (BT, NTIME) indices into the time rows (one per time group, so distinct;
   * a repeated index adds its row twice); node, customer (BT). Indices are not range-checked.
   * wInp (NF*V + time rows, C), wNode (nodes, C), wCustomer (customers, C).
   * FLOPs (NF + NTIME + 2)·BT·C adds (vs 2·BT·(NF·V + 122)·C dense); bytes 4·(NF+NTIME+3)·BT·C.
   */
  embeddingForward(out: Float32Array, bins: Uint8Array, time: Int32Array, node: Int32Array, customer: Int32Array, wInp: Float32Array, bias: Float32Array | null, wNode: Float32Array, wCustomer: Float32Array, BT: number, C: number, NF: number, V: number, NTIME: number): void;
  /** Scatter-add: each gathered row (and bias, node, customer row) += dout[bt] (C). Same counts as the forward. */
  embeddingBackward(dwInp: Float32Array, dbias: Float32Array | null, dwNode: Float32Array, dwCustomer: Float32Array, dout: Float32Array, bins: Uint8Array, time: Int32Array, node: Int32Array, customer: Int32Array, BT: number, C: number, NF: number, V: number, NTIME: number): void;

  /**
   * Fused softmax + cross-entropy over NF heads of V classes per token. logits (BT, NF*V),
   * targets (BT, NF) in [0, V). Writes probs (BT, NF*V) and losses (BT, NF) = logsumexp − logit[target]
   * (stable: max-subtracted, finite for huge logits); returns the mean of losses (float64 sum).
   * FLOPs ≈ 5·BT·NF·V (+BT·NF·V exp, BT·NF log); bytes 4·(2·BT·NF·V + 2·BT·NF).
   */
  crossEntropyForward(losses: Float32Array, probs: Float32Array, logits: Float32Array, targets: Uint8Array, BT: number, NF: number, V: number): number;
  /**
   * WRITES dlogits (BT, NF*V) = dloss·(probs − onehot(targets)); dloss is the gradient of each per-head
   * loss (1/(BT·NF) for the mean loss). FLOPs 2·BT·NF·V; bytes 8·BT·NF·V.
   */
  crossEntropyBackward(dlogits: Float32Array, probs: Float32Array, targets: Uint8Array, dloss: number, BT: number, NF: number, V: number): void;

  /** out (N) = inp1 + inp2. FLOPs N; bytes 12·N. */
  residualForward(out: Float32Array, inp1: Float32Array, inp2: Float32Array, N: number): void;
  /** dinp1 += dout, dinp2 += dout. FLOPs 2·N; bytes 20·N. */
  residualBackward(dinp1: Float32Array, dinp2: Float32Array, dout: Float32Array, N: number): void;

  /**
   * AdamW over one flat buffer (N): m = β1·m + (1−β1)·g, v = β2·v + (1−β2)·g²,
   * param −= lr·( (m/(1−β1ᵗ)) / (√(v/(1−β2ᵗ)) + eps) + weightDecay·param ); t counts from 1.
   * FLOPs ≈ 14·N (+N sqrt); bytes 4·(4 reads + 3 writes)·N.
   */
  adamWUpdate(params: Float32Array, grads: Float32Array, m: Float32Array, v: Float32Array, N: number, lr: number, beta1: number, beta2: number, eps: number, weightDecay: number, t: number): void;

  /**
   * Inverted dropout: mask (N) from a seeded RNG (1 keeps with probability 1−p), out = inp·mask/(1−p).
   * p = 0 keeps all. The same seed gives the same mask on every backend that shares the RNG (mulberry32).
   * FLOPs N; bytes 9·N.
   */
  dropoutForward(out: Float32Array, mask: Uint8Array, inp: Float32Array, N: number, p: number, seed: number): void;
  /** dinp += dout·mask/(1−p). FLOPs 2·N; bytes 9·N. */
  dropoutBackward(dinp: Float32Array, dout: Float32Array, mask: Uint8Array, N: number, p: number): void;

  /** Σ inp[0..N) with float64 accumulation; NaN propagates. FLOPs N; bytes 4·N. */
  sum(inp: Float32Array, N: number): number;
  /** sum / N (NaN for N = 0). */
  mean(inp: Float32Array, N: number): number;
}

/**
 * A backend: a name, its kernels, and the allocators of the buffers they run on (zero-filled).
 * Index buffers (bins, time, node, customer, targets, dropout masks) are allocated by the backend too,
 * so that a WebAssembly backend can place them in its own memory.
 */
export interface Backend {
  readonly name: string;
  readonly kernels: Kernels;
  alloc(n: number): Float32Array;
  allocU8(n: number): Uint8Array;
  allocI32(n: number): Int32Array;
}
