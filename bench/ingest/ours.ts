/** @module bench/ingest ours side: times our v9 / IPFIX decode plus MinuteAccumulator aggregation on one core (and each half alone). */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { ExporterState } from "../../edge/src/parsers/exporter-state.js";
import { emptyReport, type Datagram, type DatagramParser, type ParseReport } from "../../edge/src/parsers/types.js";
import { MinuteAccumulator, type NodeMinute } from "../../shared/features/aggregate.js";
import { featureIndex } from "../../shared/features/catalogue.js";
import type { NodeSet } from "../../shared/features/nodes.js";
import { FlowColumns } from "../../shared/flow/columns.js";

export interface RepTimes {
  /** milliseconds of each measured rep (after the warm-up) */
  ms: number[];
  best: number;
  median: number;
}

function summarize(ms: number[]): RepTimes {
  const s = [...ms].sort((a, b) => a - b);
  return { ms, best: s[0]!, median: s[Math.floor(s.length / 2)]! };
}

/**
 * A full GC before each timed rep (untimed), so the garbage of the previous rep's close (hundreds of
 * thousands of node-minute objects) is not collected inside the next timed loop. `gc` is exposed at
 * run time, so plain `tsx` runs need no --expose-gc.
 */
setFlagsFromString("--expose-gc");
const exposedGc = runInNewContext("gc") as () => void;
let gcBetweenReps = true;
/** Turns the between-reps GC off (run.ts --no-gc), to see what it changes. */
export function setGcBetweenReps(on: boolean): void {
  gcBetweenReps = on;
}
function fullGc(): void {
  if (gcBetweenReps) exposedGc();
}

/** Datagram objects as a collector hands them over: one exporter, received when exported. */
export function asDatagrams(bytes: readonly Uint8Array[], receivedAtMs: number): Datagram[] {
  return bytes.map((b) => ({ exporter: "127.0.0.1", receivedAtMs, bytes: b }));
}

function checkReport(name: string, report: ParseReport, records: number): void {
  if (report.accepted !== records || report.rejected !== 0 || report.buffered !== 0) {
    throw new Error(`${name}: decoded ${report.accepted} of ${records} records, ${report.rejected} rejected, ${report.buffered} buffered: ${JSON.stringify(report.issues.slice(0, 3))}`);
  }
}

export interface DecodeAggregateResult {
  times: RepTimes;
  /** node-minutes closed at the end of the last rep (86 features each), and the time that close took */
  nodeMinutes: number;
  closeMs: number;
  openNodes: number;
  /** counter bytes of the open node-minutes just before the close (MinuteAccumulator.openBytes) */
  openBytes: number;
  unmatched: number;
  /** packets, bytes and flows over every closed node-minute, both directions (fractional shares of split flows add back up) */
  totals: { packets: number; bytes: number; flows: number };
}

const VOLUME = ["pkt", "byt", "flow"].map((t) => [featureIndex(`volume_in_${t}`), featureIndex(`volume_out_${t}`)] as const);

function volumeTotals(minutes: readonly NodeMinute[]): { packets: number; bytes: number; flows: number } {
  const sum = [0, 0, 0];
  for (const m of minutes) for (let t = 0; t < 3; t++) sum[t]! += m.counters[VOLUME[t]![0]]! + m.counters[VOLUME[t]![1]]!;
  return { packets: sum[0]!, bytes: sum[1]!, flows: sum[2]! };
}

/**
 * Decode + aggregate, as the edge does per relay batch: each batch of `batch` datagrams is parsed
 * (fresh ExporterState per rep) into one reused FlowColumns, then added to one long-lived
 * MinuteAccumulator. After each rep every minute is closed (timed apart, not in the rate).
 */
export function timeDecodeAggregate(name: string, parser: DatagramParser, datagrams: readonly Datagram[], records: number, nodeSet: NodeSet, batch: number, reps: number): DecodeAggregateResult {
  const cols = new FlowColumns(1024);
  const acc = new MinuteAccumulator(nodeSet);
  const ms: number[] = [];
  let nodeMinutes = 0;
  let closeMs = 0;
  let openNodes = 0;
  let openBytes = 0;
  let unmatched = 0;
  let totals = { packets: 0, bytes: 0, flows: 0 };
  for (let rep = 0; rep <= reps; rep++) {
    const state = new ExporterState();
    const report = emptyReport();
    const statsBefore = acc.stats.flows;
    fullGc();
    const t0 = performance.now();
    for (let from = 0; from < datagrams.length; from += batch) {
      const to = Math.min(datagrams.length, from + batch);
      cols.clear();
      for (let i = from; i < to; i++) parser.parseDatagram(datagrams[i]!, state, cols, report);
      acc.addColumns(cols);
    }
    acc.applyPending(); // the additions still held back count in the rate
    const t1 = performance.now();
    checkReport(name, report, records);
    if (acc.stats.flows - statsBefore !== records) throw new Error(`${name}: aggregated ${acc.stats.flows - statsBefore} of ${records} rows`);
    openNodes = acc.openNodes;
    openBytes = acc.openBytes;
    unmatched = acc.stats.unmatched;
    const t2 = performance.now();
    const closed = acc.closeAll();
    closeMs = performance.now() - t2;
    nodeMinutes = closed.length;
    totals = volumeTotals(closed);
    if (rep > 0) ms.push(t1 - t0);
  }
  return { times: summarize(ms), nodeMinutes, closeMs, openNodes, openBytes, unmatched, totals };
}

/** Decode only: the same batches into one reused FlowColumns, no aggregation. */
export function timeDecode(name: string, parser: DatagramParser, datagrams: readonly Datagram[], records: number, batch: number, reps: number): RepTimes {
  const cols = new FlowColumns(1024);
  const ms: number[] = [];
  let sink = 0;
  for (let rep = 0; rep <= reps; rep++) {
    const state = new ExporterState();
    const report = emptyReport();
    fullGc();
    const t0 = performance.now();
    for (let from = 0; from < datagrams.length; from += batch) {
      const to = Math.min(datagrams.length, from + batch);
      cols.clear();
      for (let i = from; i < to; i++) parser.parseDatagram(datagrams[i]!, state, cols, report);
      sink += cols.length;
    }
    const t1 = performance.now();
    checkReport(name, report, records);
    if (rep > 0) ms.push(t1 - t0);
  }
  if (sink !== records * (reps + 1)) throw new Error(`${name}: decode-only row count ${sink}`);
  return summarize(ms);
}

/** Decodes every batch into its own FlowColumns, for timing aggregation alone. */
export function decodeBatches(name: string, parser: DatagramParser, datagrams: readonly Datagram[], records: number, batch: number): FlowColumns[] {
  const state = new ExporterState();
  const report = emptyReport();
  const out: FlowColumns[] = [];
  for (let from = 0; from < datagrams.length; from += batch) {
    const to = Math.min(datagrams.length, from + batch);
    const cols = new FlowColumns(64 * (to - from));
    for (let i = from; i < to; i++) parser.parseDatagram(datagrams[i]!, state, cols, report);
    out.push(cols);
  }
  checkReport(name, report, records);
  return out;
}

/** Aggregate only: addColumns over pre-decoded batches into one long-lived accumulator, closed (untimed) after each rep. */
export function timeAggregate(batches: readonly FlowColumns[], nodeSet: NodeSet, reps: number): RepTimes {
  const acc = new MinuteAccumulator(nodeSet);
  const ms: number[] = [];
  for (let rep = 0; rep <= reps; rep++) {
    fullGc();
    const t0 = performance.now();
    for (const cols of batches) acc.addColumns(cols);
    acc.applyPending(); // the additions still held back count in the rate
    const t1 = performance.now();
    acc.closeAll();
    if (rep > 0) ms.push(t1 - t0);
  }
  return summarize(ms);
}
