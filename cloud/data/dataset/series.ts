/** @module Dense per-node series gathered from minute-archive rows (a directory of .nfga chunks, or rows in memory), on the minute grid or on the data's native step: missing steps are zero traffic, unavailable masks carried through. */
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
  /** epoch minutes, first and one past the last minute of any row (last row's minute + the step) */
  readonly startMinute: number;
  readonly endMinute: number;
  /**
   * Native-step series only (`stepMinutes` > 1): the epoch minute of each step, i.e. the sorted
   * distinct minutes of the rows; series index t is axis[t]. Absent: a dense minute grid, index
   * t is startMinute + t.
   */
  readonly axis?: Int32Array;
  /** minutes per step (1: the dense minute grid) */
  readonly stepMinutes?: number;
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
export function gatherSeries(rows: Iterable<ArchiveRow>, range?: { startMinute: number; endMinute: number }, options: { stepMinutes?: number } = {}): GatheredSeries {
  const step = options.stepMinutes ?? 1;
  if (!Number.isInteger(step) || step < 1) throw new RangeError(`step ${step} must be a positive integer number of minutes`);
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
  const axis = step > 1 ? nativeAxis(list, step) : undefined;
  if (axis !== undefined) {
    if (range === undefined) end = axis[axis.length - 1]! + step;
    if (range === undefined) start = axis[0]!;
  }
  const tick = axis === undefined ? undefined : new Map<number, number>([...axis].map((m, i) => [m, i]));
  const T = axis?.length ?? end - start;
  const byNode = new Map<string, { customer: string; counters: Float64Array; unavailable?: Uint8Array; present: Uint8Array }>();
  for (const r of list) {
    let s = byNode.get(r.node);
    if (s === undefined) {
      s = { customer: r.customer, counters: new Float64Array(T * FEATURE_COUNT), present: new Uint8Array(T) };
      byNode.set(r.node, s);
    }
    const t = tick === undefined ? r.minute - start : tick.get(r.minute)!;
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
  return { startMinute: start, endMinute: end, nodes, rows: list.length, ...(axis !== undefined ? { axis, stepMinutes: step } : {}) };
}

/**
 * The native time axis of data sampled every `step` minutes (e.g. CESNET's 10-minute rows): the
 * sorted distinct row minutes, one series step each, so a step is not spread over `step` dense
 * minutes of which all but one would be zero. Rows closer than the step are an error; a longer
 * step (a collection gap, a DST change) is kept as one step.
 */
export function nativeAxis(rows: readonly ArchiveRow[], step: number): Int32Array {
  const axis = Int32Array.from(new Set(rows.map((r) => r.minute))).sort();
  for (let i = 1; i < axis.length; i++) {
    if (axis[i]! - axis[i - 1]! < step) throw new RangeError(`rows at minutes ${axis[i - 1]} and ${axis[i]} are closer than the ${step}-minute step`);
  }
  return axis;
}

/** Epoch minute of series index t (t = T gives the end). */
export function minuteAt(data: GatheredSeries, t: number): number {
  if (data.axis === undefined) return data.startMinute + t;
  return t < data.axis.length ? data.axis[t]! : data.endMinute;
}

/** Series length in steps. */
export function seriesSteps(data: GatheredSeries): number {
  return data.axis?.length ?? data.endMinute - data.startMinute;
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
