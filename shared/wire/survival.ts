/** @module Survival outputs: per node a window of hazards, S(t), the threshold and the detection time, edge <-> cloud. */
import * as z from "zod";
import { wireError } from "./errors.js";
import { type DecodeOptions, type EncodeOptions, frameWriter, readHeader, SURVIVAL_FORMAT } from "./header.js";
import {
  checkEnvelope,
  envelope,
  envelopeShape,
  float32Array,
  type JsonDecodeOptions,
  type JsonEnvelope,
  keyString,
  minuteInt,
  parseJsonInput,
  zodParse,
} from "./json.js";
import { isMinute, MAX_TENANTS, MAX_U32 } from "./keys.js";
import { internStrings, prepareTable, readTable, writeTable } from "./strings.js";

/** Longest window a record may carry (45.5 days of minutes). */
export const MAX_SURVIVAL_STEPS = 65536;

/** Fixed bytes of a record before its two float32 arrays. */
export const SURVIVAL_RECORD_HEADER_BYTES = 26;

/**
 * One node's survival curve over a window of T minutes starting at `startMinute`:
 * `hazards[t]` = λ_t >= 0 (finite), `survival[t]` = S(t) in [0, 1], non-increasing.
 * `detection` is the index t in 0..T-1 where S first dropped below `tau` (the producer's
 * decision; not re-derived on decode), or null when there was none. 0 < tau < 1.
 */
export interface SurvivalRecord {
  readonly tenant: string;
  readonly node: string;
  /** epoch minute of index 0 */
  readonly startMinute: number;
  readonly tau: number;
  readonly detection: number | null;
  /** (T,) */
  readonly hazards: Float32Array;
  /** (T,) */
  readonly survival: Float32Array;
}

export interface SurvivalFrame {
  readonly records: readonly SurvivalRecord[];
}

/** Checks every rule of a record whose arrays are already float32; `what` names it in errors. */
function checkRecord(rec: SurvivalRecord, what: string): void {
  if (!isMinute(rec.startMinute)) throw wireError("invalid_value", `${what}: startMinute ${rec.startMinute} is not a u32 integer`);
  if (!(rec.hazards instanceof Float32Array) || !(rec.survival instanceof Float32Array)) {
    throw wireError("invalid_value", `${what}: hazards and survival must be Float32Arrays`);
  }
  const steps = rec.hazards.length;
  if (steps < 1 || steps > MAX_SURVIVAL_STEPS) throw wireError("invalid_value", `${what}: ${steps} steps, expected 1..${MAX_SURVIVAL_STEPS}`);
  if (rec.survival.length !== steps) {
    throw wireError("invalid_value", `${what}: ${rec.survival.length} survival values for ${steps} hazards`);
  }
  checkTau(rec.tau, what);
  checkDetection(rec.detection, steps, what);
  checkCurve(rec.hazards, rec.survival, what);
}

function checkTau(tau: number, what: string): void {
  if (typeof tau !== "number" || !(tau > 0 && tau < 1)) throw wireError("invalid_value", `${what}: tau ${tau} is outside (0, 1)`);
}

function checkDetection(detection: number | null, steps: number, what: string): void {
  if (detection === null) return;
  if (typeof detection !== "number" || !Number.isInteger(detection) || detection < 0 || detection >= steps) {
    throw wireError("invalid_value", `${what}: detection ${detection} is outside 0..${steps - 1}`);
  }
}

function checkCurve(hazards: Float32Array, survival: Float32Array, what: string): void {
  let prev = 1;
  for (let t = 0; t < hazards.length; t++) {
    const h = hazards[t]!;
    if (!(h >= 0 && h !== Infinity)) throw wireError("invalid_value", `${what}: hazard[${t}] = ${h} is not a finite value >= 0`);
    const s = survival[t]!;
    if (!(s >= 0 && s <= 1)) throw wireError("invalid_value", `${what}: S[${t}] = ${s} is outside [0, 1]`);
    if (s > prev) throw wireError("invalid_value", `${what}: S[${t}] = ${s} > S[${t - 1}] = ${prev}; S must be non-increasing`);
    prev = s;
  }
}

function checkFrame(frame: SurvivalFrame): readonly SurvivalRecord[] {
  if (typeof frame !== "object" || frame === null || !Array.isArray(frame.records)) {
    throw wireError("invalid_value", "survival frame: expected { records: [...] }");
  }
  frame.records.forEach((rec, i) => checkRecord(rec, `survival record ${i}`));
  return frame.records;
}

/**
 * Payload: tenant table, node table (strings.ts), u32 R, then R records of
 * u16 tenant index, u32 node index, u32 startMinute, u32 T, f64 tau, i32 detection (-1 = none),
 * T x f32 hazards, T x f32 survival.
 */
export function encodeSurvivalFrame(frame: SurvivalFrame, options: EncodeOptions = {}): Uint8Array {
  const records = checkFrame(frame);
  const tenants = internStrings(records.map((r) => r.tenant));
  const nodes = internStrings(records.map((r) => r.node));
  const tenantTable = prepareTable(tenants.table, MAX_TENANTS, "survival frame.tenants");
  const nodeTable = prepareTable(nodes.table, MAX_U32, "survival frame.nodes");
  let payload = tenantTable.bytes + nodeTable.bytes + 4;
  for (const rec of records) payload += SURVIVAL_RECORD_HEADER_BYTES + 8 * rec.hazards.length;
  const w = frameWriter(SURVIVAL_FORMAT, 0, payload, options);
  writeTable(w, tenantTable);
  writeTable(w, nodeTable);
  w.u32(records.length);
  records.forEach((rec, i) => {
    w.u16(tenants.index[i]!);
    w.u32(nodes.index[i]!);
    w.u32(rec.startMinute);
    w.u32(rec.hazards.length);
    w.f64(rec.tau);
    w.i32(rec.detection ?? -1);
    for (const h of rec.hazards) w.f32(h);
    for (const s of rec.survival) w.f32(s);
  });
  return w.finish();
}

export function decodeSurvivalFrame(input: Uint8Array | ArrayBuffer, options: DecodeOptions = {}): SurvivalFrame {
  const { payload: r } = readHeader(input, SURVIVAL_FORMAT, 0, options);
  const tenants = readTable(r, MAX_TENANTS, "survival frame.tenants");
  const nodes = readTable(r, MAX_U32, "survival frame.nodes");
  const count = r.u32("survival record count");
  const minRecord = SURVIVAL_RECORD_HEADER_BYTES + 8;
  if (count * minRecord > r.remaining) {
    throw wireError("truncated", `survival frame: ${count} records cannot fit in ${r.remaining} bytes`);
  }
  const records: SurvivalRecord[] = [];
  for (let i = 0; i < count; i++) {
    const what = `survival record ${i}`;
    const ti = r.u16(`${what} tenant`);
    const ni = r.u32(`${what} node`);
    if (ti >= tenants.length) throw wireError("invalid_value", `${what}: tenant index ${ti} out of range (${tenants.length})`);
    if (ni >= nodes.length) throw wireError("invalid_value", `${what}: node index ${ni} out of range (${nodes.length})`);
    const startMinute = r.u32(`${what} startMinute`);
    const steps = r.u32(`${what} steps`);
    if (steps < 1 || steps > MAX_SURVIVAL_STEPS) throw wireError("invalid_value", `${what}: ${steps} steps, expected 1..${MAX_SURVIVAL_STEPS}`);
    const tau = r.f64(`${what} tau`);
    checkTau(tau, what);
    const rawDetection = r.i32(`${what} detection`);
    const detection = rawDetection === -1 ? null : rawDetection;
    checkDetection(detection, steps, what);
    const at = r.skip(8 * steps, `${what} curves`);
    const v = r.dataView;
    const hazards = new Float32Array(steps);
    const survival = new Float32Array(steps);
    for (let t = 0; t < steps; t++) hazards[t] = v.getFloat32(at + 4 * t, true);
    for (let t = 0; t < steps; t++) survival[t] = v.getFloat32(at + 4 * (steps + t), true);
    checkCurve(hazards, survival, what);
    records.push({ tenant: tenants[ti]!, node: nodes[ni]!, startMinute, tau, detection, hazards, survival });
  }
  r.expectEnd("survival frame");
  return { records };
}

export interface SurvivalRecordJSON {
  readonly tenant: string;
  readonly node: string;
  readonly startMinute: number;
  readonly tau: number;
  readonly detection: number | null;
  readonly hazards: number[];
  readonly survival: number[];
}

export interface SurvivalFrameJSON extends JsonEnvelope {
  readonly records: SurvivalRecordJSON[];
}

const SurvivalFrameJsonSchema = z.strictObject({
  ...envelopeShape(SURVIVAL_FORMAT),
  records: z.array(
    z.strictObject({
      tenant: keyString,
      node: keyString,
      startMinute: minuteInt,
      tau: z.number().gt(0).lt(1),
      detection: z.number().int().min(0).nullable(),
      hazards: float32Array.refine((a) => a.length >= 1 && a.length <= MAX_SURVIVAL_STEPS, { message: `1..${MAX_SURVIVAL_STEPS} steps` }),
      survival: float32Array.refine((a) => a.length >= 1 && a.length <= MAX_SURVIVAL_STEPS, { message: `1..${MAX_SURVIVAL_STEPS} steps` }),
    }),
  ),
});

export function survivalFrameToJSON(frame: SurvivalFrame, options: EncodeOptions = {}): SurvivalFrameJSON {
  const records = checkFrame(frame);
  return {
    ...envelope(SURVIVAL_FORMAT, options.schemaHash),
    records: records.map((r) => ({
      tenant: r.tenant,
      node: r.node,
      startMinute: r.startMinute,
      tau: r.tau,
      detection: r.detection,
      hazards: Array.from(r.hazards),
      survival: Array.from(r.survival),
    })),
  };
}

/** Accepts a JSON text or an already-parsed value; numbers are rounded to float32 before the curve checks. */
export function survivalFrameFromJSON(input: unknown, options: JsonDecodeOptions = {}): SurvivalFrame {
  const value = checkEnvelope(parseJsonInput(input, SURVIVAL_FORMAT.name), SURVIVAL_FORMAT, options);
  const doc = zodParse(SurvivalFrameJsonSchema, value, SURVIVAL_FORMAT.name);
  const records = doc.records.map((r) => ({
    tenant: r.tenant,
    node: r.node,
    startMinute: r.startMinute,
    tau: r.tau,
    detection: r.detection,
    hazards: Float32Array.from(r.hazards),
    survival: Float32Array.from(r.survival),
  }));
  records.forEach((rec, i) => checkRecord(rec, `survival record ${i}`));
  return { records };
}
