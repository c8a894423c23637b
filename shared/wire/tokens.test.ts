/** @module Token frame tests: the common case suite, golden layout, bin packing and rejection cases. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BIN_COUNT, FEATURE_COUNT } from "../features/catalogue.js";
import { expectWireError, fixLength, runCodecCases } from "./codec.case.js";
import { HEADER_BYTES, TOKENS_FORMAT } from "./header.js";
import { tokenFrameArb } from "./testkit.js";
import {
  buildTokenFrame,
  decodeTokenFrame,
  encodeTokenFrame,
  PACKED_BIN_BYTES,
  type TokenFrame,
  tokenEntries,
  tokenFrameFromJSON,
  tokenFrameToJSON,
} from "./tokens.js";

const binsOf = (fn: (f: number) => number) => Uint8Array.from({ length: FEATURE_COUNT }, (_, f) => fn(f));

const sample = buildTokenFrame([
  { tenant: "acme", node: "10.0.0.1", minute: 29_000_000, bins: binsOf((f) => f % BIN_COUNT) },
  { tenant: "acme", node: "2001:db8::1", minute: 29_000_000, bins: binsOf((f) => (f * 7) % BIN_COUNT) },
  { tenant: "\u00e9t\u00e9-\u{1F600}", node: "10.0.0.1", minute: 0xffff_ffff, bins: binsOf(() => 9) },
]);

runCodecCases<TokenFrame>({
  format: TOKENS_FORMAT,
  arbitrary: tokenFrameArb,
  sample,
  encode: (v, schemaHash) => encodeTokenFrame(v, { schemaHash }),
  decode: decodeTokenFrame,
  toJSON: (v, schemaHash) => tokenFrameToJSON(v, { schemaHash }),
  fromJSON: tokenFrameFromJSON,
});

const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");

/** Offsets inside `sample`'s encoding, derived from its layout. */
function sampleOffsets(bytes: Uint8Array) {
  const tables = 4 + (2 + 4) + (2 + 10) + 4 + (2 + 8) + (2 + 11); // tenants, then nodes
  const count = HEADER_BYTES + tables;
  const n = new DataView(bytes.buffer).getUint32(count, true);
  return { count, tenantIdx: count + 4, nodeIdx: count + 4 + 2 * n, minute: count + 4 + 6 * n, bins: count + 4 + 10 * n, n };
}

describe("token frames", () => {
  it("has a fixed byte layout (golden)", () => {
    const frame = buildTokenFrame([{ tenant: "t", node: "10.0.0.1", minute: 0x0102_0304, bins: binsOf((f) => f % 10) }]);
    const bytes = encodeTokenFrame(frame, { schemaHash: 0xdead_beef });
    const packed = "1032547698".repeat(8) + "103254";
    expect(packed.length).toBe(2 * PACKED_BIN_BYTES);
    expect(hex(bytes)).toBe(
      [
        "4e464754", // "NFGT"
        "0100", // version 1
        "0000", // flags
        "efbeadde", // schema hash 0xdeadbeef
        "4e000000", // payload: 78 bytes
        "01000000", "0100", "74", // tenants: ["t"]
        "01000000", "0800", "31302e302e302e31", // nodes: ["10.0.0.1"]
        "01000000", // 1 entry
        "0000", // tenant index column
        "00000000", // node index column
        "04030201", // minute column
        packed, // bins: feature 2j in the low nibble of byte j
      ].join(""),
    );
    expect(decodeTokenFrame(bytes, { expectedSchemaHash: 0xdead_beef })).toEqual(frame);
  });

  it("layout offsets of the sample are where the docs say", () => {
    const bytes = encodeTokenFrame(sample);
    const o = sampleOffsets(bytes);
    expect(o.n).toBe(3);
    expect(bytes.length).toBe(o.bins + 3 * PACKED_BIN_BYTES);
    const v = new DataView(bytes.buffer);
    expect([0, 1, 2].map((i) => v.getUint16(o.tenantIdx + 2 * i, true))).toEqual([0, 0, 1]);
    expect([0, 1, 2].map((i) => v.getUint32(o.nodeIdx + 4 * i, true))).toEqual([0, 1, 0]);
    expect([0, 1, 2].map((i) => v.getUint32(o.minute + 4 * i, true))).toEqual([29_000_000, 29_000_000, 0xffff_ffff]);
    expect(bytes[o.bins + 2 * PACKED_BIN_BYTES]).toBe(0x99);
  });

  it("converts between row and columnar forms", () => {
    fc.assert(
      fc.property(tokenFrameArb, (frame) => {
        expect(buildTokenFrame(tokenEntries(frame))).toEqual(frame);
      }),
      { numRuns: 100 },
    );
    const rows = tokenEntries(sample);
    expect(rows[2]).toEqual({ tenant: "\u00e9t\u00e9-\u{1F600}", node: "10.0.0.1", minute: 0xffff_ffff, bins: binsOf(() => 9) });
    expect(sample.tenants).toEqual(["acme", "\u00e9t\u00e9-\u{1F600}"]);
    expect(sample.nodes).toEqual(["10.0.0.1", "2001:db8::1"]);
  });

  it("rejects out-of-range bins in every form", () => {
    const bad = { ...sample, bins: sample.bins.slice() };
    bad.bins[5] = BIN_COUNT;
    expectWireError(() => encodeTokenFrame(bad), "invalid_value");
    expectWireError(() => tokenFrameToJSON(bad), "invalid_value");
    expectWireError(() => buildTokenFrame([{ tenant: "a", node: "b", minute: 0, bins: binsOf((f) => (f === 3 ? 10 : 0)) }]), "invalid_value");
    const bytes = encodeTokenFrame(sample);
    const o = sampleOffsets(bytes);
    for (const byte of [0x0a, 0xa0, 0xff, 0x0f, 0xf0]) {
      const b = bytes.slice();
      b[o.bins + 17] = byte;
      expectWireError(() => decodeTokenFrame(b), "invalid_value");
    }
    const json = tokenFrameToJSON(sample);
    const withBins = (bins: unknown[]) => ({ ...json, entries: [{ ...json.entries[0]!, bins }] });
    const base = Array.from(sample.bins.subarray(0, FEATURE_COUNT)) as unknown[];
    for (const v of [10, -1, 1.5, "1", null]) expectWireError(() => tokenFrameFromJSON(withBins(base.map((x, f) => (f === 40 ? v : x)))), "invalid_value");
    expectWireError(() => tokenFrameFromJSON(withBins(base.slice(1))), "invalid_value");
    expectWireError(() => tokenFrameFromJSON(withBins([...base, 0])), "invalid_value");
  });

  it("rejects bad indices, minutes, strings and column shapes", () => {
    const bytes = encodeTokenFrame(sample);
    const o = sampleOffsets(bytes);
    const v = (b: Uint8Array) => new DataView(b.buffer);
    let b = bytes.slice();
    v(b).setUint16(o.tenantIdx + 2, 2, true);
    expectWireError(() => decodeTokenFrame(b), "invalid_value");
    b = bytes.slice();
    v(b).setUint32(o.nodeIdx + 8, 2, true);
    expectWireError(() => decodeTokenFrame(b), "invalid_value");
    // duplicate node string: "2001:db8::1" -> "10.0.0.1\0\0\0" would change length; write a same-length duplicate instead
    const dup = encodeTokenFrame(buildTokenFrame([
      { tenant: "ab", node: "x", minute: 1, bins: binsOf(() => 0) },
      { tenant: "ac", node: "x", minute: 1, bins: binsOf(() => 0) },
    ]));
    const at = HEADER_BYTES + 4 + 2 + 2 + 2; // second tenant's bytes
    expect(String.fromCharCode(dup[at]!, dup[at + 1]!)).toBe("ac");
    dup[at + 1] = "b".charCodeAt(0);
    expectWireError(() => decodeTokenFrame(dup), "invalid_value");
    dup[at + 1] = 0xff; // invalid UTF-8
    expectWireError(() => decodeTokenFrame(dup), "invalid_value");
    dup[at - 2] = 0; // zero-length string
    expectWireError(() => decodeTokenFrame(dup), "invalid_value");

    const ok = { tenant: "a", node: "b", minute: 0, bins: binsOf(() => 0) };
    for (const minute of [-1, 2 ** 32, 1.5, Number.NaN]) expectWireError(() => buildTokenFrame([{ ...ok, minute }]), "invalid_value");
    for (const key of ["", "x".repeat(256), "\ud800"]) {
      expectWireError(() => encodeTokenFrame(buildTokenFrame([{ ...ok, node: key }])), "invalid_value");
      expectWireError(() => tokenFrameFromJSON({ ...tokenFrameToJSON(buildTokenFrame([ok])), entries: [{ ...ok, node: key, bins: Array.from(ok.bins) }] }), "invalid_value");
    }
    expect(() => encodeTokenFrame(buildTokenFrame([{ ...ok, node: "\u00e9".repeat(127) }]))).not.toThrow(); // 254 bytes
    expectWireError(() => encodeTokenFrame({ ...sample, tenant: new Uint16Array([0, 0, 5]) }), "invalid_value");
    expectWireError(() => encodeTokenFrame({ ...sample, minute: new Uint32Array(2) }), "invalid_value");
    expectWireError(() => encodeTokenFrame({ ...sample, bins: new Uint8Array(5) }), "invalid_value");
    expectWireError(() => encodeTokenFrame({ ...sample, tenants: ["acme", "acme"] }), "invalid_value");
  });

  it("fails fast on counts that the payload cannot hold (no huge allocation)", () => {
    const empty = encodeTokenFrame(buildTokenFrame([]));
    expect(empty.length).toBe(HEADER_BYTES + 12);
    const count = (offset: number, value: number) => {
      const b = empty.slice();
      new DataView(b.buffer).setUint32(offset, value, true);
      return b;
    };
    expectWireError(() => decodeTokenFrame(count(HEADER_BYTES + 8, 0xffff_ffff)), "truncated"); // entries
    expectWireError(() => decodeTokenFrame(count(HEADER_BYTES + 4, 0xffff_ffff)), "truncated"); // node strings
    expectWireError(() => decodeTokenFrame(count(HEADER_BYTES, 0xffff_ffff)), "oversized"); // tenant strings > 65536
    expectWireError(() => decodeTokenFrame(count(HEADER_BYTES, 0x1_0000)), "truncated");
    expectWireError(() => decodeTokenFrame(count(12, 0xffff_ffff)), "oversized"); // payload length
  });

  it("a trailing byte after the bins is length_mismatch, a missing one truncated", () => {
    const bytes = encodeTokenFrame(sample);
    expectWireError(() => decodeTokenFrame(fixLength(Uint8Array.from([...bytes, 0]))), "length_mismatch");
    expectWireError(() => decodeTokenFrame(fixLength(bytes.subarray(0, bytes.length - 1))), "truncated");
  });

  it("round-trips 20k node-minutes byte-exactly", () => {
    const n = 20_000;
    const rows = Array.from({ length: n }, (_, i) => ({ tenant: `t${i % 3}`, node: `10.0.${(i >> 8) & 255}.${i & 255}`, minute: 29_000_000 + (i % 7), bins: binsOf((f) => (f + i) % 10) }));
    const frame = buildTokenFrame(rows);
    const bytes = encodeTokenFrame(frame);
    const back = decodeTokenFrame(bytes);
    expect(Buffer.from(back.bins).equals(Buffer.from(frame.bins))).toBe(true);
    expect(Buffer.from(encodeTokenFrame(back)).equals(Buffer.from(bytes))).toBe(true);
    expect(bytes.length).toBeLessThan(n * (10 + PACKED_BIN_BYTES + 2 + 12) + 100);
  });
});
