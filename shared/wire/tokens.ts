/** @module Token frames: N node-minutes of 86 bin indices (0..9), packed 4 bits each, edge -> cloud. */
import * as z from "zod";
import { BIN_COUNT as CATALOGUE_BIN_COUNT, FEATURE_COUNT as CATALOGUE_FEATURE_COUNT } from "../features/catalogue.js";
import { wireError } from "./errors.js";
import { type DecodeOptions, type EncodeOptions, frameWriter, readHeader, TOKENS_FORMAT } from "./header.js";
import {
  checkEnvelope,
  envelope,
  envelopeShape,
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
  type PreparedKeys,
  prepareKeys,
  readKeyColumns,
  readKeyTables,
  writeKeyColumns,
  writeKeyTables,
} from "./keys.js";

// Local copies: imported bindings are getters under some module loaders, too slow for the packing loops.
const FEATURE_COUNT = CATALOGUE_FEATURE_COUNT;
const BIN_COUNT = CATALOGUE_BIN_COUNT;

if (BIN_COUNT > 16 || FEATURE_COUNT % 2 !== 0) throw new Error("internal: token packing needs <= 16 bins and an even feature count");

/** Packed bytes per node-minute: two bins per byte, feature 2j in the low nibble of byte j. */
export const PACKED_BIN_BYTES = FEATURE_COUNT / 2;

/**
 * A token frame, columnar: key columns (see NodeMinuteKeys) and `bins`, (N, FEATURE_COUNT)
 * row-major, bin indices 0..BIN_COUNT-1 in catalogue feature order. Columnar because the
 * cloud feeds `bins` straight into the embedding and the edge builds frames in bulk; use
 * `buildTokenFrame` / `tokenEntries` for the row form.
 */
export interface TokenFrame extends NodeMinuteKeys {
  /** (N, FEATURE_COUNT) bin indices */
  readonly bins: Uint8Array;
}

/** One node-minute in row form. */
export interface TokenEntry extends NodeMinuteKey {
  /** (FEATURE_COUNT,) bin indices */
  readonly bins: Uint8Array;
}

function checkBins(bins: ArrayLike<number>, offset: number, count: number, what: string): void {
  for (let j = 0; j < count; j++) {
    const b = bins[offset + j]!;
    if (!(b >= 0 && b < BIN_COUNT && Number.isInteger(b))) {
      throw wireError("invalid_value", `${what}: bin ${b} of feature ${j} is outside 0..${BIN_COUNT - 1}`);
    }
  }
}

/** Row form -> frame (tables in first-appearance order); validates minutes and bins. */
export function buildTokenFrame(entries: readonly TokenEntry[]): TokenFrame {
  const keys = keysFromRows(entries);
  const bins = new Uint8Array(entries.length * FEATURE_COUNT);
  for (let i = 0; i < entries.length; i++) {
    const b = entries[i]!.bins;
    if (b.length !== FEATURE_COUNT) throw wireError("invalid_value", `entry ${i}: ${b.length} bins, expected ${FEATURE_COUNT}`);
    checkBins(b, 0, FEATURE_COUNT, `entry ${i}`);
    bins.set(b, i * FEATURE_COUNT);
  }
  return { ...keys, bins };
}

/** Frame -> row form (each `bins` is a copy). */
export function tokenEntries(frame: TokenFrame): TokenEntry[] {
  const out: TokenEntry[] = [];
  for (let i = 0; i < frame.tenant.length; i++) {
    out.push({ ...keyAt(frame, i), bins: frame.bins.slice(i * FEATURE_COUNT, (i + 1) * FEATURE_COUNT) });
  }
  return out;
}

/** Validates keys and the bins' shape (values are checked while packing or by `checkBinValues`). */
function checkTokenShape(frame: TokenFrame): PreparedKeys {
  const prepared = prepareKeys(frame, "token frame");
  const n = prepared.count;
  const bins = frame.bins;
  if (!(bins instanceof Uint8Array) || bins.length !== n * FEATURE_COUNT) {
    throw wireError("invalid_value", `token frame: bins must be a Uint8Array of ${n} x ${FEATURE_COUNT}`);
  }
  return prepared;
}

function badBin(bins: Uint8Array, i: number): never {
  throw wireError(
    "invalid_value",
    `token frame: entry ${Math.floor(i / FEATURE_COUNT)} bin ${bins[i]} of feature ${i % FEATURE_COUNT} is outside 0..${BIN_COUNT - 1}`,
  );
}

function checkBinValues(bins: Uint8Array): void {
  for (let i = 0; i < bins.length; i++) if (bins[i]! >= BIN_COUNT) badBin(bins, i);
}

/** Encodes a token frame; throws WireFormatError("invalid_value") for a frame that breaks the rules. */
export function encodeTokenFrame(frame: TokenFrame, options: EncodeOptions = {}): Uint8Array {
  const prepared = checkTokenShape(frame);
  const n = prepared.count;
  const bins = frame.bins;
  const payload = prepared.tableBytes + 4 + n * (10 + PACKED_BIN_BYTES);
  const w = frameWriter(TOKENS_FORMAT, 0, payload, options);
  writeKeyTables(w, prepared);
  writeKeyColumns(w, frame);
  const out = w.bytes;
  const at = w.skip(n * PACKED_BIN_BYTES);
  for (let k = 0, src = 0; k < n * PACKED_BIN_BYTES; k++, src += 2) {
    const lo = bins[src]!;
    const hi = bins[src + 1]!;
    if (lo >= BIN_COUNT) badBin(bins, src);
    if (hi >= BIN_COUNT) badBin(bins, src + 1);
    out[at + k] = lo | (hi << 4);
  }
  return w.finish();
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Packed byte -> its two bins as a little-endian u16 (low nibble first), or 0xffff when a nibble is >= BIN_COUNT. */
const UNPACK = Uint16Array.from({ length: 256 }, (_, b) => {
  const lo = b & 0x0f;
  const hi = b >>> 4;
  if (lo >= BIN_COUNT || hi >= BIN_COUNT) return 0xffff;
  return LITTLE_ENDIAN ? lo | (hi << 8) : (lo << 8) | hi;
});

/** Decodes and validates a token frame (see docs/wire-formats.md). */
export function decodeTokenFrame(input: Uint8Array | ArrayBuffer, options: DecodeOptions = {}): TokenFrame {
  const { payload: r } = readHeader(input, TOKENS_FORMAT, 0, options);
  const tables = readKeyTables(r, "token frame");
  const keys = readKeyColumns(r, tables, PACKED_BIN_BYTES, "token frame");
  const n = keys.tenant.length;
  const src = r.bytes;
  let at = r.skip(n * PACKED_BIN_BYTES, "token bins");
  const bins = new Uint8Array(n * FEATURE_COUNT);
  const pairs = new Uint16Array(bins.buffer); // bins 2j, 2j+1 of the frame as one u16 (platform order)
  for (let j = 0; j < pairs.length; j++, at++) {
    const pair = UNPACK[src[at]!]!;
    if (pair === 0xffff) {
      const byte = src[at]!;
      const i = Math.floor((2 * j) / FEATURE_COUNT);
      const f = (2 * j) % FEATURE_COUNT;
      throw wireError("invalid_value", `token frame: entry ${i} bins ${byte & 0x0f}, ${byte >>> 4} of features ${f}, ${f + 1} exceed ${BIN_COUNT - 1}`);
    }
    pairs[j] = pair;
  }
  r.expectEnd("token frame");
  return { ...keys, bins };
}

/** JSON form of one node-minute. */
export interface TokenEntryJSON {
  readonly tenant: string;
  readonly node: string;
  readonly minute: number;
  /** FEATURE_COUNT integers in 0..BIN_COUNT-1 */
  readonly bins: number[];
}

export interface TokenFrameJSON extends JsonEnvelope {
  readonly entries: TokenEntryJSON[];
}

function isBinArray(v: unknown): v is number[] {
  if (!Array.isArray(v) || v.length !== FEATURE_COUNT) return false;
  for (const b of v) if (!(typeof b === "number" && Number.isInteger(b) && b >= 0 && b < BIN_COUNT)) return false;
  return true;
}

const TokenFrameJsonSchema = z.strictObject({
  ...envelopeShape(TOKENS_FORMAT),
  entries: z.array(
    z.strictObject({
      tenant: keyString,
      node: keyString,
      minute: minuteInt,
      // One custom check instead of a zod schema per element: ~5x faster on large frames.
      bins: z.custom<number[]>(isBinArray, { message: `must be ${FEATURE_COUNT} integers in 0..${BIN_COUNT - 1}` }),
    }),
  ),
});

export function tokenFrameToJSON(frame: TokenFrame, options: EncodeOptions = {}): TokenFrameJSON {
  checkTokenShape(frame);
  checkBinValues(frame.bins);
  return {
    ...envelope(TOKENS_FORMAT, options.schemaHash),
    entries: tokenEntries(frame).map((e) => ({ tenant: e.tenant, node: e.node, minute: e.minute, bins: Array.from(e.bins) })),
  };
}

/** Accepts a JSON text or an already-parsed value; string tables are rebuilt in first-appearance order. */
export function tokenFrameFromJSON(input: unknown, options: JsonDecodeOptions = {}): TokenFrame {
  const value = checkEnvelope(parseJsonInput(input, TOKENS_FORMAT.name), TOKENS_FORMAT, options);
  const doc = zodParse(TokenFrameJsonSchema, value, TOKENS_FORMAT.name);
  return buildTokenFrame(doc.entries.map((e) => ({ tenant: e.tenant, node: e.node, minute: e.minute, bins: Uint8Array.from(e.bins) })));
}
