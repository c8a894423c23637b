/** @module webgpu kernels at model sizes (matmul BT=256 C=128 OC=384; attention B=1 T=64 C=64 NH=4, forward and backward) against the reference backend, plus parameter views that share one buffer. */
import { afterAll, describe, expect, it } from "vitest";
import { randoms as seededRandoms } from "../case-support.js";
import { referenceKernels } from "../reference/index.js";
import type { WebgpuBackend } from "./index.js";
import { WEBGPU_TOLERANCE, withWebgpuBackend } from "./test-backend.js";

const { rtol, atol } = WEBGPU_TOLERANCE;

const randoms = (n: number, seed: number, lo = -1, hi = 1): Float32Array => Float32Array.from(seededRandoms(n, seed, lo, hi));
function expectClose(got: Float32Array, want: Float32Array, what: string): void {
  expect(got.length, `${what}: length`).toBe(want.length);
  let worst = 0;
  let at = -1;
  for (let i = 0; i < want.length; i++) {
    const excess = Math.abs((got[i] as number) - (want[i] as number)) - (atol + rtol * Math.abs(want[i] as number));
    if (!(excess <= worst)) {
      worst = Number.isNaN(excess) ? Infinity : excess;
      at = i;
    }
  }
  if (at >= 0) expect.fail(`${what}[${at}]: got ${got[at]}, want ${want[at]} (rtol ${rtol}, atol ${atol})`);
}

await withWebgpuBackend("webgpu at model sizes", (be: WebgpuBackend) => {
  const k = be.kernels;
  const up = (v: Float32Array): ReturnType<WebgpuBackend["alloc"]> => {
    const a = be.alloc(v.length);
    be.write(a, v);
    return a;
  };

  describe(`webgpu at model sizes (${be.adapter})`, () => {
    afterAll(() => be.dispose());

    it("matmul BT=256 C=128 OC=384: forward and accumulating backward match the reference", async () => {
      const [BT, C, OC] = [256, 128, 384];
      const inp = randoms(BT * C, 1);
      const w = randoms(OC * C, 2, -0.1, 0.1);
      const b = randoms(OC, 3);
      const dout = randoms(BT * OC, 4);
      const want = new Float32Array(BT * OC);
      referenceKernels.matmulForward(want, inp, w, b, BT, C, OC);
      const out = be.alloc(BT * OC);
      k.matmulForward(out, up(inp), up(w), up(b), BT, C, OC);
      expectClose(await be.read(out), want, "out");

      const init = (n: number, seed: number): Float32Array => randoms(n, seed, -0.5, 0.5);
      const [wantDinp, wantDw, wantDb] = [init(BT * C, 5), init(OC * C, 6), init(OC, 7)];
      const [dinp, dw, db] = [up(wantDinp), up(wantDw), up(wantDb)];
      referenceKernels.matmulBackward(wantDinp, wantDw, wantDb, dout, inp, w, BT, C, OC);
      k.matmulBackward(dinp, dw, db, up(dout), up(inp), up(w), BT, C, OC);
      expectClose(await be.read(dinp), wantDinp, "dinp");
      expectClose(await be.read(dw), wantDw, "dweight");
      expectClose(await be.read(db), wantDb, "dbias");
    });

    it("attention B=1 T=64 C=64 NH=4: out, preatt, att and every gradient match the reference", async () => {
      const [B, T, C, NH] = [1, 64, 64, 4];
      const TT = B * NH * T * T;
      const qkv = randoms(B * T * 3 * C, 10, -2, 2);
      const dout = randoms(B * T * C, 11);
      const ref = { out: new Float32Array(B * T * C), preatt: new Float32Array(TT), att: new Float32Array(TT) };
      referenceKernels.attentionForward(ref.out, ref.preatt, ref.att, qkv, B, T, C, NH);
      const [out, preatt, att, gQkv] = [be.alloc(B * T * C), be.alloc(TT), be.alloc(TT), up(qkv)];
      k.attentionForward(out, preatt, att, gQkv, B, T, C, NH);
      expectClose(await be.read(out), ref.out, "out");
      expectClose(await be.read(preatt), ref.preatt, "preatt");
      expectClose(await be.read(att), ref.att, "att");

      // scratch and dqkv pre-filled: the backward accumulates into all three
      const wantDqkv = randoms(B * T * 3 * C, 12, -0.1, 0.1);
      const wantDpreatt = randoms(TT, 13, -0.01, 0.01);
      const wantDatt = randoms(TT, 14, -0.01, 0.01);
      const [dqkv, dpreatt, datt] = [up(wantDqkv), up(wantDpreatt), up(wantDatt)];
      referenceKernels.attentionBackward(wantDqkv, wantDpreatt, wantDatt, dout, qkv, ref.att, B, T, C, NH);
      k.attentionBackward(dqkv, dpreatt, datt, up(dout), gQkv, att, B, T, C, NH);
      expectClose(await be.read(datt), wantDatt, "datt");
      expectClose(await be.read(dpreatt), wantDpreatt, "dpreatt");
      expectClose(await be.read(dqkv), wantDqkv, "dqkv");
    });

    it("views of one parameter buffer and one gradient buffer: matmul, layernorm, zero of a view", async () => {
      const [BT, C, OC] = [5, 64, 70];
      // params: weight at 0, bias at the next VIEW_ALIGN multiple; grads the same layout
      const wOff = 0;
      const bOff = Math.ceil((OC * C) / 64) * 64;
      const n = bOff + 128;
      const params = randoms(n, 20);
      const inp = randoms(BT * C, 21);
      const dout = randoms(BT * OC, 22);
      const gParams = up(params);
      const gGrads = up(new Float32Array(n).fill(0.25));
      const w = params.subarray(wOff, wOff + OC * C);
      const b = params.subarray(bOff, bOff + OC);
      // activations: inp and out as views of one buffer too
      const actN = Math.ceil((BT * C) / 64) * 64 + BT * OC;
      const act = be.alloc(actN);
      const gInp = be.view(act, 0, BT * C);
      const gOut = be.view(act, actN - BT * OC, BT * OC);
      be.write(gInp, inp);
      k.matmulForward(gOut, gInp, be.view(gParams, wOff, OC * C), be.view(gParams, bOff, OC), BT, C, OC);
      const want = new Float32Array(BT * OC);
      referenceKernels.matmulForward(want, inp, w, b, BT, C, OC);
      expectClose(await be.read(gOut), want, "out (views)");

      const wantGrads = new Float32Array(n).fill(0.25);
      const wantDinp = new Float32Array(BT * C);
      referenceKernels.matmulBackward(wantDinp, wantGrads.subarray(wOff, wOff + OC * C), wantGrads.subarray(bOff, bOff + OC), dout, inp, w, BT, C, OC);
      const gDinp = be.alloc(BT * C);
      k.matmulBackward(gDinp, be.view(gGrads, wOff, OC * C), be.view(gGrads, bOff, OC), up(dout), gInp, be.view(gParams, wOff, OC * C), BT, C, OC);
      expectClose(await be.read(gGrads), wantGrads, "grads (views, padding stays 0.25)");
      expectClose(await be.read(gDinp), wantDinp, "dinp");

      // layernorm writing into a view of the buffer its input is a view of
      const lnOut = be.view(act, actN - BT * OC, BT * C);
      const [mean, rstd] = [be.alloc(BT), be.alloc(BT)];
      k.layernormForward(lnOut, mean, rstd, gInp, be.view(gParams, 0, C), be.view(gParams, bOff, C), BT, C);
      const wantLn = new Float32Array(BT * C);
      referenceKernels.layernormForward(wantLn, new Float32Array(BT), new Float32Array(BT), inp, params.subarray(0, C), params.subarray(bOff, bOff + C), BT, C);
      expectClose(await be.read(lnOut), wantLn, "layernorm out (views)");

      be.zero(be.view(gGrads, bOff, 64));
      const after = await be.read(gGrads);
      expect(Array.from(after.subarray(bOff, bOff + 64)).every((x) => x === 0)).toBe(true);
      expectClose(after.subarray(0, bOff), wantGrads.subarray(0, bOff), "grads before the zeroed view");
      expectClose(after.subarray(bOff + 64), wantGrads.subarray(bOff + 64), "grads after the zeroed view");
    });

    it("more kernels than one submission holds run in call order; in-place residual (out aliases inp1)", async () => {
      const N = 100;
      const dout = randoms(N, 30);
      const gDout = up(dout);
      const [d1, d2] = [be.alloc(N), be.alloc(N)];
      const calls = 700; // past the recorder's 512-dispatch submission threshold
      for (let i = 0; i < calls; i++) k.residualBackward(d1, d2, gDout, N);
      const x = up(randoms(N, 31));
      const y = randoms(N, 32);
      k.residualForward(x, x, up(y), N); // x += y
      const want = dout.map((v) => v * calls);
      const got1 = await be.read(d1);
      for (let i = 0; i < N; i++) expect(Math.abs((got1[i] as number) - (want[i] as number))).toBeLessThanOrEqual(1e-4 * calls * Math.abs(dout[i] as number) + atol);
      expect(Array.from(await be.read(d2))).toEqual(Array.from(got1));
      const xs = randoms(N, 31);
      expectClose(await be.read(x), xs.map((v, i) => v + (y[i] as number)), "x (in place)");
    });
  });
});
