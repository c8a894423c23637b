/** @module Raw per-minute counters of the EarlyDetect windows, read back from the minute archives (the windows files hold bins only): one (T, 86) slice per example, by node and start minute. */
import { FEATURE_COUNT } from "../../../shared/features/catalogue.js";
import { gatherSeries, type GatheredSeries, readArchiveDir } from "../../data/dataset/series.js";

/** What locates an example's window (earlydetect.json has these fields). */
export interface WindowKey {
  readonly node: string;
  /** epoch minutes */
  readonly startMinute: number;
  readonly length: number;
}

/**
 * counters (length, 86) of each window; minutes outside the gathered range, and nodes without rows,
 * are zero traffic (the dataset builder's rule for missing minutes). Unavailable features are 0 there too.
 */
export function windowCounters(data: GatheredSeries, keys: readonly WindowKey[]): Float64Array[] {
  const byNode = new Map(data.nodes.map((n) => [n.node, n]));
  const T0 = data.startMinute;
  const span = data.endMinute - data.startMinute;
  return keys.map((k) => {
    const out = new Float64Array(k.length * FEATURE_COUNT);
    const s = byNode.get(k.node);
    if (s === undefined) return out;
    for (let t = 0; t < k.length; t++) {
      const rel = k.startMinute + t - T0;
      if (rel < 0 || rel >= span) continue;
      out.set(s.counters.subarray(rel * FEATURE_COUNT, (rel + 1) * FEATURE_COUNT), t * FEATURE_COUNT);
    }
    return out;
  });
}

/** windowCounters over every .nfga chunk of a directory (a dataset's archives/ or the source archives). */
export function loadWindowCounters(archiveDir: string, keys: readonly WindowKey[]): Float64Array[] {
  return windowCounters(gatherSeries(readArchiveDir(archiveDir).rows), keys);
}
