/** @module The cpu backend's dispatch helpers shared by its kernel sets: per-thread scratch, the split of a WASM export over the pool, and the packed-B GEMM. */
import type { Arena } from "./arena.js";
import type { Pool } from "./pool.js";
import { PARALLEL_MIN_WORK, ranges } from "./split.js";

/** Scratch floats per thread for gemm (a packed 256×4 strip of A + a 4×8 edge tile) and the adam tail. */
export const THREAD_SCRATCH_FLOATS = 256 * 4 + 64;

export interface Dispatch {
  readonly arena: Arena;
  readonly threads: number;
  /** Per-thread scratch of THREAD_SCRATCH_FLOATS (the gemm's `tmp`). */
  readonly tmp: readonly number[];
  /** One block of `bytes` per thread under `key`, reused while big enough. */
  perThread(key: string, bytes: number): number[];
  /** A block of at least `bytes` under `key`, reused while big enough (grows, never shrinks). */
  block(key: string, bytes: number): number;
  /** Runs export fn over 0..total split by `align`, args(start, end, thread) per part; one thread when work is small. */
  par(fn: string, total: number, align: number, work: number, args: (s: number, e: number, t: number) => number[]): void;
  /** Packs B (k, n) at b[k·ldk + n·ldn] (K × N) into 8-column panels at `at` (⌈N/8⌉·8·K floats, see block). */
  packB(at: number, N: number, K: number, b: number, ldk: number, ldn: number): void;
  /** Out (M, N) (+)= A·B: packs B (k, n) at B[k·ldk + n·ldn], then splits the rows of Out. */
  gemm(M: number, N: number, K: number, a: number, ldar: number, ldak: number, b: number, ldk: number, ldn: number, out: number, bias: number, accum: number): void;
}

export function createDispatch(arena: Arena, pool: Pool): Dispatch {
  const threads = pool.threads;
  const tmp = Array.from({ length: threads }, () => arena.alloc(4 * THREAD_SCRATCH_FLOATS));
  const blocks = new Map<string, { bytes: number; at: number }>();
  const block = (key: string, bytes: number): number => {
    const s = blocks.get(key);
    if (s !== undefined && s.bytes >= bytes) return s.at;
    const at = arena.alloc(bytes);
    blocks.set(key, { bytes, at });
    return at;
  };
  const scratch = new Map<string, { bytes: number; at: number[] }>();
  const perThread = (key: string, bytes: number): number[] => {
    const s = scratch.get(key);
    if (s !== undefined && s.bytes >= bytes) return s.at;
    const at = Array.from({ length: threads }, () => arena.alloc(bytes));
    scratch.set(key, { bytes, at });
    return at;
  };
  const par = (fn: string, total: number, align: number, work: number, args: (s: number, e: number, t: number) => number[]): void => {
    const parts = work < PARALLEL_MIN_WORK ? 1 : threads;
    pool.run(fn, ranges(total, parts, align).map(([s, e], t) => args(s, e, t)));
  };
  const packB = (at: number, N: number, K: number, b: number, ldk: number, ldn: number): void => {
    par("pack_b", Math.ceil(N / 8), 1, N * K, (s, e) => [s, e, at, b, K, N, ldk, ldn]);
  };
  const gemm = (M: number, N: number, K: number, a: number, ldar: number, ldak: number, b: number, ldk: number, ldn: number, out: number, bias: number, accum: number): void => {
    if (M === 0 || N === 0) return;
    if (K === 0) {
      // an empty inner dimension: out = bias (or 0), or unchanged when accumulating
      const mem = arena.memory.buffer;
      for (let r = 0; r < M && accum === 0; r++) {
        const row = new Float32Array(mem, out + 4 * r * N, N);
        if (bias === 0) row.fill(0);
        else row.set(new Float32Array(mem, bias, N));
      }
      return;
    }
    // the shared packed-B block, reused by every gemm
    const P = block("gemm.packB", 4 * Math.ceil(N / 8) * 8 * K);
    packB(P, N, K, b, ldk, ldn);
    par("gemm", M, 4, 2 * M * N * K, (s, e, t) => [s, e, a, ldar, ldak, K, P, N, out, N, bias, accum, tmp[t] ?? 0]);
  };
  return { arena, threads, tmp, perThread, block, par, packB, gemm };
}
