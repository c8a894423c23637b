/** @module One simulator run: scenario → compiled world → flows streamed into a writer, plus the labels file; returns counts. */
import { writeFile } from "node:fs/promises";
import { generateFlows } from "./generate.js";
import { attackLabels, type LabelsFile } from "./labels.js";
import { attackSourceFor } from "./replay-source.js";
import type { AttackSource } from "./source.js";
import type { FlowWriter } from "./writers.js";
import { MINUTE_MS, type World } from "./world.js";

export interface RunResult {
  minutes: number;
  flows: number;
  labels: LabelsFile;
  elapsedMs: number;
}

export interface RunOptions {
  /** where to write the labels JSON (none when undefined) */
  labelsPath?: string;
  attackSource?: AttackSource;
  /** called after each minute (progress) */
  onMinute?: (minute: number, flows: number) => void;
}

/** The exporter's boot time the binary formats use: a minute before the scenario starts. */
export function uptimeBase(world: World): number {
  return world.startMinute * MINUTE_MS - MINUTE_MS;
}

export async function runSynth(world: World, writer: FlowWriter, options: RunOptions = {}): Promise<RunResult> {
  const t0 = performance.now();
  let flows = 0;
  let minutes = 0;
  // built first, so a bad replay capture fails before anything is written
  const attackSource = options.attackSource ?? attackSourceFor(world);
  const labels = attackLabels(world);
  if (options.labelsPath !== undefined) await writeFile(options.labelsPath, `${JSON.stringify(labels, null, 2)}\n`);
  try {
    for (const batch of generateFlows(world, { attackSource })) {
      await writer.write(batch.flows);
      flows += batch.flows.length;
      minutes++;
      options.onMinute?.(batch.minute, batch.flows.length);
    }
  } finally {
    await writer.close();
  }
  return { minutes, flows, labels, elapsedMs: performance.now() - t0 };
}
