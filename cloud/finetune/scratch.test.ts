// The from-scratch baseline's held-out split: stratified, disjoint, seeded, and apart from the training stream.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { holdoutSplit } from "./scratch.js";

describe("holdoutSplit", () => {
  it("holds out round(fraction · n) of each class, disjoint from the rest, in the input's order", () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { maxLength: 80 }), fc.double({ min: 0, max: 0.9, noNaN: true }), fc.nat(1000), (labels, fraction, seed) => {
        const idx = labels.map((_, n) => 3 * n + 1);
        const labelOf = (n: number) => (labels[(n - 1) / 3] ? 1 : 0);
        const { fit, heldOut } = holdoutSplit(idx, labelOf, fraction, seed);
        expect([...fit, ...heldOut].sort((a, b) => a - b)).toEqual(idx);
        for (const c of [0, 1]) expect(heldOut.filter((n) => labelOf(n) === c).length).toBe(Math.round(fraction * idx.filter((n) => labelOf(n) === c).length));
        const inOrder = (xs: number[]) => xs.every((x, i) => i === 0 || xs[i - 1]! < x);
        expect(inOrder(fit) && inOrder(heldOut)).toBe(true);
        expect(holdoutSplit(idx, labelOf, fraction, seed)).toEqual({ fit, heldOut });
      }),
    );
  });

  it("draws different examples for different seeds, and refuses a fraction outside [0, 1)", () => {
    const idx = Array.from({ length: 100 }, (_, n) => n);
    const a = holdoutSplit(idx, (n) => n % 2, 0.2, 1).heldOut;
    const b = holdoutSplit(idx, (n) => n % 2, 0.2, 2).heldOut;
    expect(a).toHaveLength(20);
    expect(a).not.toEqual(b);
    expect(() => holdoutSplit(idx, () => 0, 1, 0)).toThrow(RangeError);
    expect(() => holdoutSplit(idx, () => 0, -0.1, 0)).toThrow(RangeError);
  });
});
