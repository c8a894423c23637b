/** @module bench/train-step: one training step of the paper decoder at batch 8 × 512 on our cpu backend, side by side with PyTorch CPU on the identical model, with peak RSS of each; the last line is the step-time ratio ours / PyTorch. */
// Anchor (PLATFORM-NOTES): PyTorch 1.13 + OpenBLAS, 2 threads, ≈ 1.58 s per step on this 2-core machine.
// Targets: ratio ≤ 1.0 for step time, and ≤ 1.0 for peak RSS. Each side runs in its own process under
// /usr/bin/time -v (Maximum resident set size), one after the other, so they never share the cores.
//
// Run: npm run bench:train-step [-- --backend cpu --threads 2 --B 8 --T 512 --steps 5 --config paper --profile --ours-only]
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { loadavg } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? fallback : (process.argv[i + 1] ?? fallback);
}
const common = ["--B", arg("B", "8"), "--T", arg("T", "512"), "--steps", arg("steps", "5"), "--threads", arg("threads", "2"), "--config", arg("config", "paper")];

interface SideResult {
  backend: string;
  stepMsMedian: number;
  forwardMsMedian: number;
  stepMs: number[];
  params: number;
  loss: number;
  B: number;
  T: number;
  features?: unknown;
  profileMsPerStep?: Record<string, number> | null;
  maxRssKiB: number;
}

function runSide(label: string, command: string, args: string[]): SideResult | null {
  const timeBin = "/usr/bin/time";
  const useTime = existsSync(timeBin);
  const r = useTime ? spawnSync(timeBin, ["-v", command, ...args], { cwd: root, encoding: "utf8", maxBuffer: 1 << 26 }) : spawnSync(command, args, { cwd: root, encoding: "utf8", maxBuffer: 1 << 26 });
  if (r.status !== 0) {
    console.error(`${label} failed (exit ${r.status}):\n${(r.stderr ?? "").slice(-2000)}`);
    return null;
  }
  const line = r.stdout.trim().split("\n").filter((l) => l.startsWith("{")).pop();
  if (line === undefined) {
    console.error(`${label} printed no result:\n${r.stdout.slice(-2000)}`);
    return null;
  }
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr ?? "");
  return { ...(JSON.parse(line) as Omit<SideResult, "maxRssKiB">), maxRssKiB: rss ? Number(rss[1]) : NaN };
}

const tokensPerS = (r: SideResult, ms: number): number => (r.B * r.T) / (ms / 1000);
const fmt = (x: number, d = 0): string => (Number.isFinite(x) ? x.toFixed(d) : "n/a");

console.log(`bench/train-step  load average ${loadavg().map((x) => x.toFixed(2)).join(" ")}`);
const oursArgs = ["--import", "tsx", join("bench", "train-step", "ours.ts"), "--backend", arg("backend", "cpu"), ...common];
if (process.argv.includes("--profile")) oursArgs.push("--profile");
const ours = runSide("ours", process.execPath, oursArgs);
const torch = process.argv.includes("--ours-only") ? null : runSide("pytorch", "/usr/bin/python3", [join("bench", "train-step", "torch_step.py"), ...common]);

const rows: [string, SideResult | null][] = [
  ["ours", ours],
  ["pytorch", torch],
];
console.log("\n| side | backend | params | step ms (median) | train tokens/s | forward ms | forward tokens/s | peak RSS MiB | loss |");
console.log("|---|---|---|---|---|---|---|---|---|");
for (const [label, r] of rows) {
  if (r === null) continue;
  console.log(
    `| ${label} | ${r.backend}${r.features ? ` ${JSON.stringify(r.features)}` : ""} | ${r.params} | ${fmt(r.stepMsMedian)} | ${fmt(tokensPerS(r, r.stepMsMedian))} | ${fmt(r.forwardMsMedian)} | ${fmt(tokensPerS(r, r.forwardMsMedian))} | ${fmt(r.maxRssKiB / 1024)} | ${fmt(r.loss, 4)} |`,
  );
}
if (ours?.profileMsPerStep) {
  const total = Object.values(ours.profileMsPerStep).reduce((a, x) => a + x, 0);
  console.log("\nwhere our step's time goes (ms per step, kernels timed one by one):");
  for (const [k, v] of Object.entries(ours.profileMsPerStep).sort((a, b) => b[1] - a[1])) if (v > 0.05) console.log(`  ${k.padEnd(22)} ${v.toFixed(1).padStart(8)}  ${((100 * v) / total).toFixed(1).padStart(5)}%`);
}
if (ours !== null && torch !== null) {
  console.log(`\npeak RSS ours / pytorch: ${(ours.maxRssKiB / torch.maxRssKiB).toFixed(2)}x (target <= 1.0)`);
  console.log(`forward ours / pytorch: ${(ours.forwardMsMedian / torch.forwardMsMedian).toFixed(2)}x`);
  console.log(`step time ours / pytorch: ${(ours.stepMsMedian / torch.stepMsMedian).toFixed(2)}x (target <= 1.0)`);
} else if (ours === null || torch === null) process.exitCode = 1;
