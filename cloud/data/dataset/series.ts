/** @module Dense per-node minute series gathered from minute-archive rows (a directory of .nfga chunks, or rows in memory): missing minutes are zero traffic, unavailable masks carried through. */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { FEATURE_COUNT } from "../../../shared/features/catalogue.js";
import { type ArchiveRow, archiveRows, decodeMinuteArchive } from "../../../shared/wire/archive.js";

/** One node over the dataset's whole time range [startMinute, endMinute). */
export interface NodeSeries {
  readonly node: string;
  readonly customer: string;
  /** (T, FEATURE_COUNT) raw counters, T = endMinute − startMinute; 0 where the node had no row */
  readonly counters: Float64Array;
  /** (T, FEATURE_COUNT) 1 = unavailable; absent when no row of the node carried a mask */
  readonly unavailable?: Uint8Array;
  /** (T,) 1 where the node had at least one archive row */
  readonly present: Uint8Array;
}

export interface GatheredSeries {
  /** epoch minutes, first and one past the last minute of any row */
  readonly startMinute: number;
  readonly endMinute: number;
  /** sorted by node text */
  readonly nodes: NodeSeries[];
  readonly rows: number;
}

/**
 * Rows → dense series. Several rows for one (node, minute) (e.g. from different shards, which
 * partition the flows) are summed; their unavailable flags are OR-ed, and a feature some row marks
 * unavailable stays unavailable (its counter is 0 by the archive's rule). The customer is the
 * node's first row's. With `range`, the series cover exactly [startMinute, endMinute) and rows
 * outside it are dropped (a simulator run's flows spill a few minutes past its end).
 */
export function gatherSeries(rows: Iterable<ArchiveRow>, range?: { startMinute: number; endMinute: number }): GatheredSeries {
  const list: ArchiveRow[] = [];
  let start = range?.startMinute ?? Number.POSITIVE_INFINITY;
  let end = range?.endMinute ?? Number.NEGATIVE_INFINITY;
  for (const r of rows) {
    if (range !== undefined && (r.minute < range.startMinute || r.minute >= range.endMinute)) continue;
    list.push(r);
    if (range !== undefined) continue;
    if (r.minute < start) start = r.minute;
    if (r.minute + 1 > end) end = r.minute + 1;
  }
  if (list.length === 0) throw new RangeError("no archive rows: nothing to build a dataset from");
  const T = end - start;
  const byNode = new Map<string, { customer: string; counters: Float64Array; unavailable?: Uint8Array; present: Uint8Array }>();
  for (const r of list) {
    let s = byNode.get(r.node);
    if (s === undefined) {
      s = { customer: r.customer, counters: new Float64Array(T * FEATURE_COUNT), present: new Uint8Array(T) };
      byNode.set(r.node, s);
    }
    const t = r.minute - start;
    const base = t * FEATURE_COUNT;
    s.present[t] = 1;
    for (let f = 0; f < FEATURE_COUNT; f++) s.counters[base + f]! += r.counters[f]!;
    if (r.unavailable !== undefined) {
      s.unavailable ??= new Uint8Array(T * FEATURE_COUNT);
      for (let f = 0; f < FEATURE_COUNT; f++) if (r.unavailable[f]) s.unavailable[base + f] = 1;
    }
  }
  const nodes = [...byNode.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([node, s]): NodeSeries => (s.unavailable === undefined ? { node, customer: s.customer, counters: s.counters, present: s.present } : { node, ...s }));
  return { startMinute: start, endMinute: end, nodes, rows: list.length };
}

/** Every `.nfga` file directly in `dir` (sorted by name), decoded into rows. */
export function readArchiveDir(dir: string): { rows: ArchiveRow[]; files: string[] } {
  const files = readdirSync(dir).filter((f) => f.endsWith(".nfga")).sort();
  if (files.length === 0) throw new RangeError(`no .nfga chunks in ${dir}`);
  const rows: ArchiveRow[] = [];
  for (const f of files) for (const r of archiveRows(decodeMinuteArchive(readFileSync(join(dir, f))))) rows.push(r);
  return { rows, files };
}

/** Minutes [from, to) of a node's counters (relative to the series start), as a copy. */
export function sliceCounters(s: NodeSeries, from: number, to: number): Float64Array {
  return s.counters.slice(from * FEATURE_COUNT, to * FEATURE_COUNT);
}

/** Does the node have at least one row in minutes [from, to) (relative)? */
export function presentIn(s: NodeSeries, from: number, to: number): boolean {
  for (let t = from; t < to; t++) if (s.present[t]) return true;
  return false;
}
