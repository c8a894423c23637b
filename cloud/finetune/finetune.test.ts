/** @module End to end on a small dataset: pretrain (a few steps) → finetune (frozen backbone, cached hidden states) → finetune --from-scratch → eval; the files, the manifest and that metrics were computed; bad inputs give clear errors. */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeManifest } from "../../shared/wire/manifest.js";
import type { CliIo } from "../cli/command.js";
import { evalCommand } from "../cli/eval.js";
import { finetuneCommand } from "../cli/finetune.js";
import { main } from "../cli/main.js";
import { mlpLayout } from "../detect/head/mlp.js";
import { writeCheckpoint } from "../engine/checkpoint/file.js";
import { modelConfig } from "../engine/model/config.js";
import { initParams, paramLayout } from "../engine/model/params.js";
import { cleanupTmp, finetuneDataset, tmpDir } from "./test-fixtures.js";

const W = 48;

function io(): CliIo & { text: () => string } {
  const lines: string[] = [];
  return { out: (t) => lines.push(t), err: (t) => lines.push(t), env: {}, text: () => lines.join("\n") };
}

async function ft(args: string[]): Promise<{ code: number; text: string }> {
  const o = io();
  const code = await finetuneCommand.run(args, o);
  return { code, text: o.text() };
}

const readJson = (p: string) => JSON.parse(readFileSync(p, "utf8")) as Record<string, any>;

async function writeCk(path: string, overrides: Parameters<typeof modelConfig>[1]): Promise<void> {
  const config = modelConfig("tiny", overrides);
  const n = paramLayout(config).total;
  await writeCheckpoint(path, { config, step: 0, epoch: 0, tokensSeen: 0, rngState: 0, optimizer: { lr: 5e-4, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, t: 0 } }, { params: initParams(config, 1), m: new Float32Array(n), v: new Float32Array(n) });
}

describe("netflowgen finetune + eval (tiny, end to end)", () => {
  let data: string;
  let work: string;
  let ck: string;
  let nodes: number;
  let customers: number;
  const small = ["--epochs", "4", "--hidden-units", "16", "--batch", "4", "--min-attacks", "1"];

  beforeAll(async () => {
    data = finetuneDataset(W);
    work = tmpDir();
    const cfg = join(work, "tiny48.json");
    writeFileSync(cfg, JSON.stringify({ preset: "tiny", maxT: W }));
    const o = io();
    const code = await main(["pretrain", "--data", data, "--out", join(work, "pre"), "--config", cfg, "--max-steps", "2", "--epoch-steps", "2", "--batch", "2", "--eval-windows", "4", "--quiet"], o);
    expect(code, o.text()).toBe(0);
    ck = join(work, "pre", "best.ckpt");
    const m = readJson(join(data, "manifest.json"));
    nodes = m.nodes.length;
    customers = new Set(m.nodes.map((n: { customer: string }) => n.customer)).size;
  }, 60_000);
  afterAll(cleanupTmp);

  it("fine-tunes on cached hidden states and writes heads, head.onnx, the manifest and run.json", async () => {
    const out = join(work, "ft");
    const r = await ft(["--data", data, "--checkpoint", ck, "--out", out, ...small]);
    expect(r.code, r.text).toBe(0);
    expect(r.text).toMatch(/asked for 360 labelled examples, the val split has 6/);
    for (const f of ["run.json", "heads.json", "head-all.f32", "head.onnx", "cutoffs.nfgc", "model.json", "model.nfgm"]) expect(existsSync(join(out, f)), f).toBe(true);
    const run = readJson(join(out, "run.json"));
    expect(run.labels).toMatchObject({ split: "val", asked: 360, used: 6, attacks: 3, nonAttacks: 3 });
    const test = run.evaluation.all.test.overall;
    expect(test.examples).toBe(6);
    expect(test.tp + test.fn).toBe(3);
    for (const k of ["effectiveness", "f1", "fpr", "fnr"]) expect(typeof test[k] === "number" || test[k] === null, k).toBe(true);
    expect(typeof test.overhead.atP).toBe("number");
    expect(run.testOutcomes).toHaveLength(6);
    expect(run.exampleCurves[0].survival).toHaveLength(W);
    expect(run.onnx.ok).toBe(true);
    expect(run.onnx.maxAbsDiffSurvival).toBeLessThanOrEqual(1e-5);
    expect(Object.keys(run.ablation).sort()).toEqual(["all86", "volume6"]);
    expect(run.hidden.val.cached).toBe(false);
    expect(run.backbone.pretrainLog).toBe(join(work, "pre", "log.json"));
    expect(readFileSync(join(out, "head-all.f32")).length).toBe(4 * mlpLayout({ C: 16, H: 16, OC: 1 }).total);
    const manifest = decodeManifest(new Uint8Array(readFileSync(join(out, "model.nfgm"))));
    expect(manifest.tau).toBe(run.evaluation.all.tau);
    expect(manifest.head).toMatchObject({ artifact: "head.onnx", inputDim: 16, hiddenDim: 16 });
    expect(manifest.backbone.id).toBe(run.backbone.id);
    expect(manifest.metrics["test.examples"]).toBe(6);
    // both τ objectives are recorded; the primary one (default: effectiveness) is `evaluation` and the manifest's τ
    expect(run.evaluation.all.bound.objective).toBe("effectiveness");
    expect(run.evaluations.effectiveness).toEqual(run.evaluation);
    expect(run.evaluations.f1.all.bound.objective).toBe("f1");
    expect(run.evaluations.f1.all.validation.f1).toBeGreaterThanOrEqual(run.evaluation.all.validation.f1);
    expect(run.ablation.volume6.byObjective.f1.bound.objective).toBe("f1");

    // a second run reads the hidden states from the cache and reproduces the run
    const again = await ft(["--data", data, "--checkpoint", ck, "--out", join(work, "ft2"), ...small]);
    expect(again.code, again.text).toBe(0);
    const run2 = readJson(join(work, "ft2", "run.json"));
    expect(run2.hidden.val.cached).toBe(true);
    expect(run2.evaluation.all.tau).toBe(run.evaluation.all.tau);
    expect(run2.evaluation.all.test).toEqual(run.evaluation.all.test);

    // --tau-objective f1 makes the F1 point primary: the manifest carries its τ
    const f1 = await ft(["--data", data, "--checkpoint", ck, "--out", join(work, "ft-f1"), ...small, "--tau-objective", "f1"]);
    expect(f1.code, f1.text).toBe(0);
    const run3 = readJson(join(work, "ft-f1", "run.json"));
    expect(run3.evaluation).toEqual(run.evaluations.f1);
    expect(decodeManifest(new Uint8Array(readFileSync(join(work, "ft-f1", "model.nfgm")))).tau).toBe(run.evaluations.f1.all.tau);
    await expect(finetuneCommand.run(["--data", data, "--checkpoint", ck, "--out", join(work, "x"), "--tau-objective", "recall"], io())).rejects.toThrow(/--tau-objective "recall": expected one of effectiveness, f1/);
  }, 60_000);

  it("trains the from-scratch baseline end to end on train labels", async () => {
    const out = join(work, "scratch");
    const r = await ft(["--data", data, "--checkpoint", ck, "--out", out, "--from-scratch", "--label-split", "train", "--labels", "30", "--scratch-epochs", "2", "--scratch-batch", "3", "--hidden-units", "16"]);
    expect(r.code, r.text).toBe(0);
    expect(r.text).toMatch(/epoch 2 train SAFE loss \d/);
    const run = readJson(join(out, "run.json"));
    expect(run.kind).toBe("scratch");
    expect(run.labels).toMatchObject({ split: "train", used: 6 });
    expect(run.training.all).toHaveLength(2);
    expect(run.evaluation.all.test.overall.examples).toBe(6);
    expect(existsSync(join(out, "decoder.f32"))).toBe(true);
  }, 60_000);

  it("keeps the from-scratch epoch with the lowest loss on held-out labels", async () => {
    const out = join(work, "scratch-holdout");
    const r = await ft(["--data", data, "--checkpoint", ck, "--out", out, "--from-scratch", "--label-split", "train", "--labels", "30", "--scratch-epochs", "3", "--scratch-batch", "2", "--scratch-holdout", "0.34", "--hidden-units", "16"]);
    expect(r.code, r.text).toBe(0);
    const run = readJson(join(out, "run.json"));
    // 6 labels, 3 per class: one of each held out
    expect(run.training.heldOut).toBe(2);
    const losses = run.training.all.map((e: { holdoutLoss: number }) => e.holdoutLoss);
    expect(losses).toHaveLength(3);
    expect(run.training.bestEpoch).toBe(losses.indexOf(Math.min(...losses)) + 1);
    expect(r.text).toContain(`epoch ${run.training.bestEpoch} kept (lowest loss on 2 held-out labels)`);
    const o = io();
    expect(await evalCommand.run(["--runs", out, "--out", join(work, "report-holdout")], o), o.text()).toBe(0);
    expect(readFileSync(join(work, "report-holdout", "tables.md"), "utf8")).toContain(`decoder + head from scratch, 3 epochs, lr 0.0005, kept epoch ${run.training.bestEpoch} (lowest SAFE loss on 2 held-out labels)`);
    await expect(finetuneCommand.run(["--data", data, "--out", join(work, "y"), "--from-scratch", "--scratch-holdout", "1"], io())).rejects.toThrow(/--scratch-holdout/);
  }, 60_000);

  it("eval writes Tables 4, 5, 6, 9 and a self-contained HTML report", async () => {
    const out = join(work, "report");
    const o = io();
    const code = await evalCommand.run(["--runs", join(work, "ft"), join(work, "scratch"), "--out", out, "--threshold-data", data], o);
    expect(code, o.text()).toBe(0);
    const md = readFileSync(join(out, "tables.md"), "utf8");
    for (const t of ["Table 4.", "Table 5.", "Table 6.", "Table 9 (variant)", "Table 5b.", "Table 6b.", "Table 9b (variant)", "τ maximizes F1 under the same bound", "NetFlowGen (6)", "Transformer from scratch (6)", "Bigram", "Static thresholds", "seed 0", "wall-clock"]) expect(md, t).toContain(t);
    const html = readFileSync(join(out, "report.html"), "utf8");
    const svgs = html.match(/<svg /g)?.length ?? 0;
    // 2 distributions + 3 + 3 survival curves (3 test attacks per run) + 1 loss curve
    expect(svgs).toBe(9);
    expect(html.match(/<\/svg>/g)?.length).toBe(svgs);
    expect(html).not.toMatch(/<script src=|<link /);
    expect(readJson(join(out, "summary.json")).runs).toHaveLength(2);

    // a run.json from before the τ objectives (no `evaluations`, no ablation byObjective) shows under its own rule only
    const old = join(work, "ft-old");
    mkdirSync(old, { recursive: true });
    const r = readJson(join(work, "ft", "run.json"));
    delete r.evaluations;
    for (const a of Object.values(r.ablation as Record<string, Record<string, unknown>>)) delete a.byObjective;
    delete r.evaluation.all.bound.objective;
    writeFileSync(join(old, "run.json"), JSON.stringify({ ...r, name: "old-run" }));
    const o2 = io();
    expect(await evalCommand.run(["--runs", old, join(work, "ft"), "--out", join(work, "report-old")], o2), o2.text()).toBe(0);
    const md2 = readFileSync(join(work, "report-old", "tables.md"), "utf8");
    const t5b = md2.slice(md2.indexOf("## Table 5b."), md2.indexOf("## Table 6b."));
    expect(t5b).toMatch(/Not shown \(the run did not record this τ objective\): old-run/);
    expect(md2.slice(md2.indexOf("## Table 5."), md2.indexOf("## Table 6."))).toContain("| old-run |");
    expect(md2.slice(md2.indexOf("## Table 9b"))).not.toContain("old-run");
  }, 60_000);

  it("a keep-features copy fine-tunes, but writes no edge manifest (the edge feeds every feature)", async () => {
    const vol = join(work, "vol6");
    const o = io();
    expect(await main(["data", "keep-features", "--data", data, "--out", vol, "--features", "volume"], o), o.text()).toBe(0);
    const r = await ft(["--data", vol, "--checkpoint", ck, "--out", join(work, "ft-vol6"), ...small, "--no-ablation"]);
    expect(r.code, r.text).toBe(0);
    const run = readJson(join(work, "ft-vol6", "run.json"));
    expect(run.manifest).toMatchObject({ written: false });
    expect(run.manifest.reason).toMatch(/keep-features copy \(only volume_in_pkt, .*volume_out_flow\), and the edge feeds all 86 features: no model manifest written/);
    expect(existsSync(join(work, "ft-vol6", "model.nfgm"))).toBe(false);
    expect(run.hidden.val.cached).toBe(false); // its own hidden states, not the full dataset's
  }, 60_000);

  it("rejects a missing checkpoint, a checkpoint of another dataset and one whose maxT is shorter than the window", async () => {
    const missing = await ft(["--data", data, "--checkpoint", join(work, "nope.ckpt"), "--out", join(work, "x")]);
    expect(missing.code).toBe(1);
    expect(missing.text).toMatch(/missing: checkpoint .*nope\.ckpt: no such file/);
    const other = join(work, "other.ckpt");
    await writeCk(other, { nodes: nodes + 1, customers, maxT: W });
    const r1 = await ft(["--data", data, "--checkpoint", other, "--out", join(work, "x")]);
    expect(r1.code).toBe(1);
    expect(r1.text).toMatch(new RegExp(`mismatch: .*${nodes + 1} node and ${customers} customer embedding rows, the dataset .* has ${nodes} nodes`));
    const short = join(work, "short.ckpt");
    await writeCk(short, { nodes, customers, maxT: 16 });
    const r2 = await ft(["--data", data, "--checkpoint", short, "--out", join(work, "x")]);
    expect(r2.code).toBe(1);
    expect(r2.text).toMatch(/context is 16 minutes \(maxT\), the dataset's EarlyDetect windows are 48/);
    const noData = await ft(["--data", join(work, "nodata"), "--checkpoint", ck, "--out", join(work, "x")]);
    expect(noData.text).toMatch(/no such dataset directory/);
    await expect(finetuneCommand.run(["--data", data, "--out", join(work, "x")], io())).rejects.toThrow(/--checkpoint/);
    const e = io();
    expect(await evalCommand.run(["--runs", work, "--out", join(work, "r2")], e)).toBe(1);
    expect(e.text()).toMatch(/no run\.json/);
  }, 30_000);
});
