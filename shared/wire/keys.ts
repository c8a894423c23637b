/** @module Columnar (tenant, node, minute) keys shared by the per-node-minute frames (tokens, hidden states). */
import type { ByteReader, ByteWriter } from "./bytes.js";
import { wireError } from "./errors.js";
import { type EncodedTable, internStrings, prepareTable, readTable, writeTable } from "./strings.js";

/** A tenant index is a u16, so a frame holds at most 65536 distinct tenants. */
export const MAX_TENANTS = 0x1_0000;
/** Node indices, entry counts and minutes are u32. */
export const MAX_U32 = 0xffff_ffff;
/** Bytes per entry of the key columns: u16 tenant index + u32 node index + u32 minute. */
export const KEY_COLUMN_BYTES = 10;

/**
 * N node-minutes as columns. `tenants` and `nodes` are string tables (distinct, non-empty,
 * <= 255 UTF-8 bytes each); `tenant[i]` and `node[i]` index them. A node is its canonical IP
 * text (shared/flow produces it; the wire layer treats it as an opaque key). `minute[i]` is
 * whole minutes since the Unix epoch (UTC) as a u32: enough until the year 10136.
 */
export interface NodeMinuteKeys {
  readonly tenants: readonly string[];
  readonly nodes: readonly string[];
  /** (N,) index into `tenants` */
  readonly tenant: Uint16Array;
  /** (N,) index into `nodes` */
  readonly node: Uint32Array;
  /** (N,) epoch minutes */
  readonly minute: Uint32Array;
}

/** One node-minute's key in row form. */
export interface NodeMinuteKey {
  readonly tenant: string;
  readonly node: string;
  readonly minute: number;
}

export function isMinute(v: unknown): v is number {
  return typeof v === "number" && Number.isInteger(v) && v >= 0 && v <= MAX_U32;
}

/** Builds key columns from rows; string tables are in first-appearance order. */
export function keysFromRows(rows: readonly NodeMinuteKey[]): NodeMinuteKeys {
  const n = rows.length;
  const tenants = internStrings(rows.map((r) => r.tenant));
  const nodes = internStrings(rows.map((r) => r.node));
  if (tenants.table.length > MAX_TENANTS) {
    throw wireError("oversized", `${tenants.table.length} distinct tenants in one frame, at most ${MAX_TENANTS}`);
  }
  const minute = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const m = rows[i]!.minute;
    if (!isMinute(m)) throw wireError("invalid_value", `entry ${i}: minute ${m} is not a u32 integer`);
    minute[i] = m;
  }
  return { tenants: tenants.table, nodes: nodes.table, tenant: Uint16Array.from(tenants.index), node: nodes.index, minute };
}

/** The key of entry `i` in row form. */
export function keyAt(keys: NodeMinuteKeys, i: number): NodeMinuteKey {
  return { tenant: keys.tenants[keys.tenant[i]!]!, node: keys.nodes[keys.node[i]!]!, minute: keys.minute[i]! };
}

/** Validated key columns ready to write. */
export interface PreparedKeys {
  readonly tenants: EncodedTable;
  readonly nodes: EncodedTable;
  readonly count: number;
  /** Bytes of both tables (their u32 counts included); the u32 entry count and columns come after. */
  readonly tableBytes: number;
}

/** Checks column types and lengths, index ranges and minutes; returns the encoded tables. */
export function prepareKeys(keys: NodeMinuteKeys, what: string): PreparedKeys {
  if (typeof keys !== "object" || keys === null) throw wireError("invalid_value", `${what}: expected an object`);
  const { tenant, node, minute } = keys;
  if (!(tenant instanceof Uint16Array) || !(node instanceof Uint32Array) || !(minute instanceof Uint32Array)) {
    throw wireError("invalid_value", `${what}: tenant must be a Uint16Array, node and minute Uint32Arrays`);
  }
  const count = tenant.length;
  if (node.length !== count || minute.length !== count) {
    throw wireError("invalid_value", `${what}: column lengths differ (${count}, ${node.length}, ${minute.length})`);
  }
  const tenants = prepareTable(keys.tenants, MAX_TENANTS, `${what}.tenants`);
  const nodes = prepareTable(keys.nodes, MAX_U32, `${what}.nodes`);
  const tenantCount = tenants.strings.length;
  const nodeCount = nodes.strings.length;
  for (let i = 0; i < count; i++) {
    if (tenant[i]! >= tenantCount) throw wireError("invalid_value", `${what}: entry ${i} tenant index ${tenant[i]} out of range`);
    if (node[i]! >= nodeCount) throw wireError("invalid_value", `${what}: entry ${i} node index ${node[i]} out of range`);
  }
  return { tenants, nodes, count, tableBytes: tenants.bytes + nodes.bytes };
}

export function writeKeyTables(w: ByteWriter, prepared: PreparedKeys): void {
  writeTable(w, prepared.tenants);
  writeTable(w, prepared.nodes);
}

/** Writes u32 N, then the N tenant indices (u16), node indices (u32) and minutes (u32). */
export function writeKeyColumns(w: ByteWriter, keys: NodeMinuteKeys): void {
  const n = keys.tenant.length;
  w.u32(n);
  const v = w.view;
  let at = w.skip(n * KEY_COLUMN_BYTES);
  for (let i = 0; i < n; i++, at += 2) v.setUint16(at, keys.tenant[i]!, true);
  for (let i = 0; i < n; i++, at += 4) v.setUint32(at, keys.node[i]!, true);
  for (let i = 0; i < n; i++, at += 4) v.setUint32(at, keys.minute[i]!, true);
}

export function readKeyTables(r: ByteReader, what: string): { tenants: string[]; nodes: string[] } {
  const tenants = readTable(r, MAX_TENANTS, `${what}.tenants`);
  const nodes = readTable(r, MAX_U32, `${what}.nodes`);
  return { tenants, nodes };
}

/**
 * Reads u32 N and the key columns. The rest of the payload must be exactly
 * N * (KEY_COLUMN_BYTES + bodyBytesPerEntry): checked before any column is allocated.
 */
export function readKeyColumns(
  r: ByteReader,
  tables: { tenants: string[]; nodes: string[] },
  bodyBytesPerEntry: number,
  what: string,
): NodeMinuteKeys {
  const n = r.u32(`${what} entry count`);
  const need = n * (KEY_COLUMN_BYTES + bodyBytesPerEntry);
  if (need > r.remaining) throw wireError("truncated", `${what}: ${n} entries need ${need} bytes, ${r.remaining} left`);
  if (need < r.remaining) throw wireError("length_mismatch", `${what}: ${n} entries need ${need} bytes, ${r.remaining} left`);
  const v = r.dataView;
  let at = r.skip(n * KEY_COLUMN_BYTES, `${what} key columns`);
  const tenant = new Uint16Array(n);
  const node = new Uint32Array(n);
  const minute = new Uint32Array(n);
  const tenantCount = tables.tenants.length;
  const nodeCount = tables.nodes.length;
  for (let i = 0; i < n; i++, at += 2) {
    const t = v.getUint16(at, true);
    if (t >= tenantCount) throw wireError("invalid_value", `${what}: entry ${i} tenant index ${t} out of range (${tenantCount})`);
    tenant[i] = t;
  }
  for (let i = 0; i < n; i++, at += 4) {
    const k = v.getUint32(at, true);
    if (k >= nodeCount) throw wireError("invalid_value", `${what}: entry ${i} node index ${k} out of range (${nodeCount})`);
    node[i] = k;
  }
  for (let i = 0; i < n; i++, at += 4) minute[i] = v.getUint32(at, true);
  return { tenants: tables.tenants, nodes: tables.nodes, tenant, node, minute };
}
