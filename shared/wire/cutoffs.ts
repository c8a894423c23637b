/** @module Cutoff tables (paper Algorithm 1, per node and feature): compact binary and JSON, cloud -> edge. */
import * as z from "zod";
import { FEATURE_COUNT as CATALOGUE_FEATURE_COUNT } from "../features/catalogue.js";
import type { CutoffTable, NodeCutoffs } from "../binning/types.js";
import { MAX_CUTOFFS as TYPES_MAX_CUTOFFS } from "../binning/types.js";
import { hashHex } from "../hash.js";
import { wireError } from "./errors.js";
import { checkSchemaHash, CUTOFFS_FORMAT, type DecodeOptions, frameWriter, readHeader } from "./header.js";
import {
  checkEnvelope,
  envelopeShape,
  type JsonDecodeOptions,
  type JsonEnvelope,
  keyString,
  parseJsonInput,
  zodParse,
} from "./json.js";
import { MAX_U32 } from "./keys.js";
import { prepareTable, readTable, writeTable } from "./strings.js";

// Local copies: imported bindings are getters under some module loaders, too slow for inner loops.
const FEATURE_COUNT = CATALOGUE_FEATURE_COUNT;
const MAX_CUTOFFS = TYPES_MAX_CUTOFFS;

/** Bytes one decoded node occupies in memory (counts + NaN-padded values): the decode amplification. */
export const DECODED_BYTES_PER_NODE = FEATURE_COUNT + FEATURE_COUNT * MAX_CUTOFFS * 8;

/** Default limit on nodes per table, bounding decoded memory to ~412 MB; pass less on small runtimes. */
export const DEFAULT_MAX_CUTOFF_NODES = 65536;

export interface CutoffDecodeOptions extends DecodeOptions {
  /** Most nodes a table may hold (oversized beyond); defaults to DEFAULT_MAX_CUTOFF_NODES. */
  readonly maxNodes?: number;
}

export interface CutoffJsonDecodeOptions extends JsonDecodeOptions {
  readonly maxNodes?: number;
}

/** Checks row f of a node: counts[f] values, finite, > 0, strictly increasing. */
function checkRow(values: ArrayLike<number>, offset: number, count: number, what: string): void {
  let prev = 0;
  for (let k = 0; k < count; k++) {
    const c = values[offset + k]!;
    if (!Number.isFinite(c)) throw wireError("invalid_value", `${what}: cutoff ${k + 1} is ${c}, not finite`);
    if (!(c > prev)) {
      throw wireError("invalid_value", k === 0 ? `${what}: cutoff 1 = ${c} is not > 0` : `${what}: cutoff ${k + 1} = ${c} is not > cutoff ${k} = ${prev}`);
    }
    prev = c;
  }
}

function checkNode(nc: NodeCutoffs, what: string): void {
  if (typeof nc !== "object" || nc === null || !(nc.counts instanceof Uint8Array) || !(nc.values instanceof Float64Array)) {
    throw wireError("invalid_value", `${what}: expected { counts: Uint8Array, values: Float64Array }`);
  }
  if (nc.counts.length !== FEATURE_COUNT || nc.values.length !== FEATURE_COUNT * MAX_CUTOFFS) {
    throw wireError("invalid_value", `${what}: counts must have ${FEATURE_COUNT} entries and values ${FEATURE_COUNT * MAX_CUTOFFS}`);
  }
  for (let f = 0; f < FEATURE_COUNT; f++) {
    const count = nc.counts[f]!;
    if (count > MAX_CUTOFFS) throw wireError("invalid_value", `${what} feature ${f}: ${count} cutoffs, at most ${MAX_CUTOFFS}`);
    checkRow(nc.values, f * MAX_CUTOFFS, count, `${what} feature ${f}`);
  }
}

function checkTable(table: CutoffTable) {
  if (typeof table !== "object" || table === null || !Array.isArray(table.cutoffs)) {
    throw wireError("invalid_value", "cutoff table: expected { schemaHash, nodes, cutoffs }");
  }
  checkSchemaHash(table.schemaHash);
  const nodes = prepareTable(table.nodes, MAX_U32, "cutoff table.nodes");
  if (table.cutoffs.length !== nodes.strings.length) {
    throw wireError("invalid_value", `cutoff table: ${nodes.strings.length} nodes but ${table.cutoffs.length} cutoff entries`);
  }
  let total = 0;
  table.cutoffs.forEach((nc, i) => {
    checkNode(nc, `cutoff table node ${i}`);
    for (let f = 0; f < FEATURE_COUNT; f++) total += nc.counts[f]!;
  });
  return { nodes, total };
}

/**
 * Payload: node table (strings.ts), then M x 86 u8 counts (node-major), then the sum of all
 * counts f64 values: node-major, feature-major, c_1..c_count. The header carries table.schemaHash.
 */
export function encodeCutoffTable(table: CutoffTable): Uint8Array {
  const { nodes, total } = checkTable(table);
  const m = nodes.strings.length;
  const w = frameWriter(CUTOFFS_FORMAT, 0, nodes.bytes + m * FEATURE_COUNT + total * 8, { schemaHash: table.schemaHash });
  writeTable(w, nodes);
  for (const nc of table.cutoffs) w.raw(nc.counts);
  for (const nc of table.cutoffs) {
    for (let f = 0; f < FEATURE_COUNT; f++) {
      for (let k = 0; k < nc.counts[f]!; k++) w.f64(nc.values[f * MAX_CUTOFFS + k]!);
    }
  }
  return w.finish();
}

export function decodeCutoffTable(input: Uint8Array | ArrayBuffer, options: CutoffDecodeOptions = {}): CutoffTable {
  const { header, payload: r } = readHeader(input, CUTOFFS_FORMAT, 0, options);
  const maxNodes = options.maxNodes ?? DEFAULT_MAX_CUTOFF_NODES;
  const nodes = readTable(r, maxNodes, "cutoff table.nodes");
  const m = nodes.length;
  const countsAt = r.skip(m * FEATURE_COUNT, "cutoff counts");
  const src = r.bytes;
  let total = 0;
  for (let i = 0; i < m * FEATURE_COUNT; i++) {
    const c = src[countsAt + i]!;
    if (c > MAX_CUTOFFS) {
      throw wireError("invalid_value", `cutoff table node ${Math.floor(i / FEATURE_COUNT)} feature ${i % FEATURE_COUNT}: ${c} cutoffs, at most ${MAX_CUTOFFS}`);
    }
    total += c;
  }
  if (total * 8 > r.remaining) throw wireError("truncated", `cutoff table: ${total} cutoffs need ${total * 8} bytes, ${r.remaining} left`);
  if (total * 8 < r.remaining) throw wireError("length_mismatch", `cutoff table: ${total} cutoffs need ${total * 8} bytes, ${r.remaining} left`);
  const v = r.dataView;
  let at = r.skip(total * 8, "cutoff values");
  const cutoffs: NodeCutoffs[] = [];
  for (let i = 0; i < m; i++) {
    const counts = src.slice(countsAt + i * FEATURE_COUNT, countsAt + (i + 1) * FEATURE_COUNT);
    const values = new Float64Array(FEATURE_COUNT * MAX_CUTOFFS).fill(Number.NaN);
    for (let f = 0; f < FEATURE_COUNT; f++) {
      const row = f * MAX_CUTOFFS;
      for (let k = 0; k < counts[f]!; k++, at += 8) values[row + k] = v.getFloat64(at, true);
      checkRow(values, row, counts[f]!, `cutoff table node ${i} feature ${f}`);
    }
    cutoffs.push({ counts, values });
  }
  r.expectEnd("cutoff table");
  return { schemaHash: header.schemaHash, nodes, cutoffs };
}

export interface CutoffNodeJSON {
  readonly node: string;
  /** FEATURE_COUNT arrays of 0..MAX_CUTOFFS strictly increasing positive numbers */
  readonly cutoffs: number[][];
}

export interface CutoffTableJSON extends JsonEnvelope {
  readonly nodes: CutoffNodeJSON[];
}

const CutoffTableJsonSchema = z.strictObject({
  ...envelopeShape(CUTOFFS_FORMAT),
  nodes: z.array(
    z.strictObject({
      node: keyString,
      cutoffs: z.array(z.array(z.number()).max(MAX_CUTOFFS)).length(FEATURE_COUNT),
    }),
  ),
});

export function cutoffTableToJSON(table: CutoffTable): CutoffTableJSON {
  checkTable(table);
  return {
    format: CUTOFFS_FORMAT.name,
    version: CUTOFFS_FORMAT.version,
    schemaHash: hashHex(table.schemaHash),
    nodes: table.nodes.map((node, i) => {
      const nc = table.cutoffs[i]!;
      const rows: number[][] = [];
      for (let f = 0; f < FEATURE_COUNT; f++) rows.push(Array.from(nc.values.subarray(f * MAX_CUTOFFS, f * MAX_CUTOFFS + nc.counts[f]!)));
      return { node, cutoffs: rows };
    }),
  };
}

/** Accepts a JSON text or an already-parsed value. */
export function cutoffTableFromJSON(input: unknown, options: CutoffJsonDecodeOptions = {}): CutoffTable {
  const value = checkEnvelope(parseJsonInput(input, CUTOFFS_FORMAT.name), CUTOFFS_FORMAT, options);
  const doc = zodParse(CutoffTableJsonSchema, value, CUTOFFS_FORMAT.name);
  const maxNodes = options.maxNodes ?? DEFAULT_MAX_CUTOFF_NODES;
  if (doc.nodes.length > maxNodes) throw wireError("oversized", `cutoff table: ${doc.nodes.length} nodes, at most ${maxNodes}`);
  const cutoffs = doc.nodes.map((n, i) => {
    const counts = new Uint8Array(FEATURE_COUNT);
    const values = new Float64Array(FEATURE_COUNT * MAX_CUTOFFS).fill(Number.NaN);
    n.cutoffs.forEach((row, f) => {
      checkRow(row, 0, row.length, `cutoff table node ${i} feature ${f}`);
      counts[f] = row.length;
      values.set(row, f * MAX_CUTOFFS);
    });
    return { counts, values };
  });
  const table: CutoffTable = { schemaHash: Number.parseInt(doc.schemaHash, 16), nodes: doc.nodes.map((n) => n.node), cutoffs };
  prepareTable(table.nodes, maxNodes, "cutoff table.nodes"); // distinct, valid keys
  return table;
}
