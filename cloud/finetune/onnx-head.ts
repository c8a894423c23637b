/** @module The survival head as ONNX (opset 17, IR 8): hidden (N, T, C) → MLP (GELU) → softplus hazard (N, T) → CumSum → survival exp(−Λ) (N, T); weights from the head's flat parameters. */
import { type MlpConfig, mlpViews } from "../detect/head/mlp.js";
import { GraphBuilder, onnx } from "../engine/onnx/graph.js";

export const HEAD_ONNX_OPSET = 17;

function transpose(w: Float32Array, rows: number, cols: number): Float32Array {
  const t = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) t[c * rows + r] = w[r * cols + c]!;
  return t;
}

/**
 * ONNX bytes of a survival head (cloud/detect/head, OC = 1). Input `hidden` float (N, T, C), N and T
 * dynamic; outputs `hazard` λ = softplus(z) and `survival` S = exp(−cumsum_t λ), both (N, T).
 * softplus is built as Relu(z) + Log(1 + Exp(−|z|)) (no overflow, as the engine's); GELU is the tanh form.
 */
export function exportHeadOnnx(cfg: MlpConfig, params: Float32Array): Uint8Array {
  if (cfg.OC !== 1) throw new RangeError(`a survival head has one output, this MLP has ${cfg.OC}`);
  const { C, H } = cfg;
  const p = mlpViews(params, cfg);
  const g = new GraphBuilder();
  const FLOAT = onnx.TensorProto.DataType.FLOAT;
  const x = g.input("hidden", FLOAT, ["N", "T", C]);
  const pre = g.op("Add", [g.op("MatMul", [x, g.f32("w1_T", [C, H], transpose(p.w1, H, C))]), g.f32("b1", [H], p.b1.slice())]);
  const u3 = g.op("Mul", [pre, g.op("Mul", [pre, pre])]);
  const inner = g.op("Mul", [g.op("Add", [pre, g.op("Mul", [u3, g.scalar(0.044715)])]), g.scalar(Math.sqrt(2 / Math.PI))]);
  const act = g.op("Mul", [g.op("Mul", [pre, g.scalar(0.5)]), g.op("Add", [g.op("Tanh", [inner]), g.scalar(1)])]);
  const z3 = g.op("Add", [g.op("MatMul", [act, g.f32("w2_T", [H, 1], p.w2.slice())]), g.f32("b2", [1], p.b2.slice())]);
  const z = g.op("Squeeze", [z3, g.i64([1], [2])]);
  const tail = g.op("Log", [g.op("Add", [g.op("Exp", [g.op("Neg", [g.op("Abs", [z])])]), g.scalar(1)])]);
  const hazard = g.op("Add", [g.op("Relu", [z]), tail], {}, "hazard");
  const cum = g.op("CumSum", [hazard, g.i64([], [1])]);
  g.op("Exp", [g.op("Neg", [cum])], {}, "survival");
  g.output("hazard", FLOAT, ["N", "T"]);
  g.output("survival", FLOAT, ["N", "T"]);
  return g.encode("netflowgen_survival_head", HEAD_ONNX_OPSET, `NetFlowGen survival head C=${C} H=${H} (docs/detection.md): hazard = softplus(MLP(hidden)), survival = exp(-cumsum(hazard))`);
}

type Ort = typeof import("onnxruntime-node");
let ortModule: Ort | null = null;

/** onnxruntime-node, imported on first use (a native addon: kept off every other import path). */
export async function loadOrt(): Promise<Ort> {
  if (ortModule === null) {
    const mod = (await import("onnxruntime-node")) as Ort & { default?: Ort };
    ortModule = mod.InferenceSession === undefined && mod.default !== undefined ? mod.default : mod;
  }
  return ortModule;
}

/** Runs an exported head in onnxruntime-node on hidden (N, T, C): hazard and survival (N·T each). */
export async function runHeadOnnx(bytes: Uint8Array, hidden: Float32Array, N: number, T: number, C: number): Promise<{ hazard: Float32Array; survival: Float32Array }> {
  const ort = await loadOrt();
  const session = await ort.InferenceSession.create(bytes);
  try {
    const out = await session.run({ hidden: new ort.Tensor("float32", hidden, [N, T, C]) });
    const hazard = out.hazard?.data;
    const survival = out.survival?.data;
    if (!(hazard instanceof Float32Array) || !(survival instanceof Float32Array)) throw new Error("the head's ONNX graph lacks a float hazard or survival output");
    return { hazard, survival };
  } finally {
    await session.release();
  }
}
