/** @module End to end on the small demo dataset: `netflowgen finetune --model lstm` trains the Multiscale-LSTM baseline, writes run.json (read by `netflowgen eval` as a Table 5/6 row), the head and the LSTM parameters; usage errors. */
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CliIo } from "../../cli/command.js";
import { evalCommand } from "../../cli/eval.js";
import { finetuneArgs, finetuneCommand } from "../../cli/finetune.js";
import { cleanupTmp, finetuneDataset, tmpDir } from "../test-fixtures.js";
import { lstmLayout } from "./config.js";
import { LSTM_DEFAULTS } from "./config.js";

function io(): CliIo & { text: () => string } {
  const lines: string[] = [];
  return { out: (t) => lines.push(t), err: (t) => lines.push(t), env: {}, text: () => lines.join("\n") };
}
const readJson = (p: string) => JSON.parse(readFileSync(p, "utf8")) as Record<string, any>;

describe("netflowgen finetune --model lstm (tiny, end to end)", () => {
  let data: string;
  let work: string;
  beforeAll(() => {
    data = finetuneDataset(48);
    work = tmpDir();
  }, 60_000);
  afterAll(cleanupTmp);

  it("trains, evaluates on test and writes a run that eval reads as a Table 5 row", async () => {
    const out = join(work, "lstm");
    const o = io();
    const args = ["--data", data, "--model", "lstm", "--out", out, "--labels", "6", "--scratch-epochs", "2", "--scratch-batch", "4", "--hidden-units", "8", "--lstm-hidden", "6", "--lstm-embed", "5", "--lstm-scales", "1,5,15"];
    const code = await finetuneCommand.run(args, o);
    expect(code, o.text()).toBe(0);
    expect(o.text()).toMatch(/Multiscale-LSTM: epoch 2 train SAFE loss/);
    const run = readJson(join(out, "run.json"));
    expect(run.kind).toBe("lstm");
    expect(run.name).toMatch(/^Multiscale-LSTM \(\d+\)$/);
    expect(run.lstm.config).toEqual({ ...LSTM_DEFAULTS, H: 6, E: 5, scales: [1, 5, 15] });
    expect(run.heads.all.C).toBe(18); // 3 scales × H
    expect(run.training.all).toHaveLength(2);
    for (const e of run.training.all) expect(Number.isFinite(e.trainLoss)).toBe(true);
    const test = run.evaluation.all.test.overall;
    for (const key of ["f1", "fpr", "fnr", "effectiveness"]) expect(key in test).toBe(true);
    expect(test.examples).toBe(run.data.counts.test.examples);
    expect(run.testOutcomes).toHaveLength(run.data.counts.test.examples);
    expect(run.manifest.written).toBe(false);
    expect(statSync(join(out, "lstm.f32")).size).toBe(4 * lstmLayout(run.lstm.config).total);
    expect(existsSync(join(out, "head.onnx"))).toBe(true);
    expect(run.ablation).toBeNull();

    const e = io();
    const rep = join(work, "report");
    expect(await evalCommand.run(["--runs", out, "--out", rep], e), e.text()).toBe(0);
    const md = readFileSync(join(rep, "tables.md"), "utf8");
    expect(md).toMatch(/\| Multiscale-LSTM \(\d+\) \|/);
    expect(md).toMatch(/Multiscale-LSTM \(scales 1\/5\/15 min, H = 6, E = 5, \d+ parameters\) \+ head from scratch, 2 epochs/);
  }, 60_000);

  it("rejects --model lstm with a checkpoint, --lstm-* without it, and bad scales", () => {
    expect(() => finetuneArgs(["--data", "d", "--out", "o", "--model", "lstm", "--from-scratch"])).toThrow(/drop --checkpoint/);
    expect(() => finetuneArgs(["--data", "d", "--out", "o", "--from-scratch", "--lstm-hidden", "4"])).toThrow(/need --model lstm/);
    expect(() => finetuneArgs(["--data", "d", "--out", "o", "--model", "lstm", "--lstm-scales", "1,x"])).toThrow(/lstm-scales/);
    expect(() => finetuneArgs(["--data", "d", "--out", "o", "--model", "rnn"])).toThrow(/expected transformer or lstm/);
    const ok = finetuneArgs(["--data", "d", "--out", "o", "--model", "lstm"]);
    expect(ok !== "help" && ok.model === "lstm" && ok.lstm?.H === LSTM_DEFAULTS.H).toBe(true);
  });
});
