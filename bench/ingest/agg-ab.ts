/** @module bench/ingest paired A/B of the aggregator: two or more git revisions' MinuteAccumulator, reps alternated on the same decoded batches, with each rep's aggregation and close times as ratios to the first revision's. */
// Run: npx tsx bench/ingest/agg-ab.ts REV_A REV_B [REV_C ...] [--reps 12] [--ipfix]   (needs a bench:ingest cache)
// A revision is a commit (its shared/ is bundled with esbuild into bench/out/ab/) or "work" (the working tree).
// The VM's speed drifts by up to 2× between processes and runs (docs/ingest.md), so timing two builds in separate
// runs compares the drift more than the code; here each rep of one revision sits next to a rep of the other,
// and the median of the per-rep ratios is what to read.
import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";
import type { MinuteAccumulator as Accumulator } from "../../shared/features/aggregate.js";
import { loadCachedBatches } from "./cache.js";

const root = join(import.meta.dirname, "..", "..");
const out = join(root, "bench", "out");
// revisions are the arguments that are neither an option nor --reps' value (--ipfix takes none)
const revs = process.argv.slice(2).filter((a, i, all) => !a.startsWith("--") && all[i - 1] !== "--reps");
const opt = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? fallback : Number(process.argv[i + 1]);
};
if (revs.length < 2) {
  console.error("usage: agg-ab.ts REV_A REV_B [...] [--reps N] [--ipfix]");
  process.exit(2);
}

/** Bundles shared/features/aggregate.ts of `rev` (a commit, or "work") into one module file. */
async function bundle(rev: string): Promise<string> {
  const name = rev.replace(/[^\w.-]/g, "_");
  const file = join(out, "ab", `aggregate-${name}.mjs`);
  let src = root;
  if (rev !== "work") {
    src = join(out, "ab", `tree-${name}`);
    rmSync(src, { recursive: true, force: true });
    mkdirSync(src, { recursive: true });
    const tar = execFileSync("git", ["-C", root, "archive", rev, "shared"], { maxBuffer: 1 << 28 });
    execFileSync("tar", ["-x", "-C", src], { input: tar });
  }
  await build({ entryPoints: [join(src, "shared", "features", "aggregate.ts")], bundle: true, platform: "node", format: "esm", outfile: file, logLevel: "warning" });
  return file;
}

const useIpfix = process.argv.includes("--ipfix");
const { records, nodeSet, batches } = loadCachedBatches(useIpfix);

const accs: Accumulator[] = [];
for (const rev of revs) {
  const mod = (await import(pathToFileURL(await bundle(rev)).href)) as { MinuteAccumulator: typeof Accumulator };
  accs.push(new mod.MinuteAccumulator(nodeSet));
}
const gc = (globalThis as { gc?: () => void }).gc;
const reps = opt("reps", 12);
const nsPerFlow: number[][] = revs.map(() => []);
/** closeAll's time per closed node-minute (not in the aggregation figures), paired the same way */
const closeNsPerRow: number[][] = revs.map(() => []);
const rows: number[] = revs.map(() => 0);
for (let rep = 0; rep <= reps; rep++) {
  for (let k = 0; k < revs.length; k++) {
    const r = (k + rep) % revs.length; // rotate which revision goes first
    gc?.();
    const t0 = performance.now();
    for (const cols of batches) accs[r]!.addColumns(cols);
    // openEntries applies any held-back additions (revisions since aggregate-pending.ts); older ones just count
    if (accs[r]!.openEntries < 0) throw new Error("negative openEntries");
    const t1 = performance.now();
    rows[r] = accs[r]!.closeAll().length;
    const t2 = performance.now();
    if (rep > 0) {
      nsPerFlow[r]!.push(((t1 - t0) * 1e6) / records);
      closeNsPerRow[r]!.push(((t2 - t1) * 1e6) / rows[r]!);
    }
  }
}
const median = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1]!;
console.log(`aggregate only, ${records.toLocaleString("en-US")} ${useIpfix ? "IPFIX" : "v9"} flows, ${reps} reps each, alternated${gc ? ", full GC before each" : " (run with node --expose-gc --import tsx for a GC before each)"}`);
for (let k = 0; k < revs.length; k++) {
  const ratio = nsPerFlow[k]!.map((t, rep) => t / nsPerFlow[0]![rep]!);
  const closeRatio = closeNsPerRow[k]!.map((t, rep) => t / closeNsPerRow[0]![rep]!);
  console.log(`${revs[k]!.padEnd(12)} best ${Math.min(...nsPerFlow[k]!).toFixed(0)} ns/flow, median ${median(nsPerFlow[k]!).toFixed(0)}; median per-rep ratio to ${revs[0]}: ${median(ratio).toFixed(3)}; ${rows[k]} node-minutes`);
  console.log(`${"".padEnd(12)} closeAll ${median(closeNsPerRow[k]!).toFixed(0)} ns per node-minute (median); median per-rep ratio to ${revs[0]}: ${median(closeRatio).toFixed(3)}`);
}
