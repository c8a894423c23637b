/** @module Hidden-state frames: one d-dim float vector per node-minute (float32 or float16 on the wire), cloud -> edge. */
import * as z from "zod";
import { wireError } from "./errors.js";
import { readFloat16Array, roundToFloat16, toFloat16Bits, writeFloat16Array } from "./float16.js";
import { type DecodeOptions, type EncodeOptions, frameWriter, HIDDEN_FORMAT, readHeader } from "./header.js";
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
import {
  keyAt,
  keysFromRows,
  type NodeMinuteKey,
  type NodeMinuteKeys,
  prepareKeys,
  readKeyColumns,
  readKeyTables,
  writeKeyColumns,
  writeKeyTables,
} from "./keys.js";

export type HiddenDType = "float32" | "float16";
export const HIDDEN_DTYPES: readonly HiddenDType[] = ["float32", "float16"];

/** Largest hidden width a frame may declare. */
export const MAX_HIDDEN_DIM = 8192;

/** Header flag bit 0: values are float16 (else float32). Other bits must be 0. */
export const HIDDEN_FLAG_FLOAT16 = 0x0001;

/**
 * Hidden states, columnar: key columns (see NodeMinuteKeys) and `values`, (N, dim) row-major.
 * `dtype` is the wire precision; decoded values are always float32 (a float16 frame decodes to
 * the exact float32 of each half). Every value must be finite; with float16 its magnitude must
 * not round above 65504.
 */
export interface HiddenFrame extends NodeMinuteKeys {
  readonly dim: number;
  readonly dtype: HiddenDType;
  /** (N, dim) */
  readonly values: Float32Array;
}

export interface HiddenEntry extends NodeMinuteKey {
  /** (dim,) */
  readonly values: Float32Array;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function elementBytes(dtype: HiddenDType): number {
  return dtype === "float16" ? 2 : 4;
}

function checkDim(dim: unknown): number {
  if (typeof dim !== "number" || !Number.isInteger(dim) || dim < 1 || dim > MAX_HIDDEN_DIM) {
    throw wireError("invalid_value", `hidden frame: dim ${String(dim)} is outside 1..${MAX_HIDDEN_DIM}`);
  }
  return dim;
}

function checkDType(dtype: unknown): HiddenDType {
  if (dtype !== "float32" && dtype !== "float16") throw wireError("invalid_value", `hidden frame: unknown dtype ${String(dtype)}`);
  return dtype;
}

function checkValues(values: Float32Array, dim: number, dtype: HiddenDType): void {
  for (let i = 0; i < values.length; i++) {
    const x = values[i]!;
    if (!Number.isFinite(x)) {
      throw wireError("invalid_value", `hidden frame: entry ${Math.floor(i / dim)} value ${i % dim} is ${x}`);
    }
    if (dtype === "float16" && (toFloat16Bits(x) & 0x7c00) === 0x7c00) {
      throw wireError("invalid_value", `hidden frame: entry ${Math.floor(i / dim)} value ${i % dim} = ${x} overflows float16`);
    }
  }
}

/** Validates a frame before encoding; returns its prepared keys. */
function prepareHidden(frame: HiddenFrame) {
  const prepared = prepareKeys(frame, "hidden frame");
  const dim = checkDim(frame.dim);
  const dtype = checkDType(frame.dtype);
  if (!(frame.values instanceof Float32Array) || frame.values.length !== prepared.count * dim) {
    throw wireError("invalid_value", `hidden frame: values must be a Float32Array of ${prepared.count} x ${dim}`);
  }
  checkValues(frame.values, dim, dtype);
  return { prepared, dim, dtype };
}

/** Row form -> frame. `dim` is needed for an empty frame; rows must all have `dim` values. */
export function buildHiddenFrame(entries: readonly HiddenEntry[], dim: number, dtype: HiddenDType = "float32"): HiddenFrame {
  checkDim(dim);
  checkDType(dtype);
  const keys = keysFromRows(entries);
  const values = new Float32Array(entries.length * dim);
  for (let i = 0; i < entries.length; i++) {
    const v = entries[i]!.values;
    if (v.length !== dim) throw wireError("invalid_value", `entry ${i}: ${v.length} values, expected ${dim}`);
    values.set(v, i * dim);
  }
  return { ...keys, dim, dtype, values };
}

export function hiddenEntries(frame: HiddenFrame): HiddenEntry[] {
  const out: HiddenEntry[] = [];
  for (let i = 0; i < frame.tenant.length; i++) {
    out.push({ ...keyAt(frame, i), values: frame.values.slice(i * frame.dim, (i + 1) * frame.dim) });
  }
  return out;
}

/**
 * Encodes a hidden-state frame. With dtype "float16" values are rounded to nearest-even halves,
 * so decode(encode(f)) equals f only when f's values are already halves.
 */
export function encodeHiddenFrame(frame: HiddenFrame, options: EncodeOptions = {}): Uint8Array {
  const { prepared, dim, dtype } = prepareHidden(frame);
  const n = prepared.count;
  const el = elementBytes(dtype);
  const payload = prepared.tableBytes + 4 + 4 + n * (10 + dim * el);
  const w = frameWriter(HIDDEN_FORMAT, dtype === "float16" ? HIDDEN_FLAG_FLOAT16 : 0, payload, options);
  writeKeyTables(w, prepared);
  w.u32(dim);
  writeKeyColumns(w, frame);
  const at = w.skip(n * dim * el);
  const values = frame.values;
  if (dtype === "float16") {
    writeFloat16Array(w.view, at, values);
  } else if (LITTLE_ENDIAN) {
    w.bytes.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength), at);
  } else {
    for (let i = 0; i < values.length; i++) w.view.setFloat32(at + 4 * i, values[i]!, true);
  }
  return w.finish();
}

export function decodeHiddenFrame(input: Uint8Array | ArrayBuffer, options: DecodeOptions = {}): HiddenFrame {
  const { header, payload: r } = readHeader(input, HIDDEN_FORMAT, HIDDEN_FLAG_FLOAT16, options);
  const dtype: HiddenDType = (header.flags & HIDDEN_FLAG_FLOAT16) !== 0 ? "float16" : "float32";
  const el = elementBytes(dtype);
  const tables = readKeyTables(r, "hidden frame");
  const dim = r.u32("hidden dim");
  if (dim < 1 || dim > MAX_HIDDEN_DIM) throw wireError("invalid_value", `hidden frame: dim ${dim} is outside 1..${MAX_HIDDEN_DIM}`);
  const keys = readKeyColumns(r, tables, dim * el, "hidden frame");
  const n = keys.tenant.length;
  const at = r.skip(n * dim * el, "hidden values");
  const values = new Float32Array(n * dim);
  if (dtype === "float16") {
    readFloat16Array(r.dataView, at, values);
  } else if (LITTLE_ENDIAN) {
    new Uint8Array(values.buffer).set(r.bytes.subarray(at, at + n * dim * 4));
  } else {
    for (let i = 0; i < values.length; i++) values[i] = r.dataView.getFloat32(at + 4 * i, true);
  }
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i]!)) {
      throw wireError("invalid_value", `hidden frame: entry ${Math.floor(i / dim)} value ${i % dim} is not finite`);
    }
  }
  r.expectEnd("hidden frame");
  return { ...keys, dim, dtype, values };
}

export interface HiddenEntryJSON {
  readonly tenant: string;
  readonly node: string;
  readonly minute: number;
  /** `dim` numbers */
  readonly h: number[];
}

export interface HiddenFrameJSON extends JsonEnvelope {
  readonly dtype: HiddenDType;
  readonly dim: number;
  readonly entries: HiddenEntryJSON[];
}

const HiddenFrameJsonSchema = z
  .strictObject({
    ...envelopeShape(HIDDEN_FORMAT),
    dtype: z.enum(["float32", "float16"]),
    dim: z.number().int().min(1).max(MAX_HIDDEN_DIM),
    entries: z.array(z.strictObject({ tenant: keyString, node: keyString, minute: minuteInt, h: float32Array })),
  })
  .superRefine((doc, ctx) => {
    doc.entries.forEach((e, i) => {
      if (e.h.length !== doc.dim) {
        ctx.addIssue({ code: "custom", path: ["entries", i, "h"], message: `${e.h.length} values, expected dim ${doc.dim}` });
      }
    });
  });

/** JSON numbers are the exact float32 values (a float16 frame's values are written rounded to halves). */
export function hiddenFrameToJSON(frame: HiddenFrame, options: EncodeOptions = {}): HiddenFrameJSON {
  const { dim, dtype } = prepareHidden(frame);
  const round = dtype === "float16";
  return {
    ...envelope(HIDDEN_FORMAT, options.schemaHash),
    dtype,
    dim,
    entries: hiddenEntries(frame).map((e) => ({
      tenant: e.tenant,
      node: e.node,
      minute: e.minute,
      h: Array.from(e.values, (x) => (round ? roundToFloat16(x) : x)),
    })),
  };
}

/** Accepts a JSON text or an already-parsed value. Numbers are rounded to float32 (and to halves for "float16"). */
export function hiddenFrameFromJSON(input: unknown, options: JsonDecodeOptions = {}): HiddenFrame {
  const value = checkEnvelope(parseJsonInput(input, HIDDEN_FORMAT.name), HIDDEN_FORMAT, options);
  const doc = zodParse(HiddenFrameJsonSchema, value, HIDDEN_FORMAT.name);
  const frame = buildHiddenFrame(
    doc.entries.map((e) => ({
      tenant: e.tenant,
      node: e.node,
      minute: e.minute,
      values: Float32Array.from(e.h, (x) => (doc.dtype === "float16" ? roundToFloat16(x) : x)),
    })),
    doc.dim,
    doc.dtype,
  );
  checkValues(frame.values, frame.dim, frame.dtype);
  return frame;
}
