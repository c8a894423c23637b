/** @module Minute archive chunks: closed node-minutes (86 raw counters each) in an exact, compact columnar form, edge -> R2 -> cloud training. */
import * as z from "zod";
import type { NodeMinute } from "../features/aggregate.js";
import { FEATURE_COUNT as CATALOGUE_FEATURE_COUNT } from "../features/catalogue.js";
import type { ByteReader, ByteWriter } from "./bytes.js";
import { wireError } from "./errors.js";
import { type DecodeOptions, type EncodeOptions, frameWriter, isU32, MINUTE_ARCHIVE_FORMAT, readHeader } from "./header.js";
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
import { isMinute, MAX_U32 } from "./keys.js";
import { type EncodedTable, internStrings, keyByteLength, MAX_KEY_BYTES, prepareTable, readTable, writeTable } from "./strings.js";

// Local copy: imported bindings are getters under some module loaders, too slow for the column loops.
const FEATURE_COUNT = CATALOGUE_FEATURE_COUNT;

/** Header flag bit 0: the chunk carries an unavailable mask (`unavailable` is present). Other bits must be 0. */
export const ARCHIVE_FLAG_UNAVAILABLE = 0x0001;

/** Feature column tag, bits 0..1: the value encoding. */
export const ARCHIVE_COLUMN_ZERO = 0;
export const ARCHIVE_COLUMN_DENSE = 1;
export const ARCHIVE_COLUMN_SPARSE = 2;
/** Feature column tag, bit 2: an unavailable bitmap follows the tag (only with ARCHIVE_FLAG_UNAVAILABLE). */
export const ARCHIVE_COLUMN_UNAVAILABLE = 0x04;

/** Default decoder limit on rows per chunk. */
export const DEFAULT_MAX_ARCHIVE_ROWS = 1_000_000;

/**
 * Bytes one decoded row occupies in memory (3 u32 key columns + 86 float64 counters), plus
 * FEATURE_COUNT more with the unavailable mask. Against 12 + 86 bytes on the wire at the least,
 * this is the decode amplification that `maxRows` bounds (1e6 rows ≈ 700 MB, 786 MB with a mask).
 */
export const DECODED_BYTES_PER_ARCHIVE_ROW = 12 + FEATURE_COUNT * 8;

/**
 * One archive chunk: N closed node-minutes of one tenant and shard, columnar.
 *
 * `nodes` (canonical IP text) and `customers` are string tables (distinct, 1..255 UTF-8 bytes);
 * `node[i]` and `customer[i]` index them. `minute[i]` is epoch minutes (u32). `counters` is
 * (N, FEATURE_COUNT) row-major in catalogue order: finite, >= 0, never -0 (fractional because of
 * minute splitting). `unavailable`, when present, is (N, FEATURE_COUNT) row-major: 1 marks a
 * feature the source data cannot give for that row (its counter must then be 0), 0 otherwise.
 * Row order is the producer's and is kept as is.
 */
export interface MinuteArchive {
  readonly tenant: string;
  /** u32 */
  readonly shard: number;
  readonly nodes: readonly string[];
  readonly customers: readonly string[];
  /** (N,) index into `nodes` */
  readonly node: Uint32Array;
  /** (N,) index into `customers` */
  readonly customer: Uint32Array;
  /** (N,) epoch minutes */
  readonly minute: Uint32Array;
  /** (N, FEATURE_COUNT) raw counters */
  readonly counters: Float64Array;
  /** (N, FEATURE_COUNT) 1 = unavailable; absent when the chunk has no mask */
  readonly unavailable?: Uint8Array;
}

/** One row in row form: a NodeMinute, plus its (FEATURE_COUNT,) unavailable flags when the chunk has a mask. */
export interface ArchiveRow extends NodeMinute {
  unavailable?: Uint8Array;
}

export interface MinuteArchiveDecodeOptions extends DecodeOptions {
  /** Most rows a chunk may hold (oversized beyond); defaults to DEFAULT_MAX_ARCHIVE_ROWS. */
  readonly maxRows?: number;
}

export interface MinuteArchiveJsonDecodeOptions extends JsonDecodeOptions {
  readonly maxRows?: number;
}

export interface MinuteArchiveBuildOptions {
  /** Give the chunk an unavailable mask; defaults to "some row carries `unavailable`". */
  readonly unavailableMask?: boolean;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const WHAT = "minute archive";
const encoder = new TextEncoder();
const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** A counter value is valid when finite, >= 0 and not -0 (its sign bit is clear). */
function isCounter(x: number): boolean {
  return x >= 0 && x <= Number.MAX_VALUE && (x !== 0 || 1 / x > 0);
}

function badCounter(i: number, x: number): never {
  const what = Object.is(x, -0) ? "-0" : String(x);
  throw wireError(
    "invalid_value",
    `${WHAT}: row ${Math.floor(i / FEATURE_COUNT)} feature ${i % FEATURE_COUNT} counter ${what} is not a finite number >= 0`,
  );
}

/** Per feature column: how its values and mask travel, and its encoded size. */
interface ColumnPlan {
  readonly tags: Uint8Array;
  /** non-zero counters per feature */
  readonly nonZero: Uint32Array;
  readonly bytes: number;
}

/** Bytes of one feature column's values: none, 8N dense, or 4 + 12K sparse (whichever is smaller; dense on a tie). */
function valueEncoding(n: number, nonZero: number): number {
  if (nonZero === 0) return ARCHIVE_COLUMN_ZERO;
  return 4 + 12 * nonZero < 8 * n ? ARCHIVE_COLUMN_SPARSE : ARCHIVE_COLUMN_DENSE;
}

/** Validates counters and mask (one row-major pass) and plans each feature column. */
function planColumns(counters: Float64Array, mask: Uint8Array | undefined, n: number): ColumnPlan {
  const nonZero = new Uint32Array(FEATURE_COUNT);
  const masked = new Uint8Array(FEATURE_COUNT);
  for (let row = 0, i = 0; row < n; row++) {
    for (let f = 0; f < FEATURE_COUNT; f++, i++) {
      const x = counters[i]!;
      if (x !== 0) {
        if (!isCounter(x)) badCounter(i, x);
        nonZero[f]!++;
      } else if (1 / x < 0) badCounter(i, x);
    }
  }
  if (mask !== undefined) {
    for (let i = 0; i < mask.length; i++) {
      const m = mask[i]!;
      if (m === 0) continue;
      const row = Math.floor(i / FEATURE_COUNT);
      const f = i % FEATURE_COUNT;
      if (m !== 1) throw wireError("invalid_value", `${WHAT}: row ${row} feature ${f} unavailable flag ${m}, expected 0 or 1`);
      if (counters[i] !== 0) throw wireError("invalid_value", `${WHAT}: row ${row} feature ${f} is unavailable but its counter is ${counters[i]}`);
      masked[f] = 1;
    }
  }
  const tags = new Uint8Array(FEATURE_COUNT);
  const bitmapBytes = Math.ceil(n / 8);
  let bytes = 0;
  for (let f = 0; f < FEATURE_COUNT; f++) {
    const enc = valueEncoding(n, nonZero[f]!);
    tags[f] = enc | (masked[f] ? ARCHIVE_COLUMN_UNAVAILABLE : 0);
    bytes += 1 + (masked[f] ? bitmapBytes : 0);
    if (enc === ARCHIVE_COLUMN_DENSE) bytes += 8 * n;
    else if (enc === ARCHIVE_COLUMN_SPARSE) bytes += 4 + 12 * nonZero[f]!;
  }
  return { tags, nonZero, bytes };
}

interface PreparedArchive {
  readonly n: number;
  readonly tenantBytes: number;
  readonly nodes: EncodedTable;
  readonly customers: EncodedTable;
  readonly plan: ColumnPlan;
}

/** Checks everything an encoder relies on: types and shapes, keys, index ranges, counters and mask. */
function prepareArchive(chunk: MinuteArchive): PreparedArchive {
  if (typeof chunk !== "object" || chunk === null) throw wireError("invalid_value", `${WHAT}: expected an object`);
  const tenantBytes = keyByteLength(chunk.tenant, `${WHAT}.tenant`);
  if (!isU32(chunk.shard)) throw wireError("invalid_value", `${WHAT}: shard ${String(chunk.shard)} is not a u32 integer`);
  const { node, customer, minute, counters, unavailable } = chunk;
  if (!(node instanceof Uint32Array) || !(customer instanceof Uint32Array) || !(minute instanceof Uint32Array)) {
    throw wireError("invalid_value", `${WHAT}: node, customer and minute must be Uint32Arrays`);
  }
  const n = node.length;
  if (customer.length !== n || minute.length !== n) {
    throw wireError("invalid_value", `${WHAT}: column lengths differ (${n}, ${customer.length}, ${minute.length})`);
  }
  if (!(counters instanceof Float64Array) || counters.length !== n * FEATURE_COUNT) {
    throw wireError("invalid_value", `${WHAT}: counters must be a Float64Array of ${n} x ${FEATURE_COUNT}`);
  }
  if (unavailable !== undefined && (!(unavailable instanceof Uint8Array) || unavailable.length !== n * FEATURE_COUNT)) {
    throw wireError("invalid_value", `${WHAT}: unavailable must be a Uint8Array of ${n} x ${FEATURE_COUNT}`);
  }
  const nodes = prepareTable(chunk.nodes, MAX_U32, `${WHAT}.nodes`);
  const customers = prepareTable(chunk.customers, MAX_U32, `${WHAT}.customers`);
  const nodeCount = nodes.strings.length;
  const customerCount = customers.strings.length;
  for (let i = 0; i < n; i++) {
    if (node[i]! >= nodeCount) throw wireError("invalid_value", `${WHAT}: row ${i} node index ${node[i]} out of range (${nodeCount})`);
    if (customer[i]! >= customerCount) {
      throw wireError("invalid_value", `${WHAT}: row ${i} customer index ${customer[i]} out of range (${customerCount})`);
    }
  }
  return { n, tenantBytes, nodes, customers, plan: planColumns(counters, unavailable, n) };
}

function writeU32Column(w: ByteWriter, column: Uint32Array, count: number): void {
  const at = w.skip(4 * count);
  if (LITTLE_ENDIAN) {
    w.bytes.set(new Uint8Array(column.buffer, column.byteOffset, 4 * count), at);
  } else {
    for (let i = 0; i < count; i++) w.view.setUint32(at + 4 * i, column[i]!, true);
  }
}

function writeF64Column(w: ByteWriter, column: Float64Array, count: number): void {
  const at = w.skip(8 * count);
  if (LITTLE_ENDIAN) {
    w.bytes.set(new Uint8Array(column.buffer, column.byteOffset, 8 * count), at);
  } else {
    for (let i = 0; i < count; i++) w.view.setFloat64(at + 8 * i, column[i]!, true);
  }
}

/**
 * Encodes a chunk (layout in docs/wire-formats.md): tenant, shard, node and customer tables, N,
 * the three key columns, then per feature a tag byte, an optional unavailable bitmap and the
 * values (none, dense float64 or sparse). Float64 values travel bit-exactly. Throws
 * WireFormatError("invalid_value") for a chunk that breaks the rules of `MinuteArchive`.
 */
export function encodeMinuteArchive(chunk: MinuteArchive, options: EncodeOptions = {}): Uint8Array {
  const { n, tenantBytes, nodes, customers, plan } = prepareArchive(chunk);
  const payload = 2 + tenantBytes + 4 + nodes.bytes + customers.bytes + 4 + 12 * n + plan.bytes;
  const mask = chunk.unavailable;
  const w = frameWriter(MINUTE_ARCHIVE_FORMAT, mask !== undefined ? ARCHIVE_FLAG_UNAVAILABLE : 0, payload, options);
  w.u16(tenantBytes);
  const tenantAt = w.skip(tenantBytes);
  encoder.encodeInto(chunk.tenant, w.bytes.subarray(tenantAt, tenantAt + tenantBytes));
  w.u32(chunk.shard);
  writeTable(w, nodes);
  writeTable(w, customers);
  w.u32(n);
  writeU32Column(w, chunk.node, n);
  writeU32Column(w, chunk.customer, n);
  writeU32Column(w, chunk.minute, n);

  const counters = chunk.counters;
  const out = w.bytes;
  const values = new Float64Array(n);
  const rows = new Uint32Array(n);
  const bitmapBytes = Math.ceil(n / 8);
  for (let f = 0; f < FEATURE_COUNT; f++) {
    const tag = plan.tags[f]!;
    w.u8(tag);
    if ((tag & ARCHIVE_COLUMN_UNAVAILABLE) !== 0) {
      const at = w.skip(bitmapBytes);
      for (let i = 0, k = f; i < n; i++, k += FEATURE_COUNT) if (mask![k] !== 0) out[at + (i >>> 3)]! |= 1 << (i & 7);
    }
    const enc = tag & 0x03;
    if (enc === ARCHIVE_COLUMN_DENSE) {
      for (let i = 0, k = f; i < n; i++, k += FEATURE_COUNT) values[i] = counters[k]!;
      writeF64Column(w, values, n);
    } else if (enc === ARCHIVE_COLUMN_SPARSE) {
      let count = 0;
      for (let i = 0, k = f; i < n; i++, k += FEATURE_COUNT) {
        const x = counters[k]!;
        if (x !== 0) {
          rows[count] = i;
          values[count++] = x;
        }
      }
      w.u32(count);
      writeU32Column(w, rows, count);
      writeF64Column(w, values, count);
    }
  }
  return w.finish();
}

function readKey(r: ByteReader, what: string): string {
  const len = r.u16(`${what} length`);
  if (len === 0 || len > MAX_KEY_BYTES) throw wireError("invalid_value", `${what}: length ${len}, expected 1..${MAX_KEY_BYTES}`);
  const raw = r.take(len, what);
  try {
    return utf8.decode(raw);
  } catch {
    throw wireError("invalid_value", `${what}: invalid UTF-8`);
  }
}

/** Copies `count` little-endian u32s at `at` into `out` (any alignment of the source). */
function readU32s(r: ByteReader, at: number, out: Uint32Array, count: number): void {
  if (LITTLE_ENDIAN) {
    new Uint8Array(out.buffer, out.byteOffset, 4 * count).set(r.bytes.subarray(at, at + 4 * count));
  } else {
    for (let i = 0; i < count; i++) out[i] = r.dataView.getUint32(at + 4 * i, true);
  }
}

function readF64s(r: ByteReader, at: number, out: Float64Array, count: number): void {
  if (LITTLE_ENDIAN) {
    new Uint8Array(out.buffer, out.byteOffset, 8 * count).set(r.bytes.subarray(at, at + 8 * count));
  } else {
    for (let i = 0; i < count; i++) out[i] = r.dataView.getFloat64(at + 8 * i, true);
  }
}

function readIndexColumn(r: ByteReader, n: number, tableSize: number, what: string): Uint32Array {
  const column = new Uint32Array(n);
  readU32s(r, r.skip(4 * n, `${WHAT} ${what} column`), column, n);
  for (let i = 0; i < n; i++) {
    if (column[i]! >= tableSize) throw wireError("invalid_value", `${WHAT}: row ${i} ${what} index ${column[i]} out of range (${tableSize})`);
  }
  return column;
}

/**
 * Decodes and validates a chunk. Throws only WireFormatError. The row count is checked against
 * `maxRows` and against the bytes left before anything is allocated.
 */
export function decodeMinuteArchive(input: Uint8Array | ArrayBuffer, options: MinuteArchiveDecodeOptions = {}): MinuteArchive {
  const { header, payload: r } = readHeader(input, MINUTE_ARCHIVE_FORMAT, ARCHIVE_FLAG_UNAVAILABLE, options);
  const hasMask = (header.flags & ARCHIVE_FLAG_UNAVAILABLE) !== 0;
  const maxRows = options.maxRows ?? DEFAULT_MAX_ARCHIVE_ROWS;
  const tenant = readKey(r, `${WHAT}.tenant`);
  const shard = r.u32(`${WHAT} shard`);
  const nodes = readTable(r, MAX_U32, `${WHAT}.nodes`);
  const customers = readTable(r, MAX_U32, `${WHAT}.customers`);
  const n = r.u32(`${WHAT} row count`);
  if (n > maxRows) throw wireError("oversized", `${WHAT}: ${n} rows, at most ${maxRows}`);
  // Every row takes 12 bytes of key columns and every feature column at least its tag byte.
  if (12 * n + FEATURE_COUNT > r.remaining) {
    throw wireError("truncated", `${WHAT}: ${n} rows need at least ${12 * n + FEATURE_COUNT} bytes, ${r.remaining} left`);
  }
  const node = readIndexColumn(r, n, nodes.length, "node");
  const customer = readIndexColumn(r, n, customers.length, "customer");
  const minute = new Uint32Array(n);
  readU32s(r, r.skip(4 * n, `${WHAT} minute column`), minute, n);

  const counters = new Float64Array(n * FEATURE_COUNT);
  const unavailable = hasMask ? new Uint8Array(n * FEATURE_COUNT) : undefined;
  const values = new Float64Array(n);
  const rows = new Uint32Array(n);
  const bitmapBytes = Math.ceil(n / 8);
  const src = r.bytes;
  for (let f = 0; f < FEATURE_COUNT; f++) {
    const tag = r.u8(`${WHAT} feature ${f} tag`);
    const enc = tag & 0x03;
    if ((tag & ~0x07) !== 0 || enc === 3) throw wireError("invalid_value", `${WHAT}: feature ${f} has unknown column tag 0x${tag.toString(16)}`);
    if ((tag & ARCHIVE_COLUMN_UNAVAILABLE) !== 0) {
      if (unavailable === undefined) throw wireError("invalid_value", `${WHAT}: feature ${f} has an unavailable bitmap but the chunk has no mask`);
      const at = r.skip(bitmapBytes, `${WHAT} feature ${f} unavailable bitmap`);
      if (n % 8 !== 0 && src[at + bitmapBytes - 1]! >>> (n % 8) !== 0) {
        throw wireError("invalid_value", `${WHAT}: feature ${f} unavailable bitmap has bits set past row ${n - 1}`);
      }
      for (let i = 0, k = f; i < n; i++, k += FEATURE_COUNT) unavailable[k] = (src[at + (i >>> 3)]! >>> (i & 7)) & 1;
    }
    if (enc === ARCHIVE_COLUMN_DENSE) {
      readF64s(r, r.skip(8 * n, `${WHAT} feature ${f} values`), values, n);
      for (let i = 0, k = f; i < n; i++, k += FEATURE_COUNT) {
        const x = values[i]!;
        if (!isCounter(x)) badCounter(k, x);
        counters[k] = x;
      }
    } else if (enc === ARCHIVE_COLUMN_SPARSE) {
      const count = r.u32(`${WHAT} feature ${f} entry count`);
      if (count > n) throw wireError("invalid_value", `${WHAT}: feature ${f} has ${count} sparse entries for ${n} rows`);
      r.need(12 * count, `${WHAT} feature ${f} sparse entries`);
      readU32s(r, r.skip(4 * count, `${WHAT} feature ${f} rows`), rows, count);
      readF64s(r, r.skip(8 * count, `${WHAT} feature ${f} values`), values, count);
      let prev = -1;
      for (let j = 0; j < count; j++) {
        const row = rows[j]!;
        if (row <= prev || row >= n) {
          throw wireError("invalid_value", `${WHAT}: feature ${f} sparse row ${row} is out of order or range (after ${prev}, ${n} rows)`);
        }
        prev = row;
        const k = row * FEATURE_COUNT + f;
        const x = values[j]!;
        if (!isCounter(x)) badCounter(k, x);
        counters[k] = x;
      }
    }
  }
  r.expectEnd(WHAT);
  if (unavailable !== undefined) {
    for (let i = 0; i < unavailable.length; i++) {
      if (unavailable[i] !== 0 && counters[i] !== 0) {
        throw wireError("invalid_value", `${WHAT}: row ${Math.floor(i / FEATURE_COUNT)} feature ${i % FEATURE_COUNT} is unavailable but its counter is ${counters[i]}`);
      }
    }
  }
  const chunk: MinuteArchive = { tenant, shard, nodes, customers, node, customer, minute, counters };
  return unavailable === undefined ? chunk : { ...chunk, unavailable };
}

/** A row as the builder takes it: a NodeMinute whose arrays may be any array-like (JSON arrays included). */
interface RowInput {
  readonly node: string;
  readonly customer: string;
  readonly minute: number;
  readonly counters: ArrayLike<number>;
  readonly unavailable?: ArrayLike<number> | undefined;
}

function buildArchive(tenant: string, shard: number, rows: readonly RowInput[], mask: boolean): MinuteArchive {
  if (!Array.isArray(rows)) throw wireError("invalid_value", `${WHAT}: rows must be an array`);
  const n = rows.length;
  const nodes = internStrings(rows.map((r) => r.node));
  const customers = internStrings(rows.map((r) => r.customer));
  const minute = new Uint32Array(n);
  const counters = new Float64Array(n * FEATURE_COUNT);
  const unavailable = mask ? new Uint8Array(n * FEATURE_COUNT) : undefined;
  for (let i = 0; i < n; i++) {
    const row = rows[i]!;
    if (!isMinute(row.minute)) throw wireError("invalid_value", `${WHAT}: row ${i} minute ${row.minute} is not a u32 integer`);
    minute[i] = row.minute;
    const c = row.counters;
    if (c === null || typeof c !== "object" || c.length !== FEATURE_COUNT) {
      throw wireError("invalid_value", `${WHAT}: row ${i} must have ${FEATURE_COUNT} counters`);
    }
    const base = i * FEATURE_COUNT;
    for (let f = 0; f < FEATURE_COUNT; f++) {
      const x = c[f]!;
      counters[base + f] = x === 0 ? 0 : x; // -0 becomes 0; anything else is checked by prepareArchive
    }
    if (row.unavailable !== undefined) {
      if (unavailable === undefined) throw wireError("invalid_value", `${WHAT}: row ${i} has unavailable flags but the chunk has no mask`);
      const u = row.unavailable;
      if (u === null || typeof u !== "object" || u.length !== FEATURE_COUNT) {
        throw wireError("invalid_value", `${WHAT}: row ${i} must have ${FEATURE_COUNT} unavailable flags`);
      }
      for (let f = 0; f < FEATURE_COUNT; f++) {
        const m = u[f]!;
        if (m !== 0 && m !== 1) throw wireError("invalid_value", `${WHAT}: row ${i} feature ${f} unavailable flag ${m}, expected 0 or 1`);
        unavailable[base + f] = m;
      }
    }
  }
  const chunk: MinuteArchive = {
    tenant,
    shard,
    nodes: nodes.table,
    customers: customers.table,
    node: nodes.index,
    customer: customers.index,
    minute,
    counters,
  };
  const out = unavailable === undefined ? chunk : { ...chunk, unavailable };
  prepareArchive(out);
  return out;
}

/**
 * Row form -> chunk, keeping the rows' order; the node and customer tables are in first-appearance
 * order. Counters are copied (-0 becomes 0) and validated. The chunk has an unavailable mask when
 * `options.unavailableMask` says so, by default when some row carries `unavailable` (rows without
 * it are then fully available).
 */
export function minuteArchiveFromNodeMinutes(
  tenant: string,
  shard: number,
  rows: readonly (NodeMinute | ArchiveRow)[],
  options: MinuteArchiveBuildOptions = {},
): MinuteArchive {
  const mask = options.unavailableMask ?? (Array.isArray(rows) && rows.some((r) => (r as ArchiveRow).unavailable !== undefined));
  return buildArchive(tenant, shard, rows, mask);
}

/** Chunk -> row form (arrays are copies); each row carries `unavailable` when the chunk has a mask. */
export function archiveRows(chunk: MinuteArchive): ArchiveRow[] {
  const out: ArchiveRow[] = [];
  const mask = chunk.unavailable;
  for (let i = 0; i < chunk.node.length; i++) {
    const row: ArchiveRow = {
      node: chunk.nodes[chunk.node[i]!]!,
      customer: chunk.customers[chunk.customer[i]!]!,
      minute: chunk.minute[i]!,
      counters: chunk.counters.slice(i * FEATURE_COUNT, (i + 1) * FEATURE_COUNT),
    };
    if (mask !== undefined) row.unavailable = mask.slice(i * FEATURE_COUNT, (i + 1) * FEATURE_COUNT);
    out.push(row);
  }
  return out;
}

/** JSON form of one row. */
export interface MinuteArchiveRowJSON {
  readonly node: string;
  readonly customer: string;
  readonly minute: number;
  /** FEATURE_COUNT finite numbers >= 0 */
  readonly counters: number[];
  /** Ascending feature indices marked unavailable; omitted when none (only with `unavailableMask`). */
  readonly unavailable?: number[];
}

export interface MinuteArchiveJSON extends JsonEnvelope {
  readonly tenant: string;
  readonly shard: number;
  readonly unavailableMask: boolean;
  readonly rows: MinuteArchiveRowJSON[];
}

function isCounterArray(v: unknown): v is number[] {
  if (!Array.isArray(v) || v.length !== FEATURE_COUNT) return false;
  for (const x of v) if (!(typeof x === "number" && x >= 0 && x <= Number.MAX_VALUE)) return false;
  return true;
}

function isFeatureList(v: unknown): v is number[] {
  if (!Array.isArray(v)) return false;
  let prev = -1;
  for (const f of v) {
    if (!(typeof f === "number" && Number.isInteger(f) && f > prev && f < FEATURE_COUNT)) return false;
    prev = f;
  }
  return true;
}

const MinuteArchiveJsonSchema = z
  .strictObject({
    ...envelopeShape(MINUTE_ARCHIVE_FORMAT),
    tenant: keyString,
    shard: z.number().int().min(0).max(MAX_U32),
    unavailableMask: z.boolean(),
    rows: z.array(
      z.strictObject({
        node: keyString,
        customer: keyString,
        minute: minuteInt,
        // One custom check instead of a zod schema per element (as in tokens.ts).
        counters: z.custom<number[]>(isCounterArray, { message: `must be ${FEATURE_COUNT} finite numbers >= 0` }),
        unavailable: z.custom<number[]>(isFeatureList, { message: `must be ascending distinct feature indices 0..${FEATURE_COUNT - 1}` }).optional(),
      }),
    ),
  })
  .superRefine((doc, ctx) => {
    if (doc.unavailableMask) return;
    doc.rows.forEach((row, i) => {
      if (row.unavailable !== undefined) ctx.addIssue({ code: "custom", path: ["rows", i, "unavailable"], message: "not allowed without unavailableMask" });
    });
  });

export function minuteArchiveToJSON(chunk: MinuteArchive, options: EncodeOptions = {}): MinuteArchiveJSON {
  prepareArchive(chunk);
  const mask = chunk.unavailable;
  return {
    ...envelope(MINUTE_ARCHIVE_FORMAT, options.schemaHash),
    tenant: chunk.tenant,
    shard: chunk.shard,
    unavailableMask: mask !== undefined,
    rows: archiveRows(chunk).map((row) => {
      const json: { -readonly [K in keyof MinuteArchiveRowJSON]: MinuteArchiveRowJSON[K] } = {
        node: row.node,
        customer: row.customer,
        minute: row.minute,
        counters: Array.from(row.counters),
      };
      if (row.unavailable !== undefined) {
        const features: number[] = [];
        row.unavailable.forEach((m, f) => {
          if (m !== 0) features.push(f);
        });
        if (features.length > 0) json.unavailable = features;
      }
      return json;
    }),
  };
}

/** Accepts a JSON text or an already-parsed value; tables are rebuilt in first-appearance order, -0 reads as 0. */
export function minuteArchiveFromJSON(input: unknown, options: MinuteArchiveJsonDecodeOptions = {}): MinuteArchive {
  const value = checkEnvelope(parseJsonInput(input, MINUTE_ARCHIVE_FORMAT.name), MINUTE_ARCHIVE_FORMAT, options);
  const doc = zodParse(MinuteArchiveJsonSchema, value, MINUTE_ARCHIVE_FORMAT.name);
  const maxRows = options.maxRows ?? DEFAULT_MAX_ARCHIVE_ROWS;
  if (doc.rows.length > maxRows) throw wireError("oversized", `${WHAT}: ${doc.rows.length} rows, at most ${maxRows}`);
  const rows: RowInput[] = doc.rows.map((row) => {
    let unavailable: Uint8Array | undefined;
    if (doc.unavailableMask) {
      unavailable = new Uint8Array(FEATURE_COUNT);
      for (const f of row.unavailable ?? []) unavailable[f] = 1;
    }
    return { node: row.node, customer: row.customer, minute: row.minute, counters: row.counters, unavailable };
  });
  return buildArchive(doc.tenant, doc.shard, rows, doc.unavailableMask);
}
