/** @module Options data records: systemInitTimeMilliseconds (IE 160) and sampler/selector rates into the exporter state. */
import { reject, type ParseReport } from "../types.js";
import { layoutVariableRecord, type DecodePlan } from "./decode-plan.js";
import { Slot } from "./ie.js";
import { readUint } from "../read-uint.js";
import { readMs } from "./times.js";
import type { ExporterState } from "../exporter-state.js";

/** What an options data set changed. */
export interface OptionsResult {
  /** the domain's system init time was set or changed */
  systemInitChanged: boolean;
}

/**
 * The sampling rate an options (or data) record announces, or 0 when it has none:
 * samplingInterval (34) / samplerRandomInterval (50), else RFC 5477's
 * (samplingPacketInterval + samplingPacketSpace) / samplingPacketInterval, else
 * samplingPopulation / samplingSize.
 */
function announcedRate(view: DataView, base: number, plan: DecodePlan): number {
  const { rel, len } = plan;
  for (const slot of [Slot.samplingInterval, Slot.samplerRandomInterval]) {
    if (rel[slot]! >= 0) {
      const v = readUint(view, base + rel[slot]!, len[slot]!);
      if (v >= 1) return v;
    }
  }
  if (rel[Slot.packetInterval]! >= 0) {
    const interval = readUint(view, base + rel[Slot.packetInterval]!, len[Slot.packetInterval]!);
    const space = rel[Slot.packetSpace]! >= 0 ? readUint(view, base + rel[Slot.packetSpace]!, len[Slot.packetSpace]!) : 0;
    if (interval >= 1) return Math.round((interval + space) / interval);
  }
  if (rel[Slot.samplingSize]! >= 0 && rel[Slot.samplingPopulation]! >= 0) {
    const size = readUint(view, base + rel[Slot.samplingSize]!, len[Slot.samplingSize]!);
    const population = readUint(view, base + rel[Slot.samplingPopulation]!, len[Slot.samplingPopulation]!);
    if (size >= 1 && population >= size) return Math.round(population / size);
  }
  return 0;
}

/** Applies the options records in `[start, end)` to the domain's state. Options records are not flows. */
export function decodeOptionsSet(view: DataView, start: number, end: number, plan: DecodePlan, state: ExporterState, domain: number, report: ParseReport): OptionsResult {
  const result: OptionsResult = { systemInitChanged: false };
  const { rel, len } = plan;
  for (let pos = start; end - pos >= plan.minRecordLength; ) {
    const base = pos;
    pos = plan.recordLength > 0 ? pos + plan.recordLength : layoutVariableRecord(view, pos, end, plan);
    if (pos < 0) {
      reject(report, "bad_length", `a variable-length field runs past the end of the options set (record at offset ${base})`);
      break;
    }
    if (rel[Slot.systemInit]! >= 0) {
      const init = readMs(view, base + rel[Slot.systemInit]!);
      if (state.getSystemInitMs(domain) !== init) {
        state.setSystemInitMs(domain, init);
        result.systemInitChanged = true;
      }
    }
    const rate = announcedRate(view, base, plan);
    if (rate >= 1) {
      const idSlot = rel[Slot.selectorId]! >= 0 ? Slot.selectorId : rel[Slot.samplerId]! >= 0 ? Slot.samplerId : -1;
      const id = idSlot >= 0 ? readUint(view, base + rel[idSlot]!, len[idSlot]!) : -1;
      state.setSampling(domain, id, Math.min(rate, 4294967295));
    }
  }
  return result;
}
