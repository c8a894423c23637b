/** @module NetFlow v9 options data records: the sampling intervals they announce, stored per (source id, sampler id). */
import type { ExporterState } from "../exporter-state.js";
import type { DecodePlan } from "./decode-plan.js";
import { readUint } from "../read-uint.js";

const U32_MAX = 0xffffffff;

/**
 * Reads each options record in [start, end) of `dv` and, when it carries FLOW_SAMPLER_RANDOM_INTERVAL or
 * SAMPLING_INTERVAL ≥ 1, stores it for its FLOW_SAMPLER_ID, or as the exporter default (sampler -1)
 * when it has none. The scope (system, interface, line card, …) is not kept: an interval applies to the
 * whole source id (per-interface sampling with different rates per interface is not modelled).
 * Returns how many records were read.
 */
export function applyOptionsRecords(plan: DecodePlan, dv: DataView, start: number, end: number, domain: number, state: ExporterState): number {
  const n = Math.floor((end - start) / plan.recordLength);
  if (plan.interval.offset < 0) return n;
  for (let r = 0, o = start; r < n; r++, o += plan.recordLength) {
    const interval = readUint(dv, o + plan.interval.offset, plan.interval.width);
    if (!(interval >= 1 && interval <= U32_MAX)) continue;
    const samplerId = plan.samplerId.offset < 0 ? -1 : readUint(dv, o + plan.samplerId.offset, plan.samplerId.width);
    state.setSampling(domain, samplerId, interval);
  }
  return n;
}
