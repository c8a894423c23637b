/** @module The decoder's forward (docs/model.md) as an ONNX ModelProto (opset 17, IR 8): inputs bins/time/node/customer, outputs the final-LN hidden state and the logits; weights as initializers from the flat parameter buffer. */
import type { ModelConfig } from "../model/config.js";
import { paramLayout } from "../model/params.js";
import { GraphBuilder, onnx } from "./graph.js";

export const ONNX_OPSET = 17;

/** Named views of the flat buffer, checked against the layout's sizes. */
function namedViews(config: ModelConfig, params: Float32Array): (name: string) => Float32Array {
  const views = new Map<string, Float32Array>();
  for (const v of paramLayout(config).entries) {
    if (v.offset + v.size > params.length) throw new RangeError(`parameter ${v.name} [${v.offset}, ${v.offset + v.size}) is outside a buffer of ${params.length}`);
    views.set(v.name, params.subarray(v.offset, v.offset + v.size));
  }
  return (name) => {
    const w = views.get(name);
    if (w === undefined) throw new Error(`the parameter layout has no view "${name}"`);
    return w;
  };
}

/** wᵀ of a row-major (rows, cols) matrix, so that MatMul(x, wᵀ) = x·wᵀ as in nn.Linear. */
function transpose(w: Float32Array, rows: number, cols: number): Float32Array {
  const t = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) t[c * rows + r] = w[r * cols + c]!;
  return t;
}

/**
 * ONNX bytes of the decoder's forward pass (no dropout). Inputs: bins int64 (B, T, NF) in [0, V),
 * time int64 (B, T, NTIME) (0..timeRows−1, as `timeIndices`), node int64 (B), customer int64 (B);
 * B and T are dynamic (T ≤ maxT). Outputs: hidden (B, T, C) = LNf output, logits (B, T, NF·V).
 */
export function exportDecoderOnnx(config: ModelConfig, params: Float32Array): Uint8Array {
  const { NF, V, NTIME, nLayer: L, nHead: NH, dModel: C, dFF: FF } = config;
  const hs = C / NH;
  const w = namedViews(config, params);
  const g = new GraphBuilder();
  const INT64 = onnx.TensorProto.DataType.INT64;
  const FLOAT = onnx.TensorProto.DataType.FLOAT;
  const bins = g.input("bins", INT64, ["B", "T", NF]);
  const time = g.input("time", INT64, ["B", "T", NTIME]);
  const node = g.input("node", INT64, ["B"]);
  const customer = g.input("customer", INT64, ["B"]);
  const param = (name: string, dims: number[]): string => g.f32(name, dims, w(name));
  const linear = (x: string, name: string, out: number, inp: number): string =>
    g.op("Add", [g.op("MatMul", [x, g.f32(`${name}w_T`, [inp, out], transpose(w(`${name}w`), out, inp))]), param(`${name}b`, [out])]);
  const layerNorm = (x: string, wName: string, bName: string, out?: string): string =>
    g.op("LayerNormalization", [x, param(wName, [C]), param(bName, [C])], { axis: { i: -1 }, epsilon: { f: 1e-5 } }, out);

  // Embedding: one Gather of the NF feature rows and NTIME time rows of wInp, summed over the rows.
  const featRows = g.op("Add", [bins, g.i64([NF], Array.from({ length: NF }, (_, f) => f * V))]);
  const timeRows = g.op("Add", [time, g.i64([], [NF * V])]);
  const rows = g.op("Concat", [featRows, timeRows], { axis: { i: 2 } });
  const gathered = g.op("Gather", [param("wInp", [NF * V + config.timeRows, C]), rows], { axis: { i: 0 } });
  let x = g.op("Add", [g.op("ReduceSum", [gathered, g.i64([1], [2])], { keepdims: { i: 0 } }), param("bInp", [C])]);
  const Tdim = g.op("Slice", [g.op("Shape", [bins]), g.i64([1], [1]), g.i64([1], [2])]);
  x = g.op("Add", [x, g.op("Slice", [param("wPos", [config.maxT, C]), g.i64([1], [0]), Tdim, g.i64([1], [0])])]);
  const perWindow = (table: string, rowsOf: number, idx: string): string =>
    g.op("Unsqueeze", [g.op("Gather", [param(table, [rowsOf, C]), idx], { axis: { i: 0 } }), g.i64([1], [1])]);
  x = g.op("Add", [x, perWindow("wNode", config.nodes, node)]);
  x = g.op("Add", [x, perWindow("wCustomer", config.customers, customer)]);

  // Causal mask (T, T): true on and below the diagonal.
  const ones = g.op("ConstantOfShape", [g.op("Concat", [Tdim, Tdim], { axis: { i: 0 } })], { value: { t: { dims: [1], dataType: FLOAT, rawData: new Uint8Array(Float32Array.of(1).buffer) } } });
  const causal = g.op("Cast", [g.op("Trilu", [ones], { upper: { i: 0 } })], { to: { i: onnx.TensorProto.DataType.BOOL } });
  const minusInf = g.scalar(-Infinity);
  const headShape = g.i64([4], [0, 0, NH, hs]);
  const mergedShape = g.i64([3], [0, 0, C]);
  const invSqrtHs = g.scalar(1 / Math.sqrt(hs));

  for (let l = 0; l < L; l++) {
    const p = `h${l}.`;
    const qkv = linear(layerNorm(x, `${p}ln1w`, `${p}ln1b`), `${p}qkv`, 3 * C, C);
    const [q, k, v] = g.opN("Split", [qkv], 3, { axis: { i: 2 } }) as [string, string, string];
    const heads = (t: string, perm: number[]): string => g.op("Transpose", [g.op("Reshape", [t, headShape])], { perm: { ints: perm } });
    const scores = g.op("Mul", [g.op("MatMul", [heads(q, [0, 2, 1, 3]), heads(k, [0, 2, 3, 1])]), invSqrtHs]);
    const att = g.op("Softmax", [g.op("Where", [causal, scores, minusInf])], { axis: { i: -1 } });
    const y = g.op("Reshape", [g.op("Transpose", [g.op("MatMul", [att, heads(v, [0, 2, 1, 3])])], { perm: { ints: [0, 2, 1, 3] } }), mergedShape]);
    x = g.op("Add", [x, linear(y, `${p}proj`, C, C)]);
    const u = linear(layerNorm(x, `${p}ln2w`, `${p}ln2b`), `${p}fc`, FF, C);
    x = g.op("Add", [x, linear(geluTanh(g, u), `${p}fcproj`, C, FF)]);
  }
  const hidden = layerNorm(x, "lnfw", "lnfb", "hidden");
  g.op("Add", [g.op("MatMul", [hidden, g.f32("wOut_T", [C, NF * V], transpose(w("wOut"), NF * V, C))]), param("bOut", [NF * V])], {}, "logits");
  g.output("hidden", FLOAT, ["B", "T", C]);
  g.output("logits", FLOAT, ["B", "T", NF * V]);
  return g.encode("netflowgen_decoder", ONNX_OPSET, `NetFlowGen decoder ${L}-${NH}-${C}-${FF}, maxT ${config.maxT}, docs/model.md`);
}

/** GELU, tanh approximation, from primitive ops: 0.5·u·(1 + tanh(√(2/π)·(u + 0.044715·u³))). */
function geluTanh(g: GraphBuilder, u: string): string {
  const u3 = g.op("Mul", [u, g.op("Mul", [u, u])]);
  const inner = g.op("Mul", [g.op("Add", [u, g.op("Mul", [u3, g.scalar(0.044715)])]), g.scalar(Math.sqrt(2 / Math.PI))]);
  return g.op("Mul", [g.op("Mul", [u, g.scalar(0.5)]), g.op("Add", [g.op("Tanh", [inner]), g.scalar(1)])]);
}
