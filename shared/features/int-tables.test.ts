// The typed-array hash tables against a Map, under random inserts, overwrites and growth.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PairTable, QuadTable, U32SlotTable, U32Table } from "./int-tables.js";

const u32 = fc.integer({ min: 0, max: 0xffffffff });
// a small key space too, so that overwrites and probe collisions happen often
const key = fc.oneof(u32, fc.integer({ min: 0, max: 40 }));
const value = fc.integer({ min: 0, max: 0x3fffffff });

describe("U32SlotTable", () => {
  it("finds every key with its value and keeps the caller words through growth", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(key, value, fc.integer({ min: -5, max: 5 })), { maxLength: 400 }), fc.integer({ min: 1, max: 64 }), (ops, capacity) => {
        const t = new U32SlotTable(capacity);
        const want = new Map<number, { value: number; word: number | null }>();
        for (const [k, v, w] of ops) {
          t.set(k, v);
          const prev = want.get(k);
          want.set(k, { value: v, word: prev?.word ?? null });
          if (w > 0) {
            // write the caller words, then grow the table by more keys than it has room for
            const at = t.find(k);
            t.slots[at + 2] = w;
            t.slots[at + 3] = -w;
            want.get(k)!.word = w;
          }
        }
        expect(t.size).toBe(want.size);
        for (const [k, { value: v, word }] of want) {
          const at = t.find(k);
          expect(at).toBeGreaterThanOrEqual(0);
          expect(t.get(k)).toBe(v);
          expect(t.slots[at + 1]).toBe(v);
          expect(t.slots[at + 2]).toBe(word ?? U32SlotTable.NO_DATA);
          expect(t.slots[at + 3]).toBe(word === null ? U32SlotTable.NO_DATA : -word);
        }
        for (const [k] of ops.slice(0, 20)) if (!want.has((k + 1) >>> 0)) expect(t.find((k + 1) >>> 0)).toBe(-1);
      }),
      { numRuns: 200 },
    );
  });

  it("keeps offsets valid through as many insertions as it reserved", () => {
    const t = new U32SlotTable(4);
    for (let k = 0; k < 100; k++) t.set(k * 7919, k);
    t.reserve(512);
    const slots = t.slots;
    const at = t.find(7919 * 3);
    for (let k = 100; k < 612; k++) t.set(k * 7919, k);
    expect(t.slots).toBe(slots); // no growth: the same array, so `at` still points at key 3
    expect(t.slots[at]).toBe((7919 * 3) | 0);
    expect(t.slots[at + 1]).toBe(3);
    t.set(612 * 7919, 612); // past the reservation it may grow; every key is still found
    for (let k = 0; k <= 612; k++) expect(t.get(k * 7919)).toBe(k);
  });
});

describe("U32Table, PairTable and QuadTable", () => {
  it("agree with a Map", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(key, key, value), { maxLength: 300 }), (ops) => {
        const one = new U32Table();
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
