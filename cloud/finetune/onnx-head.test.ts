/** @module The survival head's ONNX export against the engine: onnxruntime-node runs exportHeadOnnx's graph and must match headForward's hazard and survival to 1e-5, for an untrained and a trained head, at two (N, T) shapes. */
import { describe, expect, it } from "vitest";
import { allocHeadActs, headForward } from "../detect/head/head.js";
import { mlpViews } from "../detect/head/mlp.js";
import { syntheticHidden } from "../detect/head/testdata.js";
import { newHead, type SurvivalHead, trainHead } from "../detect/head/train.js";
import { onnx } from "../engine/onnx/graph.js";
import { exportHeadOnnx, HEAD_ONNX_OPSET, runHeadOnnx } from "./onnx-head.js";

const ATOL = 1e-5;

function engine(head: SurvivalHead, hidden: Float32Array, N: number, T: number): { hazard: Float32Array; survival: Float32Array } {
  const acts = allocHeadActs(N, T, head.cfg);
  headForward(acts, mlpViews(head.params, head.cfg), hidden, N, T, head.cfg);
  return { hazard: Float32Array.from(acts.hazard), survival: Float32Array.from(acts.survival) };
}

function maxDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

describe("survival head ONNX export", () => {
  const C = 12;
  const set = syntheticHidden(24, 40, C, 3, ["dns", "udp"], 2, 0.5);
  const trained = trainHead(set.hidden, set.labels, { epochs: 8, batch: 8, hiddenUnits: 32, seed: 2, lr: 5e-3 });
  const heads: [string, SurvivalHead][] = [
    ["untrained", newHead(C, 40, 32, 9)],
    ["trained", trained],
  ];

  it("is an opset-17, IR-8 model with dynamic N and T", () => {
    const model = onnx.ModelProto.decode(exportHeadOnnx(trained.cfg, trained.params));
    expect(Number(model.irVersion)).toBe(8);
    expect(model.opsetImport.map((o) => Number(o.version))).toEqual([HEAD_ONNX_OPSET]);
    expect((model.graph?.input ?? []).map((i) => i.name)).toEqual(["hidden"]);
    expect((model.graph?.output ?? []).map((o) => o.name)).toEqual(["hazard", "survival"]);
    expect(new Set((model.graph?.node ?? []).map((n) => n.opType))).toContain("CumSum");
  });

  it.each(heads)("matches headForward within 1e-5 (%s head)", async (_name, head) => {
    const bytes = exportHeadOnnx(head.cfg, head.params);
    for (const [N, T, from] of [
      [5, 40, 0],
      [2, 17, 7],
    ] as const) {
      const x = new Float32Array(N * T * C);
      for (let n = 0; n < N; n++) x.set(set.hidden.data.subarray((from + n) * 40 * C, (from + n) * 40 * C + T * C), n * T * C);
      const want = engine(head, x, N, T);
      const got = await runHeadOnnx(bytes, x, N, T, C);
      const dh = maxDiff(got.hazard, want.hazard);
      const ds = maxDiff(got.survival, want.survival);
      expect(dh, `hazard max |diff| at N=${N}, T=${T}`).toBeLessThanOrEqual(ATOL);
      expect(ds, `survival max |diff| at N=${N}, T=${T}`).toBeLessThanOrEqual(ATOL);
      // the check is not vacuous: the head's survival moves away from 1
      expect(Math.min(...want.survival)).toBeLessThan(0.99);
    }
  });

  it("differs from the engine when a weight is changed (the check can fail)", async () => {
    const params = trained.params.slice();
    mlpViews(params, trained.cfg).b2[0]! += 0.5;
    const x = set.hidden.data.subarray(0, 2 * 40 * C);
    const got = await runHeadOnnx(exportHeadOnnx(trained.cfg, params), x, 2, 40, C);
    expect(maxDiff(got.hazard, engine(trained, x, 2, 40).hazard)).toBeGreaterThan(ATOL);
  });
});
