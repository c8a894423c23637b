/** @module The kernel interface every engine backend implements (reference, cpu WASM SIMD, webgpu): llm.c-style forward/backward pairs over flat buffers of the backend's own tensor types. */

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
 * - Buffers are the backend's tensors (TensorTypes): host typed arrays for reference and cpu, GPU buffer
 *   handles for webgpu. Kernels only enqueue work and return nothing; results are read with Backend.read.
 * FLOP counts count a multiply-add as 2 FLOPs; byte counts assume float32 and one pass over each operand.
 */

/** The three buffer kinds a backend allocates: float32 data, u8 indices (bins, targets, masks), i32 indices. */
export interface TensorTypes {
  f32: unknown;
  u8: unknown;
  i32: unknown;
}
/** Host typed arrays: the tensors of the reference and cpu backends. */
export interface HostTensors extends TensorTypes {
  f32: Float32Array;
  u8: Uint8Array;
  i32: Int32Array;
}

/** Layernorm epsilon (llm.c and PyTorch default). */
export const LAYERNORM_EPS = 1e-5;

export interface Kernels<T extends TensorTypes = HostTensors> {
  /**
   * out (BT, OC) = inp (BT, C) · weight (OC, C)ᵀ + bias (OC) | null.
   * FLOPs 2·BT·C·OC; bytes 4·(BT·C + OC·C + OC + BT·OC).
   */
  matmulForward(out: T["f32"], inp: T["f32"], weight: T["f32"], bias: T["f32"] | null, BT: number, C: number, OC: number): void;
  /**
   * dinp (BT, C) += dout · weight; dweight (OC, C) += doutᵀ · inp; dbias (OC) += Σ_bt dout.
   * FLOPs 4·BT·C·OC (+ BT·OC for dbias); bytes 4·(2·BT·C + 2·OC·C + BT·OC).
   */
  matmulBackward(dinp: T["f32"], dweight: T["f32"], dbias: T["f32"] | null, dout: T["f32"], inp: T["f32"], weight: T["f32"], BT: number, C: number, OC: number): void;

  /**
   * out (BT, C) = (inp − mean)·rstd·weight (C) + bias (C); saves mean (BT), rstd (BT) = 1/√(var + 1e-5).
   * A constant row gives out = bias. FLOPs ≈ 8·BT·C; bytes 4·(2·BT·C + 2·C + 2·BT).
   */
  layernormForward(out: T["f32"], mean: T["f32"], rstd: T["f32"], inp: T["f32"], weight: T["f32"], bias: T["f32"], BT: number, C: number): void;
  /**
   * dinp (BT, C) +=, dweight (C) +=, dbias (C) += from dout (BT, C), using the saved mean, rstd.
   * FLOPs ≈ 14·BT·C; bytes 4·(3·BT·C + 4·C + 2·BT).
   */
  layernormBackward(dinp: T["f32"], dweight: T["f32"], dbias: T["f32"], dout: T["f32"], inp: T["f32"], weight: T["f32"], mean: T["f32"], rstd: T["f32"], BT: number, C: number): void;

  /** out (N) = GELU(inp), tanh approximation 0.5·x·(1 + tanh(√(2/π)(x + 0.044715x³))). FLOPs ≈ 10·N (+N tanh); bytes 8·N. */
  geluForward(out: T["f32"], inp: T["f32"], N: number): void;
  /** dinp (N) += GELU'(inp)·dout. FLOPs ≈ 18·N (+N tanh, N cosh); bytes 12·N. */
  geluBackward(dinp: T["f32"], inp: T["f32"], dout: T["f32"], N: number): void;

  /**
   * out (N, V) = softmax over each row of inp (N, V), max-subtracted (huge logits stay finite);
   * a row holding NaN gives NaN. FLOPs ≈ 4·N·V (+N·V exp); bytes 8·N·V.
   */
  softmaxForward(out: T["f32"], inp: T["f32"], N: number, V: number): void;

  /**
   * Causal multi-head attention. qkv (B, T, 3C) holds q | k | v per token, heads are hs-wide slices.
   * preatt (B, NH, T, T) | null = q·k/√hs, att (B, NH, T, T) = causal softmax (zeros above the diagonal),
   * out (B, T, C) = att · v. The reference materializes the T×T matrices and visits only t2 ≤ t:
   * FLOPs ≈ 2·B·NH·T(T+1)/2·hs·2 = 2·B·T(T+1)·C (QKᵀ and AV, causal half), + softmax ≈ 3·B·NH·T²/2;
   * bytes 4·(3·B·T·C + (1 or 2)·B·NH·T² + B·T·C).
   */
  attentionForward(out: T["f32"], preatt: T["f32"] | null, att: T["f32"], qkv: T["f32"], B: number, T: number, C: number, NH: number): void;
  /**
   * dqkv (B, T, 3C) += from dout (B, T, C), reading qkv and the saved att; dpreatt, datt (B, NH, T, T)
   * are scratch and accumulate (+=) as in llm.c, so zero them with the other grads.
   * FLOPs ≈ 2× the forward; bytes 4·(6·B·T·C + 3·B·NH·T² + B·T·C).
   */
  attentionBackward(dqkv: T["f32"], dpreatt: T["f32"], datt: T["f32"], dout: T["f32"], qkv: T["f32"], att: T["f32"], B: number, T: number, C: number, NH: number): void;

  /**
   * The input embedding as a gather instead of a one-hot matmul, plus the learned position (llm.c's encoder):
   *   out[bt] (C) = bias (C) | 0 + Σ_f wInp[f*V + bins[bt, f]] + Σ_j wInp[NF*V + time[bt, j]]
   *                 + wPos[bt mod T] + wNode[node[bt]] + wCustomer[customer[bt]]
   * BT = B·T tokens, window-major. bins (BT, NF) in [0, V); time (BT, NTIME) indices into the time rows
   * (one per time group, so distinct; a repeated index adds its row twice); node, customer (BT).
   * Indices are not range-checked. wInp (NF*V + time rows, C), wPos (≥ T, C), wNode (nodes, C),
   * wCustomer (customers, C). FLOPs (NF + NTIME + 3)·BT·C adds (vs 2·BT·(NF·V + 122)·C dense);
   * bytes 4·(NF+NTIME+4)·BT·C.
   */
  embeddingForward(out: T["f32"], bins: T["u8"], time: T["i32"], node: T["i32"], customer: T["i32"], wInp: T["f32"], bias: T["f32"] | null, wPos: T["f32"], wNode: T["f32"], wCustomer: T["f32"], B: number, T: number, C: number, NF: number, V: number, NTIME: number): void;
  /** Scatter-add: each gathered row (and bias, position, node, customer row) += dout[bt] (C). Same counts as the forward. */
  embeddingBackward(dwInp: T["f32"], dbias: T["f32"] | null, dwPos: T["f32"], dwNode: T["f32"], dwCustomer: T["f32"], dout: T["f32"], bins: T["u8"], time: T["i32"], node: T["i32"], customer: T["i32"], B: number, T: number, C: number, NF: number, V: number, NTIME: number): void;

  /**
   * Fused softmax + cross-entropy over NF heads of V classes per token. logits (BT, NF*V),
   * targets (BT, NF) in [0, V). Writes probs (BT, NF*V) and losses (BT, NF) = logsumexp − logit[target]
   * (stable: max-subtracted, finite for huge logits). The mean loss is `mean` over losses.
   * FLOPs ≈ 5·BT·NF·V (+BT·NF·V exp, BT·NF log); bytes 4·(2·BT·NF·V + 2·BT·NF).
   */
  crossEntropyForward(losses: T["f32"], probs: T["f32"], logits: T["f32"], targets: T["u8"], BT: number, NF: number, V: number): void;
  /**
   * WRITES dlogits (BT, NF*V) = dloss·(probs − onehot(targets)); dloss is the gradient of each per-head
   * loss (1/(BT·NF) for the mean loss). FLOPs 2·BT·NF·V; bytes 8·BT·NF·V.
   */
  crossEntropyBackward(dlogits: T["f32"], probs: T["f32"], targets: T["u8"], dloss: number, BT: number, NF: number, V: number): void;

  /** out (N) = inp1 + inp2. FLOPs N; bytes 12·N. */
  residualForward(out: T["f32"], inp1: T["f32"], inp2: T["f32"], N: number): void;
  /** dinp1 += dout, dinp2 += dout. FLOPs 2·N; bytes 20·N. */
  residualBackward(dinp1: T["f32"], dinp2: T["f32"], dout: T["f32"], N: number): void;

  /**
   * AdamW over one flat buffer (N): m = β1·m + (1−β1)·g, v = β2·v + (1−β2)·g²,
   * param −= lr·( (m/(1−β1ᵗ)) / (√(v/(1−β2ᵗ)) + eps) + weightDecay·param ); t counts from 1.
   * FLOPs ≈ 14·N (+N sqrt); bytes 4·(4 reads + 3 writes)·N.
   */
  adamWUpdate(params: T["f32"], grads: T["f32"], m: T["f32"], v: T["f32"], N: number, lr: number, beta1: number, beta2: number, eps: number, weightDecay: number, t: number): void;

  /**
   * Inverted dropout: mask (N) with mask[i] = 1 iff dropoutHash(seed, i) ≥ dropoutThreshold(p) (a
   * counter-based hash, so every backend and every thread computes the same mask in any order),
   * out = inp·mask/(1−p). p = 0 keeps all.
   * FLOPs N; bytes 9·N.
   */
  dropoutForward(out: T["f32"], mask: T["u8"], inp: T["f32"], N: number, p: number, seed: number): void;
  /** dinp += dout·mask/(1−p). FLOPs 2·N; bytes 9·N. */
  dropoutBackward(dinp: T["f32"], dout: T["f32"], mask: T["u8"], N: number, p: number): void;

  /** out[0] = Σ inp[0..N) (float64 accumulation on the host backends); NaN propagates. FLOPs N; bytes 4·N. */
  sum(out: T["f32"], inp: T["f32"], N: number): void;
  /** out[0] = sum / N (NaN for N = 0). */
  mean(out: T["f32"], inp: T["f32"], N: number): void;
}

/** Offsets of views into one buffer are multiples of this many floats (256 bytes: WebGPU's storage-binding offset alignment). */
export const VIEW_ALIGN = 64;

/**
 * A backend: a name, its kernels, and the memory operations around them. Buffers are zero-filled at
 * allocation. Kernels are enqueued in call order; `read*` resolves after every earlier kernel ran.
 * Index buffers are allocated by the backend too, so that a WebAssembly backend can place them in its
 * own memory and a GPU backend can widen u8 to u32.
 */
export interface Backend<T extends TensorTypes = HostTensors> {
  readonly name: string;
  readonly kernels: Kernels<T>;
  alloc(n: number): T["f32"];
  allocU8(n: number): T["u8"];
  allocI32(n: number): T["i32"];
  /** n floats of buf from offset (a multiple of VIEW_ALIGN), sharing its memory: the named parameter views. */
  view(buf: T["f32"], offset: number, n: number): T["f32"];
  /** Element count of a buffer. */
  length(buf: T["f32"] | T["u8"] | T["i32"]): number;
  /** Copies src into dst from element 0 (src.length ≤ length(dst)). */
  write(dst: T["f32"], src: ArrayLike<number>): void;
  writeU8(dst: T["u8"], src: ArrayLike<number>): void;
  writeI32(dst: T["i32"], src: ArrayLike<number>): void;
  /** Sets every element to 0. */
  zero(buf: T["f32"]): void;
  /** A host copy of the buffer, after all kernels enqueued so far. */
  read(buf: T["f32"]): Promise<Float32Array>;
  readU8(buf: T["u8"]): Promise<Uint8Array>;
  /** Resolves when every kernel enqueued so far has run. */
  sync(): Promise<void>;
  /** Frees the backend's resources (worker threads, GPU device). */
  dispose(): void;
}

/** The dropout hash: a 32-bit integer mix (lowbias32) of i offset by the mixed seed; WGSL and WASM use the same u32 operations. */
export function dropoutHash(seed: number, i: number): number {
  return mix32((mix32(seed >>> 0) + i) >>> 0);
}
function mix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}
/** Keep element i iff dropoutHash(seed, i) ≥ this threshold: ⌊p·2³²⌋ (0 keeps all). */
export function dropoutThreshold(p: number): number {
  if (!(p >= 0 && p < 1)) throw new RangeError(`dropout p must be in [0, 1), got ${p}`);
  return Math.floor(p * 4294967296);
}
