/** @module Simulator determinism: the same seed gives byte-identical NDJSON, another seed differs, and output does not depend on how minutes are chunked. */
import { describe, expect, it } from "vitest";
import { generateFlows, minuteFlows } from "../../../cloud/data/synth/generate.js";
import { attackLabels } from "../../../cloud/data/synth/labels.js";
import { runSynth } from "../../../cloud/data/synth/run.js";
import { MemorySink } from "../../../cloud/data/synth/sink.js";
import { createFileWriter } from "../../../cloud/data/synth/writers.js";
import { exampleScenario, world } from "./support.js";

async function ndjson(seed: number, minutes = 45): Promise<string> {
  const w = world(exampleScenario("demo"), { seed, minutes });
  const sink = new MemorySink();
  await runSynth(w, createFileWriter("ndjson", sink, { exporterIp: "192.0.2.1", uptimeBaseMs: 0 }));
  return sink.text();
}

describe("synth determinism", () => {
  it("same seed → byte-identical NDJSON; another seed → different", async () => {
    const a = await ndjson(42);
    const b = await ndjson(42);
    const c = await ndjson(43);
    expect(a.length).toBeGreaterThan(10_000);
    expect(a === b).toBe(true);
    expect(a === c).toBe(false);
  });

  it("is independent of chunking: minute ranges concatenate to the whole", () => {
    const w = world(exampleScenario("demo"));
    const from = w.startMinute + 835; // spans the DNS amplification's onset
    const whole = [...generateFlows(w, { fromMinute: from, toMinute: from + 20 })].flatMap((b) => b.flows);
    const parts = [
      ...generateFlows(w, { fromMinute: from, toMinute: from + 7 }),
      ...generateFlows(w, { fromMinute: from + 7, toMinute: from + 8 }),
      ...generateFlows(w, { fromMinute: from + 8, toMinute: from + 20 }),
    ].flatMap((b) => b.flows);
    expect(parts).toEqual(whole);
    // a single minute alone, out of order, is the same too
    expect(minuteFlows(w, from + 12)).toEqual([...generateFlows(w, { fromMinute: from + 12, toMinute: from + 13 })][0]!.flows);
  });

  it("every flow starts in its batch's minute and is a valid record", () => {
    const w = world(exampleScenario("demo"), { minutes: 30 });
    for (const b of generateFlows(w)) {
      for (const f of b.flows) {
        expect(Math.floor(f.startMs / 60_000)).toBe(b.minute);
        expect(f.endMs).toBeGreaterThanOrEqual(f.startMs);
        expect(Number.isInteger(f.startMs) && Number.isInteger(f.endMs) && Number.isInteger(f.bytes) && f.packets >= 1).toBe(true);
      }
    }
  });

  it("labels are deterministic, after onset, and sometimes late", () => {
    const w = world(exampleScenario("demo"));
    expect(attackLabels(w)).toEqual(attackLabels(world(exampleScenario("demo"))));
    for (const l of attackLabels(w).attacks) expect(l.alertMs).toBeGreaterThan(l.onsetMs);
    let late = 0;
    for (let seed = 0; seed < 200; seed++) late += attackLabels(world(exampleScenario("demo"), { seed })).attacks.filter((l) => l.late).length;
    expect(late).toBeGreaterThan(20);
    expect(late).toBeLessThan(120);
  });
});
