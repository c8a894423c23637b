/** @module Hidden-state frame tests: the common case suite (float32 and float16), golden layout, value rules. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { expectWireError, fixLength, runCodecCases } from "./codec.case.js";
import { HEADER_BYTES, HIDDEN_FORMAT } from "./header.js";
import {
  buildHiddenFrame,
  decodeHiddenFrame,
  encodeHiddenFrame,
  HIDDEN_FLAG_FLOAT16,
  type HiddenDType,
  type HiddenFrame,
  hiddenEntries,
  hiddenFrameFromJSON,
  hiddenFrameToJSON,
  MAX_HIDDEN_DIM,
} from "./hidden.js";
import { roundToFloat16 } from "./float16.js";
import { hiddenFrameArb } from "./testkit.js";

function sampleFrame(dtype: HiddenDType): HiddenFrame {
  const dim = 5;
  const row = (k: number) => Float32Array.from({ length: dim }, (_, j) => roundToFloat16((j - 2) * 0.375 + k));
  return buildHiddenFrame(
    [
      { tenant: "acme", node: "10.0.0.1", minute: 29_000_000, values: row(0) },
      { tenant: "acme", node: "10.0.0.2", minute: 29_000_000, values: row(1) },
      { tenant: "beta", node: "2001:db8::1", minute: 29_000_001, values: row(-100) },
    ],
    dim,
    dtype,
  );
}

for (const dtype of ["float32", "float16"] as const) {
  runCodecCases<HiddenFrame>({
    format: HIDDEN_FORMAT,
    label: dtype,
    arbitrary: hiddenFrameArb.filter((f) => f.dtype === dtype),
    sample: sampleFrame(dtype),
    encode: (v, schemaHash) => encodeHiddenFrame(v, { schemaHash }),
    decode: decodeHiddenFrame,
    toJSON: (v, schemaHash) => hiddenFrameToJSON(v, { schemaHash }),
    fromJSON: hiddenFrameFromJSON,
    fuzzRuns: 1500,
  });
}

const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");

describe("hidden-state frames", () => {
  it("has a fixed byte layout (golden, both dtypes)", () => {
    const entry = { tenant: "t", node: "n", minute: 7, values: Float32Array.from([1, -2]) };
    const keys = ["01000000", "0100", "74", "01000000", "0100", "6e"].join("");
    const columns = ["01000000", "0000", "00000000", "07000000"].join(""); // N=1, tenant, node, minute
    const f32 = encodeHiddenFrame(buildHiddenFrame([entry], 2, "float32"), { schemaHash: 0x0102_0304 });
    expect(hex(f32)).toBe(["4e464748", "0100", "0000", "04030201", "28000000", keys, "02000000", columns, "0000803f", "000000c0"].join(""));
    const f16 = encodeHiddenFrame(buildHiddenFrame([entry], 2, "float16"), { schemaHash: 0x0102_0304 });
    expect(hex(f16)).toBe(["4e464748", "0100", "0100", "04030201", "24000000", keys, "02000000", columns, "003c", "00c0"].join(""));
    expect(new DataView(f16.buffer).getUint16(6, true)).toBe(HIDDEN_FLAG_FLOAT16);
  });

  it("float16 encoding rounds to nearest-even halves and decodes to float32", () => {
    fc.assert(
      fc.property(hiddenFrameArb.filter((f) => f.dtype === "float32" && f.values.every((x) => Math.abs(x) < 65504)), (frame) => {
        const half: HiddenFrame = { ...frame, dtype: "float16" };
        const back = decodeHiddenFrame(encodeHiddenFrame(half));
        expect(back.dtype).toBe("float16");
        expect(back.values).toEqual(Float32Array.from(frame.values, roundToFloat16));
        expect(hiddenFrameFromJSON(hiddenFrameToJSON(half))).toEqual(back);
      }),
      { numRuns: 200 },
    );
  });

  it("rejects non-finite values and float16 overflow", () => {
    const base = sampleFrame("float32");
    for (const bad of [Number.NaN, Infinity, -Infinity]) {
      const values = base.values.slice();
      values[3] = bad;
      expectWireError(() => encodeHiddenFrame({ ...base, values }), "invalid_value");
      expectWireError(() => hiddenFrameToJSON({ ...base, values }), "invalid_value");
    }
    const big = base.values.slice();
    big[0] = 65520; // rounds to Infinity as a half
    expect(() => encodeHiddenFrame({ ...base, values: big })).not.toThrow();
    expectWireError(() => encodeHiddenFrame({ ...base, dtype: "float16", values: big }), "invalid_value");
    big[0] = 65519; // rounds to 65504
    expect(decodeHiddenFrame(encodeHiddenFrame({ ...base, dtype: "float16", values: big })).values[0]).toBe(65504);

    // NaN / Infinity bit patterns on the wire
    for (const [dtype, pattern] of [["float32", [0x00, 0x00, 0xc0, 0x7f]], ["float32", [0x00, 0x00, 0x80, 0xff]], ["float16", [0x00, 0x7c]], ["float16", [0x01, 0xfe]]] as const) {
      const bytes = encodeHiddenFrame(sampleFrame(dtype));
      bytes.set(pattern, bytes.length - pattern.length);
      expectWireError(() => decodeHiddenFrame(bytes), "invalid_value");
    }
    const json = hiddenFrameToJSON(base);
    const withH = (h: unknown[]) => ({ ...json, entries: [{ ...json.entries[0]!, h }] });
    expectWireError(() => hiddenFrameFromJSON(withH([1, 2, 3, 4, 1e39])), "invalid_value"); // float32 overflow
    expectWireError(() => hiddenFrameFromJSON(withH([1, 2, 3, 4, "5"])), "invalid_value");
    expectWireError(() => hiddenFrameFromJSON(withH([1, 2, 3, 4])), "invalid_value"); // dim mismatch
    expectWireError(() => hiddenFrameFromJSON({ ...hiddenFrameToJSON(sampleFrame("float16")), entries: [{ ...json.entries[0]!, h: [1, 2, 3, 4, 70000] }] }), "invalid_value");
    expectWireError(() => hiddenFrameFromJSON({ ...json, dtype: "bfloat16" }), "invalid_value");
  });

  it("rejects dims outside 1..8192 and mismatched value arrays", () => {
    const base = sampleFrame("float32");
    for (const dim of [0, MAX_HIDDEN_DIM + 1, 1.5]) {
      expectWireError(() => buildHiddenFrame([], dim), "invalid_value");
      expectWireError(() => encodeHiddenFrame({ ...base, dim }), "invalid_value");
    }
    expectWireError(() => encodeHiddenFrame({ ...base, values: base.values.subarray(1) }), "invalid_value");
    expectWireError(() => encodeHiddenFrame({ ...base, dtype: "float64" as HiddenDType }), "invalid_value");
    const bytes = encodeHiddenFrame(base);
    const dimAt = HEADER_BYTES + (4 + 6 + 6) + (4 + 10 + 10 + 13);
    expect(new DataView(bytes.buffer).getUint32(dimAt, true)).toBe(5);
    for (const dim of [0, MAX_HIDDEN_DIM + 1, 0xffff_ffff]) {
      const b = bytes.slice();
      new DataView(b.buffer).setUint32(dimAt, dim, true);
      expectWireError(() => decodeHiddenFrame(b), "invalid_value");
    }
    const b = bytes.slice();
    new DataView(b.buffer).setUint32(dimAt, 4, true); // consistent dim but wrong payload size
    expectWireError(() => decodeHiddenFrame(b), "length_mismatch");
    expectWireError(() => decodeHiddenFrame(fixLength(bytes.subarray(0, bytes.length - 1))), "truncated");
  });

  it("fails fast on counts that the payload cannot hold", () => {
    const empty = encodeHiddenFrame(buildHiddenFrame([], MAX_HIDDEN_DIM));
    expect(empty.length).toBe(HEADER_BYTES + 16);
    for (const offset of [HEADER_BYTES + 4, HEADER_BYTES + 12]) {
      const b = empty.slice();
      new DataView(b.buffer).setUint32(offset, 0xffff_ffff, true);
      expectWireError(() => decodeHiddenFrame(b), "truncated");
    }
  });

  it("converts between row and columnar forms", () => {
    const f = sampleFrame("float32");
    expect(buildHiddenFrame(hiddenEntries(f), f.dim, f.dtype)).toEqual(f);
    expect(hiddenEntries(f)[2]!.node).toBe("2001:db8::1");
  });

  it("round-trips 2k node-minutes of dim 128 in both dtypes", () => {
    const n = 2000;
    const dim = 128;
    const values = Float32Array.from({ length: n * dim }, (_, i) => Math.sin(i) * 3);
    const frame = buildHiddenFrame(
      Array.from({ length: n }, (_, i) => ({ tenant: "acme", node: `10.1.${i >> 8}.${i & 255}`, minute: 29_000_000, values: values.subarray(i * dim, (i + 1) * dim) })),
      dim,
    );
    for (const dtype of ["float32", "float16"] as const) {
      const bytes = encodeHiddenFrame({ ...frame, dtype });
      const back = decodeHiddenFrame(bytes);
      expect(back.values.length).toBe(n * dim);
      if (dtype === "float32") expect(Buffer.from(back.values.buffer).equals(Buffer.from(values.buffer))).toBe(true);
      else expect(Math.abs(back.values[12345]! - values[12345]!)).toBeLessThan(2e-3);
    }
  });
});
