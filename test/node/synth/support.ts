/** @module Test support for the simulator tests: small scenarios built in code, and per-node minute series from aggregateMinutes. */
import { readFileSync } from "node:fs";
import type { FlowRecord } from "../../../shared/flow/record.js";
import { aggregateMinutes, type NodeMinute } from "../../../shared/features/aggregate.js";
import { featureIndex } from "../../../shared/features/catalogue.js";
import { generateFlows } from "../../../cloud/data/synth/generate.js";
import { parseScenario, parseScenarioText, type Scenario } from "../../../cloud/data/synth/scenario.js";
import { compileWorld, type World, type WorldOverrides } from "../../../cloud/data/synth/world.js";

export const SCENARIOS = new URL("../../../cloud/data/scenarios/", import.meta.url);

export function exampleScenario(name: string): Scenario {
  return parseScenarioText(readFileSync(new URL(`${name}.json`, SCENARIOS), "utf8"), `${name}.json`);
}

/** A one-customer scenario with the given nodes (fixed addresses in 198.51.100.0/24) and attacks. */
export function smallScenario(nodes: { role: string; address: string }[], attacks: unknown[] = [], extra: Record<string, unknown> = {}): Scenario {
  return parseScenario({
    seed: 1234,
    start: "2026-03-02T00:00:00Z",
    duration: { days: 1 },
    tenant: { name: "t", customers: [{ name: "c", prefixes: ["198.51.100.0/24"], nodes }] },
    attacks,
    ...extra,
  });
}

export function allFlows(world: World): FlowRecord[] {
  const out: FlowRecord[] = [];
  for (const b of generateFlows(world)) for (const f of b.flows) out.push(f);
  return out;
}

const aggregated = new WeakMap<readonly FlowRecord[], NodeMinute[]>();

/** Minute → counters of one node, for every minute of the world (zeros where the node had nothing). */
export function nodeSeries(world: World, flows: readonly FlowRecord[], node: string): Float64Array[] {
  let all = aggregated.get(flows);
  if (all === undefined) aggregated.set(flows, (all = aggregateMinutes(flows, world.nodeSet)));
  const rows = all.filter((r) => r.node === node);
  const series: Float64Array[] = Array.from({ length: world.endMinute - world.startMinute }, () => new Float64Array(86));
  for (const r of rows) {
    const i = r.minute - world.startMinute;
    if (i >= 0 && i < series.length) series[i] = r.counters;
  }
  return series;
}

/** Mean of a named feature over minutes [from, to) of a series. */
export function meanOf(series: readonly Float64Array[], feature: string, from: number, to: number): number {
  const k = featureIndex(feature);
  let sum = 0;
  for (let i = from; i < to; i++) sum += series[i]![k]!;
  return sum / (to - from);
}

export function world(scenario: Scenario, overrides: WorldOverrides = {}): World {
  return compileWorld(scenario, overrides);
}
