/** @module Work splitting for the cpu backend: contiguous ranges per thread, aligned, and a size below which one thread is faster than waking the others. */

/** Below this many estimated FLOPs (or bytes moved) a kernel runs on the main thread alone. */
export const PARALLEL_MIN_WORK = 60_000;

/** [start, end) ranges covering 0..total in at most `parts` pieces, each start a multiple of `align`. */
export function ranges(total: number, parts: number, align: number): [number, number][] {
  const units = Math.ceil(total / align);
  const n = Math.max(1, Math.min(parts, units));
  const out: [number, number][] = [];
  for (let i = 0; i < n; i++) {
    const s = Math.min(total, Math.round((units * i) / n) * align);
    const e = i === n - 1 ? total : Math.min(total, Math.round((units * (i + 1)) / n) * align);
    if (e > s || (out.length === 0 && i === n - 1)) out.push([s, e]);
  }
  return out;
}
