/** @module The 16-byte little-endian header shared by every binary wire format, and decode/encode options. */
import { FEATURE_SCHEMA_HASH } from "../features/catalogue.js";
import { ByteReader, ByteWriter, asBytes } from "./bytes.js";
import { wireError } from "./errors.js";

/**
 * Header layout (all little-endian):
 *
 * | offset | size | field                                                   |
 * |--------|------|---------------------------------------------------------|
 * | 0      | 4    | magic: 4 ASCII bytes in reading order ("NFGT", ...)     |
 * | 4      | 2    | format version (u16)                                    |
 * | 6      | 2    | flags (u16); bits a format does not define must be 0    |
 * | 8      | 4    | feature schema hash (u32, FEATURE_SCHEMA_HASH)          |
 * | 12     | 4    | payload byte length P (u32)                             |
 * | 16     | P    | payload; the frame is exactly 16 + P bytes              |
 */
export const HEADER_BYTES = 16;

/** Default decoder limit on a whole frame (header + payload). */
export const DEFAULT_MAX_FRAME_BYTES = 64 * 1024 * 1024;

/** Largest payload the u32 length field can describe. */
export const MAX_PAYLOAD_BYTES = 0xffff_ffff;

/** One binary format: its 4-ASCII magic and the version this build writes and reads. */
export interface FormatId {
  /** JSON `format` name, e.g. "netflowgen.tokens". */
  readonly name: string;
  /** Exactly 4 ASCII characters. */
  readonly magic: string;
  readonly version: number;
}

export const TOKENS_FORMAT: FormatId = { name: "netflowgen.tokens", magic: "NFGT", version: 1 };
export const HIDDEN_FORMAT: FormatId = { name: "netflowgen.hidden", magic: "NFGH", version: 1 };
export const SURVIVAL_FORMAT: FormatId = { name: "netflowgen.survival", magic: "NFGS", version: 1 };
export const CUTOFFS_FORMAT: FormatId = { name: "netflowgen.cutoffs", magic: "NFGC", version: 1 };
export const MANIFEST_FORMAT: FormatId = { name: "netflowgen.manifest", magic: "NFGM", version: 1 };
export const MINUTE_ARCHIVE_FORMAT: FormatId = { name: "netflowgen.minute-archive", magic: "NFGA", version: 1 };

export interface DecodeOptions {
  /** Feature schema hash the frame must carry; defaults to this build's FEATURE_SCHEMA_HASH. */
  readonly expectedSchemaHash?: number;
  /** Largest accepted frame in bytes (header included); defaults to DEFAULT_MAX_FRAME_BYTES. */
  readonly maxFrameBytes?: number;
}

export interface EncodeOptions {
  /** Feature schema hash written into the frame; defaults to FEATURE_SCHEMA_HASH. */
  readonly schemaHash?: number;
}

export const DEFAULT_DECODE_OPTIONS: Required<DecodeOptions> = {
  expectedSchemaHash: FEATURE_SCHEMA_HASH,
  maxFrameBytes: DEFAULT_MAX_FRAME_BYTES,
};

export interface FrameHeader {
  readonly magic: string;
  readonly version: number;
  readonly flags: number;
  readonly schemaHash: number;
  readonly payloadBytes: number;
}

/** The magic as the u32 a little-endian read of its 4 bytes yields ("NFGT" -> 0x5447464e). */
export function magicU32(magic: string): number {
  if (!/^[\x20-\x7e]{4}$/.test(magic)) throw new Error(`internal: magic must be 4 printable ASCII chars: ${magic}`);
  return (magic.charCodeAt(0) | (magic.charCodeAt(1) << 8) | (magic.charCodeAt(2) << 16) | (magic.charCodeAt(3) << 24)) >>> 0;
}

function magicText(u32: number): string {
  let out = "";
  for (let i = 0; i < 4; i++) {
    const c = (u32 >>> (8 * i)) & 0xff;
    out += c >= 0x20 && c <= 0x7e ? String.fromCharCode(c) : `\\x${c.toString(16).padStart(2, "0")}`;
  }
  return out;
}

export function isU32(v: number): boolean {
  return Number.isInteger(v) && v >= 0 && v <= 0xffff_ffff;
}

export function checkSchemaHash(hash: number): number {
  if (!isU32(hash)) throw wireError("invalid_value", `schema hash must be a u32, got ${hash}`);
  return hash;
}

/** Writes the header at offset 0 of `w` (a fresh writer). */
export function writeHeader(w: ByteWriter, header: FrameHeader): void {
  w.u32(magicU32(header.magic));
  w.u16(header.version);
  w.u16(header.flags);
  w.u32(checkSchemaHash(header.schemaHash));
  w.u32(header.payloadBytes);
}

/**
 * Allocates a whole frame (16 + payloadBytes) and writes its header; the caller writes exactly
 * `payloadBytes` more and calls `finish()`.
 */
export function frameWriter(format: FormatId, flags: number, payloadBytes: number, options: EncodeOptions = {}): ByteWriter {
  if (!Number.isSafeInteger(payloadBytes) || payloadBytes > MAX_PAYLOAD_BYTES) {
    throw wireError("oversized", `${format.name}: payload of ${payloadBytes} bytes does not fit the u32 length field`);
  }
  const w = new ByteWriter(HEADER_BYTES + payloadBytes);
  writeHeader(w, {
    magic: format.magic,
    version: format.version,
    flags,
    schemaHash: options.schemaHash ?? FEATURE_SCHEMA_HASH,
    payloadBytes,
  });
  return w;
}

/** A decoded header plus a reader positioned on the payload (bounded to exactly its length). */
export interface OpenedFrame {
  readonly header: FrameHeader;
  readonly payload: ByteReader;
}

/**
 * Validates the header of a `format` frame and returns a reader over its payload.
 * Checks, in order: magic (bad_magic), header length (truncated), frame limit (oversized),
 * version (bad_version), flag bits outside `allowedFlags` (invalid_value), schema hash
 * (wrong_schema), and 16 + payload length == total length (oversized / truncated / length_mismatch).
 */
export function readHeader(input: unknown, format: FormatId, allowedFlags: number, options: DecodeOptions = {}): OpenedFrame {
  const bytes = asBytes(input);
  const maxFrameBytes = options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
  const expected = options.expectedSchemaHash ?? FEATURE_SCHEMA_HASH;
  const r = new ByteReader(bytes);
  if (bytes.length >= 4) {
    const magic = r.u32("magic");
    if (magic !== magicU32(format.magic)) {
      throw wireError("bad_magic", `expected ${format.magic} (${format.name}), got ${magicText(magic)}`);
    }
  }
  if (bytes.length < HEADER_BYTES) {
    throw wireError("truncated", `${format.name}: ${bytes.length} bytes, the header alone needs ${HEADER_BYTES}`);
  }
  if (bytes.length > maxFrameBytes) {
    throw wireError("oversized", `${format.name}: frame of ${bytes.length} bytes exceeds the limit of ${maxFrameBytes}`);
  }
  const version = r.u16("version");
  const flags = r.u16("flags");
  const schemaHash = r.u32("schema hash");
  const payloadBytes = r.u32("payload length");
  if (version !== format.version) {
    throw wireError("bad_version", `${format.name}: version ${version} is not supported (this build reads ${format.version})`);
  }
  if ((flags & ~allowedFlags) !== 0) {
    throw wireError("invalid_value", `${format.name}: unknown flag bits 0x${flags.toString(16)}`);
  }
  if (schemaHash !== expected) {
    throw wireError(
      "wrong_schema",
      `${format.name}: feature schema ${schemaHash.toString(16).padStart(8, "0")}, expected ${expected.toString(16).padStart(8, "0")}`,
    );
  }
  const total = HEADER_BYTES + payloadBytes;
  if (total > maxFrameBytes) {
    throw wireError("oversized", `${format.name}: declared frame of ${total} bytes exceeds the limit of ${maxFrameBytes}`);
  }
  if (bytes.length < total) {
    throw wireError("truncated", `${format.name}: declared ${total} bytes, got ${bytes.length}`);
  }
  if (bytes.length > total) {
    throw wireError("length_mismatch", `${format.name}: declared ${total} bytes, got ${bytes.length}`);
  }
  return {
    header: { magic: format.magic, version, flags, schemaHash, payloadBytes },
    payload: new ByteReader(bytes, HEADER_BYTES, total),
  };
}
