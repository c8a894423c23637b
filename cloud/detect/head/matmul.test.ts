/** @module The heads' matmul against the engine's naive reference (float64, random shapes including the unrolled tails). */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import * as ref from "../../engine/reference/matmul.js";
import { mulberry32 } from "../../engine/rng.js";
import { matmulBackward, matmulForward } from "./matmul.js";

const rand = (n: number, seed: number) => {
  const r = mulberry32(seed);
  return Float64Array.from({ length: n }, () => 2 * r() - 1);
};
const close = (a: Float64Array, b: Float64Array) => a.forEach((x, i) => expect(x).toBeCloseTo(b[i]!, 10));

describe("head matmul = reference matmul", () => {
  it("forward and backward (fast-check)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 10 }), fc.integer({ min: 1, max: 6 }), fc.integer(), fc.boolean(), (BT, C, OC, seed, withBias) => {
        const inp = rand(BT * C, seed);
        const w = rand(OC * C, seed + 1);
        const b = withBias ? rand(OC, seed + 2) : null;
        const dout = rand(BT * OC, seed + 3);
        dout[0] = 0; // a zero row entry takes the skip path
        const [o1, o2] = [new Float64Array(BT * OC), new Float64Array(BT * OC)];
        matmulForward(o1, inp, w, b, BT, C, OC);
        ref.matmulForward(o2, inp, w, b, BT, C, OC);
        close(o1, o2);
        const g = () => ({ dinp: rand(BT * C, seed + 4), dw: rand(OC * C, seed + 5), db: rand(OC, seed + 6) }); // accumulate onto non-zero
        const [x, y] = [g(), g()];
        matmulBackward(x.dinp, x.dw, withBias ? x.db : null, dout, inp, w, BT, C, OC);
        ref.matmulBackward(y.dinp, y.dw, withBias ? y.db : null, dout, inp, w, BT, C, OC);
        close(x.dinp, y.dinp);
        close(x.dw, y.dw);
        close(x.db, y.db);
        const z = g();
        matmulBackward(null, z.dw, null, dout, inp, w, BT, C, OC);
        close(z.dw, y.dw);
      }),
      { numRuns: 150 },
    );
  });
});
