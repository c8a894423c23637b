/** @module The shared kernel case suite: every backend runs it, against float64 oracles written here (never against the reference backend itself). */
import { afterAll, describe, expect, it } from "vitest";
import { dropoutHash, dropoutThreshold, LAYERNORM_EPS, type Backend, type TensorTypes } from "./kernels.js";
import { get, randInts, randoms, vjp, type Num } from "./case-support.js";

export interface KernelCaseOptions<T extends TensorTypes> {
  name: string;
  /** The backend under test; created before the suite, disposed after it. */
  backend: Backend<T>;
  /** |got − want| ≤ atol + rtol·|want|, per the backend's precision. */
  tolerance: { rtol: number; atol: number };
  /** Case name → the reason this backend cannot pass it. */
  skip?: Record<string, string>;
}

// ---------- float64 oracles (independent formulas) ----------

function oMatmul(inp: Num, w: Num, bias: Num | null, BT: number, C: number, OC: number): Float64Array {
  const out = new Float64Array(BT * OC);
  for (let bt = 0; bt < BT; bt++)
    for (let o = 0; o < OC; o++) {
      let s = bias === null ? 0 : get(bias, o);
      for (let i = 0; i < C; i++) s += get(inp, bt * C + i) * get(w, o * C + i);
      out[bt * OC + o] = s;
    }
  return out;
}
function oLayernorm(inp: Num, w: Num, b: Num, BT: number, C: number): Float64Array {
  const out = new Float64Array(BT * C);
  for (let bt = 0; bt < BT; bt++) {
    const row = Array.from({ length: C }, (_, i) => get(inp, bt * C + i));
    const mu = row.reduce((a, x) => a + x, 0) / C;
    const variance = row.reduce((a, x) => a + (x - mu) ** 2, 0) / C;
    row.forEach((x, i) => (out[bt * C + i] = ((x - mu) / Math.sqrt(variance + LAYERNORM_EPS)) * get(w, i) + get(b, i)));
  }
  return out;
}
const oGelu = (x: number): number => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3)));
function oSoftmaxRow(row: number[]): number[] {
  const m = Math.max(...row);
  const e = row.map((x) => Math.exp(x - m));
  const s = e.reduce((a, x) => a + x, 0);
  return e.map((x) => x / s);
}
/** Full-square attention with a −∞ mask (the dense way), returning out (B, T, C). */
function oAttention(qkv: Num, B: number, T: number, C: number, NH: number): Float64Array {
  const hs = C / NH;
  const out = new Float64Array(B * T * C);
  const q = (b: number, t: number, h: number, i: number, part: number): number => get(qkv, b * T * 3 * C + t * 3 * C + part * C + h * hs + i);
  for (let b = 0; b < B; b++)
    for (let h = 0; h < NH; h++)
      for (let t = 0; t < T; t++) {
        const scores: number[] = [];
        for (let t2 = 0; t2 < T; t2++) {
          let s = 0;
          for (let i = 0; i < hs; i++) s += q(b, t, h, i, 0) * q(b, t2, h, i, 1);
          scores.push(t2 <= t ? s / Math.sqrt(hs) : -Infinity);
        }
        const p = oSoftmaxRow(scores);
        for (let i = 0; i < hs; i++) {
          let s = 0;
          for (let t2 = 0; t2 < T; t2++) s += get(p, t2) * q(b, t2, h, i, 2);
          out[b * T * C + t * C + h * hs + i] = s;
        }
      }
  return out;
}
/** Per-head losses (BT·NF) as −log softmax[target] with a log-sum-exp. */
function oCrossEntropy(logits: Num, targets: Num, BT: number, NF: number, V: number): Float64Array {
  const out = new Float64Array(BT * NF);
  for (let n = 0; n < BT * NF; n++) {
    const row = Array.from({ length: V }, (_, i) => get(logits, n * V + i));
    const m = Math.max(...row);
    out[n] = m + Math.log(row.reduce((a, x) => a + Math.exp(x - m), 0)) - get(row, get(targets, n));
  }
  return out;
}

// ---------- the suite ----------

export function runKernelCases<T extends TensorTypes>(opts: KernelCaseOptions<T>): void {
  const { backend, tolerance } = opts;
  const k = backend.kernels;
  const skip = opts.skip ?? {};
  const f32 = (v: Num): T["f32"] => {
    const a = backend.alloc(v.length);
    backend.write(a, v);
    return a;
  };
  const u8 = (v: number[]): T["u8"] => {
    const a = backend.allocU8(v.length);
    backend.writeU8(a, v);
    return a;
  };
  const i32 = (v: number[]): T["i32"] => {
    const a = backend.allocI32(v.length);
    backend.writeI32(a, v);
    return a;
  };
  const read = (a: T["f32"]): Promise<Float32Array> => backend.read(a);
  /** A kernel that writes out[0]: its value. */
  const scalar = async (run: (out: T["f32"]) => void): Promise<number> => {
    const out = backend.alloc(1);
    run(out);
    return get(await read(out), 0);
  };
  const close = (got: Num, want: Num, what: string): void => {
    expect(got.length, `${what}: length`).toBe(want.length);
    for (let i = 0; i < want.length; i++) {
      const g = get(got, i);
      const w = get(want, i);
      if (Number.isNaN(w)) {
        expect(Number.isNaN(g), `${what}[${i}]: want NaN, got ${g}`).toBe(true);
        continue;
      }
      const ok = Math.abs(g - w) <= tolerance.atol + tolerance.rtol * Math.abs(w);
      if (!ok) expect.fail(`${what}[${i}]: got ${g}, want ${w} (rtol ${tolerance.rtol}, atol ${tolerance.atol})`);
    }
  };
  const names = new Set<string>();
  const test = (name: string, fn: () => Promise<void>): void => {
    names.add(name);
    const reason = skip[name];
    if (reason !== undefined) it.skip(`${name} (skipped: ${reason})`, fn);
    else it(name, fn);
  };

  describe(`kernels: ${opts.name}`, () => {
    afterAll(() => backend.dispose());
    // ----- matmul -----
    test("matmul: 2x3 by hand", async () => {
      // inp (2, 3), weight (2, 3) → out (2, 2)
      const out = backend.alloc(4);
      k.matmulForward(out, f32([1, 2, 3, 4, 5, 6]), f32([1, 0, -1, 0.5, 0.5, 0.5]), f32([10, 20]), 2, 3, 2);
      close(await read(out), [8, 23, 8, 27.5], "out");
    });
    for (const [BT, C, OC] of [[1, 1, 1], [7, 5, 3], [4, 13, 9], [6, 16, 8]] as const) {
      test(`matmul: forward and backward BT=${BT} C=${C} OC=${OC}`, async () => {
        const inp = randoms(BT * C, 1 + C);
        const w = randoms(OC * C, 2 + C);
        const b = randoms(OC, 3);
        const out = backend.alloc(BT * OC);
        k.matmulForward(out, f32(inp), f32(w), f32(b), BT, C, OC);
        close(await read(out), oMatmul(inp, w, b, BT, C, OC), "out");
        const outNoBias = backend.alloc(BT * OC);
        k.matmulForward(outNoBias, f32(inp), f32(w), null, BT, C, OC);
        close(await read(outNoBias), oMatmul(inp, w, null, BT, C, OC), "out (no bias)");

        const dout = randoms(BT * OC, 4);
        // pre-filled with 1: backward must accumulate
        const dinp = f32(new Array(BT * C).fill(1));
        const dw = f32(new Array(OC * C).fill(1));
        const db = f32(new Array(OC).fill(1));
        k.matmulBackward(dinp, dw, db, f32(dout), f32(inp), f32(w), BT, C, OC);
        const plus1 = (g: Float64Array): Float64Array => g.map((x) => x + 1);
        close(await read(dinp), plus1(vjp((x) => oMatmul(x, w, b, BT, C, OC), inp.slice(), dout)), "dinp");
        close(await read(dw), plus1(vjp((x) => oMatmul(inp, x, b, BT, C, OC), w.slice(), dout)), "dweight");
        close(await read(db), plus1(vjp((x) => oMatmul(inp, w, x, BT, C, OC), b.slice(), dout)), "dbias");
      });
    }
    // Shapes past any register block or tile of a fast kernel (odd remainders on every axis); the
    // backward is checked by its closed form in float64 (a finite-difference oracle is too slow here).
    for (const [BT, C, OC] of [[67, 132, 90], [130, 64, 257]] as const) {
      test(`matmul: larger odd shape BT=${BT} C=${C} OC=${OC}`, async () => {
        const inp = randoms(BT * C, 5 + C);
        const w = randoms(OC * C, 6 + C);
        const b = randoms(OC, 7);
        const out = backend.alloc(BT * OC);
        k.matmulForward(out, f32(inp), f32(w), f32(b), BT, C, OC);
        close(await read(out), oMatmul(inp, w, b, BT, C, OC), "out");
        const dout = randoms(BT * OC, 8);
        const [dinp, dw, db] = [backend.alloc(BT * C), backend.alloc(OC * C), backend.alloc(OC)];
        k.matmulBackward(dinp, dw, db, f32(dout), f32(inp), f32(w), BT, C, OC);
        const wantDinp = new Float64Array(BT * C);
        const wantDw = new Float64Array(OC * C);
        const wantDb = new Float64Array(OC);
        for (let bt = 0; bt < BT; bt++)
          for (let o = 0; o < OC; o++) {
            const d = get(dout, bt * OC + o);
            wantDb[o] = get(wantDb, o) + d;
            for (let i = 0; i < C; i++) {
              wantDinp[bt * C + i] = get(wantDinp, bt * C + i) + d * get(w, o * C + i);
              wantDw[o * C + i] = get(wantDw, o * C + i) + d * get(inp, bt * C + i);
            }
          }
        close(await read(dinp), wantDinp, "dinp");
        close(await read(dw), wantDw, "dweight");
        close(await read(db), wantDb, "dbias");
      });
    }
    test("attention: larger causal forward B=2 T=37 C=64 NH=4", async () => {
      const [B, T, C, NH] = [2, 37, 64, 4] as const;
      const qkv = randoms(B * T * 3 * C, 44, -2, 2);
      const out = backend.alloc(B * T * C);
      k.attentionForward(out, null, backend.alloc(B * NH * T * T), f32(qkv), B, T, C, NH);
      close(await read(out), oAttention(qkv, B, T, C, NH), "out");
    });
    test("matmul: NaN in a row propagates to that row only", async () => {
      const out = backend.alloc(4);
      k.matmulForward(out, f32([NaN, 1, 2, 3]), f32([1, 1, 1, 1]), null, 2, 2, 2);
      const got = await read(out);
      expect(Number.isNaN(get(got, 0)) && Number.isNaN(get(got, 1))).toBe(true);
      close(got.subarray(2), [5, 5], "row 1");
    });

    // ----- layernorm -----
    for (const [BT, C] of [[1, 1], [7, 5], [3, 16], [2, 33]] as const) {
      test(`layernorm: forward and backward BT=${BT} C=${C}`, async () => {
        const inp = randoms(BT * C, 10 + C, -3, 3);
        const w = randoms(C, 11, 0.5, 1.5);
        const b = randoms(C, 12);
        const out = backend.alloc(BT * C);
        const mean = backend.alloc(BT);
        const rstd = backend.alloc(BT);
        k.layernormForward(out, mean, rstd, f32(inp), f32(w), f32(b), BT, C);
        close(await read(out), oLayernorm(inp, w, b, BT, C), "out");
        if (C === 1) return; // a one-channel row is constant; its gradient is covered by the constant-row case
        const dout = randoms(BT * C, 13);
        const dinp = backend.alloc(BT * C);
        const dw = backend.alloc(C);
        const db = backend.alloc(C);
        k.layernormBackward(dinp, dw, db, f32(dout), f32(inp), f32(w), mean, rstd, BT, C);
        close(await read(dinp), vjp((x) => oLayernorm(x, w, b, BT, C), inp.slice(), dout), "dinp");
        close(await read(dw), vjp((x) => oLayernorm(inp, x, b, BT, C), w.slice(), dout), "dweight");
        close(await read(db), vjp((x) => oLayernorm(inp, w, x, BT, C), b.slice(), dout), "dbias");
      });
    }
    test("layernorm: a constant row gives the bias, finite rstd and finite gradients", async () => {
      const C = 6;
      const out = backend.alloc(C);
      const mean = backend.alloc(1);
      const rstd = backend.alloc(1);
      const b = [1, 2, 3, 4, 5, 6];
      k.layernormForward(out, mean, rstd, f32(new Array(C).fill(7.25)), f32(new Array(C).fill(2)), f32(b), 1, C);
      close(await read(out), b, "out");
      close(await read(mean), [7.25], "mean");
      close(await read(rstd), [1 / Math.sqrt(LAYERNORM_EPS)], "rstd");
      const dinp = backend.alloc(C);
      k.layernormBackward(dinp, backend.alloc(C), backend.alloc(C), f32(randoms(C, 5)), f32(new Array(C).fill(7.25)), f32(new Array(C).fill(2)), mean, rstd, 1, C);
      for (const x of await read(dinp)) expect(Number.isFinite(x)).toBe(true);
    });
    test("layernorm: NaN in a row gives a NaN row", async () => {
      const out = backend.alloc(6);
      k.layernormForward(out, backend.alloc(2), backend.alloc(2), f32([1, NaN, 3, 1, 2, 3]), f32([1, 1, 1]), f32([0, 0, 0]), 2, 3);
      const got = await read(out);
      expect(Array.from(got.subarray(0, 3)).every(Number.isNaN)).toBe(true);
      close(got.subarray(3), oLayernorm([1, 2, 3], [1, 1, 1], [0, 0, 0], 1, 3), "row 1");
    });

    // ----- gelu -----
    test("gelu: forward and backward on random values, including odd N", async () => {
      const N = 37;
      const inp = randoms(N, 20, -5, 5);
      const out = backend.alloc(N);
      k.geluForward(out, f32(inp), N);
      close(await read(out), Array.from(inp, oGelu), "out");
      const dout = randoms(N, 21);
      const dinp = backend.alloc(N);
      k.geluBackward(dinp, f32(inp), f32(dout), N);
      close(await read(dinp), vjp((x) => x.map(oGelu), inp.slice(), dout), "dinp");
    });
    test("gelu: known values, large |x| stays finite, NaN propagates", async () => {
      const inp = [0, 1, -1, 30, -30, 1e4, -1e4, NaN];
      const out = backend.alloc(inp.length);
      k.geluForward(out, f32(inp), inp.length);
      close(await read(out), [0, 0.8411919906082768, -0.15880800939172324, 30, 0, 1e4, 0, NaN], "out");
      const dinp = backend.alloc(inp.length);
      k.geluBackward(dinp, f32(inp), f32(new Array(inp.length).fill(1)), inp.length);
      const gotDinp = await read(dinp);
      close(gotDinp.subarray(3, 7), [1, 0, 1, 0], "dinp at large |x|");
      expect(Number.isNaN(get(gotDinp, 7))).toBe(true);
    });

    // ----- softmax -----
    test("softmax: random rows (V = 10 and odd V)", async () => {
      for (const [N, V] of [[5, 10], [3, 7], [1, 1]] as const) {
        const inp = randoms(N * V, 30 + V, -4, 4);
        const out = backend.alloc(N * V);
        k.softmaxForward(out, f32(inp), N, V);
        const want: number[] = [];
        for (let n = 0; n < N; n++) want.push(...oSoftmaxRow(Array.from(inp.subarray(n * V, n * V + V))));
        close(await read(out), want, `out N=${N} V=${V}`);
      }
    });
    test("softmax: huge logits stay finite, NaN row is NaN", async () => {
      const out = backend.alloc(9);
      k.softmaxForward(out, f32([3e38, 0, -3e38, 1e4, 1e4, 1e4, 1, NaN, 2]), 3, 3);
      const got = await read(out);
      close(got.subarray(0, 6), [1, 0, 0, 1 / 3, 1 / 3, 1 / 3], "finite rows");
      expect(Array.from(got.subarray(6)).every(Number.isNaN)).toBe(true);
    });

    // ----- attention -----
    test("attention: 1 head, T=2 by hand", async () => {
      // C = 1: per token q | k | v. t=0 attends to itself; t=1: scores q1·k0 = 0, q1·k1 = ln 3 → weights 1/4, 3/4.
      const qkv = f32([1, 0, 2, 1, Math.log(3), 6]);
      const out = backend.alloc(2);
      const att = backend.alloc(4);
      const preatt = backend.alloc(4);
      k.attentionForward(out, preatt, att, qkv, 1, 2, 1, 1);
      close(await read(out), [2, 0.25 * 2 + 0.75 * 6], "out");
      close(await read(att), [1, 0, 0.25, 0.75], "att");
      const gotPreatt = await read(preatt);
      close([get(gotPreatt, 0), get(gotPreatt, 2), get(gotPreatt, 3)], [0, 0, Math.fround(Math.log(3))], "preatt (causal half)");
    });
    for (const [B, T, C, NH] of [[1, 1, 4, 1], [2, 3, 6, 2], [1, 5, 5, 1], [2, 4, 8, 4]] as const) {
      test(`attention: forward and backward B=${B} T=${T} C=${C} NH=${NH}`, async () => {
        const qkv = randoms(B * T * 3 * C, 40 + T, -2, 2);
        const out = backend.alloc(B * T * C);
        const att = backend.alloc(B * NH * T * T);
        k.attentionForward(out, backend.alloc(B * NH * T * T), att, f32(qkv), B, T, C, NH);
        close(await read(out), oAttention(qkv, B, T, C, NH), "out");
        const out2 = backend.alloc(B * T * C);
        k.attentionForward(out2, null, backend.alloc(B * NH * T * T), f32(qkv), B, T, C, NH);
        close(await read(out2), oAttention(qkv, B, T, C, NH), "out (preatt null)");
        const dout = randoms(B * T * C, 41);
        const dqkv = backend.alloc(B * T * 3 * C);
        k.attentionBackward(dqkv, backend.alloc(B * NH * T * T), backend.alloc(B * NH * T * T), f32(dout), f32(qkv), att, B, T, C, NH);
        close(await read(dqkv), vjp((x) => oAttention(x, B, T, C, NH), qkv.slice(), dout), "dqkv");
      });
    }

    // ----- embedding -----
    test("embedding: gather equals the dense one-hot matmul; scatter-add backward", async () => {
      const [B, T, C, NF, V, NTIME, ROWS_T, NODES, CUST] = [2, 3, 7, 3, 4, 2, 6, 3, 2] as const;
      const BT = B * T;
      const MAXT = 4;
      const rows = NF * V + ROWS_T;
      const bins = randInts(BT * NF, 50, V);
      const time = randInts(BT * NTIME, 51, ROWS_T);
      const node = randInts(BT, 52, NODES);
      const customer = randInts(BT, 53, CUST);
      const wInp = randoms(rows * C, 54);
      const bias = randoms(C, 55);
      const wNode = randoms(NODES * C, 56);
      const wCust = randoms(CUST * C, 57);
      const wPos = randoms(MAXT * C, 59);
      // oracle: one-hot (BT, rows) · wInp (rows, C) + bias + position row + node row + customer row
      const dense = (wi: Num, bi: Num, wn: Num, wc: Num, wp: Num = wPos): Float64Array => {
        const out = new Float64Array(BT * C);
        for (let bt = 0; bt < BT; bt++) {
          const onehot = new Float64Array(rows);
          for (let f = 0; f < NF; f++) onehot[f * V + get(bins, bt * NF + f)] = 1;
          // time rows of one token are distinct in the model (one per time group); a repeat counts twice
          for (let j = 0; j < NTIME; j++) onehot[NF * V + get(time, bt * NTIME + j)] = get(onehot, NF * V + get(time, bt * NTIME + j)) + 1;
          for (let i = 0; i < C; i++) {
            let s = get(bi, i) + get(wp, (bt % T) * C + i) + get(wn, get(node, bt) * C + i) + get(wc, get(customer, bt) * C + i);
            for (let r = 0; r < rows; r++) s += get(onehot, r) * get(wi, r * C + i);
            out[bt * C + i] = s;
          }
        }
        return out;
      };
      const out = backend.alloc(BT * C);
      k.embeddingForward(out, u8(bins), i32(time), i32(node), i32(customer), f32(wInp), f32(bias), f32(wPos), f32(wNode), f32(wCust), B, T, C, NF, V, NTIME);
      close(await read(out), dense(wInp, bias, wNode, wCust), "out");
      const dout = randoms(BT * C, 58);
      const [dwInp, dbias, dwPos, dwNode, dwCust] = [backend.alloc(rows * C), backend.alloc(C), backend.alloc(MAXT * C), backend.alloc(NODES * C), backend.alloc(CUST * C)];
      k.embeddingBackward(dwInp, dbias, dwPos, dwNode, dwCust, f32(dout), u8(bins), i32(time), i32(node), i32(customer), B, T, C, NF, V, NTIME);
      close(await read(dwInp), vjp((x) => dense(x, bias, wNode, wCust), wInp.slice(), dout), "dwInp");
      close(await read(dbias), vjp((x) => dense(wInp, x, wNode, wCust), bias.slice(), dout), "dbias");
      close(await read(dwNode), vjp((x) => dense(wInp, bias, x, wCust), wNode.slice(), dout), "dwNode");
      close(await read(dwCust), vjp((x) => dense(wInp, bias, wNode, x), wCust.slice(), dout), "dwCustomer");
      close(await read(dwPos), vjp((x) => dense(wInp, bias, wNode, wCust, x), wPos.slice(), dout), "dwPos (rows ≥ T stay 0)");
      const noBias = backend.alloc(BT * C);
      k.embeddingForward(noBias, u8(bins), i32(time), i32(node), i32(customer), f32(wInp), null, f32(wPos), f32(wNode), f32(wCust), B, T, C, NF, V, NTIME);
      close(await read(noBias), dense(wInp, new Float64Array(C), wNode, wCust), "out (no bias)");
    });

    // ----- cross-entropy -----
    test("crossEntropy: 86 heads x 10 classes, forward and backward", async () => {
      const [BT, NF, V] = [3, 86, 10] as const;
      const logits = randoms(BT * NF * V, 60, -5, 5);
      const targets = randInts(BT * NF, 61, V);
      const losses = backend.alloc(BT * NF);
      const probs = backend.alloc(BT * NF * V);
      k.crossEntropyForward(losses, probs, f32(logits), u8(targets), BT, NF, V);
      const loss = await scalar((out) => k.mean(out, losses, BT * NF));
      const want = oCrossEntropy(logits, targets, BT, NF, V);
      close(await read(losses), want, "losses");
      close([loss], [want.reduce((a, x) => a + x, 0) / (BT * NF)], "mean loss");
      const wantProbs: number[] = [];
      for (let n = 0; n < BT * NF; n++) wantProbs.push(...oSoftmaxRow(Array.from(logits.subarray(n * V, n * V + V))));
      close(await read(probs), wantProbs, "probs");
      const dloss = 1 / (BT * NF);
      const dlogits = f32(new Array(BT * NF * V).fill(123)); // must be overwritten, not accumulated
      k.crossEntropyBackward(dlogits, probs, u8(targets), dloss, BT, NF, V);
      close(await read(dlogits), vjp((x) => oCrossEntropy(x, targets, BT, NF, V), logits.slice(), new Array(BT * NF).fill(dloss)), "dlogits");
    });
    test("crossEntropy: by hand, huge logits stable, NaN logit gives NaN", async () => {
      // heads: [0, 0] target 0 → ln 2; [1e4, 0] target 1 → 1e4; [1e4, 0] target 0 → 0; [NaN, 0] → NaN
      const losses = backend.alloc(4);
      const probs = backend.alloc(8);
      k.crossEntropyForward(losses, probs, f32([0, 0, 1e4, 0, 1e4, 0, NaN, 0]), u8([0, 1, 0, 0]), 2, 2, 2);
      const loss = await scalar((out) => k.mean(out, losses, 4));
      const gotLosses = await read(losses);
      close(gotLosses.subarray(0, 3), [Math.LN2, 1e4, 0], "finite losses");
      close((await read(probs)).subarray(0, 6), [0.5, 0.5, 1, 0, 1, 0], "probs");
      expect(Number.isNaN(get(gotLosses, 3))).toBe(true);
      expect(Number.isNaN(loss)).toBe(true);
    });

    // ----- residual, reductions -----
    test("residual: forward and accumulating backward", async () => {
      const N = 11;
      const a = randoms(N, 70);
      const b = randoms(N, 71);
      const out = backend.alloc(N);
      k.residualForward(out, f32(a), f32(b), N);
      close(await read(out), a.map((x, i) => x + get(b, i)), "out");
      const dout = randoms(N, 72);
      const d1 = f32(new Array(N).fill(0.5));
      const d2 = backend.alloc(N);
      k.residualBackward(d1, d2, f32(dout), N);
      close(await read(d1), dout.map((x) => x + 0.5), "dinp1");
      close(await read(d2), dout, "dinp2");
    });
    test("sum and mean: float64 accumulation, NaN propagates", async () => {
      const N = 100_001;
      const v = new Array(N).fill(0.1);
      close([await scalar((out) => k.sum(out, f32(v), N))], [N * Math.fround(0.1)], "sum");
      close([await scalar((out) => k.mean(out, f32([1, 2, 3, 4]), 4))], [2.5], "mean");
      close([await scalar((out) => k.sum(out, f32([1, 2, 3]), 2))], [3], "sum of a prefix");
      expect(Number.isNaN(await scalar((out) => k.sum(out, f32([1, NaN, 2]), 3)))).toBe(true);
    });

    // ----- adam -----
    test("adamW: matches the formula over a flat buffer", async () => {
      const N = 23;
      const params = randoms(N, 80);
      const grads = randoms(N, 81);
      const m = randoms(N, 82, 0, 0.1);
      const v = randoms(N, 83, 0, 0.1);
      const [lr, b1, b2, eps, wd, t] = [1e-3, 0.9, 0.999, 1e-8, 0.01, 3];
      const P = f32(params);
      const M = f32(m);
      const Vv = f32(v);
      k.adamWUpdate(P, f32(grads), M, Vv, N, lr, b1, b2, eps, wd, t);
      const wantM = m.map((x, i) => b1 * x + (1 - b1) * get(grads, i));
      const wantV = v.map((x, i) => b2 * x + (1 - b2) * get(grads, i) ** 2);
      const wantP = params.map((p, i) => p - lr * (get(wantM, i) / (1 - b1 ** t) / (Math.sqrt(get(wantV, i) / (1 - b2 ** t)) + eps) + wd * p));
      close(await read(M), wantM, "m");
      close(await read(Vv), wantV, "v");
      close(await read(P), wantP, "params");
    });

    // ----- dropout -----
    test("dropout: seeded mask, scaling, keep rate, backward", async () => {
      const N = 20_000;
      const p = 0.3;
      const inp = randoms(N, 90);
      const out = backend.alloc(N);
      const mask = backend.allocU8(N);
      k.dropoutForward(out, mask, f32(inp), N, p, 42);
      const gotMask = await backend.readU8(mask);
      const kept = gotMask.reduce((a, x) => a + x, 0);
      expect(Math.abs(kept / N - (1 - p))).toBeLessThan(0.02);
      const threshold = dropoutThreshold(p);
      const wantMask = Array.from({ length: N }, (_, i) => (dropoutHash(42, i) >= threshold ? 1 : 0));
      expect(Array.from(gotMask)).toEqual(wantMask); // the shared counter-based hash, on every backend
      close(await read(out), inp.map((x, i) => (get(gotMask, i) * x) / (1 - p)), "out");
      const mask2 = backend.allocU8(N);
      k.dropoutForward(backend.alloc(N), mask2, f32(inp), N, p, 42);
      expect(Array.from(await backend.readU8(mask2))).toEqual(Array.from(gotMask));
      const mask3 = backend.allocU8(N);
      k.dropoutForward(backend.alloc(N), mask3, f32(inp), N, p, 43);
      expect(Array.from(await backend.readU8(mask3))).not.toEqual(Array.from(gotMask));
      const dout = randoms(N, 91);
      const dinp = f32(new Array(N).fill(1));
      k.dropoutBackward(dinp, f32(dout), mask, N, p);
      close(await read(dinp), dout.map((x, i) => 1 + (get(gotMask, i) * x) / (1 - p)), "dinp");
    });
    test("dropout: p = 0 is the identity", async () => {
      const inp = randoms(9, 92);
      const out = backend.alloc(9);
      const mask = backend.allocU8(9);
      k.dropoutForward(out, mask, f32(inp), 9, 0, 7);
      close(await read(out), inp, "out");
      expect((await backend.readU8(mask)).every((x) => x === 1)).toBe(true);
    });

    it("every skipped name is a case of this suite", () => {
      expect(Object.keys(skip).filter((n) => !names.has(n))).toEqual([]);
    });
  });
}
