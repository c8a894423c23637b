/** @module A second check of the cpu kernels at the model's shapes (BT=256, C=128, 3C; attention B=2 T=128 NH=4): against the reference backend's kernels, which the shared suite checks against float64 oracles. */
import { afterAll, describe, expect, it } from "vitest";
import { randoms as seededRandoms } from "../case-support.js";
import { referenceKernels } from "../reference/index.js";
import { createCpuBackend } from "./index.js";

const backends = [await createCpuBackend({ threads: 2 }), await createCpuBackend({ threads: 2, relaxed: false })];

const randoms = (n: number, seed: number, lo = -1, hi = 1): Float32Array => Float32Array.from(seededRandoms(n, seed, lo, hi));
/** max |got − want| ≤ rel · max(1, max |want|): float32 accumulation error scales with the magnitudes involved. */
function expectClose(got: Float32Array, want: Float32Array, rel: number, what: string): void {
  expect(got.length, what).toBe(want.length);
  let scale = 1;
  for (const w of want) scale = Math.max(scale, Math.abs(w));
  let worst = 0;
  let at = -1;
  for (let i = 0; i < want.length; i++) {
    const d = Math.abs(got[i]! - want[i]!);
    if (!(d <= worst)) {
      worst = d;
      at = i;
    }
  }
  expect(worst, `${what}: worst at ${at}: got ${got[at]}, want ${want[at]} (scale ${scale})`).toBeLessThanOrEqual(rel * scale);
}

for (const cpu of backends) {
  describe(`cpu ${cpu.features.variant} ×${cpu.features.threads} vs reference at model shapes`, () => {
    afterAll(() => cpu.dispose());
    const f32 = (v: Float32Array): Float32Array => {
      const a = cpu.alloc(v.length);
      cpu.write(a, v);
      return a;
    };

    it("matmul forward and backward BT=256 C=128 OC=384", () => {
      const [BT, C, OC] = [256, 128, 384];
      const inp = randoms(BT * C, 1);
      const w = randoms(OC * C, 2, -0.1, 0.1);
      const b = randoms(OC, 3);
      const dout = randoms(BT * OC, 4);
      const want = new Float32Array(BT * OC);
      referenceKernels.matmulForward(want, inp, w, b, BT, C, OC);
      const out = cpu.alloc(BT * OC);
      cpu.kernels.matmulForward(out, f32(inp), f32(w), f32(b), BT, C, OC);
      expectClose(out, want, 1e-5, "out");
      const [wDinp, wDw, wDb] = [randoms(BT * C, 5), randoms(OC * C, 6), randoms(OC, 7)];
      const [dinp, dw, db] = [f32(wDinp), f32(wDw), f32(wDb)];
      referenceKernels.matmulBackward(wDinp, wDw, wDb, dout, inp, w, BT, C, OC);
      cpu.kernels.matmulBackward(dinp, dw, db, f32(dout), f32(inp), f32(w), BT, C, OC);
      expectClose(dinp, wDinp, 1e-5, "dinp");
      expectClose(dw, wDw, 1e-5, "dweight");
      expectClose(db, wDb, 1e-5, "dbias");
    });

    it("attention forward and backward B=2 T=128 C=128 NH=4", () => {
      const [B, T, C, NH] = [2, 128, 128, 4];
      const qkv = randoms(B * T * 3 * C, 10, -2, 2);
      const dout = randoms(B * T * C, 11);
      const NT = B * NH * T * T;
      const [wOut, wPre, wAtt] = [new Float32Array(B * T * C), new Float32Array(NT), new Float32Array(NT)];
      referenceKernels.attentionForward(wOut, wPre, wAtt, qkv, B, T, C, NH);
      const [out, pre, att] = [cpu.alloc(B * T * C), cpu.alloc(NT), cpu.alloc(NT)];
      cpu.kernels.attentionForward(out, pre, att, f32(qkv), B, T, C, NH);
      expectClose(out, wOut, 1e-5, "out");
      expectClose(att, wAtt, 1e-5, "att");
      // preatt above the diagonal is left untouched by both (0 here)
      expectClose(pre, wPre, 1e-5, "preatt");
      const [wDqkv, wDpre, wDatt] = [randoms(B * T * 3 * C, 12), new Float32Array(NT), new Float32Array(NT)];
      const dqkv = f32(wDqkv);
      referenceKernels.attentionBackward(wDqkv, wDpre, wDatt, dout, qkv, wAtt, B, T, C, NH);
      cpu.kernels.attentionBackward(dqkv, cpu.alloc(NT), cpu.alloc(NT), f32(dout), f32(qkv), att, B, T, C, NH);
      expectClose(dqkv, wDqkv, 1e-5, "dqkv");
    });

    it("layernorm, gelu, residual and cross-entropy at BT=256, C=128, 86 × 10 heads", () => {
      const [BT, C, NF, V] = [256, 128, 86, 10];
      const x = randoms(BT * C, 20, -3, 3);
      const w = randoms(C, 21, 0.5, 1.5);
      const b = randoms(C, 22);
      const dout = randoms(BT * C, 23);
      const [wOut, wMean, wRstd] = [new Float32Array(BT * C), new Float32Array(BT), new Float32Array(BT)];
      referenceKernels.layernormForward(wOut, wMean, wRstd, x, w, b, BT, C);
      const [out, mean, rstd] = [cpu.alloc(BT * C), cpu.alloc(BT), cpu.alloc(BT)];
      cpu.kernels.layernormForward(out, mean, rstd, f32(x), f32(w), f32(b), BT, C);
      expectClose(out, wOut, 1e-5, "ln out");
      expectClose(rstd, wRstd, 1e-5, "ln rstd");
      const [wDx, wDw, wDb] = [new Float32Array(BT * C), randoms(C, 24), randoms(C, 25)];
      const [dx, dw, db] = [cpu.alloc(BT * C), f32(wDw), f32(wDb)];
      referenceKernels.layernormBackward(wDx, wDw, wDb, dout, x, w, wMean, wRstd, BT, C);
      cpu.kernels.layernormBackward(dx, dw, db, f32(dout), f32(x), f32(w), mean, rstd, BT, C);
      expectClose(dx, wDx, 1e-5, "ln dinp");
      expectClose(dw, wDw, 1e-5, "ln dweight");
      expectClose(db, wDb, 1e-5, "ln dbias");

      const g = new Float32Array(BT * C);
      referenceKernels.geluForward(g, x, BT * C);
      const gout = cpu.alloc(BT * C);
      cpu.kernels.geluForward(gout, f32(x), BT * C);
      expectClose(gout, g, 1e-6, "gelu");
      const gd = new Float32Array(BT * C);
      referenceKernels.geluBackward(gd, x, dout, BT * C);
      const gdinp = cpu.alloc(BT * C);
      cpu.kernels.geluBackward(gdinp, f32(x), f32(dout), BT * C);
      expectClose(gdinp, gd, 1e-6, "gelu dinp");

      const logits = randoms(BT * NF * V, 30, -6, 6);
      const targets = Uint8Array.from(randoms(BT * NF, 31, 0, V), (t) => Math.floor(t));
      const [wLoss, wProbs] = [new Float32Array(BT * NF), new Float32Array(BT * NF * V)];
      referenceKernels.crossEntropyForward(wLoss, wProbs, logits, targets, BT, NF, V);
      const [loss, probs, tg] = [cpu.alloc(BT * NF), cpu.alloc(BT * NF * V), cpu.allocU8(BT * NF)];
      cpu.writeU8(tg, targets);
      cpu.kernels.crossEntropyForward(loss, probs, f32(logits), tg, BT, NF, V);
      expectClose(loss, wLoss, 1e-6, "ce losses");
      expectClose(probs, wProbs, 1e-6, "ce probs");
      const wDl = new Float32Array(BT * NF * V);
      referenceKernels.crossEntropyBackward(wDl, wProbs, targets, 1 / (BT * NF), BT, NF, V);
      const dl = cpu.alloc(BT * NF * V);
      cpu.kernels.crossEntropyBackward(dl, probs, tg, 1 / (BT * NF), BT, NF, V);
      expectClose(dl, wDl, 1e-6, "ce dlogits");
    });
  });
}
