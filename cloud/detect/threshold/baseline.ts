/** @module The threshold baseline end to end: EarlyDetect records and their raw counters → thresholds tuned on the validation split → metrics on the test split. */
import type { GatheredSeries } from "../../data/dataset/series.js";
import { type EarlyRecord, prepareRecords, splitRecords } from "../early-json.js";
import type { DetectionMetrics } from "../metrics.js";
import { OVERHEAD_BOUND_DEFAULTS, type OverheadBound } from "../operating-point.js";
import { windowCounters } from "./counters.js";
import { windowRates } from "./rates.js";
import { evaluateThresholds, tuneThresholds, type TunedThresholds } from "./tune.js";

export interface BaselineReport {
  readonly tuned: TunedThresholds;
  readonly test: { readonly overall: DetectionMetrics; readonly byType: Record<string, DetectionMetrics> } | null;
}

/** Tunes on `tuneSplit` (default val) and scores `testSplit` (default test; null when it has no examples). */
export function runThresholdBaseline(records: readonly EarlyRecord[], series: GatheredSeries, options: { bound?: OverheadBound; tuneSplit?: EarlyRecord["split"]; testSplit?: EarlyRecord["split"] } = {}): BaselineReport {
  const bound = options.bound ?? OVERHEAD_BOUND_DEFAULTS;
  const rates = (recs: readonly EarlyRecord[]) => windowCounters(series, recs).map((c, i) => windowRates(c, recs[i]!.length));
  const tuneRecs = splitRecords(records, options.tuneSplit ?? "val");
  if (tuneRecs.length === 0) throw new RangeError("no examples to tune the thresholds on");
  const tuned = tuneThresholds(rates(tuneRecs), prepareRecords(tuneRecs), { bound });
  const testRecs = splitRecords(records, options.testSplit ?? "test");
  return { tuned, test: testRecs.length === 0 ? null : evaluateThresholds(tuned, rates(testRecs), prepareRecords(testRecs)) };
}
