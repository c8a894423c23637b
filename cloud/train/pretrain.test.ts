/** @module End to end: a `tiny` decoder pre-trained on a small demo dataset writes log.json and checkpoints, is deterministic for a seed, and a resumed run equals an uninterrupted one. */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../cli/main.js";
import { readCheckpoint } from "../engine/checkpoint/index.js";
import { engineModelFactory } from "./engine-model.js";
import type { TrainLog } from "./log.js";
import { pretrain, type PretrainOptions, type PretrainResult } from "./pretrain.js";
import { cleanupTmp, demoDataset, tmpDir } from "./test-fixtures.js";

let ds = "";
beforeAll(() => {
  ds = demoDataset(300, 32);
});
afterAll(cleanupTmp);

const base = (out: string, extra: Partial<PretrainOptions> = {}): PretrainOptions => ({
  data: { dir: ds },
  backend: "reference",
  config: "tiny",
  batch: 4,
  minT: 8,
  maxT: 16,
  epochs: 2,
  maxSteps: 4,
  lr: 3e-3,
  seed: 1,
  out,
  evalWindows: 3,
  ...extra,
});

/** the first test's run, reused as the uninterrupted run of the resume test */
let first: Promise<PretrainResult>;
const run = (o: PretrainOptions) => pretrain(o, { factory: engineModelFactory, write: () => {} });
const losses = (log: TrainLog) => log.steps.map((s) => s.loss);

describe("pretrain (tiny, reference backend)", () => {
  it("trains, evaluates next to the bigram, writes log.json and checkpoints; same seed → same run", async () => {
    const a = await (first = run(base(join(tmpDir(), "a"))));
    const b = await run(base(join(tmpDir(), "b")));
    const c = await run(base(join(tmpDir(), "c"), { seed: 2, maxSteps: 2 }));
    const log = JSON.parse(readFileSync(a.logPath, "utf8")) as TrainLog;
    expect(log.done).toBe(true);
    expect(log.steps.map((s) => s.step)).toEqual([1, 2, 3, 4]);
    for (const s of log.steps) expect(s.T >= 8 && s.T <= 16).toBe(true);
    expect(log.epochs.length).toBeGreaterThanOrEqual(1);
    const last = log.epochs.at(-1)!;
    expect(last.step).toBe(4);
    expect(last.val.loss).toBeGreaterThan(0);
    expect(last.val.ppl).toBeCloseTo(Math.exp(last.val.loss), 9);
    expect(last.val.accuracy).toBeGreaterThan(0);
    expect(last.val.targets).toBe(log.bigram.targets); // the decoder and the bigram score the same targets
    expect(log.bigram.loss).toBeGreaterThan(0);
    // training moves the loss down from ln(10) (uniform over 10 bins)
    expect(losses(log).at(-1)!).toBeLessThan(losses(log)[0]!);
    expect(existsSync(a.lastCheckpoint) && existsSync(a.bestCheckpoint)).toBe(true);
    const ck = await readCheckpoint(a.lastCheckpoint);
    expect(ck.header.step).toBe(4);
    expect(ck.header.optimizer.t).toBe(4);
    expect(ck.header.config.nodes).toBe(12);
    // determinism
    expect(losses(b.log)).toEqual(losses(log));
    expect(b.log.epochs.map((e) => e.val)).toEqual(log.epochs.map((e) => e.val));
    expect(Buffer.from((await readCheckpoint(b.lastCheckpoint)).params.buffer).equals(Buffer.from(ck.params.buffer))).toBe(true);
    expect(losses(c.log)).not.toEqual(losses(log).slice(0, 2)); // another seed, another run
  });

  it("resume at an epoch boundary (after its evaluation and checkpoints) equals the uninterrupted run", async () => {
    const whole = await run(base(join(tmpDir(), "whole"), { epochSteps: 1, epochs: 3, maxSteps: undefined }));
    expect(whole.log.epochs.map((e) => [e.epoch, e.step, e.partial])).toEqual([[1, 1, false], [2, 2, false], [3, 3, false]]);
    const out = join(tmpDir(), "parts");
    await run(base(out, { epochSteps: 1, epochs: 3, maxSteps: 2 }));
    const resumed = await run(base(out, { epochSteps: 1, epochs: 3, maxSteps: undefined, resume: join(out, "last.ckpt") }));
    expect(losses(resumed.log)).toEqual(losses(whole.log));
    expect(resumed.log.epochs.map((e) => e.val)).toEqual(whole.log.epochs.map((e) => e.val));
    expect(resumed.log.epochs.map((e) => e.best)).toEqual(whole.log.epochs.map((e) => e.best));
    const [p, q] = await Promise.all([readCheckpoint(whole.bestCheckpoint), readCheckpoint(resumed.bestCheckpoint)]);
    expect(q.header.step).toBe(p.header.step);
    expect(Buffer.from(q.params.buffer).equals(Buffer.from(p.params.buffer))).toBe(true);
  });

  it("resume from a checkpoint equals the uninterrupted run", async () => {
    const whole = await first;
    const out = join(tmpDir(), "parts");
    await run(base(out, { maxSteps: 2 }));
    const resumed = await run(base(out, { resume: join(out, "last.ckpt") }));
    expect(losses(resumed.log)).toEqual(losses(whole.log));
    expect(resumed.log.steps.map((s) => s.T)).toEqual(whole.log.steps.map((s) => s.T));
    expect(resumed.log.runs.length).toBe(2);
    const [p, q] = await Promise.all([readCheckpoint(whole.lastCheckpoint), readCheckpoint(resumed.lastCheckpoint)]);
    expect(Buffer.from(q.params.buffer).equals(Buffer.from(p.params.buffer))).toBe(true);
    expect(Buffer.from(q.m.buffer).equals(Buffer.from(p.m.buffer))).toBe(true);
    expect(q.header.rngState).toBe(p.header.rngState);
    expect(resumed.log.epochs.at(-1)!.val).toEqual(whole.log.epochs.at(-1)!.val);
  });

  it.skipIf(!existsSync(new URL("../engine/cpu/index.ts", import.meta.url)))("is deterministic on the cpu backend (2 threads)", async () => {
    const o = (out: string) => base(join(tmpDir(), out), { backend: "cpu", threads: 2, maxSteps: 4 });
    const [a, b] = [await run(o("cpu-a")), await run(o("cpu-b"))];
    expect(losses(a.log).length).toBe(4);
    expect(losses(b.log)).toEqual(losses(a.log));
    expect(b.log.epochs.at(-1)!.val).toEqual(a.log.epochs.at(-1)!.val);
  });

  it("the CLI runs it and refuses options that cannot work", async () => {
    const lines: string[] = [];
    const io = { out: (t: string) => lines.push(t), err: (t: string) => lines.push(t), env: {} };
    const out = join(tmpDir(), "cli");
    const args = ["pretrain", "--data", ds, "--out", out, "--config", "tiny", "--batch", "2", "--min-t", "4", "--max-t", "8", "--max-steps", "3", "--eval-windows", "2", "--quiet", "--print-every", "1"];
    expect(await main(args, io)).toBe(0);
    const text = lines.join("\n");
    expect(text).toMatch(/step 3\/3 epoch 1 loss \d+\.\d+ \d+ tok\/s/);
    expect(text).toMatch(/decoder +\d+\.\d{4} +\d+\.\d{4} +\d\.\d{4}\n +bigram +\d+\.\d{4}/);
    expect(existsSync(join(out, "log.json"))).toBe(true);
    lines.length = 0;
    expect(await main(["pretrain", "--data", ds, "--out", out, "--config", "tiny", "--max-t", "64"], io)).toBe(2);
    expect(lines.join("\n")).toMatch(/--max-t 64 is longer than the model's maxT 16/);
    lines.length = 0;
    expect(await main(["pretrain", "--data", ds, "--out", out, "--backend", "webgpu2"], io)).toBe(2);
  });
});
