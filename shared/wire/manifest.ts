/** @module The model manifest tying backbone, detection head, cutoffs, tau and the feature schema together (JSON first, binary envelope). */
import * as z from "zod";
import { FEATURE_SCHEMA_HASH_HEX } from "../features/catalogue.js";
import { wireError } from "./errors.js";
import { type DecodeOptions, frameWriter, MANIFEST_FORMAT, readHeader } from "./header.js";
import { checkEnvelope, HEX32, type JsonDecodeOptions, parseJsonInput, zodParse } from "./json.js";

export interface BackboneConfig {
  readonly layers: number;
  readonly heads: number;
  readonly dModel: number;
  readonly dFF: number;
  /** longest context in minutes (512 in the paper) */
  readonly contextMax: number;
}

/** A published artifact: where it lives (R2 key or path) and the SHA-256 of its bytes (64 lowercase hex). */
export interface ArtifactRef {
  readonly artifact: string;
  readonly sha256: string;
}

export interface ModelManifest {
  readonly format: "netflowgen.manifest";
  readonly version: 1;
  /** [A-Za-z0-9._:-], 1..128 characters */
  readonly modelId: string;
  /** ISO 8601 date-time with Z or an offset */
  readonly createdAt: string;
  /** FEATURE_SCHEMA_HASH_HEX the model was trained with */
  readonly schemaHash: string;
  readonly backbone: { readonly id: string; readonly config: BackboneConfig };
  /** head.onnx; inputDim must equal backbone.config.dModel */
  readonly head: ArtifactRef & { readonly inputDim: number; readonly hiddenDim: number };
  readonly cutoffs: ArtifactRef;
  /** detection threshold on S(t), 0 < tau < 1 */
  readonly tau: number;
  /** overhead bound p used to choose tau, 0 < p <= 1 */
  readonly overheadBound: number;
  /** distinct, non-empty */
  readonly attackTypes: readonly string[];
  /** finite numbers by name (f1, fpr, ...) */
  readonly metrics: Readonly<Record<string, number>>;
}

/** The manifest without its envelope, as a publisher fills it in. */
export type ManifestBody = Omit<ModelManifest, "format" | "version" | "schemaHash">;

const positiveInt = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER);
const nonEmpty = z.string().min(1).max(1024);
const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, { message: "must be 64 lowercase hex digits" });

const ManifestSchema = z
  .strictObject({
    format: z.literal("netflowgen.manifest"),
    version: z.literal(1),
    modelId: z.string().regex(/^[A-Za-z0-9._:-]{1,128}$/, { message: "must be 1..128 of [A-Za-z0-9._:-]" }),
    createdAt: z.iso.datetime({ offset: true }),
    schemaHash: z.string().regex(HEX32),
    backbone: z.strictObject({
      id: nonEmpty,
      config: z.strictObject({ layers: positiveInt, heads: positiveInt, dModel: positiveInt, dFF: positiveInt, contextMax: positiveInt }),
    }),
    head: z.strictObject({ artifact: nonEmpty, sha256: sha256Hex, inputDim: positiveInt, hiddenDim: positiveInt }),
    cutoffs: z.strictObject({ artifact: nonEmpty, sha256: sha256Hex }),
    tau: z.number().gt(0).lt(1),
    overheadBound: z.number().gt(0).max(1),
    attackTypes: z.array(z.string().min(1).max(64)),
    metrics: z.record(z.string(), z.number()),
  })
  .superRefine((m, ctx) => {
    if (m.head.inputDim !== m.backbone.config.dModel) {
      ctx.addIssue({ code: "custom", path: ["head", "inputDim"], message: `must equal backbone.config.dModel (${m.backbone.config.dModel})` });
    }
    if (m.backbone.config.dModel % m.backbone.config.heads !== 0) {
      ctx.addIssue({ code: "custom", path: ["backbone", "config", "heads"], message: "must divide dModel" });
    }
    if (new Set(m.attackTypes).size !== m.attackTypes.length) {
      ctx.addIssue({ code: "custom", path: ["attackTypes"], message: "must be distinct" });
    }
  });

/** Adds the envelope (this build's schema hash unless given). */
export function makeManifest(body: ManifestBody, schemaHashHex: string = FEATURE_SCHEMA_HASH_HEX): ModelManifest {
  return validateManifest({ ...body, format: MANIFEST_FORMAT.name, version: MANIFEST_FORMAT.version, schemaHash: schemaHashHex });
}

/** Shape and cross-field rules only (any schema hash); returns a plain copy. */
export function validateManifest(value: unknown): ModelManifest {
  return zodParse(ManifestSchema, value, MANIFEST_FORMAT.name) as ModelManifest;
}

/**
 * Parses a manifest from JSON text or an already-parsed value: format (bad_magic), version
 * (bad_version) and schema hash (wrong_schema, against options.expectedSchemaHash or this build's)
 * first, then the shape (invalid_value).
 */
export function parseManifest(input: unknown, options: JsonDecodeOptions = {}): ModelManifest {
  const value = checkEnvelope(parseJsonInput(input, MANIFEST_FORMAT.name), MANIFEST_FORMAT, options);
  return validateManifest(value);
}

/** The JSON value of a manifest (validated). `JSON.stringify` it to publish. */
export function manifestToJSON(manifest: ModelManifest): ModelManifest {
  return validateManifest(manifest);
}

const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** Binary envelope: the common header ("NFGM", schema hash from the manifest) + UTF-8 JSON. */
export function encodeManifest(manifest: ModelManifest): Uint8Array {
  const m = validateManifest(manifest);
  const json = new TextEncoder().encode(JSON.stringify(m));
  const w = frameWriter(MANIFEST_FORMAT, 0, json.length, { schemaHash: Number.parseInt(m.schemaHash, 16) });
  w.raw(json);
  return w.finish();
}

export function decodeManifest(input: Uint8Array | ArrayBuffer, options: DecodeOptions = {}): ModelManifest {
  const { payload: r } = readHeader(input, MANIFEST_FORMAT, 0, options);
  let text: string;
  try {
    text = decoder.decode(r.take(r.remaining, "manifest JSON"));
  } catch {
    throw wireError("invalid_json", "netflowgen.manifest: payload is not valid UTF-8");
  }
  return parseManifest(text, options);
}
