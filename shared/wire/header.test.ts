/** @module Common header tests: golden layout, magics, check order, error type, public exports. */
import { describe, expect, it } from "vitest";
import { FEATURE_SCHEMA_HASH } from "../features/catalogue.js";
import { expectWireError } from "./codec.case.js";
import { WireFormatError } from "./errors.js";
import {
  CUTOFFS_FORMAT,
  DEFAULT_MAX_FRAME_BYTES,
  frameWriter,
  HEADER_BYTES,
  HIDDEN_FORMAT,
  MANIFEST_FORMAT,
  MINUTE_ARCHIVE_FORMAT,
  magicU32,
  readHeader,
  SURVIVAL_FORMAT,
  TOKENS_FORMAT,
} from "./header.js";
import * as wire from "./index.js";

const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");

function frame(payload: number[], flags = 0, schemaHash = 0x0102_0304): Uint8Array {
  const w = frameWriter(TOKENS_FORMAT, flags, payload.length, { schemaHash });
  w.raw(Uint8Array.from(payload));
  return w.finish();
}

describe("common header", () => {
  it("has a fixed 16-byte little-endian layout (golden)", () => {
    expect(HEADER_BYTES).toBe(16);
    expect(hex(frame([0xaa, 0xbb, 0xcc], 0x0201, 0xdead_beef))).toBe(
      "4e464754" + "0100" + "0102" + "efbeadde" + "03000000" + "aabbcc",
    );
    expect(hex(frame([]))).toBe("4e464754" + "0100" + "0000" + "04030201" + "00000000");
  });

  it("names each format by a distinct 4-ASCII magic read in byte order", () => {
    const formats = [TOKENS_FORMAT, HIDDEN_FORMAT, SURVIVAL_FORMAT, CUTOFFS_FORMAT, MANIFEST_FORMAT, MINUTE_ARCHIVE_FORMAT];
    expect(formats.map((f) => f.magic)).toEqual(["NFGT", "NFGH", "NFGS", "NFGC", "NFGM", "NFGA"]);
    expect(new Set(formats.map((f) => magicU32(f.magic))).size).toBe(6);
    expect(new Set(formats.map((f) => f.name)).size).toBe(6);
    expect(magicU32("NFGT")).toBe(0x5447_464e);
    expect(formats.every((f) => f.version === 1)).toBe(true);
  });

  it("reads back what it writes, with a payload reader bounded to the payload", () => {
    const { header, payload } = readHeader(frame([1, 2, 3], 0x0001), TOKENS_FORMAT, 0x0001, { expectedSchemaHash: 0x0102_0304 });
    expect(header).toEqual({ magic: "NFGT", version: 1, flags: 1, schemaHash: 0x0102_0304, payloadBytes: 3 });
    expect(payload.remaining).toBe(3);
    expect([payload.u8("a"), payload.u8("b"), payload.u8("c")]).toEqual([1, 2, 3]);
    expectWireError(() => payload.u8("past the end"), "truncated");
  });

  it("checks magic, size, version, flags, schema and length in that order", () => {
    const ok = frame([1, 2, 3]);
    const opts = { expectedSchemaHash: 0x0102_0304 };
    expectWireError(() => readHeader(new Uint8Array(0), TOKENS_FORMAT, 0, opts), "truncated");
    expectWireError(() => readHeader(ok.subarray(0, 4), TOKENS_FORMAT, 0, opts), "truncated");
    expectWireError(() => readHeader(Uint8Array.from([0x4e, 0x46, 0x47, 0x48, 0, 0]), TOKENS_FORMAT, 0, opts), "bad_magic");
    expectWireError(() => readHeader(ok, HIDDEN_FORMAT, 0, opts), "bad_magic");
    expectWireError(() => readHeader(ok, TOKENS_FORMAT, 0, { ...opts, maxFrameBytes: 18 }), "oversized");
    expectWireError(() => readHeader(ok, TOKENS_FORMAT, 0), "wrong_schema");
    expectWireError(() => readHeader(frame([1], 0x0004), TOKENS_FORMAT, 0x0003, opts), "invalid_value");
    expect(() => readHeader(frame([1], 0x0003), TOKENS_FORMAT, 0x0003, opts)).not.toThrow();
    const big = ok.slice();
    new DataView(big.buffer).setUint32(12, DEFAULT_MAX_FRAME_BYTES, true);
    expectWireError(() => readHeader(big, TOKENS_FORMAT, 0, opts), "oversized");
    expectWireError(() => readHeader(big, TOKENS_FORMAT, 0, { ...opts, maxFrameBytes: 2 ** 40 }), "truncated");
    expectWireError(() => readHeader(Uint8Array.from([...ok, 0]), TOKENS_FORMAT, 0, opts), "length_mismatch");
    const shortLen = ok.slice();
    new DataView(shortLen.buffer).setUint32(12, 2, true);
    expectWireError(() => readHeader(shortLen, TOKENS_FORMAT, 0, opts), "length_mismatch");
  });

  it("accepts views at an offset of a larger buffer", () => {
    const ok = frame([9, 8, 7], 0, FEATURE_SCHEMA_HASH);
    const big = new Uint8Array(ok.length + 10);
    big.set(ok, 5);
    const { payload } = readHeader(big.subarray(5, 5 + ok.length), TOKENS_FORMAT, 0);
    expect(payload.u8("x")).toBe(9);
    expect(() => readHeader(new DataView(big.buffer, 5, ok.length), TOKENS_FORMAT, 0)).not.toThrow();
  });

  it("WireFormatError carries a code and is the only error type decoders throw", () => {
    const e = new WireFormatError("truncated", "short");
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe("WireFormatError");
    expect(e.code).toBe("truncated");
    expect(e.message).toBe("truncated: short");
    expect(wire.isWireFormatError(e)).toBe(true);
    expect(wire.isWireFormatError(new Error("x"))).toBe(false);
  });

  it("exports the public API from index", () => {
    for (const name of [
      "encodeTokenFrame", "decodeTokenFrame", "tokenFrameToJSON", "tokenFrameFromJSON", "buildTokenFrame", "tokenEntries",
      "encodeHiddenFrame", "decodeHiddenFrame", "hiddenFrameToJSON", "hiddenFrameFromJSON",
      "encodeSurvivalFrame", "decodeSurvivalFrame", "survivalFrameToJSON", "survivalFrameFromJSON",
      "encodeCutoffTable", "decodeCutoffTable", "cutoffTableToJSON", "cutoffTableFromJSON",
      "encodeManifest", "decodeManifest", "parseManifest", "makeManifest", "manifestToJSON",
      "toFloat16Bits", "fromFloat16Bits", "WireFormatError",
    ]) {
      expect(typeof (wire as Record<string, unknown>)[name], name).toBe("function");
    }
  });
});
