/** @module bench/ingest profile summary: the top functions by self time (and inclusive time) of a V8 .cpuprofile. */
// Run: node --cpu-prof --cpu-prof-dir=bench/out/prof --import tsx bench/ingest/run.ts --ours-only
//      npx tsx bench/ingest/profile-top.ts bench/out/prof/<file>.cpuprofile [--top 25] [--exclude closeAll,buildWorkload]
// --exclude drops the samples with one of those functions on the stack (work outside the timed loops);
// --only keeps just the samples with one of those on the stack (e.g. --only addColumns,parseDatagram).
import { readFileSync } from "node:fs";

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const file = process.argv[2];
if (file === undefined) {
  console.error("usage: profile-top.ts FILE.cpuprofile [--top N]");
  process.exit(2);
}
const topIndex = process.argv.indexOf("--top");
const top = topIndex >= 0 ? Number(process.argv[topIndex + 1]) : 25;
const excludeIndex = process.argv.indexOf("--exclude");
const exclude = new Set(excludeIndex >= 0 ? (process.argv[excludeIndex + 1] ?? "").split(",") : []);
const onlyIndex = process.argv.indexOf("--only");
const only = new Set(onlyIndex >= 0 ? (process.argv[onlyIndex + 1] ?? "").split(",") : []);
const profile = JSON.parse(readFileSync(file, "utf8")) as CpuProfile;

const byId = new Map<number, ProfileNode>();
const parent = new Map<number, number>();
for (const n of profile.nodes) {
  byId.set(n.id, n);
  for (const c of n.children ?? []) parent.set(c, n.id);
}
// tsx's transform puts each module on few lines, so line numbers say little: function and file only.
const label = (f: CallFrame) => `${f.functionName || "(anonymous)"} ${f.url.replace(/^file:\/\//, "").replace(/^.*\/(bench|edge|shared)\//, "$1/") || "(native)"}`;

// Sample time per node: each sample's delta is charged to the sampled node.
const selfUs = new Map<string, number>();
const totalUs = new Map<string, number>();
let all = 0;
let dropped = 0;
for (let i = 0; i < profile.samples.length; i++) {
  const dt = profile.timeDeltas[i] ?? 0;
  const id = profile.samples[i]!;
  const node = byId.get(id)!;
  if (exclude.size > 0 || only.size > 0) {
    let excluded = false;
    let included = only.size === 0;
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const name = byId.get(at)!.callFrame.functionName;
      excluded ||= exclude.has(name);
      included ||= only.has(name);
    }
    if (excluded || !included) {
      dropped += dt;
      continue;
    }
  }
  all += dt;
  const self = label(node.callFrame);
  selfUs.set(self, (selfUs.get(self) ?? 0) + dt);
  // inclusive: every distinct function on the stack
  const seen = new Set<string>();
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
    const l = label(byId.get(at)!.callFrame);
    if (seen.has(l)) continue;
    seen.add(l);
    totalUs.set(l, (totalUs.get(l) ?? 0) + dt);
  }
}
const pct = (us: number) => `${((100 * us) / all).toFixed(1).padStart(5)}%`;
const filters = [...(exclude.size > 0 ? [`not under ${[...exclude].join(", ")}`] : []), ...(only.size > 0 ? [`only under ${[...only].join(", ")}`] : [])];
console.log(`${file}: ${(all / 1e6).toFixed(2)} s sampled${dropped > 0 ? ` (${filters.join("; ")}: ${(dropped / 1e6).toFixed(2)} s left out)` : ""}`);
console.log("self time:");
for (const [l, us] of [...selfUs].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${pct(us)}  ${(us / 1000).toFixed(0).padStart(7)} ms  ${l}`);
console.log("inclusive time:");
for (const [l, us] of [...totalUs].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${pct(us)}  ${(us / 1000).toFixed(0).padStart(7)} ms  ${l}`);
