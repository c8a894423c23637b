/**
 * @module bench/shared: throughput of minute aggregation (flow records/s on one core) and of binning
 * apply (node-minutes/s). Prints a table, then each figure's ratio to its anchor.
 *
 * Anchors: the ingest target of 3M records/s/core for decode + aggregation (so aggregation alone
 * must be well above it), and nfdump 1.7.1's `-A srcip` rate on this machine kind, ~1.7M flows/s.
 * Run: npm run bench:shared [-- --flows 2000000 --nodes 10000 --reps 5]
 */
import { fitNodeCutoffs } from "../../shared/binning/fit.js";
import { applyNodeCutoffs } from "../../shared/binning/apply.js";
import { BYTES_PER_NODE_MINUTE, MinuteAccumulator, MINUTE_MS } from "../../shared/features/aggregate.js";
import { FEATURE_COUNT } from "../../shared/features/catalogue.js";
import { NodeSet } from "../../shared/features/nodes.js";
import { FlowColumns } from "../../shared/flow/columns.js";

const INGEST_TARGET_PER_S = 3_000_000;
const NFDUMP_SRCIP_PER_S = 1_700_000;

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

/** xorshift32: a fixed, fast PRNG so every run measures the same flows. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
}

function makeFlows(n: number, nodes: number, minutes: number): FlowColumns {
  const r = rng(42);
  const cols = new FlowColumns(n);
  const base = 29_000_000 * MINUTE_MS;
  const customerBase = 0x0a000000; // 10.0.0.0/8 holds the nodes
  for (let i = 0; i < n; i++) {
    const row = cols.reserve(1);
    const node = (customerBase + Math.floor(r() * nodes)) >>> 0;
    const remote = (0xc6336400 + Math.floor(r() * 65536)) >>> 0;
    const inbound = r() < 0.6;
    // exporters emit roughly in time order: position in the batch plus a few seconds of jitter
    const start = base + Math.floor((i / n) * minutes * MINUTE_MS + r() * 5000);
    const long = r() < 0.05;
    cols.startMs[row] = start;
    cols.endMs[row] = start + (long ? Math.floor(r() * 180_000) : Math.floor(r() * 2000));
    cols.family[row] = 4;
    cols.src[4 * row] = inbound ? remote : node;
    cols.dst[4 * row] = inbound ? node : remote;
    const p = r();
    cols.protocol[row] = p < 0.7 ? 6 : p < 0.97 ? 17 : 1;
    cols.srcPort[row] = Math.floor(r() * 65536);
    cols.dstPort[row] = r() < 0.5 ? 443 : Math.floor(r() * 65536);
    cols.tcpFlags[row] = [0x10, 0x18, 0x02, 0x12, 0x1b][Math.floor(r() * 5)]!;
    cols.packets[row] = 1 + Math.floor(r() * 100);
    cols.bytes[row] = 40 + Math.floor(r() * 150_000);
    cols.samplingRate[row] = 1;
    cols.length = row + 1;
  }
  return cols;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function benchAggregation(flows: FlowColumns, nodeSet: NodeSet, reps: number) {
  // One long-lived accumulator, as an aggregator object keeps: each rep adds the batch, then closes
  // everything (closing is timed separately). The first rep warms up the JIT and the buffers.
  const times: number[] = [];
  const closeTimes: number[] = [];
  let entries = 0;
  let bytes = 0;
  const acc = new MinuteAccumulator(nodeSet);
  for (let rep = 0; rep < reps + 1; rep++) {
    const t0 = performance.now();
    acc.addColumns(flows);
    acc.applyPending();
    const t1 = performance.now();
    entries = acc.openEntries;
    bytes = acc.openBytes;
    acc.closeAll();
    const t2 = performance.now();
    if (rep > 0) {
      times.push(t1 - t0);
      closeTimes.push(t2 - t1);
    }
  }
  return { ms: median(times), closeMs: median(closeTimes), entries, bytes };
}

function benchBinning(nodeMinutes: number, reps: number) {
  const T = 512;
  const r = rng(7);
  const series = new Float64Array(T * FEATURE_COUNT);
  for (let i = 0; i < series.length; i++) series[i] = r() < 0.4 ? 0 : Math.floor(r() ** 3 * 1e6);
  const cutoffs = fitNodeCutoffs(series, T);
  const out = new Uint8Array(FEATURE_COUNT);
  const times: number[] = [];
  for (let rep = 0; rep < reps + 1; rep++) {
    const t0 = performance.now();
    for (let i = 0; i < nodeMinutes; i++) applyNodeCutoffs(out, 0, cutoffs, series, (i % T) * FEATURE_COUNT);
    const dt = performance.now() - t0;
    if (rep > 0) times.push(dt);
  }
  const fitT0 = performance.now();
  for (let i = 0; i < 20; i++) fitNodeCutoffs(series, T);
  const fitMs = (performance.now() - fitT0) / 20;
  return { ms: median(times), fitMs };
}

const nFlows = arg("flows", 2_000_000);
const nNodes = arg("nodes", 10_000);
const reps = arg("reps", 5);
const minutes = arg("minutes", 5);

const nodeSet = new NodeSet(["10.0.0.0/8"]);
const flows = makeFlows(nFlows, nNodes, minutes);
const agg = benchAggregation(flows, nodeSet, reps);
const aggRate = nFlows / (agg.ms / 1000);
const binMinutes = 200_000;
const binning = benchBinning(binMinutes, reps);
const binRate = binMinutes / (binning.ms / 1000);

const rows: [string, string][] = [
  ["flows", `${nFlows.toLocaleString("en-US")} (${nNodes} nodes, ${minutes} min, time-ordered, 5% multi-minute)`],
  ["aggregation time (median of " + reps + ")", `${agg.ms.toFixed(1)} ms`],
  ["aggregation rate, 1 core", `${(aggRate / 1e6).toFixed(2)} M records/s`],
  ["closing all node-minutes (86 features each)", `${agg.closeMs.toFixed(1)} ms`],
  ["open node-minutes / bytes each (mean, at most)", `${agg.entries.toLocaleString("en-US")} / ${(agg.bytes / Math.max(1, agg.entries)).toFixed(0)}, ${BYTES_PER_NODE_MINUTE}`],
  ["binning apply rate", `${(binRate / 1e6).toFixed(2)} M node-minutes/s (${((binRate * FEATURE_COUNT) / 1e6).toFixed(0)} M features/s)`],
  ["binning fit, one node, T = 512", `${binning.fitMs.toFixed(2)} ms`],
];
const width = Math.max(...rows.map(([k]) => k.length));
console.log(`bench/shared  node ${process.version}  ${new Date().toISOString()}`);
for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`);
console.log(`aggregation / ingest target (3M rec/s):      ${(aggRate / INGEST_TARGET_PER_S).toFixed(2)}x`);
console.log(`aggregation / nfdump -A srcip (1.7M rec/s):  ${(aggRate / NFDUMP_SRCIP_PER_S).toFixed(2)}x`);
