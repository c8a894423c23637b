/** @module bench/ingest aggregate-only driver: replays the cached v9 workload's decoded batches through MinuteAccumulator, prints ns/flow and a hash of every closed row (for profiling and bit-identity checks). */
// Run: npx tsx bench/ingest/agg-driver.ts [--reps 10] [--close-every N]   (needs a bench:ingest cache)
// Run with node --expose-gc --import tsx for a full GC before each rep, as run.ts does.
// --close-every N: closeBefore(latest minute seen) after every N batches too, exercising compaction and late flows.
// --fold N: every source folded onto N nodes (a cache-resident working set: the compute floor).
// --ipfix: the IPFIX encoding of the same workload instead of v9; --batch N: datagrams per batch (default 750).
import { createHash } from "node:crypto";
import { MinuteAccumulator, type NodeMinute } from "../../shared/features/aggregate.js";
import { loadCachedBatches } from "./cache.js";

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? fallback : Number(process.argv[i + 1]);
};
const useIpfix = process.argv.includes("--ipfix");
const { records, nodeSet, batches } = loadCachedBatches(useIpfix, arg("batch", 750));
const reps = arg("reps", 10);
const fold = arg("fold", 0);
// --fold N: map every source to one of N nodes in 10.0.0.0/16 (a cache-resident working set: the compute floor)
if (fold > 0) for (const c of batches) for (let i = 0; i < c.length; i++) c.src[4 * i] = (0x0a000000 + (c.src[4 * i]! % fold)) >>> 0;
const closeEvery = arg("close-every", 0);

function hashRows(h: ReturnType<typeof createHash>, rows: NodeMinute[]): void {
  for (const r of rows) {
    h.update(`${r.node}|${r.customer}|${r.minute}|`);
    h.update(new Uint8Array(r.counters.buffer, r.counters.byteOffset, r.counters.byteLength));
  }
}

let acc = new MinuteAccumulator(nodeSet);
const times: number[] = [];
/** each batch's fastest time over the reps: their sum drops the time-slices other jobs took (a loaded machine) */
const batchBest = new Float64Array(batches.length).fill(Infinity);
const cpus: number[] = [];
let digest = "";
let rows = 0;
let bytes = 0;
for (let rep = 0; rep <= reps; rep++) {
  if (closeEvery > 0) acc = new MinuteAccumulator(nodeSet);
  (globalThis as { gc?: () => void }).gc?.();
  const h = createHash("sha256");
  let t = 0;
  let b = 0;
  let maxMinute = -Infinity;
  const c0 = process.cpuUsage();
  for (let k = 0; k < batches.length; k++) {
    const cols = batches[k]!;
    const t0 = performance.now();
    acc.addColumns(cols);
    // the additions still held back count in the time: at the end, and before each close
    if (k === batches.length - 1 || (closeEvery > 0 && (b + 1) % closeEvery === 0)) acc.applyPending();
    const dt = performance.now() - t0;
    t += dt;
    if (rep > 0 && dt < batchBest[k]!) batchBest[k] = dt;
    if (closeEvery > 0) {
      for (let i = 0; i < cols.length; i++) maxMinute = Math.max(maxMinute, Math.floor(cols.endMs[i]! / 60000));
      if (++b % closeEvery === 0) hashRows(h, acc.closeBefore(maxMinute));
    }
  }
  const cu = process.cpuUsage(c0);
  if (rep > 0) cpus.push((cu.user + cu.system) / 1000);
  bytes = acc.openBytes;
  const closed = acc.closeAll();
  rows = closed.length;
  hashRows(h, closed);
  h.update(JSON.stringify(acc.stats));
  digest = h.digest("hex").slice(0, 16);
  if (rep > 0) times.push(t);
}
times.sort((a, b) => a - b);
cpus.sort((a, b) => a - b);
const n = records;
console.log(`cpu best ${((cpus[0]! * 1e6) / records).toFixed(0)} ns/flow (rep cpu incl. closes: ${closeEvery > 0 ? 'yes' : 'no'}); agg-only best ${times[0]!.toFixed(1)} ms (${((times[0]! * 1e6) / n).toFixed(0)} ns/flow), median ${times[times.length >> 1]!.toFixed(1)} ms; sum of per-batch best ${((batchBest.reduce((a, b) => a + b, 0) * 1e6) / n).toFixed(0)} ns/flow; rows ${rows}; openBytes ${bytes}; hash ${digest}; stats ${JSON.stringify(acc.stats)}`);
