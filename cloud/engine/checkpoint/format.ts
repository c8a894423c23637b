/** @module The "NFCK" v1 checkpoint byte format: encode to parts and decode with validation (no file I/O here). */
import { createHash } from "node:crypto";
import { endianness } from "node:os";
import { FEATURE_SCHEMA_HASH_HEX } from "../../../shared/features/catalogue.js";
import { ModelConfigError, validateConfig, type ModelConfig } from "../model/config.js";
import { paramLayout } from "../model/params.js";
import { CheckpointError } from "./errors.js";

/**
 * Layout (little-endian):
 *   0   "NFCK"                 magic, 4 bytes
 *   4   u32 version            1
 *   8   u32 headerLength       bytes of the JSON header, space-padded to a multiple of 4
 *   12  header                 UTF-8 JSON (CheckpointHeader)
 *   ..  params, m, v           f32 × paramTotal each (padding included)
 *   end sha256                 32 bytes over every byte before it
 */
export const CHECKPOINT_MAGIC = "NFCK";
export const CHECKPOINT_VERSION = 1;
const PREFIX = 12;
const DIGEST = 32;

export interface OptimizerState {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  /** Adam steps taken (the next step passes t + 1). */
  t: number;
}

/** What a trainer saves besides the tensors. */
export interface CheckpointMeta {
  config: ModelConfig;
  step: number;
  epoch: number;
  tokensSeen: number;
  /** The trainer's Mulberry32 state (u32). */
  rngState: number;
  optimizer: OptimizerState;
  /** Free JSON for the trainer. */
  extra?: unknown;
}

export interface CheckpointHeader extends CheckpointMeta {
  format: typeof CHECKPOINT_MAGIC;
  version: number;
  layoutHash: string;
  paramTotal: number;
  schemaHash: string;
  extra: unknown;
}

/** Parameters and Adam moments, layout.total floats each. */
export interface CheckpointTensors {
  params: Float32Array;
  m: Float32Array;
  v: Float32Array;
}

export interface Checkpoint extends CheckpointTensors {
  header: CheckpointHeader;
}

function requireLittleEndian(path: string): void {
  if (endianness() !== "LE") throw new CheckpointError("endianness", path, "NFCK stores little-endian floats; this host is big-endian");
}

/** The byte parts of a checkpoint (prefix+header, params, m, v, digest), to be written in order. */
export function encodeCheckpoint(meta: CheckpointMeta, tensors: CheckpointTensors, path = "<memory>"): Uint8Array[] {
  requireLittleEndian(path);
  validateConfig(meta.config);
  const layout = paramLayout(meta.config);
  for (const k of ["params", "m", "v"] as const) {
    if (tensors[k].length !== layout.total) throw new RangeError(`checkpoint ${path}: ${k} has ${tensors[k].length} floats, the layout has ${layout.total}`);
  }
  if (!(Number.isInteger(meta.rngState) && meta.rngState >= 0 && meta.rngState <= 0xffffffff)) throw new RangeError(`checkpoint ${path}: rngState must be a u32, got ${meta.rngState}`);
  const header: CheckpointHeader = {
    format: CHECKPOINT_MAGIC,
    version: CHECKPOINT_VERSION,
    config: meta.config,
    layoutHash: layout.hash,
    paramTotal: layout.total,
    step: meta.step,
    epoch: meta.epoch,
    tokensSeen: meta.tokensSeen,
    rngState: meta.rngState,
    optimizer: { ...meta.optimizer },
    schemaHash: FEATURE_SCHEMA_HASH_HEX,
    extra: meta.extra ?? null,
  };
  let json = Buffer.from(JSON.stringify(header), "utf8");
  const padded = Math.ceil(json.length / 4) * 4;
  if (padded !== json.length) json = Buffer.concat([json, Buffer.alloc(padded - json.length, 0x20)]);
  const prefix = Buffer.alloc(PREFIX + json.length);
  prefix.write(CHECKPOINT_MAGIC, 0, "latin1");
  prefix.writeUInt32LE(CHECKPOINT_VERSION, 4);
  prefix.writeUInt32LE(json.length, 8);
  json.copy(prefix, PREFIX);
  const bytes = (a: Float32Array): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const parts = [prefix, bytes(tensors.params), bytes(tensors.m), bytes(tensors.v)];
  const hash = createHash("sha256");
  for (const p of parts) hash.update(p);
  parts.push(hash.digest());
  return parts;
}

/** Parses and validates a whole file: magic, version, length, checksum, layout hash, feature schema; expectConfig (if given) must have the same layout. */
export function decodeCheckpoint(buf: Uint8Array, path = "<memory>", expectConfig?: ModelConfig): Checkpoint {
  requireLittleEndian(path);
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  if (b.length < PREFIX) throw new CheckpointError(b.length >= 4 && b.toString("latin1", 0, 4) !== CHECKPOINT_MAGIC ? "bad-magic" : "truncated", path, `${b.length} bytes is shorter than the ${PREFIX}-byte prefix`);
  if (b.toString("latin1", 0, 4) !== CHECKPOINT_MAGIC) throw new CheckpointError("bad-magic", path, `magic is ${JSON.stringify(b.toString("latin1", 0, 4))}, expected "${CHECKPOINT_MAGIC}"`);
  const version = b.readUInt32LE(4);
  if (version !== CHECKPOINT_VERSION) throw new CheckpointError("wrong-version", path, `format version ${version}, this reader knows ${CHECKPOINT_VERSION}`);
  const headerLength = b.readUInt32LE(8);
  if (PREFIX + headerLength > b.length) throw new CheckpointError("truncated", path, `header of ${headerLength} bytes runs past the end of a ${b.length}-byte file`);
  let header: CheckpointHeader;
  try {
    header = JSON.parse(b.toString("utf8", PREFIX, PREFIX + headerLength)) as CheckpointHeader;
  } catch (e) {
    throw new CheckpointError("corrupted", path, `header is not JSON (${(e as Error).message})`);
  }
  if (typeof header !== "object" || header === null || !Number.isInteger(header.paramTotal) || header.paramTotal < 0) throw new CheckpointError("corrupted", path, "header has no valid paramTotal");
  const dataStart = PREFIX + headerLength;
  const n = header.paramTotal;
  const expected = dataStart + 3 * 4 * n + DIGEST;
  if (b.length < expected) throw new CheckpointError("truncated", path, `${b.length} bytes, the header announces ${expected}`);
  if (b.length > expected) throw new CheckpointError("corrupted", path, `${b.length - expected} trailing bytes after the checksum`);
  const digest = createHash("sha256").update(b.subarray(0, expected - DIGEST)).digest();
  if (!digest.equals(b.subarray(expected - DIGEST))) throw new CheckpointError("corrupted", path, "SHA-256 checksum mismatch");
  // the bytes are what was written; now check that they fit this code
  if (header.format !== CHECKPOINT_MAGIC || header.version !== version) throw new CheckpointError("corrupted", path, "header format/version disagree with the prefix");
  try {
    validateConfig(header.config);
  } catch (e) {
    if (e instanceof ModelConfigError) throw new CheckpointError("wrong-layout", path, `its config is invalid here: ${e.message}`);
    throw e;
  }
  const layout = paramLayout(header.config);
  if (layout.hash !== header.layoutHash || layout.total !== n) throw new CheckpointError("wrong-layout", path, `layout hash ${header.layoutHash} (${n} floats) was written by another parameter layout; its config gives ${layout.hash} (${layout.total})`);
  if (expectConfig !== undefined) {
    const want = paramLayout(expectConfig);
    if (want.hash !== header.layoutHash) throw new CheckpointError("wrong-layout", path, `layout hash ${header.layoutHash} does not match the expected config's ${want.hash}`);
  }
  if (header.schemaHash !== FEATURE_SCHEMA_HASH_HEX) throw new CheckpointError("wrong-schema", path, `feature schema ${header.schemaHash}, this build has ${FEATURE_SCHEMA_HASH_HEX}`);
  const floats = (k: number): Float32Array => {
    const start = b.byteOffset + dataStart + k * 4 * n;
    return new Float32Array(b.buffer.slice(start, start + 4 * n));
  };
  return { header, params: floats(0), m: floats(1), v: floats(2) };
}
