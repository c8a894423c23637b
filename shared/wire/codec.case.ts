/** @module One case suite run against every binary + JSON wire format (round trips, rejections, fuzz). */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FEATURE_SCHEMA_HASH } from "../features/catalogue.js";
import { WireFormatError, type WireErrorCode } from "./errors.js";
import { type DecodeOptions, type FormatId, HEADER_BYTES, magicU32 } from "./header.js";
import type { JsonDecodeOptions } from "./json.js";

export interface CodecCase<T> {
  readonly format: FormatId;
  /** Distinguishes several suites of one format (e.g. its float16 variant). */
  readonly label?: string;
  readonly arbitrary: fc.Arbitrary<T>;
  /** A fixed, non-trivial valid value (prefix and mutation tests run on its encoding). */
  readonly sample: T;
  /** Encodes `value` carrying `schemaHash` (default: this build's). */
  encode(value: T, schemaHash?: number): Uint8Array;
  decode(bytes: Uint8Array, options?: DecodeOptions): T;
  toJSON(value: T, schemaHash?: number): unknown;
  fromJSON(input: unknown, options?: JsonDecodeOptions): T;
  /** Code expected when one byte is appended to the payload and the header length is fixed up. */
  readonly extraPayloadByteCode?: WireErrorCode;
  /** Runs per fuzz property (default 2000). */
  readonly fuzzRuns?: number;
}

/**
 * A structural copy with every typed array replaced by "Type:hex-of-its-bytes": comparing these is
 * bit-exact (NaN payloads, -0) and far faster than deep equality element by element.
 */
export function canon(value: unknown): unknown {
  if (ArrayBuffer.isView(value)) {
    return `${value.constructor.name}:${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("hex")}`;
  }
  if (Array.isArray(value)) return value.map(canon);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, canon(v)]));
  }
  return value;
}

/** Bit-exact structural equality (see `canon`). */
export function expectSame(actual: unknown, expected: unknown): void {
  expect(canon(actual)).toEqual(canon(expected));
}

/** Calls `fn`; passes when it returns or throws a WireFormatError, fails on any other throw. */
export function decodesOrWireError(fn: () => unknown): unknown {
  try {
    return fn();
  } catch (e) {
    if (e instanceof WireFormatError) return e;
    throw new Error(`expected WireFormatError, got ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`, { cause: e });
  }
}

export function expectWireError(fn: () => unknown, code: WireErrorCode): WireFormatError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught, `expected WireFormatError(${code})`).toBeInstanceOf(WireFormatError);
  expect((caught as WireFormatError).code, (caught as Error).message).toBe(code);
  return caught as WireFormatError;
}

/** Frame with its header's payload length rewritten to match its size. */
export function fixLength(bytes: Uint8Array): Uint8Array {
  const out = bytes.slice();
  if (out.length >= HEADER_BYTES) new DataView(out.buffer).setUint32(12, out.length - HEADER_BYTES, true);
  return out;
}

function patch(bytes: Uint8Array, edit: (v: DataView) => void): Uint8Array {
  const out = bytes.slice();
  edit(new DataView(out.buffer));
  return out;
}

const ALL_MAGICS = ["NFGT", "NFGH", "NFGS", "NFGC", "NFGM", "NFGA"];

/** A mutation of a frame: bit flips, u32 overwrites with extremes, insertions, deletions, truncation. */
function mutationArb(length: number) {
  const pos = fc.integer({ min: 0, max: Math.max(0, length - 1) });
  return fc.array(
    fc.oneof(
      fc.record({ kind: fc.constant("flip" as const), pos, bit: fc.integer({ min: 0, max: 7 }) }),
      fc.record({ kind: fc.constant("u32" as const), pos, value: fc.constantFrom(0, 1, 2, 9, 10, 255, 256, 0xffff, 0x1_0000, 0x7fff_ffff, 0xffff_ffff) }),
      fc.record({ kind: fc.constant("insert" as const), pos, bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
      fc.record({ kind: fc.constant("delete" as const), pos, count: fc.integer({ min: 1, max: 8 }) }),
      fc.record({ kind: fc.constant("truncate" as const), pos }),
    ),
    { minLength: 1, maxLength: 4 },
  );
}

type Mutation = ReturnType<typeof mutationArb> extends fc.Arbitrary<(infer M)[]> ? M : never;

function applyMutations(bytes: Uint8Array, mutations: readonly Mutation[]): Uint8Array {
  let out = bytes.slice();
  for (const m of mutations) {
    const p = Math.min(m.pos, Math.max(0, out.length - 1));
    switch (m.kind) {
      case "flip":
        if (out.length > 0) out[p]! ^= 1 << m.bit;
        break;
      case "u32":
        if (p + 4 <= out.length) new DataView(out.buffer, out.byteOffset).setUint32(p, m.value, true);
        break;
      case "insert": {
        const next = new Uint8Array(out.length + m.bytes.length);
        next.set(out.subarray(0, p));
        next.set(m.bytes, p);
        next.set(out.subarray(p), p + m.bytes.length);
        out = next;
        break;
      }
      case "delete":
        out = Uint8Array.from([...out.subarray(0, p), ...out.subarray(p + m.count)]);
        break;
      case "truncate":
        out = out.slice(0, p);
        break;
    }
  }
  return out;
}

export function runCodecCases<T>(c: CodecCase<T>): void {
  const { format } = c;
  const runs = c.fuzzRuns ?? 2000;
  const sampleBytes = c.encode(c.sample);

  describe(`${format.name} (${format.magic})${c.label ? ` ${c.label}` : ""} common cases`, () => {
    it("round-trips random values through binary", () => {
      fc.assert(
        fc.property(c.arbitrary, (v) => {
          const bytes = c.encode(v);
          expectSame(c.decode(bytes), v);
          // The decoder also takes ArrayBuffers and other views of the same bytes.
          expectSame(c.decode(bytes.buffer as unknown as Uint8Array), v);
        }),
        { numRuns: 200 },
      );
    });

    it("round-trips random values through JSON (value and text) and agrees with binary", () => {
      fc.assert(
        fc.property(c.arbitrary, (v) => {
          const json = c.toJSON(v);
          expectSame(c.fromJSON(json), v);
          expectSame(c.fromJSON(JSON.stringify(json)), v);
          expect(c.toJSON(c.decode(c.encode(v)))).toEqual(json);
        }),
        { numRuns: 200 },
      );
    });

    it("starts with the magic, version 1 and this build's schema hash", () => {
      const v = new DataView(sampleBytes.buffer, sampleBytes.byteOffset);
      expect(new TextDecoder().decode(sampleBytes.subarray(0, 4))).toBe(format.magic);
      expect(v.getUint32(0, true)).toBe(magicU32(format.magic));
      expect(v.getUint16(4, true)).toBe(format.version);
      expect(v.getUint32(8, true)).toBe(FEATURE_SCHEMA_HASH);
      expect(v.getUint32(12, true)).toBe(sampleBytes.length - HEADER_BYTES);
    });

    it("rejects every proper prefix of a valid frame as truncated", () => {
      expect(sampleBytes.length).toBeGreaterThan(HEADER_BYTES + 8);
      for (let n = 0; n < sampleBytes.length; n++) expectWireError(() => c.decode(sampleBytes.subarray(0, n)), "truncated");
    });

    it("rejects one extra byte (length_mismatch), also when the header length counts it", () => {
      const extra = new Uint8Array(sampleBytes.length + 1);
      extra.set(sampleBytes);
      expectWireError(() => c.decode(extra), "length_mismatch");
      expectWireError(() => c.decode(fixLength(extra)), c.extraPayloadByteCode ?? "length_mismatch");
    });

    it("rejects a wrong magic, including every other format's", () => {
      for (let i = 0; i < 4; i++) expectWireError(() => c.decode(patch(sampleBytes, (v) => v.setUint8(i, v.getUint8(i) ^ 0x20))), "bad_magic");
      for (const magic of ALL_MAGICS.filter((m) => m !== format.magic)) {
        expectWireError(() => c.decode(patch(sampleBytes, (v) => v.setUint32(0, magicU32(magic), true))), "bad_magic");
      }
    });

    it("rejects other versions", () => {
      for (const version of [0, format.version + 1, 0xffff]) {
        expectWireError(() => c.decode(patch(sampleBytes, (v) => v.setUint16(4, version, true))), "bad_version");
      }
    });

    it("rejects unknown flag bits", () => {
      expectWireError(() => c.decode(patch(sampleBytes, (v) => v.setUint16(6, 0x8000, true))), "invalid_value");
    });

    it("rejects another feature schema unless the caller expects it", () => {
      const other = (FEATURE_SCHEMA_HASH ^ 0x5a5a_5a5a) >>> 0;
      const bytes = c.encode(c.sample, other);
      expectWireError(() => c.decode(bytes), "wrong_schema");
      expect(() => c.decode(bytes, { expectedSchemaHash: other })).not.toThrow();
      expectWireError(() => c.decode(sampleBytes, { expectedSchemaHash: other }), "wrong_schema");
    });

    it("enforces the frame limit and the u32 payload length", () => {
      expectWireError(() => c.decode(sampleBytes, { maxFrameBytes: sampleBytes.length - 1 }), "oversized");
      expect(() => c.decode(sampleBytes, { maxFrameBytes: sampleBytes.length })).not.toThrow();
      const huge = patch(sampleBytes, (v) => v.setUint32(12, 0xffff_ffff, true));
      expectWireError(() => c.decode(huge), "oversized");
      expectWireError(() => c.decode(huge, { maxFrameBytes: Number.POSITIVE_INFINITY }), "truncated");
    });

    it("rejects inputs that are not bytes", () => {
      for (const bad of [null, undefined, "NFGT", 42, {}, [1, 2, 3]]) expectWireError(() => c.decode(bad as unknown as Uint8Array), "invalid_value");
    });

    it("fuzz: random bytes decode or throw WireFormatError", () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 256 }), (bytes) => {
          decodesOrWireError(() => c.decode(bytes));
        }),
        { numRuns: runs },
      );
    });

    it("fuzz: a valid header over a random payload decodes or throws WireFormatError", () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 512 }), fc.integer({ min: 0, max: 3 }), (payload, flags) => {
          const bytes = new Uint8Array(HEADER_BYTES + payload.length);
          bytes.set(sampleBytes.subarray(0, HEADER_BYTES));
          bytes.set(payload, HEADER_BYTES);
          const v = new DataView(bytes.buffer);
          v.setUint16(6, flags, true);
          v.setUint32(12, payload.length, true);
          decodesOrWireError(() => c.decode(bytes));
        }),
        { numRuns: runs },
      );
    });

    it("fuzz: mutated valid frames decode or throw WireFormatError, and what decodes re-encodes", () => {
      const framesArb = fc.oneof({ weight: 3, arbitrary: fc.constant(sampleBytes) }, { weight: 1, arbitrary: c.arbitrary.map((v) => c.encode(v)) });
      fc.assert(
        fc.property(
          framesArb.chain((bytes) => fc.tuple(fc.constant(bytes), mutationArb(bytes.length), fc.boolean())),
          ([bytes, mutations, fix]) => {
            const mutated = applyMutations(bytes, mutations);
            const input = fix ? fixLength(mutated) : mutated;
            const result = decodesOrWireError(() => c.decode(input));
            if (!(result instanceof WireFormatError)) expectSame(c.decode(c.encode(result as T)), result);
          },
        ),
        { numRuns: runs },
      );
    });

    it("JSON: rejects another format, version or schema, bad text and non-objects", () => {
      const json = c.toJSON(c.sample) as Record<string, unknown>;
      expectWireError(() => c.fromJSON({ ...json, format: "netflowgen.other" }), "bad_magic");
      expectWireError(() => c.fromJSON({ ...json, format: undefined }), "bad_magic");
      expectWireError(() => c.fromJSON({ ...json, version: 2 }), "bad_version");
      expectWireError(() => c.fromJSON({ ...json, version: "1" }), "bad_version");
      expectWireError(() => c.fromJSON({ ...json, schemaHash: "00000000" }), "wrong_schema");
      expectWireError(() => c.fromJSON({ ...json, schemaHash: "XYZ" }), "invalid_value");
      expectWireError(() => c.fromJSON({ ...json, unexpected: 1 }), "invalid_value");
      expectWireError(() => c.fromJSON(JSON.stringify(json).slice(0, -1)), "invalid_json");
      expectWireError(() => c.fromJSON(""), "invalid_json");
      for (const bad of [null, 1, [], true]) expectWireError(() => c.fromJSON(bad), "invalid_value");
      const other = (FEATURE_SCHEMA_HASH ^ 0x5a5a_5a5a) >>> 0;
      const otherJson = c.toJSON(c.sample, other);
      expectWireError(() => c.fromJSON(otherJson), "wrong_schema");
      expect(() => c.fromJSON(otherJson, { expectedSchemaHash: other })).not.toThrow();
    });

    it("fuzz: mutated JSON text and random JSON values parse or throw WireFormatError", () => {
      const text = JSON.stringify(c.toJSON(c.sample));
      const edit = fc.record({
        pos: fc.integer({ min: 0, max: text.length }),
        del: fc.integer({ min: 0, max: 6 }),
        ins: fc.constantFrom("", "0", "-1", "1e400", "9", "null", '"x"', "[", "]", "{", "}", ",", ":", "\\u0000", "\u{1F600}", "true"),
      });
      fc.assert(
        fc.property(fc.array(edit, { minLength: 1, maxLength: 3 }), (edits) => {
          let t = text;
          for (const e of edits) t = t.slice(0, e.pos) + e.ins + t.slice(e.pos + e.del);
          decodesOrWireError(() => c.fromJSON(t));
        }),
        { numRuns: Math.min(runs, 1000) },
      );
      fc.assert(
        fc.property(fc.jsonValue({ maxDepth: 3 }), (value) => {
          decodesOrWireError(() => c.fromJSON(value));
          decodesOrWireError(() => c.fromJSON({ ...(c.toJSON(c.sample) as object), entries: value, records: value, nodes: value }));
        }),
        { numRuns: 500 },
      );
    });
  });
}
