/** @module The streaming generator: minute by minute, every node's baseline flows plus the attacks' flows, sorted by start time; identical for any chunking. */
import type { FlowRecord } from "../../../shared/flow/record.js";
import { nodeMinuteFlows } from "./node-flows.js";
import { attackSourceFor } from "./replay-source.js";
import { attackStrength, type AttackSource } from "./source.js";
import type { World } from "./world.js";

export interface MinuteBatch {
  /** epoch minute; every flow of the batch starts in it */
  minute: number;
  flows: FlowRecord[];
}

export interface GenerateOptions {
  /** first epoch minute (default the scenario's start) */
  fromMinute?: number;
  /** one past the last epoch minute (default the scenario's end) */
  toMinute?: number;
  /** default: the model, plus replay for attacks with `replay` (attackSourceFor) */
  attackSource?: AttackSource;
}

/** The flows starting in one minute. A pure function of (world, minute). */
export function minuteFlows(world: World, minute: number, attackSource: AttackSource = attackSourceFor(world)): FlowRecord[] {
  const flows: FlowRecord[] = [];
  for (const node of world.nodes) nodeMinuteFlows(world, node, minute, flows);
  for (const attack of world.attacks) {
    const strength = attackStrength(attack, minute);
    if (strength > 0) attackSource.minuteFlows(world, attack, minute, strength, flows);
  }
  return flows.sort((a, b) => a.startMs - b.startMs); // stable: ties keep generation order
}

/** Yields one batch per minute in [fromMinute, toMinute); holds only the current minute in memory. */
export function* generateFlows(world: World, options: GenerateOptions = {}): Generator<MinuteBatch> {
  const from = Math.max(world.startMinute, options.fromMinute ?? world.startMinute);
  const to = Math.min(world.endMinute, options.toMinute ?? world.endMinute);
  const source = options.attackSource ?? attackSourceFor(world);
  for (let minute = from; minute < to; minute++) yield { minute, flows: minuteFlows(world, minute, source) };
}
