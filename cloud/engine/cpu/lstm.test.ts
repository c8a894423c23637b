/** @module Runs the shared LSTM case suite on the cpu backend's WASM LSTM kernels (2 and 1 threads, FMA and mul + add builds), and checks that multi-strip batches match the reference kernels and do not depend on the thread count. */
import { describe, expect, it } from "vitest";
import { randoms } from "../case-support.js";
import { lstmKernelsFor } from "../lstm/index.js";
import { runLstmCases } from "../lstm/lstm.case.js";
import { referenceLstmKernels } from "../lstm/reference.js";
import { createCpuBackend, type CpuBackend } from "./index.js";

/**
 * Tolerance: as cpu.test.ts's, but rtol 1e-4 (what the reference kernels on cpu arrays ran under before): the
 * pre-activations are float32 GEMM sums (the oracle's are float64) and σ, tanh go through the $exp4 polynomial.
 */
const tolerance = { rtol: 1e-4, atol: 1e-5 };

for (const threads of [2, 1]) {
  for (const relaxed of [true, false]) {
    const backend = await createCpuBackend({ threads, relaxed });
    runLstmCases({ name: `cpu ${backend.features.variant} ×${threads} (asked relaxed=${relaxed})`, backend, lstm: await lstmKernelsFor(backend), tolerance });
  }
}

interface Run {
  h: Float32Array;
  c: Float32Array;
  gates: Float32Array;
  dinp: Float32Array;
  dwIh: Float32Array;
  dwHh: Float32Array;
  dbias: Float32Array;
  dgates: Float32Array;
}

/** Forward and backward of one LSTM on a backend's arrays with the given kernels (the reference kernels run on cpu arena arrays too). */
async function runLstm(be: CpuBackend, useRef: boolean, B: number, T: number, I: number, H: number): Promise<Run> {
  const k = useRef ? referenceLstmKernels : be.lstm;
  const G = 4 * H;
  const f32 = (v: ArrayLike<number>): Float32Array => {
    const a = be.alloc(v.length);
    be.write(a, v);
    return a;
  };
  const [inp, wIh, wHh, bias] = [f32(randoms(B * T * I, 1)), f32(randoms(G * I, 2, -0.5, 0.5)), f32(randoms(G * H, 3, -0.5, 0.5)), f32(randoms(G, 4))];
  const [h, c, gates] = [be.alloc(B * T * H), be.alloc(B * T * H), be.alloc(B * T * G)];
  k.lstmForward(h, c, gates, inp, wIh, wHh, bias, B, T, I, H);
  const [dinp, dwIh, dwHh, dbias, dgates] = [be.alloc(B * T * I), be.alloc(G * I), be.alloc(G * H), be.alloc(G), be.alloc(B * T * G)];
  k.lstmBackward(dinp, dwIh, dwHh, dbias, dgates, f32(randoms(B * T * H, 5)), h, c, gates, inp, wIh, wHh, B, T, I, H);
  const r = (a: Float32Array): Promise<Float32Array> => be.read(a);
  return { h: await r(h), c: await r(c), gates: await r(gates), dinp: await r(dinp), dwIh: await r(dwIh), dwHh: await r(dwHh), dbias: await r(dbias), dgates: await r(dgates) };
}

describe("cpu LSTM kernels: batches of several 4-row strips split over threads", () => {
  for (const [B, T, I, H] of [[9, 30, 10, 6], [8, 24, 64, 64], [5, 3, 3, 1]] as const) {
    it(`B=${B} T=${T} I=${I} H=${H}: matches the reference kernels, and 1 thread matches 2 bit for bit`, async () => {
      const [one, two] = [await createCpuBackend({ threads: 1 }), await createCpuBackend({ threads: 2 })];
      try {
        const want = await runLstm(one, true, B, T, I, H);
        const got1 = await runLstm(one, false, B, T, I, H);
        const got2 = await runLstm(two, false, B, T, I, H);
        for (const key of Object.keys(want) as (keyof Run)[]) {
          const [w, g] = [want[key], got1[key]];
          for (let i = 0; i < w.length; i++) {
            const [wi, gi] = [w[i]!, g[i]!];
            if (!(Math.abs(gi - wi) <= 1e-4 + 1e-3 * Math.abs(wi))) expect.fail(`${key}[${i}]: got ${gi}, want ${wi}`);
          }
          expect(Array.from(got2[key]), `${key}: 2 threads`).toEqual(Array.from(g));
        }
      } finally {
        one.dispose();
        two.dispose();
      }
    }, 60_000);
  }
});

describe("cpu pooling and gather kernels: sizes split over threads", () => {
  it("B=6 T=300 C=H=20 k=7 OC=50 off=13: match the reference kernels, and 1 thread matches 2 bit for bit", async () => {
    const [B, T, C, k, OC, off] = [6, 300, 20, 7, 50, 13];
    const Tk = Math.floor(T / k);
    const runAll = async (be: CpuBackend, useRef: boolean): Promise<Float32Array[]> => {
      const kk = useRef ? referenceLstmKernels : be.lstm;
      const f32 = (v: ArrayLike<number>): Float32Array => {
        const a = be.alloc(v.length);
        be.write(a, v);
        return a;
      };
      const pooled = be.alloc(B * Tk * C);
      kk.avgPoolForward(pooled, f32(randoms(B * T * C, 7)), B, T, C, k);
      const dinp = f32(randoms(B * T * C, 8));
      kk.avgPoolBackward(dinp, f32(randoms(B * Tk * C, 9)), B, T, C, k);
      const out = f32(randoms(B * T * OC, 10));
      kk.lastStateForward(out, pooled, B, T, Tk, C, k, OC, off);
      const dh = f32(randoms(B * Tk * C, 11));
      kk.lastStateBackward(dh, f32(randoms(B * T * OC, 12)), B, T, Tk, C, k, OC, off);
      return Promise.all([pooled, dinp, out, dh].map((a) => be.read(a)));
    };
    const [one, two] = [await createCpuBackend({ threads: 1 }), await createCpuBackend({ threads: 2 })];
    try {
      const want = await runAll(one, true);
      const got1 = await runAll(one, false);
      const got2 = await runAll(two, false);
      want.forEach((w, n) => {
        const g = got1[n]!;
        for (let i = 0; i < w.length; i++) if (!(Math.abs(g[i]! - w[i]!) <= 1e-5 + 1e-5 * Math.abs(w[i]!))) expect.fail(`output ${n}[${i}]: got ${g[i]}, want ${w[i]}`);
        expect(Array.from(got2[n]!), `output ${n}: 2 threads`).toEqual(Array.from(g));
      });
    } finally {
      one.dispose();
      two.dispose();
    }
  }, 60_000);
});
