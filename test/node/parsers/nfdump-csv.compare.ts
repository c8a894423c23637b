/** @module Test support for the text-parser conformance tests: parse a flows-nfdump file, compare it with nfdump's ms truth. */
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { columnsToRecords } from "../../../edge/src/parsers/parser.case.js";
import { emptyReport, type ParseReport, type TextParser } from "../../../edge/src/parsers/types.js";
import { FlowColumns } from "../../../shared/flow/columns.js";
import type { FlowRecord } from "../../../shared/flow/record.js";
import { addressMatches, EXTERNAL_DATA, readTruth, type TruthFlow } from "../support/nfdump-truth.js";

/** Parses `flows-nfdump/NAME` (gunzipped when it ends in .gz) with no record limit. */
function readText(name: string): string {
  const raw = readFileSync(`${EXTERNAL_DATA}flows-nfdump/${name}`);
  return (name.endsWith(".gz") ? gunzipSync(raw) : raw).toString("utf8");
}

export function parseFile(parser: TextParser, name: string): { flows: FlowRecord[]; report: ParseReport } {
  const text = readText(name);
  const out = new FlowColumns(1024);
  const report = emptyReport();
  parser.parseText(text, out, report, { maxRecords: Number.MAX_SAFE_INTEGER });
  return { flows: columnsToRecords(out), report };
}

export interface Comparison {
  /** the first few differences, as text ([] when the files agree) */
  mismatches: string[];
  /** packets and bytes summed over the records both sides should have */
  totals: { ours: { packets: number; bytes: number }; truth: { packets: number; bytes: number } };
  /** truth rows with last before first: nfdump 1.7.1's negative durations, which no parser can read back */
  nfdumpBugRows: number;
  /** truth rows whose packets or bytes nfdump printed scaled (`1.9M`): checked to that precision, left out of the totals */
  scaledRows: number;
}

const SCALE: Record<string, number> = { K: 1e3, M: 1e6, G: 1e9, T: 1e12 };

/** Whether `ours` prints as nfdump's scaled `text` (e.g. 1906321 as `1.9M`): within half its last digit. */
function matchesScaled(ours: number, text: string): boolean {
  const m = /^\s*(\d+)(?:\.(\d+))?\s*([KMGT])\s*$/.exec(text);
  if (!m) return false;
  const unit = SCALE[m[3]!]!;
  const shown = Number(`${m[1]}.${m[2] ?? "0"}`) * unit;
  return Math.abs(ours - shown) <= 0.5 * 10 ** -(m[2]?.length ?? 0) * unit;
}

/** The packets and bytes columns of a truth file as printed, aligned with readTruth's rows. */
function rawCounters(name: string): { packets: string; bytes: string }[] {
  const lines = readText(name).split("\n").filter((l) => l.trim() !== "").slice(1);
  return lines.map((l) => {
    const c = l.split(",");
    return { packets: c[9] ?? "", bytes: c[10] ?? "" };
  });
}

/**
 * Compares parsed flows with the truth, in file order. `startMs` gives the start we expect from a truth row (the
 * format's time resolution); the duration must match within `durationSlackMs`; everything else exactly (addresses
 * as nfdump abbreviates them).
 */
export function compareWithTruth(
  flows: FlowRecord[],
  report: ParseReport,
  truthName: string,
  expect: { startMs: (t: TruthFlow) => number; durationSlackMs: number },
): Comparison {
  const raw = rawCounters(truthName);
  const truth = readTruth(truthName).map((t, i) => ({ ...t, raw: raw[i]! }));
  const usable = truth.filter((t) => t.endMs >= t.startMs);
  const mismatches: string[] = [];
  if (flows.length !== usable.length || report.accepted !== flows.length) {
    mismatches.push(`count: ${flows.length} flows, ${report.accepted} accepted, ${usable.length} in the truth`);
  }
  const sum = (xs: { packets: number; bytes: number }[]) => xs.reduce((a, f) => ({ packets: a.packets + f.packets, bytes: a.bytes + f.bytes }), { packets: 0, bytes: 0 });
  const exact = usable.map((t) => !Number.isNaN(t.packets) && !Number.isNaN(t.bytes));
  const counterMatches = (ours: number, value: number, text: string) => (Number.isNaN(value) ? matchesScaled(ours, text) : ours === value);
  for (let i = 0; i < Math.min(flows.length, usable.length) && mismatches.length < 10; i++) {
    const f = flows[i]!;
    const t = usable[i]!;
    const problems = [
      !addressMatches(t.src, f.src) && `src ${f.src} vs ${t.src}`,
      !addressMatches(t.dst, f.dst) && `dst ${f.dst} vs ${t.dst}`,
      f.srcPort !== t.srcPort && `srcPort ${f.srcPort} vs ${t.srcPort}`,
      f.dstPort !== t.dstPort && `dstPort ${f.dstPort} vs ${t.dstPort}`,
      f.protocol !== t.protocol && `protocol ${f.protocol} vs ${t.protocol}`,
      f.tcpFlags !== t.tcpFlags && `tcpFlags ${f.tcpFlags} vs ${t.tcpFlags}`,
      !counterMatches(f.packets, t.packets, t.raw.packets) && `packets ${f.packets} vs ${t.raw.packets}`,
      !counterMatches(f.bytes, t.bytes, t.raw.bytes) && `bytes ${f.bytes} vs ${t.raw.bytes}`,
      f.startMs !== expect.startMs(t) && `startMs ${f.startMs} vs ${expect.startMs(t)} (truth ${t.startMs})`,
      Math.abs(f.endMs - f.startMs - (t.endMs - t.startMs)) > expect.durationSlackMs && `duration ${f.endMs - f.startMs} vs ${t.endMs - t.startMs}`,
      f.samplingRate !== 1 && `samplingRate ${f.samplingRate}`,
    ].filter(Boolean);
    if (problems.length > 0) mismatches.push(`record ${i + 1}: ${problems.join(", ")}`);
  }
  const totals = { ours: sum(flows.filter((_, i) => exact[i])), truth: sum(usable.filter((_, i) => exact[i])) };
  return { mismatches, totals, nfdumpBugRows: truth.length - usable.length, scaledRows: exact.filter((e) => !e).length };
}
