// The typed-array hash tables against a Map, under random inserts, overwrites and growth.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PairTable, QuadTable, U32Table } from "./int-tables.js";

const u32 = fc.integer({ min: 0, max: 0xffffffff });
// a small key space too, so that overwrites and probe collisions happen often
const key = fc.oneof(u32, fc.integer({ min: 0, max: 40 }));
const value = fc.integer({ min: 0, max: 0x3fffffff });

describe("U32Table, PairTable and QuadTable", () => {
  it("agree with a Map", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(key, key, value), { maxLength: 300 }), fc.integer({ min: 1, max: 64 }), (ops, capacity) => {
        const one = new U32Table(capacity);
        const pair = new PairTable();
        const quad = new QuadTable();
        const want1 = new Map<number, number>();
        const want2 = new Map<string, number>();
        for (const [a, b, v] of ops) {
          one.set(a, v);
          want1.set(a, v);
          pair.set(a | 0, b | 0, v);
          quad.set(a, b, a ^ b, 7, v);
          want2.set(`${a | 0},${b | 0}`, v);
        }
        for (const [a, v] of want1) expect(one.get(a)).toBe(v);
        expect(one.size).toBe(want1.size);
        for (const [a] of ops.slice(0, 20)) if (!want1.has((a + 1) >>> 0)) expect(one.get((a + 1) >>> 0)).toBe(-1);
        for (const [a, b] of ops) {
          const v = want2.get(`${a | 0},${b | 0}`)!;
          expect(pair.get(a | 0, b | 0)).toBe(v);
          expect(quad.get(a, b, a ^ b, 7)).toBe(v);
        }
        expect(one.get(0xdeadbeef)).toBe(want1.get(0xdeadbeef) ?? -1);
      }),
      { numRuns: 200 },
    );
  });
});
