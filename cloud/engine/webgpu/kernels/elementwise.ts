/** @module Elementwise WGSL kernels: GELU, residual, dropout, AdamW and the cross-entropy backward (one invocation per element, 256 per workgroup). */
import { grid1d, type KernelDef, type ScalarArg, type TensorArg } from "../codegen.js";

const WG = 256;

/** A 1-D elementwise kernel over u.N elements; `body` sees the element index `i`. */
function elementwise(key: string, tensors: TensorArg[], scalars: ScalarArg[], body: string, prelude = ""): KernelDef {
  return {
    key,
    tensors,
    scalars: [{ name: "N", type: "u32" }, ...scalars],
    workgroupSize: [WG],
    prelude,
    body: `  let i = wg_linear(wid, nwg) * ${WG}u + lidx;
  if (i >= u.N) { return; }
${body}`,
  };
}

/** The grid of an elementwise kernel over n elements. */
export const elementwiseGrid = (n: number): [number, number] => grid1d(n / WG);

// tanh that saturates exactly for large |x| (no inf/inf) and propagates NaN.
const TANH = `
fn tanh_sat(x: f32) -> f32 {
  let e = exp(-2.0 * abs(x));
  let t = (1.0 - e) / (1.0 + e);
  return select(t, -t, x < 0.0);
}
const GELU_SCALE: f32 = 0.7978845608028654;`;

/** out = GELU_tanh(inp). FLOPs ≈ 10·N (+N exp); bytes 8·N. */
export const geluForward = elementwise(
  "geluForward",
  [{ name: "out", type: "f32", write: true }, { name: "inp", type: "f32" }],
  [],
  `  let x = inp[i];
  out[i] = 0.5 * x * (1.0 + tanh_sat(GELU_SCALE * (x + 0.044715 * x * x * x)));`,
  TANH,
);

/** dinp += GELU'(inp)·dout. FLOPs ≈ 18·N (+N exp); bytes 12·N. */
export const geluBackward = elementwise(
  "geluBackward",
  [{ name: "dinp", type: "f32", write: true }, { name: "inp", type: "f32" }, { name: "dout", type: "f32" }],
  [],
  `  let x = inp[i];
  let th = tanh_sat(GELU_SCALE * (x + 0.044715 * x * x * x));
  let sech2 = 1.0 - th * th;
  let g = 0.5 * (1.0 + th) + 0.5 * x * sech2 * GELU_SCALE * (1.0 + 3.0 * 0.044715 * x * x);
  dinp[i] = dinp[i] + g * dout[i];`,
  TANH,
);

/** out = inp1 + inp2. FLOPs N; bytes 12·N. */
export const residualForward = elementwise(
  "residualForward",
  [{ name: "out", type: "f32", write: true }, { name: "inp1", type: "f32" }, { name: "inp2", type: "f32" }],
  [],
  `  out[i] = inp1[i] + inp2[i];`,
);

/** dinp1 += dout, dinp2 += dout. FLOPs 2·N; bytes 20·N. */
export const residualBackward = elementwise(
  "residualBackward",
  [{ name: "dinp1", type: "f32", write: true }, { name: "dinp2", type: "f32", write: true }, { name: "dout", type: "f32" }],
  [],
  `  let d = dout[i];
  dinp1[i] = dinp1[i] + d;
  dinp2[i] = dinp2[i] + d;`,
);

/** mask = hash(seed, i) ≥ threshold (the shared lowbias32 hash; seedMix = mix32(seed) from the host); out = inp·mask·scale. FLOPs N; bytes 12·N (mask is u32). */
export const dropoutForward = elementwise(
  "dropoutForward",
  [{ name: "out", type: "f32", write: true }, { name: "mask", type: "u32", write: true }, { name: "inp", type: "f32" }],
  [{ name: "seedMix", type: "u32" }, { name: "threshold", type: "u32" }, { name: "scale", type: "f32" }],
  `  let keep = mix32(u.seedMix + i) >= u.threshold;
  mask[i] = select(0u, 1u, keep);
  out[i] = select(0.0, inp[i] * u.scale, keep);`,
  `
fn mix32(v: u32) -> u32 {
  var x = v;
  x = x ^ (x >> 16u);
  x = x * 0x7feb352du;
  x = x ^ (x >> 15u);
  x = x * 0x846ca68bu;
  x = x ^ (x >> 16u);
  return x;
}`,
);

/** dinp += dout·mask·scale. FLOPs 2·N; bytes 16·N. */
export const dropoutBackward = elementwise(
  "dropoutBackward",
  [{ name: "dinp", type: "f32", write: true }, { name: "dout", type: "f32" }, { name: "mask", type: "u32" }],
  [{ name: "scale", type: "f32" }],
  `  if (mask[i] == 1u) { dinp[i] = dinp[i] + dout[i] * u.scale; }`,
);

/** AdamW step (omb = 1−β, c1 = 1−β1ᵗ, c2 = 1−β2ᵗ from the host in float64). FLOPs ≈ 14·N (+N sqrt); bytes 28·N. */
export const adamWUpdate = elementwise(
  "adamWUpdate",
  [{ name: "params", type: "f32", write: true }, { name: "grads", type: "f32" }, { name: "m", type: "f32", write: true }, { name: "v", type: "f32", write: true }],
  ["lr", "beta1", "beta2", "omb1", "omb2", "eps", "wd", "c1", "c2"].map((name) => ({ name, type: "f32" as const })),
  `  let g = grads[i];
  let mi = u.beta1 * m[i] + u.omb1 * g;
  let vi = u.beta2 * v[i] + u.omb2 * g * g;
  m[i] = mi;
  v[i] = vi;
  let p = params[i];
  params[i] = p - u.lr * (mi / u.c1 / (sqrt(vi / u.c2) + u.eps) + u.wd * p);`,
);

/** WRITES dlogits (N = BT·NF·V) = dloss·(probs − onehot(targets)). FLOPs 2·N; bytes 8·N + 4·N/V. */
export const crossEntropyBackward = elementwise(
  "crossEntropyBackward",
  [{ name: "dlogits", type: "f32", write: true }, { name: "probs", type: "f32" }, { name: "targets", type: "u32" }],
  [{ name: "V", type: "u32" }, { name: "dloss", type: "f32" }],
  `  let y = select(0.0, 1.0, targets[i / u.V] == i % u.V);
  dlogits[i] = u.dloss * (probs[i] - y);`,
);
