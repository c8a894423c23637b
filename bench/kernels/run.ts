/** @module `npm run bench:kernels`: the WASM SIMD peak (1 and 2 threads), then GFLOP/s of every kernel at the paper's shapes for the reference backend and the cpu backend (FMA and mul + add builds, 1 and 2 threads), with % of the matching peak. Prints figures, asserts nothing. */
import { availableParallelism } from "node:os";
import { createCpuBackend } from "../../cloud/engine/cpu/index.js";
import type { Backend, HostTensors } from "../../cloud/engine/kernels.js";
import { referenceBackend } from "../../cloud/engine/reference/index.js";
import type { WasmVariant } from "../../cloud/engine/cpu/wat-source.js";
import { benchCases } from "./cases.js";
import { measurePeak } from "./peak.js";

/** Minimum time per measurement; the reference runs each kernel once (it takes seconds at these shapes). */
const MIN_MS = 400;
const skipReference = process.argv.includes("--no-reference");
const only = process.argv.find((a) => a.startsWith("--only="))?.slice(7);
/** --variant=relaxed|simd and --threads=N restrict the cpu rows (and the peaks measured). */
const onlyVariant = process.argv.find((a) => a.startsWith("--variant="))?.slice(10);
const onlyThreads = process.argv.find((a) => a.startsWith("--threads="))?.slice(10);

interface Timing {
  /** Best wall-clock ms of one call. */
  wall: number;
  /** Best process CPU ms of one call (all threads summed): steadier than wall time on a shared machine. */
  cpu: number;
}

/** The fastest call over at least minMs (and `min` calls): on a shared machine the minimum is the least disturbed figure. */
function time(call: () => void, minMs: number, min = 3): Timing {
  call(); // warm-up (JIT, page faults)
  const best = { wall: Infinity, cpu: Infinity };
  const t0 = performance.now();
  for (let n = 0; n < min || performance.now() - t0 < minMs; n++) {
    const c = process.cpuUsage();
    const t = performance.now();
    call();
    best.wall = Math.min(best.wall, performance.now() - t);
    const d = process.cpuUsage(c);
    best.cpu = Math.min(best.cpu, (d.user + d.system) / 1000);
  }
  return best;
}

const threadCounts = [...new Set([1, Math.min(2, availableParallelism())])].filter((t) => onlyThreads === undefined || String(t) === onlyThreads);
const variants: WasmVariant[] = (["relaxed", "simd"] as const).filter((v) => onlyVariant === undefined || v === onlyVariant);
const peaks = new Map<string, number>();
const cpuPeaks = new Map<string, number>();
console.log(`peak (WASM f32x4, ${availableParallelism()} CPUs available):`);
for (const v of variants)
  for (const t of threadCounts) {
    const gf = await measurePeak(v, t);
    peaks.set(`${v}×${t}`, gf.wall);
    cpuPeaks.set(v, Math.max(cpuPeaks.get(v) ?? 0, gf.cpu));
    console.log(`  ${v === "relaxed" ? "FMA (relaxed_madd)" : "mul + add"} × ${t} thread${t > 1 ? "s" : ""}: ${gf.wall.toFixed(1)} GFLOP/s by wall clock, ${gf.cpu.toFixed(1)} per CPU-second`);
  }

const backends: { label: string; peak: number | null; be: Backend<HostTensors> }[] = [];
if (!skipReference) backends.push({ label: "reference", peak: null, be: referenceBackend });
for (const v of variants)
  for (const t of threadCounts) {
    const be = await createCpuBackend({ threads: t, relaxed: v === "relaxed" });
    if (be.features.variant !== v) console.log(`(relaxed SIMD unavailable: the FMA rows run ${be.features.variant})`);
    backends.push({ label: `${v === "relaxed" ? "fma" : "mul+add"}×${t}`, peak: peaks.get(`${be.features.variant}×${t}`) ?? null, be });
  }

const cases = benchCases.filter((c) => only === undefined || c.name.includes(only));
const rows: { name: string; flops: number; t: Timing[] }[] = [];
for (const c of cases) {
  rows.push({ name: c.name, flops: c.flops, t: backends.map(({ be }) => (be === referenceBackend ? time(c.setup(be), 0, 1) : time(c.setup(be), MIN_MS))) });
}
const pad = (s: string, peak: number | null): string => s.padStart(peak === null ? 16 : 20);
function table(title: string, pick: (t: Timing) => number, perThread: boolean): void {
  console.log(`\n${title}\n${["kernel".padEnd(44), ...backends.map((b) => pad(b.label, b.peak))].join(" ")}`);
  for (const r of rows) {
    const cells = backends.map(({ peak, label }, i) => {
      const ms = pick(r.t[i]!);
      const gf = r.flops / (ms * 1e6);
      // per-thread rates compare with the 1-thread peak
      const p = perThread ? cpuPeaks.get(label.startsWith("fma") ? "relaxed" : "simd") : peak;
      return pad(`${gf.toFixed(gf < 10 ? 2 : 1)} (${ms < 10 ? ms.toFixed(2) : ms.toFixed(0)})` + (peak === null || p === undefined || p === null ? "" : ` ${((100 * gf) / p).toFixed(0)}%`), peak);
    });
    console.log([r.name.padEnd(44), ...cells].join(" "));
  }
}
table("GFLOP/s by wall clock (best ms per call) [% of the matching peak]", (t) => t.wall, false);
table("GFLOP/s per CPU-second: FLOPs / process CPU time of the best call, threads summed (ms) [% of the peak per CPU-second]", (t) => t.cpu, true);
for (const { be } of backends) be.dispose();
