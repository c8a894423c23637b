/** @module Survival frame tests: the common case suite, golden layout, S(t)/hazard/tau/detection rules. */
import { describe, expect, it } from "vitest";
import { expectWireError, runCodecCases } from "./codec.case.js";
import { HEADER_BYTES, SURVIVAL_FORMAT } from "./header.js";
import {
  decodeSurvivalFrame,
  encodeSurvivalFrame,
  MAX_SURVIVAL_STEPS,
  type SurvivalFrame,
  type SurvivalRecord,
  survivalFrameFromJSON,
  survivalFrameToJSON,
} from "./survival.js";
import { survivalFrameArb } from "./testkit.js";

function curve(hazards: number[]): { hazards: Float32Array; survival: Float32Array } {
  let cum = 0;
  return {
    hazards: Float32Array.from(hazards),
    survival: Float32Array.from(hazards, (h) => Math.exp(-(cum += h))),
  };
}

const recA: SurvivalRecord = { tenant: "acme", node: "10.0.0.1", startMinute: 29_000_000, tau: 0.5, detection: 3, ...curve([0.01, 0.02, 0.2, 0.6, 1.5, 0]) };
const recB: SurvivalRecord = { tenant: "acme", node: "2001:db8::1", startMinute: 29_000_010, tau: 0.25, detection: null, ...curve([0, 0, 0.001]) };
const sample: SurvivalFrame = { records: [recA, recB] };

runCodecCases<SurvivalFrame>({
  format: SURVIVAL_FORMAT,
  arbitrary: survivalFrameArb,
  sample,
  encode: (v, schemaHash) => encodeSurvivalFrame(v, { schemaHash }),
  decode: decodeSurvivalFrame,
  toJSON: (v, schemaHash) => survivalFrameToJSON(v, { schemaHash }),
  fromJSON: survivalFrameFromJSON,
});

const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");

/** Offset of record A's fields in `sample`'s encoding. */
const REC_A = HEADER_BYTES + (4 + 2 + 4) + (4 + 2 + 8 + 2 + 11) + 4;
const FIELD = { tenant: 0, node: 2, startMinute: 6, steps: 10, tau: 14, detection: 22, hazards: 26 } as const;

describe("survival frames", () => {
  it("has a fixed byte layout (golden)", () => {
    const frame: SurvivalFrame = {
      records: [{ tenant: "t", node: "n", startMinute: 9, tau: 0.5, detection: null, hazards: Float32Array.from([0, 2]), survival: Float32Array.from([1, 0.5]) }],
    };
    expect(hex(encodeSurvivalFrame(frame, { schemaHash: 0x0102_0304 }))).toBe(
      [
        "4e464753", "0100", "0000", "04030201", "3c000000", // header, payload 60 bytes
        "01000000", "0100", "74", "01000000", "0100", "6e", // tenants ["t"], nodes ["n"]
        "01000000", // 1 record
        "0000", "00000000", "09000000", "02000000", // tenant, node, startMinute 9, T = 2
        "000000000000e03f", // tau 0.5 (f64)
        "ffffffff", // detection: none
        "00000000", "00000040", // hazards 0, 2
        "0000803f", "0000003f", // S 1, 0.5
      ].join(""),
    );
  });

  it("sample offsets match the layout", () => {
    const v = new DataView(encodeSurvivalFrame(sample).buffer);
    expect(v.getUint32(REC_A + FIELD.startMinute, true)).toBe(29_000_000);
    expect(v.getUint32(REC_A + FIELD.steps, true)).toBe(6);
    expect(v.getFloat64(REC_A + FIELD.tau, true)).toBe(0.5);
    expect(v.getInt32(REC_A + FIELD.detection, true)).toBe(3);
  });

  it("rejects a non-monotone, out-of-range or NaN S(t) in every form", () => {
    const bad = (survival: number[]) => ({ records: [{ ...recA, survival: Float32Array.from(survival) }] });
    for (const s of [[0.9, 0.8, 0.85, 0.5, 0.1, 0.1], [1.01, 1, 1, 1, 1, 1], [1, 1, 1, 1, 1, -0.01], [1, Number.NaN, 0, 0, 0, 0]]) {
      expectWireError(() => encodeSurvivalFrame(bad(s)), "invalid_value");
      expectWireError(() => survivalFrameToJSON(bad(s)), "invalid_value");
    }
    expect(() => encodeSurvivalFrame(bad([1, 1, 0.5, 0.5, 0, 0]))).not.toThrow(); // plateaus are fine

    const bytes = encodeSurvivalFrame(sample);
    const sAt = REC_A + FIELD.hazards + 4 * 6;
    for (const [t, value] of [[2, 0.99], [0, 1.5], [5, -1], [4, Number.NaN]] as const) {
      const b = bytes.slice();
      new DataView(b.buffer).setFloat32(sAt + 4 * t, value, true);
      expectWireError(() => decodeSurvivalFrame(b), "invalid_value");
    }
    const json = survivalFrameToJSON(sample);
    const withS = (survival: unknown[]) => ({ ...json, records: [{ ...json.records[0]!, survival }] });
    expectWireError(() => survivalFrameFromJSON(withS([0.9, 0.95, 0.5, 0.4, 0.3, 0.2])), "invalid_value");
    expectWireError(() => survivalFrameFromJSON(withS([0.9, 0.8, 0.5])), "invalid_value"); // length differs from hazards
  });

  it("rejects negative or non-finite hazards", () => {
    for (const h of [-0.5, Number.NaN, Infinity]) {
      const hazards = recA.hazards.slice();
      hazards[1] = h;
      expectWireError(() => encodeSurvivalFrame({ records: [{ ...recA, hazards }] }), "invalid_value");
    }
    const bytes = encodeSurvivalFrame(sample);
    for (const h of [-1, Infinity, Number.NaN]) {
      const b = bytes.slice();
      new DataView(b.buffer).setFloat32(REC_A + FIELD.hazards + 8, h, true);
      expectWireError(() => decodeSurvivalFrame(b), "invalid_value");
    }
    const json = survivalFrameToJSON(sample);
    expectWireError(() => survivalFrameFromJSON({ ...json, records: [{ ...json.records[0]!, hazards: [0, -1, 0, 0, 0, 0] }] }), "invalid_value");
  });

  it("rejects tau outside (0, 1), bad detections and bad window lengths", () => {
    for (const tau of [0, 1, -0.1, 1.5, Number.NaN]) {
      expectWireError(() => encodeSurvivalFrame({ records: [{ ...recA, tau }] }), "invalid_value");
      expectWireError(() => survivalFrameFromJSON({ ...survivalFrameToJSON(sample), records: [{ ...survivalFrameToJSON(sample).records[0]!, tau }] }), "invalid_value");
    }
    for (const detection of [-1, 6, 1.5]) expectWireError(() => encodeSurvivalFrame({ records: [{ ...recA, detection }] }), "invalid_value");
    expect(() => encodeSurvivalFrame({ records: [{ ...recA, detection: 5 }] })).not.toThrow();
    expectWireError(() => encodeSurvivalFrame({ records: [{ ...recA, hazards: new Float32Array(0), survival: new Float32Array(0) }] }), "invalid_value");
    const long = new Float32Array(MAX_SURVIVAL_STEPS + 1);
    expectWireError(() => encodeSurvivalFrame({ records: [{ ...recA, detection: null, hazards: long, survival: long }] }), "invalid_value");

    const bytes = encodeSurvivalFrame(sample);
    const patched = (field: number, set: (v: DataView, at: number) => void) => {
      const b = bytes.slice();
      set(new DataView(b.buffer), REC_A + field);
      return b;
    };
    for (const tau of [0, 1, Number.NaN, Infinity]) expectWireError(() => decodeSurvivalFrame(patched(FIELD.tau, (v, at) => v.setFloat64(at, tau, true))), "invalid_value");
    for (const d of [-2, 6, 0x7fff_ffff]) expectWireError(() => decodeSurvivalFrame(patched(FIELD.detection, (v, at) => v.setInt32(at, d, true))), "invalid_value");
    expect(decodeSurvivalFrame(patched(FIELD.detection, (v, at) => v.setInt32(at, -1, true))).records[0]!.detection).toBeNull();
    for (const steps of [0, MAX_SURVIVAL_STEPS + 1]) expectWireError(() => decodeSurvivalFrame(patched(FIELD.steps, (v, at) => v.setUint32(at, steps, true))), "invalid_value");
    expectWireError(() => decodeSurvivalFrame(patched(FIELD.steps, (v, at) => v.setUint32(at, MAX_SURVIVAL_STEPS, true))), "truncated");
    expectWireError(() => decodeSurvivalFrame(patched(FIELD.tenant, (v, at) => v.setUint16(at, 1, true))), "invalid_value");
    expectWireError(() => decodeSurvivalFrame(patched(FIELD.node, (v, at) => v.setUint32(at, 2, true))), "invalid_value");
  });

  it("fails fast on counts that the payload cannot hold", () => {
    const empty = encodeSurvivalFrame({ records: [] });
    expect(empty.length).toBe(HEADER_BYTES + 12);
    for (const [offset, code] of [[HEADER_BYTES, "oversized"], [HEADER_BYTES + 4, "truncated"], [HEADER_BYTES + 8, "truncated"]] as const) {
      const b = empty.slice();
      new DataView(b.buffer).setUint32(offset, 0xffff_ffff, true);
      expectWireError(() => decodeSurvivalFrame(b), code);
    }
  });
});
