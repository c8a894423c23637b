/** @module The extension point for attack traffic: an AttackSource produces an attack's flows for one minute (the built-in one is a parametric model). */
// replay-source.ts replays real attack captures (flows of an export pcap), re-addressed to the victim
// and re-timed to the onset; every source must stay deterministic per (seed, attack, minute) like the
// model, so chunking independence holds.
import type { FlowRecord } from "../../../shared/flow/record.js";
import type { CompiledAttack, World } from "./world.js";

export interface AttackSource {
  readonly name: string;
  /**
   * Appends the flows of `attack` that start in epoch minute `minute` (only called for minutes in
   * [onsetMinute, endMinute)). `strength` is the ramp in (0, 1]: the share of intensityPps to send.
   */
  minuteFlows(world: World, attack: CompiledAttack, minute: number, strength: number, out: FlowRecord[]): void;
}

/** The share of full intensity in a minute: a linear ramp over rampUpMinutes (the whole attack when low and slow). */
export function attackStrength(attack: CompiledAttack, minute: number): number {
  if (minute < attack.onsetMinute || minute >= attack.endMinute) return 0;
  const into = minute - attack.onsetMinute + 1;
  return attack.rampUpMinutes <= 0 ? 1 : Math.min(1, into / attack.rampUpMinutes);
}
