/** @module Model manifest tests: the common case suite, envelope/body schema checks, field validation. */
import { describe, expect, it } from "vitest";
import { FEATURE_SCHEMA_HASH, FEATURE_SCHEMA_HASH_HEX } from "../features/catalogue.js";
import { hashHex } from "../hash.js";
import { expectWireError, runCodecCases } from "./codec.case.js";
import { HEADER_BYTES, MANIFEST_FORMAT } from "./header.js";
import {
  decodeManifest,
  encodeManifest,
  type ManifestBody,
  makeManifest,
  manifestToJSON,
  type ModelManifest,
  parseManifest,
  validateManifest,
} from "./manifest.js";
import { manifestArb } from "./testkit.js";

const body: ManifestBody = {
  modelId: "nfg-2024-06-01.small",
  createdAt: "2024-06-01T12:00:00.000Z",
  backbone: { id: "backbone-4-4-128-512", config: { layers: 4, heads: 4, dModel: 128, dFF: 512, contextMax: 512 } },
  head: { artifact: "models/nfg-2024-06-01.small/head.onnx", sha256: "ab".repeat(32), inputDim: 128, hiddenDim: 512 },
  cutoffs: { artifact: "models/nfg-2024-06-01.small/cutoffs.nfgc", sha256: "cd".repeat(32) },
  tau: 0.42,
  overheadBound: 0.8,
  attackTypes: ["dns", "udp", "ntp"],
  metrics: { f1: 0.96, fpr: 0.0345, fnr: 0.0542, effectiveness: 1, overhead: 0.0006 },
};
const sample = makeManifest(body);

const withHash = (m: ModelManifest, schemaHash: number | undefined): ModelManifest =>
  schemaHash === undefined ? m : { ...m, schemaHash: hashHex(schemaHash) };

runCodecCases<ModelManifest>({
  format: MANIFEST_FORMAT,
  arbitrary: manifestArb,
  sample,
  encode: (v, schemaHash) => encodeManifest(withHash(v, schemaHash)),
  decode: decodeManifest,
  toJSON: (v, schemaHash) => manifestToJSON(withHash(v, schemaHash)),
  fromJSON: parseManifest,
  extraPayloadByteCode: "invalid_json",
  fuzzRuns: 1000,
});

describe("model manifest", () => {
  it("carries this build's schema hash and the JSON text as the payload", () => {
    expect(sample.schemaHash).toBe(FEATURE_SCHEMA_HASH_HEX);
    const bytes = encodeManifest(sample);
    expect(new DataView(bytes.buffer).getUint32(8, true)).toBe(FEATURE_SCHEMA_HASH);
    expect(JSON.parse(new TextDecoder().decode(bytes.subarray(HEADER_BYTES)))).toEqual(sample);
    expect(parseManifest(JSON.stringify(sample))).toEqual(sample);
  });

  it("rejects a wrong version or schema before looking at the rest", () => {
    expectWireError(() => parseManifest({ ...sample, version: 2, tau: "nonsense" }), "bad_version");
    expectWireError(() => parseManifest({ ...sample, schemaHash: "00000000", tau: "nonsense" }), "wrong_schema");
    const other = makeManifest(body, "12345678");
    expectWireError(() => parseManifest(other), "wrong_schema");
    expect(parseManifest(other, { expectedSchemaHash: 0x1234_5678 })).toEqual(other);
    expectWireError(() => decodeManifest(encodeManifest(other)), "wrong_schema");
    expect(decodeManifest(encodeManifest(other), { expectedSchemaHash: 0x1234_5678 })).toEqual(other);
  });

  it("rejects a body whose schema hash differs from its header's", () => {
    const bytes = encodeManifest(sample);
    const v = new DataView(bytes.buffer);
    v.setUint32(8, 0x1234_5678, true);
    expectWireError(() => decodeManifest(bytes, { expectedSchemaHash: 0x1234_5678 }), "wrong_schema");
  });

  it("rejects payloads that are not UTF-8 JSON objects", () => {
    const frame = (payload: Uint8Array) => {
      const out = encodeManifest(sample).slice(0, HEADER_BYTES + payload.length);
      const b = new Uint8Array(HEADER_BYTES + payload.length);
      b.set(out.subarray(0, HEADER_BYTES));
      b.set(payload, HEADER_BYTES);
      new DataView(b.buffer).setUint32(12, payload.length, true);
      return b;
    };
    expectWireError(() => decodeManifest(frame(Uint8Array.from([0x7b, 0xff, 0x7d]))), "invalid_json");
    expectWireError(() => decodeManifest(frame(new TextEncoder().encode("{"))), "invalid_json");
    expectWireError(() => decodeManifest(frame(new Uint8Array(0))), "invalid_json");
    expectWireError(() => decodeManifest(frame(new TextEncoder().encode("[1]"))), "invalid_value");
  });

  it("validates every field", () => {
    const bad: [string, unknown][] = [
      ["tau", 0],
      ["tau", 1],
      ["tau", Number.NaN],
      ["overheadBound", 0],
      ["overheadBound", 1.2],
      ["modelId", ""],
      ["modelId", "has space"],
      ["createdAt", "yesterday"],
      ["createdAt", "2024-06-01"],
      ["attackTypes", ["dns", "dns"]],
      ["attackTypes", [""]],
      ["metrics", { f1: "high" }],
      ["metrics", { f1: Infinity }],
      ["head", { ...body.head, sha256: "AB".repeat(32) }],
      ["head", { ...body.head, sha256: "ab" }],
      ["head", { ...body.head, inputDim: 256 }],
      ["head", { ...body.head, extra: true }],
      ["cutoffs", { artifact: "", sha256: "cd".repeat(32) }],
      ["backbone", { ...body.backbone, config: { ...body.backbone.config, heads: 3 } }],
      ["backbone", { ...body.backbone, config: { ...body.backbone.config, layers: 0 } }],
      ["backbone", { ...body.backbone, config: { ...body.backbone.config, dFF: 1.5 } }],
      ["backbone", { id: "x" }],
    ];
    for (const [key, value] of bad) {
      const m = { ...sample, [key]: value };
      expectWireError(() => parseManifest(m), "invalid_value");
      expectWireError(() => validateManifest(m), "invalid_value");
      expectWireError(() => encodeManifest(m as ModelManifest), "invalid_value");
    }
    const { metrics: _m, ...missing } = sample;
    expectWireError(() => parseManifest(missing), "invalid_value");
    expect(() => parseManifest({ ...sample, createdAt: "2024-06-01T12:00:00+02:00" })).not.toThrow();
    expect(() => parseManifest({ ...sample, attackTypes: [], metrics: {} })).not.toThrow();
  });
});
