/** @module JSON envelopes ({format, version, schemaHash}) and zod validation mapped onto WireFormatError. */
import * as z from "zod";
import { FEATURE_SCHEMA_HASH } from "../features/catalogue.js";
import { hashHex } from "../hash.js";
import { wireError } from "./errors.js";
import type { FormatId } from "./header.js";
import { isValidKey, MAX_KEY_BYTES } from "./strings.js";

export interface JsonDecodeOptions {
  /** Feature schema hash the document must carry; defaults to FEATURE_SCHEMA_HASH. */
  readonly expectedSchemaHash?: number;
}

/** The three fields every JSON form starts with. */
export interface JsonEnvelope {
  readonly format: string;
  readonly version: number;
  /** 8 lowercase hex digits. */
  readonly schemaHash: string;
}

export const HEX32 = /^[0-9a-f]{8}$/;

export function envelope(format: FormatId, schemaHash: number | undefined): JsonEnvelope {
  return { format: format.name, version: format.version, schemaHash: hashHex(schemaHash ?? FEATURE_SCHEMA_HASH) };
}

/** A JSON text is parsed (invalid_json when it is not JSON); anything else is taken as already parsed. */
export function parseJsonInput(input: unknown, what: string): unknown {
  if (typeof input !== "string") return input;
  try {
    return JSON.parse(input) as unknown;
  } catch (e) {
    throw wireError("invalid_json", `${what}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/**
 * Checks the envelope before the body, so that another format, version or schema is reported
 * as such (bad_magic, bad_version, wrong_schema) rather than as a shape error.
 */
export function checkEnvelope(value: unknown, format: FormatId, options: JsonDecodeOptions): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw wireError("invalid_value", `${format.name}: expected a JSON object`);
  }
  const obj = value as Record<string, unknown>;
  if (obj["format"] !== format.name) {
    throw wireError("bad_magic", `expected format ${JSON.stringify(format.name)}, got ${JSON.stringify(obj["format"])}`);
  }
  if (obj["version"] !== format.version) {
    throw wireError("bad_version", `${format.name}: version ${JSON.stringify(obj["version"])} is not supported (this build reads ${format.version})`);
  }
  const hash = obj["schemaHash"];
  if (typeof hash !== "string" || !HEX32.test(hash)) {
    throw wireError("invalid_value", `${format.name}: schemaHash must be 8 lowercase hex digits`);
  }
  const expected = hashHex(options.expectedSchemaHash ?? FEATURE_SCHEMA_HASH);
  if (hash !== expected) throw wireError("wrong_schema", `${format.name}: feature schema ${hash}, expected ${expected}`);
  return obj;
}

/** Runs a zod schema; a failure becomes `invalid_value` naming the first offending path. */
export function zodParse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = issue ? issue.path.map(String).join(".") : "";
  throw wireError("invalid_value", `${what}${path ? ` at ${path}` : ""}: ${issue?.message ?? "invalid"}`);
}

/** Envelope fields as zod sees them (already checked by `checkEnvelope`). */
export function envelopeShape(format: FormatId) {
  return {
    format: z.literal(format.name),
    version: z.literal(format.version),
    schemaHash: z.string().regex(HEX32),
  };
}

export const keyString = z
  .string()
  .refine(isValidKey, { message: `must be 1..${MAX_KEY_BYTES} UTF-8 bytes of well-formed Unicode` });

export const minuteInt = z.number().int().min(0).max(0xffff_ffff);

/** An array of finite numbers that stay finite as float32 (one check for the whole array). */
export const float32Array = z.custom<number[]>(
  (v) => Array.isArray(v) && v.every((x) => typeof x === "number" && Number.isFinite(Math.fround(x))),
  { message: "must be an array of finite numbers within the float32 range" },
);
