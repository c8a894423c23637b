/** @module bench/ingest: decode + aggregate records/s of our NetFlow v9 and IPFIX paths on one core, side by side with Debian's nfdump aggregating the same flows. */
// Prints a table, then ratio lines; the last line is ours(v9 decode+aggregate) / nfdump(-A srcip).
// Targets: ≥ 3M records/s/core for decode + aggregation into all 86 features, and ≥ 2× nfdump's
// -A srcip rate (reference, 2-core machine: nfdump 1.7.1 aggregated 1.13M flows in ~0.65 s with
// -A srcip, 37K keys, ~1.7M flows/s; 0.11 s with -A dstip, 1 key).
//
// Run: npm run bench:ingest [-- --flows 1130000 --nodes 37000 --dsts 1 --minutes 5 --seed 1
//        --reps 5 --batch 750 --pace 2000 --fresh --ours-only --no-gc]
// The workload's encodings and nfcapd's capture of it are cached under bench/out/ingest/<key>/
// (gitignored); --fresh rebuilds both. --ours-only skips nfdump (for profiling: no ratio is printed).
// A full GC runs (untimed) before each timed rep; --no-gc turns that off.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { ipfix } from "../../edge/src/parsers/ipfix/parse.js";
import { netflowV9 } from "../../edge/src/parsers/netflow-v9/parse.js";
import { BYTES_PER_NODE_MINUTE } from "../../shared/features/aggregate.js";
import { FEATURE_COUNT } from "../../shared/features/catalogue.js";
import { NodeSet } from "../../shared/features/nodes.js";
import { cachedCapture, captureTotals, timeNfdump, ToolMissingError, toolVersions, type CaptureTotals, type NfdumpTiming } from "./nfdump.js";
import { readFrames, writeFrames } from "./cache.js";
import { asDatagrams, decodeBatches, setGcBetweenReps, timeAggregate, timeDecode, timeDecodeAggregate, type RepTimes } from "./ours.js";
import { buildWorkload, workloadKey, type Workload, type WorkloadParams } from "./workload.js";

const INGEST_TARGET_PER_S = 3_000_000;
const NFDUMP_MULTIPLE_TARGET = 2;

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = Number(process.argv[i + 1]);
  if (!Number.isFinite(v) || v <= 0) {
    console.error(`--${name} needs a positive number`);
    process.exit(2);
  }
  return v;
}
const flag = (name: string) => process.argv.includes(`--${name}`);
const log = (s: string) => console.error(`[bench:ingest] ${s}`);

// ---- workload (encodings cached: building them takes ~15 s, mostly the encoders' address parsing) ----

/** Hash of the sources that decide the bytes on the wire, so a changed encoder invalidates the cache. */
function sourceHash(): string {
  const h = createHash("sha256");
  for (const f of ["bench/ingest/workload.ts", "edge/src/parsers/netflow-v9/encode.ts", "edge/src/parsers/ipfix/encode.ts", "edge/src/parsers/ipfix/message.ts"]) {
    h.update(readFileSync(join(root, f)));
  }
  return h.digest("hex").slice(0, 10);
}

type WorkloadMeta = Omit<Workload, "v9" | "ipfix">;

function loadWorkload(params: WorkloadParams, fresh: boolean): { w: Workload; dir: string; cached: boolean } {
  const dir = join(root, "bench", "out", "ingest", `${workloadKey(params)}-${sourceHash()}`);
  const metaPath = join(dir, "workload.json");
  if (!fresh && existsSync(metaPath)) {
    const meta = JSON.parse(readFileSync(metaPath, "utf8")) as WorkloadMeta;
    return { w: { ...meta, v9: readFrames(join(dir, "v9.bin")), ipfix: readFrames(join(dir, "ipfix.bin")) }, dir, cached: true };
  }
  log(`building the workload (${params.flows} flows, seed ${params.seed}) and encoding it ...`);
  const t0 = performance.now();
  const w = buildWorkload(params);
  log(`built in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  mkdirSync(dir, { recursive: true });
  writeFrames(join(dir, "v9.bin"), w.v9);
  writeFrames(join(dir, "ipfix.bin"), w.ipfix);
  const { v9: _v9, ipfix: _ipfix, ...meta } = w;
  writeFileSync(metaPath, JSON.stringify(meta, null, 2));
  return { w, dir, cached: false };
}

// ---- main ----

const params: WorkloadParams = {
  flows: arg("flows", 1_130_000),
  nodes: arg("nodes", 37_000),
  dsts: arg("dsts", 1),
  minutes: arg("minutes", 5),
  seed: arg("seed", 1),
};
const reps = arg("reps", 5);
const batch = arg("batch", 750);
const pace = arg("pace", 2000);
const oursOnly = flag("ours-only");
setGcBetweenReps(!flag("no-gc"));

let versions: { nfcapd: string; nfdump: string } | null = null;
if (!oursOnly) {
  try {
    versions = toolVersions();
  } catch (e) {
    if (e instanceof ToolMissingError) {
      console.error(`bench:ingest: ${e.message}. No nfdump comparison can be made, so no numbers are printed (use --ours-only for our side alone).`);
      process.exit(3);
    }
    throw e;
  }
}

const { w, dir: cacheDir, cached: workloadCached } = loadWorkload(params, flag("fresh"));
log(`workload ${workloadCached ? "loaded from cache" : "built"}: ${relative(root, cacheDir)}`);

let capture: Awaited<ReturnType<typeof cachedCapture>> | null = null;
let srcip: NfdumpTiming | null = null;
let dstip: NfdumpTiming | null = null;
let nfTotals: CaptureTotals | null = null;
if (versions !== null) {
  capture = await cachedCapture(cacheDir, w.v9, w.records, pace, versions.nfcapd, flag("fresh"));
  nfTotals = captureTotals(capture.dir);
  log(`nfcapd capture ${capture.cached ? "loaded from cache (no replay)" : "made now"}: ${relative(root, capture.dir)}`);
  log("timing nfdump -A srcip / -A dstip ...");
  srcip = timeNfdump(capture.dir, ["-A", "srcip"]);
  dstip = timeNfdump(capture.dir, ["-A", "dstip"]);
}

// Ours, in this process: the NodeSet of the customer prefixes, datagram objects built once.
const nodeSet = new NodeSet(w.prefixes);
const receivedAtMs = Date.UTC(2026, 2, 2, 10, 0, 0);
const v9Datagrams = asDatagrams(w.v9, receivedAtMs);
const ipfixDatagrams = asDatagrams(w.ipfix, receivedAtMs);
log(`timing ours: 1 warm-up + ${reps} reps each ...`);
const oursV9 = timeDecodeAggregate("v9", netflowV9, v9Datagrams, w.records, nodeSet, batch, reps);
const oursIpfix = timeDecodeAggregate("IPFIX", ipfix, ipfixDatagrams, w.records, nodeSet, batch, reps);
const decodeV9 = timeDecode("v9", netflowV9, v9Datagrams, w.records, batch, reps);
const decodeIpfix = timeDecode("IPFIX", ipfix, ipfixDatagrams, w.records, batch, reps);
const aggOnly = timeAggregate(decodeBatches("v9", netflowV9, v9Datagrams, w.records, batch), nodeSet, reps);

// ---- report ----

const n = w.records;
const M = (perS: number) => `${(perS / 1e6).toFixed(2)}M rec/s`;
const fmtInt = (x: number) => x.toLocaleString("en-US");
const rateOf = (ms: number) => n / (ms / 1000);
const ours = (t: RepTimes) => `${M(rateOf(t.best))} best (${t.best.toFixed(0)} ms), ${M(rateOf(t.median))} median`;
const nf = (t: NfdumpTiming) =>
  `${M(n / t.best)} (${t.best.toFixed(3)} s best of ${t.wall.length}; ${fmtInt(t.keys)} keys; ${Number.isNaN(t.cpu) ? "cpu n/a" : `${t.cpu.toFixed(2)} s cpu`})`;

const rows: [string, string][] = [
  ["workload", `${fmtInt(n)} records, ${fmtInt(w.v9.length)} v9 datagrams / ${fmtInt(w.ipfix.length)} IPFIX messages, seed ${params.seed}`],
  ["keys", `srcip ${fmtInt(w.distinctSrc)} (all nodes, ${w.prefixes.length} customer prefixes), dstip ${fmtInt(w.distinctDst)}; ${params.minutes} min, ${((100 * w.multiMinute) / n).toFixed(1)}% of flows span minutes`],
];
if (capture !== null && srcip !== null && dstip !== null && versions !== null) {
  rows.push(
    ["nfcapd capture", `${capture.cached ? "cache used" : "replayed now"}: ${fmtInt(capture.info.records)} records verified (nfdump -I), ${capture.info.files} file(s), paced ${capture.info.pace}/s`],
    [`nfdump ${versions.nfdump} -A srcip`, nf(srcip)],
    [`nfdump ${versions.nfdump} -A dstip`, nf(dstip)],
  );
} else rows.push(["nfdump", "skipped (--ours-only)"]);
rows.push(
  [`ours v9 decode+aggregate (${FEATURE_COUNT} features, 1 core)`, ours(oursV9.times)],
  [`ours IPFIX decode+aggregate (1 core)`, ours(oursIpfix.times)],
  ["ours v9 decode only", ours(decodeV9)],
  ["ours IPFIX decode only", ours(decodeIpfix)],
  ["ours aggregate only (pre-decoded v9 batches)", ours(aggOnly)],
  [
    "node-minutes closed (not in the rates)",
    `${fmtInt(oursV9.nodeMinutes)} from ${fmtInt(oursV9.openNodes)} nodes, ${fmtInt(Math.round(oursV9.openBytes / Math.max(1, oursV9.nodeMinutes)))} counter bytes each (mean; at most ${fmtInt(BYTES_PER_NODE_MINUTE)}); closeAll ${oursV9.closeMs.toFixed(0)} ms (v9 decode+aggregate+close: ${M(n / ((oursV9.times.best + oursV9.closeMs) / 1000))})`,
  ],
  ["totals, ours v9 | IPFIX" + (nfTotals !== null ? " | nfdump -I" : ""), totalsRow()],
  ["batching / reps", `${batch} datagrams per batch (relay's 1 MiB), 1 warm-up + ${reps} reps${flag("no-gc") ? "" : ", full GC before each (untimed)"}`],
);
const width = Math.max(...rows.map(([k]) => k.length));

/** Packets / bytes / flows of both our paths (summed over the closed node-minutes) and of nfcapd's capture: the same flows? */
function totalsRow(): string {
  const r = (x: number) => fmtInt(Math.round(x));
  const part = (name: "packets" | "bytes" | "flows") => [oursV9.totals[name], oursIpfix.totals[name], ...(nfTotals !== null ? [nfTotals[name]] : [])].map(r).join(" | ");
  return `packets ${part("packets")}; bytes ${part("bytes")}; flows ${part("flows")}`;
}
function totalsAgree(): boolean {
  const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));
  const refs = [oursIpfix.totals, ...(nfTotals !== null ? [nfTotals] : [])];
  return refs.every((t) => close(oursV9.totals.packets, t.packets) && close(oursV9.totals.bytes, t.bytes) && close(oursV9.totals.flows, t.flows)) && close(oursV9.totals.flows, n);
}
const load = loadavg().map((x) => x.toFixed(2)).join(" ");
console.log(`bench/ingest  node ${process.version}  ${cpus()[0]?.model ?? "cpu?"} x${cpus().length}  load ${load}  ${new Date().toISOString()}`);
for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`);
if (!totalsAgree()) console.log("warning: the totals above disagree: the two sides did not aggregate the same flows");
if (srcip !== null && dstip !== null && w.distinctSrc !== srcip.keys) console.log(`warning: nfdump -A srcip counted ${srcip.keys} keys, the workload has ${w.distinctSrc} source IPs`);
const v9Rate = rateOf(oursV9.times.best);
const ipfixRate = rateOf(oursIpfix.times.best);
console.log(`ours v9 / 3M target:     ${(v9Rate / INGEST_TARGET_PER_S).toFixed(2)}x`);
console.log(`ours IPFIX / 3M target:  ${(ipfixRate / INGEST_TARGET_PER_S).toFixed(2)}x`);
if (srcip !== null) {
  const nfRate = n / srcip.best;
  console.log(`ours(IPFIX decode+aggregate) / nfdump(-A srcip): ${(ipfixRate / nfRate).toFixed(2)}x  (target ${NFDUMP_MULTIPLE_TARGET.toFixed(2)}x)`);
  console.log(`ours(v9 decode+aggregate) / nfdump(-A srcip): ${(v9Rate / nfRate).toFixed(2)}x`);
}
