/** @module Row kernels in WGSL, one invocation per row of V: softmax and the fused softmax + cross-entropy forward (max-subtracted; an explicit NaN flag, since max() of a NaN is implementation-defined in WGSL). */
import { grid1d, type KernelDef } from "../codegen.js";

const WG = 64;
export const rowsGrid = (rows: number): [number, number] => grid1d(rows / WG);

const ROW_STATS = `  let n = wg_linear(wid, nwg) * ${WG}u + lidx;
  if (n >= u.rows) { return; }
  let b = n * u.V;
  var mx = -FLT_MAX;
  var nan = false;
  for (var i = 0u; i < u.V; i++) {
    let x = logits[b + i];
    nan = nan || is_nan(x);
    mx = max(mx, x);
  }
  var s = 0.0;
  for (var i = 0u; i < u.V; i++) { s += exp(logits[b + i] - mx); }
  for (var i = 0u; i < u.V; i++) { probs[b + i] = select(exp(logits[b + i] - mx) / s, u.nan, nan); }`;

/** probs (rows, V) = softmax of each row of logits. FLOPs ≈ 4·rows·V (+2·rows·V exp); bytes 8·rows·V. */
export const softmaxForward: KernelDef = {
  key: "softmaxForward",
  tensors: [{ name: "probs", type: "f32", write: true }, { name: "logits", type: "f32" }],
  scalars: [{ name: "rows", type: "u32" }, { name: "V", type: "u32" }],
  workgroupSize: [WG],
  body: ROW_STATS,
};

/** probs as softmax, losses (rows = BT·NF) = logsumexp − logit[target]. FLOPs ≈ 5·BT·NF·V (+2 exp per logit, 1 log per head); bytes 4·(2·BT·NF·V + 2·BT·NF). */
export const crossEntropyForward: KernelDef = {
  key: "crossEntropyForward",
  tensors: [{ name: "losses", type: "f32", write: true }, { name: "probs", type: "f32", write: true }, { name: "logits", type: "f32" }, { name: "targets", type: "u32" }],
  scalars: [{ name: "rows", type: "u32" }, { name: "V", type: "u32" }],
  workgroupSize: [WG],
  body: `${ROW_STATS}
  losses[n] = select(mx + log(s) - logits[b + targets[n]], u.nan, nan);`,
};
