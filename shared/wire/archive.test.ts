/** @module Minute archive tests: the common case suite, golden layout, column encodings, exactness, mask rules, limits. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { NodeMinute } from "../features/aggregate.js";
import { FEATURE_COUNT } from "../features/catalogue.js";
import {
  ARCHIVE_COLUMN_DENSE,
  ARCHIVE_COLUMN_SPARSE,
  ARCHIVE_COLUMN_UNAVAILABLE,
  ARCHIVE_COLUMN_ZERO,
  ARCHIVE_FLAG_UNAVAILABLE,
  type ArchiveRow,
  archiveRows,
  decodeMinuteArchive,
  encodeMinuteArchive,
  type MinuteArchive,
  minuteArchiveFromJSON,
  minuteArchiveFromNodeMinutes,
  minuteArchiveToJSON,
} from "./archive.js";
import { expectSame, expectWireError, fixLength, runCodecCases } from "./codec.case.js";
import { HEADER_BYTES, MINUTE_ARCHIVE_FORMAT } from "./header.js";
import { isValidKey } from "./strings.js";
import { minuteArb, nodeArb, tenantArb } from "./testkit.js";

const F = FEATURE_COUNT;

function row(node: string, customer: string, minute: number, values: Record<number, number>, unavailable?: number[]): ArchiveRow {
  const counters = new Float64Array(F);
  for (const [f, x] of Object.entries(values)) counters[Number(f)] = x;
  const out: ArchiveRow = { node, customer, minute, counters };
  if (unavailable !== undefined) {
    out.unavailable = new Uint8Array(F);
    for (const f of unavailable) out.unavailable[f] = 1;
  }
  return out;
}

/** Non-zero counter values: integers, fractions from minute splitting, and float64 extremes. */
const counterArb = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: 1, max: 2_000_000_000 }) },
  { weight: 3, arbitrary: fc.double({ min: Number.MIN_VALUE, max: 1e12, noNaN: true }) },
  { weight: 1, arbitrary: fc.double({ min: Number.MIN_VALUE, noNaN: true, noDefaultInfinity: true }) },
  { weight: 1, arbitrary: fc.constantFrom(Number.MIN_VALUE, 2.2250738585072014e-308, Number.MAX_VALUE, 1 / 3, 0.1, 2 ** 53 + 2, 1e-300) },
);
const customerArb = fc.oneof(fc.constantFrom("default", "acme-corp", "\u00e9t\u00e9"), fc.string({ unit: "binary", minLength: 1, maxLength: 8 }).filter(isValidKey));

/** Chunks whose feature columns are all-zero, sparse or dense, with or without a mask. */
const archiveArb: fc.Arbitrary<MinuteArchive> = fc
  .record({
    tenant: tenantArb,
    shard: fc.oneof(fc.integer({ min: 0, max: 0xffff_ffff }), fc.constantFrom(0, 0xffff_ffff)),
    mask: fc.boolean(),
    n: fc.integer({ min: 0, max: 10 }),
  })
  .chain(({ tenant, shard, mask, n }) =>
    fc
      .record({
        keys: fc.array(fc.record({ node: nodeArb, customer: customerArb, minute: minuteArb }), { minLength: n, maxLength: n }),
        kinds: fc.array(fc.constantFrom("zero", "sparse", "dense"), { minLength: F, maxLength: F }),
        cells: fc.array(fc.tuple(counterArb, fc.integer({ min: 0, max: 99 })), { minLength: n * F, maxLength: n * F }),
        maskedFeatures: fc.uniqueArray(fc.integer({ min: 0, max: F - 1 }), { maxLength: 6 }),
      })
      .map(({ keys, kinds, cells, maskedFeatures }) => {
        const rows: ArchiveRow[] = keys.map((k, i) => {
          const counters = new Float64Array(F);
          const unavailable = new Uint8Array(F);
          for (let f = 0; f < F; f++) {
            const [x, dice] = cells[i * F + f]!;
            if (mask && maskedFeatures.includes(f) && dice >= 50) unavailable[f] = 1;
            else if (kinds[f] === "dense" ? dice >= 10 : kinds[f] === "sparse" ? dice < 15 : false) counters[f] = x;
          }
          return { ...k, counters, unavailable };
        });
        return minuteArchiveFromNodeMinutes(tenant, shard, mask ? rows : rows.map(({ unavailable: _, ...r }) => r), { unavailableMask: mask });
      }),
  );

/** Five rows: dense, sparse and all-zero columns, a fully and a partly unavailable feature, non-ASCII keys. */
const sample = minuteArchiveFromNodeMinutes(
  "acme \u00e9t\u00e9",
  3,
  [
    row("10.0.0.1", "default", 29_000_000, { 0: 120, 1: 96_000.5, 2: 1.25, 9: 3, 40: 1e-9 }, [84]),
    row("10.0.0.2", "default", 29_000_000, { 0: 7, 1: 700, 2: 2 / 3 }, [84, 85]),
    row("2001:db8::1", "gold", 29_000_000, { 0: 1, 1: 64, 2: 1, 85: 0 }, [84]),
    row("10.0.0.1", "default", 29_000_001, { 0: Number.MAX_VALUE, 1: Number.MIN_VALUE, 2: 1 }, [84]),
    row("10.0.0.2", "default", 0xffff_ffff, { 0: 2, 1: 128, 2: 0.5, 77: 4 }, [84]),
  ],
);

runCodecCases<MinuteArchive>({
  format: MINUTE_ARCHIVE_FORMAT,
  arbitrary: archiveArb,
  sample,
  encode: (v, schemaHash) => encodeMinuteArchive(v, { schemaHash }),
  decode: decodeMinuteArchive,
  toJSON: (v, schemaHash) => minuteArchiveToJSON(v, { schemaHash }),
  fromJSON: minuteArchiveFromJSON,
  fuzzRuns: 1500,
});

const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");

/**
 * The golden chunk: 3 rows of node "n", customer "c", minutes 1..3. Feature 0 is dense
 * (1, 2, 0.5), feature 1 sparse (row 2 = 1), feature 2 sparse (row 0 = 5) and unavailable in
 * row 1; features 3..85 are all zero.
 */
const golden = minuteArchiveFromNodeMinutes("t", 7, [
  row("n", "c", 1, { 0: 1, 2: 5 }, []),
  row("n", "c", 2, { 0: 2 }, [2]),
  row("n", "c", 3, { 0: 0.5, 1: 1 }, []),
]);
const FEATURES_AT = HEADER_BYTES + 3 + 4 + 7 + 7 + 4 + 36;
const F0_VALUES = FEATURES_AT + 1;
const F1_TAG = F0_VALUES + 24;
const F2_TAG = F1_TAG + 17;
const F3_TAG = F2_TAG + 18;

function patched(bytes: Uint8Array, edit: (b: Uint8Array, v: DataView) => void): Uint8Array {
  const b = bytes.slice();
  edit(b, new DataView(b.buffer));
  return b;
}

function tagsOf(bytes: Uint8Array): number[] {
  // Walks the feature columns of a decoded-valid frame (test helper; mirrors the decoder).
  const chunk = decodeMinuteArchive(bytes, { expectedSchemaHash: new DataView(bytes.buffer, bytes.byteOffset).getUint32(8, true) });
  const n = chunk.node.length;
  const v = new DataView(bytes.buffer, bytes.byteOffset);
  let at = HEADER_BYTES;
  at += 2 + v.getUint16(at, true) + 4;
  for (let t = 0; t < 2; t++) {
    const count = v.getUint32(at, true);
    at += 4;
    for (let i = 0; i < count; i++) at += 2 + v.getUint16(at, true);
  }
  at += 4 + 12 * n;
  const tags: number[] = [];
  for (let f = 0; f < F; f++) {
    const tag = bytes[at++]!;
    tags.push(tag);
    if (tag & ARCHIVE_COLUMN_UNAVAILABLE) at += Math.ceil(n / 8);
    if ((tag & 3) === ARCHIVE_COLUMN_DENSE) at += 8 * n;
    if ((tag & 3) === ARCHIVE_COLUMN_SPARSE) at += 4 + 12 * v.getUint32(at, true);
  }
  expect(at).toBe(bytes.length);
  return tags;
}

describe("minute archive chunks", () => {
  it("has a fixed byte layout (golden)", () => {
    const bytes = encodeMinuteArchive(golden, { schemaHash: 0x0102_0304 });
    expect(hex(bytes)).toBe(
      [
        "4e464741", // "NFGA"
        "0100", // version 1
        "0100", // flags: unavailable mask present
        "04030201", // schema hash
        "cc000000", // payload: 204 bytes
        "0100", "74", // tenant "t"
        "07000000", // shard 7
        "01000000", "0100", "6e", // nodes ["n"]
        "01000000", "0100", "63", // customers ["c"]
        "03000000", // 3 rows
        "00000000".repeat(3), // node index column
        "00000000".repeat(3), // customer index column
        "01000000", "02000000", "03000000", // minute column
        "01", "000000000000f03f", "0000000000000040", "000000000000e03f", // f0: dense 1, 2, 0.5
        "02", "01000000", "02000000", "000000000000f03f", // f1: sparse, 1 entry: row 2 = 1
        "06", "02", "01000000", "00000000", "0000000000001440", // f2: bitmap (row 1), sparse row 0 = 5
        "00".repeat(F - 3), // f3..f85: all zero
      ].join(""),
    );
    expect(bytes[F1_TAG]).toBe(ARCHIVE_COLUMN_SPARSE);
    expect(bytes[F2_TAG]).toBe(ARCHIVE_COLUMN_SPARSE | ARCHIVE_COLUMN_UNAVAILABLE);
    expectSame(decodeMinuteArchive(bytes, { expectedSchemaHash: 0x0102_0304 }), golden);
  });

  it("chooses all-zero, sparse (4 + 12K < 8N) or dense per feature column", () => {
    const n = 8;
    const rows = Array.from({ length: n }, (_, i) =>
      row(`10.0.0.${i}`, "c", 100, {
        0: i + 1, // dense: every row
        1: i < 4 ? 0.25 : 0, // 4 of 8: 4 + 48 = 52 < 64, sparse
        2: i < 5 ? 0.25 : 0, // 5 of 8: 4 + 60 = 64, not smaller, dense
        3: i === 7 ? 1e300 : 0, // 1 of 8: sparse
      }),
    );
    const bytes = encodeMinuteArchive(minuteArchiveFromNodeMinutes("t", 0, rows));
    const tags = tagsOf(bytes);
    expect(tags.slice(0, 5)).toEqual([ARCHIVE_COLUMN_DENSE, ARCHIVE_COLUMN_SPARSE, ARCHIVE_COLUMN_DENSE, ARCHIVE_COLUMN_SPARSE, ARCHIVE_COLUMN_ZERO]);
    expect(new DataView(bytes.buffer).getUint16(6, true)).toBe(0); // no mask
    expect(tags.every((t) => (t & ARCHIVE_COLUMN_UNAVAILABLE) === 0)).toBe(true);
    expect(bytes.length).toBe(HEADER_BYTES + 3 + 4 + (4 + 8 * 10) + (4 + 3) + 4 + 12 * n + F + 8 * n + 52 + 8 * n + 16);
  });

  it("round-trips float64 counters bit-exactly, dense and sparse, including subnormals and the extremes", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(counterArb, fc.boolean()), { minLength: 1, maxLength: 40 }), (cells) => {
        const rows = cells.map(([x, sparse], i) => row(`n${i}`, "c", i, { 0: x, 1: sparse && i % 5 === 0 ? x : 0 }));
        const chunk = minuteArchiveFromNodeMinutes("t", 1, rows);
        const back = decodeMinuteArchive(encodeMinuteArchive(chunk));
        expect(Buffer.from(back.counters.buffer).equals(Buffer.from(chunk.counters.buffer))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it("decodes from unaligned views and ArrayBuffers", () => {
    const bytes = encodeMinuteArchive(sample);
    for (const shift of [1, 3, 5, 7]) {
      const big = new Uint8Array(bytes.length + shift);
      big.set(bytes, shift);
      expectSame(decodeMinuteArchive(big.subarray(shift)), sample);
      expectSame(decodeMinuteArchive(new DataView(big.buffer, shift) as unknown as Uint8Array), sample);
    }
  });

  it("converts between NodeMinute rows and the columnar chunk, keeping row order", () => {
    fc.assert(
      fc.property(archiveArb, (chunk) => {
        const rows = archiveRows(chunk);
        expectSame(minuteArchiveFromNodeMinutes(chunk.tenant, chunk.shard, rows, { unavailableMask: chunk.unavailable !== undefined }), chunk);
        // Without the option the mask follows the rows: exact unless a masked chunk has no rows.
        if (rows.length > 0 || chunk.unavailable === undefined) expectSame(minuteArchiveFromNodeMinutes(chunk.tenant, chunk.shard, rows), chunk);
        rows.forEach((r, i) => {
          expect(r.minute).toBe(chunk.minute[i]);
          expect(r.unavailable !== undefined).toBe(chunk.unavailable !== undefined);
        });
      }),
      { numRuns: 100 },
    );
    const plain: NodeMinute[] = [row("b", "c", 5, { 0: 1 }), row("a", "c", 4, { 1: 2 }), row("b", "c", 4, {})];
    const chunk = minuteArchiveFromNodeMinutes("t", 0, plain);
    expect(chunk.nodes).toEqual(["b", "a"]);
    expect(Array.from(chunk.minute)).toEqual([5, 4, 4]);
    expect(chunk.unavailable).toBeUndefined();
    expect("unavailable" in decodeMinuteArchive(encodeMinuteArchive(chunk))).toBe(false);
    expect(archiveRows(chunk)).toEqual(plain);
  });

  it("turns -0 into 0 when building from rows, and rejects -0 in a chunk and on the wire", () => {
    const chunk = minuteArchiveFromNodeMinutes("t", 0, [row("n", "c", 1, { 0: -0, 3: 2 })]);
    expect(Object.is(chunk.counters[0], 0)).toBe(true);
    const bad = { ...chunk, counters: chunk.counters.slice() };
    bad.counters[0] = -0;
    expectWireError(() => encodeMinuteArchive(bad), "invalid_value");
    expectWireError(() => minuteArchiveToJSON(bad), "invalid_value");
    const bytes = encodeMinuteArchive(golden);
    expectWireError(() => decodeMinuteArchive(patched(bytes, (_, v) => v.setFloat64(F0_VALUES + 8, -0, true))), "invalid_value");
    const json = JSON.stringify(minuteArchiveToJSON(golden)).replace('"counters":[1,', '"counters":[-0,');
    expect(Object.is(minuteArchiveFromJSON(json).counters[0], 0)).toBe(true);
  });

  it("rejects negative, non-finite and out-of-order counter values on every path", () => {
    for (const x of [-1, -Number.MIN_VALUE, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      expectWireError(() => minuteArchiveFromNodeMinutes("t", 0, [row("n", "c", 1, { 5: x })]), "invalid_value");
      const bad = { ...golden, counters: golden.counters.slice() };
      bad.counters[F + 7] = x;
      expectWireError(() => encodeMinuteArchive(bad), "invalid_value");
      const bytes = encodeMinuteArchive(golden);
      expectWireError(() => decodeMinuteArchive(patched(bytes, (_, v) => v.setFloat64(F0_VALUES + 16, x, true))), "invalid_value"); // dense
      expectWireError(() => decodeMinuteArchive(patched(bytes, (_, v) => v.setFloat64(F1_TAG + 9, x, true))), "invalid_value"); // sparse
    }
    const bytes = encodeMinuteArchive(golden);
    // Sparse rows: out of range, and (with two entries) out of order / repeated.
    expectWireError(() => decodeMinuteArchive(patched(bytes, (_, v) => v.setUint32(F1_TAG + 5, 3, true))), "invalid_value");
    expectWireError(() => decodeMinuteArchive(patched(bytes, (_, v) => v.setUint32(F1_TAG + 1, 4, true))), "invalid_value"); // count > N
    const two = encodeMinuteArchive(minuteArchiveFromNodeMinutes("t", 0, [0, 1, 2, 3, 4, 5].map((i) => row("n", "c", i, { 0: i === 1 || i === 4 ? 9 : 0 }))));
    const at = two.length - (F - 1) - (1 + 4 + 8 + 16); // f0 (sparse, 2 entries) is the only non-empty column
    expect(two[at]).toBe(ARCHIVE_COLUMN_SPARSE);
    expect(decodeMinuteArchive(two).counters[4 * F]).toBe(9);
    for (const [first, second] of [[4, 1], [1, 1], [4, 4]]) {
      expectWireError(() => decodeMinuteArchive(patched(two, (_, v) => (v.setUint32(at + 5, first!, true), v.setUint32(at + 9, second!, true)))), "invalid_value");
    }
  });

  it("rejects unknown column tags, a bitmap without the mask flag and bitmap bits past the last row", () => {
    const bytes = encodeMinuteArchive(golden);
    for (const tag of [0x03, 0x07, 0x08, 0x10, 0x80]) {
      expectWireError(() => decodeMinuteArchive(patched(bytes, (b) => (b[F3_TAG] = tag))), "invalid_value"); // f3's tag
    }
    expectWireError(() => decodeMinuteArchive(patched(bytes, (_, v) => v.setUint16(6, 0, true))), "invalid_value");
    expectWireError(() => decodeMinuteArchive(patched(bytes, (b) => (b[F2_TAG + 1] = 0x0a))), "invalid_value"); // row 3 of 3
    expectWireError(() => decodeMinuteArchive(patched(bytes, (b) => (b[F2_TAG + 1] = 0x82))), "invalid_value");
    // A bitmap that marks the row holding 5 unavailable: value must then be 0.
    expectWireError(() => decodeMinuteArchive(patched(bytes, (b) => (b[F2_TAG + 1] = 0x03))), "invalid_value");
    // An all-clear bitmap is valid (the encoder omits it, a reader accepts it).
    expect(decodeMinuteArchive(patched(bytes, (b) => (b[F2_TAG + 1] = 0))).unavailable!.every((m) => m === 0)).toBe(true);
  });

  it("keeps the mask exact: flags in {0, 1}, counters 0 where unavailable, presence preserved", () => {
    const back = decodeMinuteArchive(encodeMinuteArchive(golden));
    expect(back.unavailable![F + 2]).toBe(1);
    expect(back.unavailable!.reduce((a, b) => a + b, 0)).toBe(1);
    const maskedEmpty = minuteArchiveFromNodeMinutes("t", 0, [], { unavailableMask: true });
    const bytes = encodeMinuteArchive(maskedEmpty);
    expect(new DataView(bytes.buffer).getUint16(6, true)).toBe(ARCHIVE_FLAG_UNAVAILABLE);
    expect(decodeMinuteArchive(bytes).unavailable).toEqual(new Uint8Array(0));
    expect(minuteArchiveFromJSON(minuteArchiveToJSON(maskedEmpty)).unavailable).toEqual(new Uint8Array(0));
    // A fully unavailable feature costs one tag and N/8 bytes.
    const rows = Array.from({ length: 16 }, (_, i) => row(`n${i}`, "c", i, {}, [50]));
    const full = encodeMinuteArchive(minuteArchiveFromNodeMinutes("t", 0, rows));
    expect(tagsOf(full)[50]).toBe(ARCHIVE_COLUMN_UNAVAILABLE);
    expect(decodeMinuteArchive(full).unavailable!.filter((m, i) => m === 1 && i % F === 50).length).toBe(16);

    expectWireError(() => minuteArchiveFromNodeMinutes("t", 0, [row("n", "c", 1, { 4: 1 }, [4])]), "invalid_value");
    const bad = { ...golden, unavailable: golden.unavailable!.slice() };
    bad.unavailable[7] = 2;
    expectWireError(() => encodeMinuteArchive(bad), "invalid_value");
    bad.unavailable[7] = 1;
    expect(() => encodeMinuteArchive(bad)).not.toThrow();
    bad.unavailable[0] = 1; // counter 1 in row 0
    expectWireError(() => encodeMinuteArchive(bad), "invalid_value");
    expectWireError(() => encodeMinuteArchive({ ...golden, unavailable: new Uint8Array(5) }), "invalid_value");
    expectWireError(
      () => minuteArchiveFromNodeMinutes("t", 0, [row("n", "c", 1, {}, [1])], { unavailableMask: false }),
      "invalid_value",
    );
  });

  it("rejects bad keys, shards, minutes, indices and shapes", () => {
    for (const tenant of ["", "x".repeat(256), "\ud800", 5 as unknown as string]) {
      expectWireError(() => encodeMinuteArchive({ ...golden, tenant }), "invalid_value");
    }
    for (const shard of [-1, 2 ** 32, 1.5, Number.NaN]) {
      expectWireError(() => encodeMinuteArchive({ ...golden, shard }), "invalid_value");
      expectWireError(() => minuteArchiveFromNodeMinutes("t", shard, []), "invalid_value");
    }
    for (const minute of [-1, 2 ** 32, 1.5, Number.NaN]) expectWireError(() => minuteArchiveFromNodeMinutes("t", 0, [row("n", "c", minute, {})]), "invalid_value");
    expectWireError(() => minuteArchiveFromNodeMinutes("t", 0, [{ ...row("n", "c", 1, {}), counters: new Float64Array(85) }]), "invalid_value");
    expectWireError(() => minuteArchiveFromNodeMinutes("t", 0, [row("", "c", 1, {})]), "invalid_value");
    expectWireError(() => minuteArchiveFromNodeMinutes("t", 0, [row("n", "", 1, {})]), "invalid_value");
    expectWireError(() => encodeMinuteArchive({ ...golden, node: Uint32Array.of(0, 0, 1) }), "invalid_value");
    expectWireError(() => encodeMinuteArchive({ ...golden, customer: Uint32Array.of(0, 1, 0) }), "invalid_value");
    expectWireError(() => encodeMinuteArchive({ ...golden, minute: new Uint32Array(2) }), "invalid_value");
    expectWireError(() => encodeMinuteArchive({ ...golden, counters: new Float64Array(3 * F - 1) }), "invalid_value");
    expectWireError(() => encodeMinuteArchive({ ...golden, nodes: ["n", "n"] }), "invalid_value");
    expectWireError(() => encodeMinuteArchive({ ...golden, node: [0, 0, 0] as unknown as Uint32Array }), "invalid_value");
    expectWireError(() => encodeMinuteArchive(null as unknown as MinuteArchive), "invalid_value");

    const bytes = encodeMinuteArchive(golden);
    expectWireError(() => decodeMinuteArchive(patched(bytes, (_, v) => v.setUint32(FEATURES_AT - 36 + 8, 1, true))), "invalid_value"); // node index
    expectWireError(() => decodeMinuteArchive(patched(bytes, (_, v) => v.setUint32(FEATURES_AT - 24, 1, true))), "invalid_value"); // customer index
    expectWireError(() => decodeMinuteArchive(patched(bytes, (b) => (b[HEADER_BYTES + 2] = 0xff))), "invalid_value"); // tenant UTF-8
    expectWireError(() => decodeMinuteArchive(patched(bytes, (_, v) => v.setUint16(HEADER_BYTES, 0, true))), "invalid_value"); // empty tenant
  });

  it("JSON: rejects bad rows, counters and unavailable lists", () => {
    const json = minuteArchiveToJSON(golden);
    expect(json.rows[1]!.unavailable).toEqual([2]);
    expect("unavailable" in json.rows[0]!).toBe(false);
    expect(json.unavailableMask).toBe(true);
    const withRow = (patch: Record<string, unknown>) => ({ ...json, rows: [{ ...json.rows[0]!, ...patch }] });
    const counters = json.rows[0]!.counters;
    for (const bad of [counters.slice(1), [...counters, 0], counters.map((x, f) => (f === 9 ? -1 : x)), counters.map((x, f) => (f === 9 ? "1" : x)), counters.map((x, f) => (f === 9 ? null : x))]) {
      expectWireError(() => minuteArchiveFromJSON(withRow({ counters: bad })), "invalid_value");
    }
    for (const unavailable of [[3, 2], [2, 2], [86], [-1], [1.5], "2", [0]]) {
      expectWireError(() => minuteArchiveFromJSON(withRow({ unavailable })), "invalid_value"); // [0]: counter 0 is 1
    }
    expectWireError(() => minuteArchiveFromJSON({ ...json, unavailableMask: false }), "invalid_value");
    expect(minuteArchiveFromJSON({ ...json, unavailableMask: false, rows: [json.rows[0]!] }).unavailable).toBeUndefined();
    for (const shard of [-1, 2 ** 32, 0.5, "1"]) expectWireError(() => minuteArchiveFromJSON({ ...json, shard }), "invalid_value");
    for (const tenant of ["", 1]) expectWireError(() => minuteArchiveFromJSON({ ...json, tenant }), "invalid_value");
    expectWireError(() => minuteArchiveFromJSON({ ...json, unavailableMask: undefined }), "invalid_value");
    expectWireError(() => minuteArchiveFromJSON(JSON.stringify(json).replace('"counters":[1,', '"counters":[1e400,')), "invalid_value");
  });

  it("enforces maxRows and fails fast on counts the payload cannot hold", () => {
    const bytes = encodeMinuteArchive(sample);
    expectWireError(() => decodeMinuteArchive(bytes, { maxRows: 4 }), "oversized");
    expect(decodeMinuteArchive(bytes, { maxRows: 5 }).node.length).toBe(5);
    expectWireError(() => minuteArchiveFromJSON(minuteArchiveToJSON(sample), { maxRows: 4 }), "oversized");
    const empty = encodeMinuteArchive(minuteArchiveFromNodeMinutes("t", 0, []));
    expect(empty.length).toBe(HEADER_BYTES + 3 + 4 + 4 + 4 + 4 + F);
    const count = (offset: number, value: number) => patched(empty, (_, v) => v.setUint32(offset, value, true));
    const rowsAt = HEADER_BYTES + 3 + 4 + 4 + 4;
    expectWireError(() => decodeMinuteArchive(count(rowsAt, 0xffff_ffff)), "oversized");
    expectWireError(() => decodeMinuteArchive(count(rowsAt, 0xffff_ffff), { maxRows: Number.POSITIVE_INFINITY }), "truncated");
    expectWireError(() => decodeMinuteArchive(count(rowsAt, 1000)), "truncated");
    expectWireError(() => decodeMinuteArchive(count(rowsAt, 1)), "truncated");
    expectWireError(() => decodeMinuteArchive(count(HEADER_BYTES + 3 + 4, 0xffff_ffff)), "truncated"); // node strings
    expectWireError(() => decodeMinuteArchive(count(HEADER_BYTES + 3 + 4 + 4, 0xffff_ffff)), "truncated"); // customer strings
    // An all-zero column turned dense: its 24 value bytes eat the later tags.
    expectWireError(() => decodeMinuteArchive(patched(encodeMinuteArchive(golden), (b) => (b[F3_TAG] = ARCHIVE_COLUMN_DENSE))), "truncated");
  });

  it("a trailing byte after the columns is length_mismatch, a missing one truncated", () => {
    const bytes = encodeMinuteArchive(sample);
    expectWireError(() => decodeMinuteArchive(fixLength(Uint8Array.from([...bytes, 0]))), "length_mismatch");
    expectWireError(() => decodeMinuteArchive(fixLength(bytes.subarray(0, bytes.length - 1))), "truncated");
  });

  it("round-trips 20k realistic node-minutes byte-exactly, far smaller than dense float64", () => {
    const n = 20_000;
    const rows: ArchiveRow[] = [];
    for (let i = 0; i < n; i++) {
      const split = 1 + (i % 7) / 7; // fractional counters from minute splitting
      const values: Record<number, number> = { 0: 10 * split, 1: 1500 * split, 2: split, 3: 5, 4: 320, 5: 1, 12: 10 * split, 13: 1500 * split, 14: split };
      if (i % 50 === 0) Object.assign(values, { 36: 3, 37: 200, 38: 0.5, 78: 0.25 });
      rows.push(row(`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, `c${i % 3}`, 29_000_000 + (i % 5), values, i % 1000 === 0 ? [80] : []));
    }
    const chunk = minuteArchiveFromNodeMinutes("acme", 12, rows);
    const bytes = encodeMinuteArchive(chunk);
    const back = decodeMinuteArchive(bytes);
    expect(Buffer.from(back.counters.buffer).equals(Buffer.from(chunk.counters.buffer))).toBe(true);
    expect(Buffer.from(encodeMinuteArchive(back)).equals(Buffer.from(bytes))).toBe(true);
    expect(back.unavailable!.reduce((a, b) => a + b, 0)).toBe(20);
    // keys 12 + node string <= 13 + 9 dense features, then 4 sparse features of 400 entries and one bitmap
    expect(bytes.length).toBeLessThanOrEqual(n * (12 + 13 + 9 * 8) + 4 * (4 + 12 * 400) + Math.ceil(n / 8) + 300);
    expect(bytes.length).toBeLessThan(n * F * 8 * 0.15);
  });
});
