/** @module The shared LSTM kernel case suite: every backend runs it against float64 oracles written here (not the reference kernels) and central-difference VJPs. */
import { afterAll, describe, expect, it } from "vitest";
import type { Backend, TensorTypes } from "../kernels.js";
import { get, randoms, vjp as vjpAt, type Num } from "../case-support.js";
import type { LstmKernels } from "./kernels.js";

export interface LstmCaseOptions<T extends TensorTypes> {
  name: string;
  /** the backend under test; disposed after the suite unless keepBackend */
  backend: Backend<T>;
  lstm: LstmKernels<T>;
  tolerance: { rtol: number; atol: number };
  /** Case name → the reason this backend cannot pass it. */
  skip?: Record<string, string>;
  keepBackend?: boolean;
}




/** The suite's VJP oracle: central differences with h = 1e-6. */
const vjp = (f: (x: Float64Array) => Float64Array, x: Float64Array, dout: Num): Float64Array => vjpAt(f, x, dout, 1e-6);

// ---------- float64 oracles: the LSTM as matrix-vector products per step ----------

const logistic = (x: number): number => 0.5 * (1 + Math.tanh(x / 2));
const matvec = (w: Num, rowOff: number, rows: number, cols: number, v: number[]): number[] =>
  Array.from({ length: rows }, (_, r) => v.reduce((s, x, j) => s + get(w, (rowOff + r) * cols + j) * x, 0));

interface OLstm {
  h: Float64Array;
  c: Float64Array;
  gates: Float64Array;
}
function oLstm(inp: Num, wIh: Num, wHh: Num, bias: Num, B: number, T: number, I: number, H: number): OLstm {
  const h = new Float64Array(B * T * H);
  const c = new Float64Array(B * T * H);
  const gates = new Float64Array(B * T * 4 * H);
  for (let b = 0; b < B; b++) {
    let hp = new Array<number>(H).fill(0);
    let cp = new Array<number>(H).fill(0);
    for (let t = 0; t < T; t++) {
      const x = Array.from({ length: I }, (_, i) => get(inp, (b * T + t) * I + i));
      // one gate block at a time: W_ih[block]·x + W_hh[block]·h + b[block]
      const pre = (blk: number): number[] => {
        const u = matvec(wIh, blk * H, H, I, x);
        const v = matvec(wHh, blk * H, H, H, hp);
        return u.map((s, j) => s + get(v, j) + get(bias, blk * H + j));
      };
      const ig = pre(0).map(logistic);
      const fg = pre(1).map(logistic);
      const gg = pre(2).map(Math.tanh);
      const og = pre(3).map(logistic);
      const cn = cp.map((cv, j) => get(fg, j) * cv + get(ig, j) * get(gg, j));
      const hn = cn.map((cv, j) => get(og, j) * Math.tanh(cv));
      const bt = b * T + t;
      [ig, fg, gg, og].forEach((g, blk) => g.forEach((v, j) => (gates[bt * 4 * H + blk * H + j] = v)));
      cn.forEach((v, j) => (c[bt * H + j] = v));
      hn.forEach((v, j) => (h[bt * H + j] = v));
      hp = hn;
      cp = cn;
    }
  }
  return { h, c, gates };
}
function oPool(inp: Num, B: number, T: number, C: number, k: number): Float64Array {
  const Tk = Math.floor(T / k);
  const out = new Float64Array(B * Tk * C);
  for (let b = 0; b < B; b++)
    for (let t = 0; t < Tk * k; t++) for (let ch = 0; ch < C; ch++) out[(b * Tk + Math.floor(t / k)) * C + ch] = get(out, (b * Tk + Math.floor(t / k)) * C + ch) + get(inp, (b * T + t) * C + ch) / k;
  return out;
}
/** The causal gather written as "the last bucket q with (q+1)·k − 1 ≤ t", searched. */
function oLast(h: Num, base: Num, B: number, T: number, Tk: number, H: number, k: number, OC: number, off: number): Float64Array {
  const out = Float64Array.from(base);
  for (let b = 0; b < B; b++)
    for (let t = 0; t < T; t++) {
      let q = -1;
      for (let cand = 0; cand < Tk; cand++) if ((cand + 1) * k - 1 <= t) q = cand;
      for (let j = 0; j < H; j++) out[(b * T + t) * OC + off + j] = q < 0 ? 0 : get(h, (b * Tk + q) * H + j);
    }
  return out;
}

// ---------- the suite ----------

export function runLstmCases<T extends TensorTypes>(opts: LstmCaseOptions<T>): void {
  const { backend, lstm, tolerance } = opts;
  const skip = opts.skip ?? {};
  const f32 = (v: Num): T["f32"] => {
    const a = backend.alloc(v.length);
    backend.write(a, v);
    return a;
  };
  const read = (a: T["f32"]): Promise<Float32Array> => backend.read(a);
  const close = (got: Num, want: Num, what: string, tol = tolerance): void => {
    expect(got.length, `${what}: length`).toBe(want.length);
    for (let i = 0; i < want.length; i++) {
      const g = get(got, i);
      const w = get(want, i);
      if (!(Math.abs(g - w) <= tol.atol + tol.rtol * Math.abs(w))) expect.fail(`${what}[${i}]: got ${g}, want ${w} (rtol ${tol.rtol}, atol ${tol.atol})`);
    }
  };
  const names = new Set<string>();
  const test = (name: string, fn: () => Promise<void>): void => {
    names.add(name);
    const reason = skip[name];
    if (reason !== undefined) it.skip(`${name} (skipped: ${reason})`, fn);
    else it(name, fn, 60_000);
  };

  /** Forward against the oracle, then the backward (pre-filled with 1: it must accumulate) against VJPs of h. */
  const lstmCase = async (B: number, T: number, I: number, H: number, seed: number, scale: number, fd: boolean): Promise<void> => {
    const G = 4 * H;
    const inp = randoms(B * T * I, seed, -scale, scale);
    const wIh = randoms(G * I, seed + 1, -scale, scale);
    const wHh = randoms(G * H, seed + 2, -scale, scale);
    const bias = randoms(G, seed + 3, -scale, scale);
    const [h, c, gates] = [backend.alloc(B * T * H), backend.alloc(B * T * H), backend.alloc(B * T * G)];
    const [tInp, tIh, tHh, tB] = [f32(inp), f32(wIh), f32(wHh), f32(bias)];
    lstm.lstmForward(h, c, gates, tInp, tIh, tHh, tB, B, T, I, H);
    const want = oLstm(inp, wIh, wHh, bias, B, T, I, H);
    const gotH = await read(h);
    close(gotH, want.h, "h");
    close(await read(c), want.c, "c");
    close(await read(gates), want.gates, "gates");
    for (const x of gotH) expect(Number.isFinite(x) && Math.abs(x) <= 1).toBe(true);

    const dh = randoms(B * T * H, seed + 4);
    const ones = (n: number): T["f32"] => f32(new Array<number>(n).fill(1));
    const [dinp, dIh, dHh, dB] = [ones(B * T * I), ones(G * I), ones(G * H), ones(G)];
    const dgates = backend.alloc(B * T * G);
    lstm.lstmBackward(dinp, dIh, dHh, dB, dgates, f32(dh), h, c, gates, tInp, tIh, tHh, B, T, I, H);
    const plus1 = (g: Float64Array): Float64Array => g.map((x) => x + 1);
    if (!fd) return;
    // finite differences of float64 sums: a looser absolute floor than the forward's
    const gTol = { rtol: Math.max(tolerance.rtol, 1e-4), atol: Math.max(tolerance.atol, 1e-5) * 5 };
    close(await read(dinp), plus1(vjp((x) => oLstm(x, wIh, wHh, bias, B, T, I, H).h, inp.slice(), dh)), "dinp", gTol);
    close(await read(dIh), plus1(vjp((x) => oLstm(inp, x, wHh, bias, B, T, I, H).h, wIh.slice(), dh)), "dwIh", gTol);
    close(await read(dHh), plus1(vjp((x) => oLstm(inp, wIh, x, bias, B, T, I, H).h, wHh.slice(), dh)), "dwHh", gTol);
    close(await read(dB), plus1(vjp((x) => oLstm(inp, wIh, wHh, x, B, T, I, H).h, bias.slice(), dh)), "dbias", gTol);
    // dgates: the gradient with respect to the bias of each step's pre-activations, i.e. Σ over steps = dbias − 1
    const dg = await read(dgates);
    const sumRows = new Float64Array(G);
    for (let n = 0; n < B * T; n++) for (let r = 0; r < G; r++) sumRows[r] = get(sumRows, r) + get(dg, n * G + r);
    close(sumRows, (await read(dB)).map((x) => x - 1), "Σ dgates = dbias", gTol);
  };

  describe(`lstm kernels: ${opts.name}`, () => {
    afterAll(() => {
      if (opts.keepBackend !== true) backend.dispose();
    });
    test("lstm: B=1 T=1 I=1 H=1 by hand", async () => {
      // a = [x·wIh + b] per gate (h0 = 0): i = σ(0.5), f = σ(−1), g = tanh(2), o = σ(0); c = i·g, h = o·tanh(c)
      const [h, c, gates] = [backend.alloc(1), backend.alloc(1), backend.alloc(4)];
      lstm.lstmForward(h, c, gates, f32([1]), f32([0.5, -1, 2, 0]), f32([9, 9, 9, 9]), f32([0, 0, 0, 0]), 1, 1, 1, 1);
      const s = (x: number): number => 1 / (1 + Math.exp(-x));
      const cv = s(0.5) * Math.tanh(2);
      close(await read(c), [cv], "c");
      close(await read(h), [0.5 * Math.tanh(cv)], "h");
      close(await read(gates), [s(0.5), s(-1), Math.tanh(2), 0.5], "gates");
    });
    for (const [B, T, I, H] of [[2, 5, 7, 3], [1, 1, 4, 2], [2, 4, 5, 16]] as const) {
      test(`lstm: forward and backward B=${B} T=${T} I=${I} H=${H}`, () => lstmCase(B, T, I, H, 10 + B * T + I + H, 1, true));
    }
    test("lstm: saturated gates (|pre-activations| ≫ 10) stay finite, gradients match", () => lstmCase(2, 4, 6, 3, 77, 12, true));
    test("lstm: larger shape B=3 T=9 I=40 H=32 (forward and the backward runs)", () => lstmCase(3, 9, 40, 32, 91, 0.3, false));

    for (const [B, T, C, k] of [[2, 10, 3, 5], [1, 7, 4, 3], [2, 6, 5, 1], [1, 4, 2, 5]] as const) {
      test(`avgPool: forward and backward B=${B} T=${T} C=${C} k=${k}`, async () => {
        const Tk = Math.floor(T / k);
        const inp = randoms(B * T * C, 5 + T);
        const out = backend.alloc(Math.max(1, B * Tk * C));
        lstm.avgPoolForward(out, f32(inp), B, T, C, k);
        if (Tk > 0) close((await read(out)).subarray(0, B * Tk * C), oPool(inp, B, T, C, k), "out");
        const dout = randoms(B * Tk * C, 6 + T);
        const dinp = f32(new Array<number>(B * T * C).fill(1));
        lstm.avgPoolBackward(dinp, f32(Tk > 0 ? dout : [0]), B, T, C, k);
        close(await read(dinp), vjp((x) => oPool(x, B, T, C, k), inp.slice(), dout).map((x) => x + 1), "dinp");
      });
    }
    for (const [B, T, H, k, OC, off] of [[2, 10, 3, 5, 7, 2], [1, 7, 2, 3, 2, 0], [2, 5, 4, 1, 9, 5]] as const) {
      test(`lastState: causal gather and backward B=${B} T=${T} H=${H} k=${k} OC=${OC} off=${off}`, async () => {
        const Tk = Math.floor(T / k);
        const hv = randoms(B * Tk * H, 30 + T);
        const base = randoms(B * T * OC, 31 + T); // columns outside [off, off+H) must stay
        const out = f32(base);
        lstm.lastStateForward(out, f32(hv), B, T, Tk, H, k, OC, off);
        close(await read(out), oLast(hv, base, B, T, Tk, H, k, OC, off), "out");
        const dout = randoms(B * T * OC, 32 + T);
        const dh = f32(new Array<number>(B * Tk * H).fill(1));
        lstm.lastStateBackward(dh, f32(dout), B, T, Tk, H, k, OC, off);
        close(await read(dh), vjp((x) => oLast(x, base, B, T, Tk, H, k, OC, off), hv.slice(), dout).map((x) => x + 1), "dh");
      });
    }
    it("every skipped name is a case of this suite", () => {
      expect(Object.keys(skip).filter((n) => !names.has(n))).toEqual([]);
    });
  });
}
