/** @module Simulator → minute rows: runs a scenario's flows through the minute aggregator (the same path as real exports) and optionally writes them as minute-archive chunks, one per day. */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { MinuteAccumulator, type NodeMinute, sortNodeMinutes } from "../../../shared/features/aggregate.js";
import { encodeMinuteArchive, minuteArchiveFromNodeMinutes } from "../../../shared/wire/archive.js";
import { generateFlows } from "../synth/generate.js";
import { attackLabels, type LabelsFile } from "../synth/labels.js";
import { parseScenarioText } from "../synth/scenario.js";
import { compileWorld, type World, type WorldOverrides } from "../synth/world.js";

/** Flows last at most the simulator's 10-minute active timeout, so a minute 15 behind the generator is complete. */
const CLOSE_LAG_MINUTES = 15;

export interface SimulatedRows {
  readonly world: World;
  /** sorted by node, then minute */
  readonly rows: NodeMinute[];
  readonly labels: LabelsFile;
  readonly flows: number;
}

/** Compiles a scenario file with overrides. */
export function worldFromScenarioFile(path: string, overrides: WorldOverrides = {}): World {
  return compileWorld(parseScenarioText(readFileSync(path, "utf8"), path), overrides);
}

/** Streams the world's flows minute by minute through a MinuteAccumulator; returns every node-minute and the labels. */
export function simulateRows(world: World): SimulatedRows {
  const acc = new MinuteAccumulator(world.nodeSet);
  const rows: NodeMinute[] = [];
  let flows = 0;
  for (const batch of generateFlows(world)) {
    acc.addRecords(batch.flows);
    flows += batch.flows.length;
    for (const r of acc.closeBefore(batch.minute - CLOSE_LAG_MINUTES)) rows.push(r);
  }
  for (const r of acc.closeAll()) rows.push(r);
  return { world, rows: sortNodeMinutes(rows), labels: attackLabels(world), flows };
}

/** Writes rows as NFGA chunks `sim-<day>.nfga` (one per UTC day, tenant = the scenario's tenant name, shard 0); returns the file names. */
export function writeArchives(dir: string, tenant: string, rows: readonly NodeMinute[]): string[] {
  mkdirSync(dir, { recursive: true });
  const byDay = new Map<number, NodeMinute[]>();
  for (const r of rows) {
    const day = Math.floor(r.minute / 1440);
    let list = byDay.get(day);
    if (list === undefined) byDay.set(day, (list = []));
    list.push(r);
  }
  const files: string[] = [];
  for (const [day, list] of [...byDay.entries()].sort((a, b) => a[0] - b[0])) {
    const name = `sim-${new Date(day * 86_400_000).toISOString().slice(0, 10)}.nfga`;
    writeFileSync(join(dir, name), encodeMinuteArchive(minuteArchiveFromNodeMinutes(tenant, 0, list)));
    files.push(name);
  }
  return files;
}
