/** @module `netflowgen finetune`: labelled EarlyDetect examples → multi-task survival heads on a frozen backbone's cached hidden states (or the from-scratch baseline), τ on validation, test metrics, head files, head.onnx and the model manifest. */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { HiddenStates } from "../detect/head/hidden.js";
import { gatherExamples } from "../detect/head/hidden.js";
import { typeConfusion } from "../detect/head/classifier.js";
import { headSurvivalOn, trainHeadOn } from "../detect/head/engine-head.js";
import { headTypes, trainMultiTask, trainMultiTaskOn } from "../detect/head/multitask.js";
import { headSurvival, type SurvivalHead, trainHead } from "../detect/head/train.js";
import type { Backend, TensorTypes } from "../engine/kernels.js";
import { evalExample, type EarlyRecord } from "../detect/early-json.js";
import { evaluateMultiTask, type HeadCurves } from "../detect/evaluate.js";
import { outcome, prepareExample, type PreparedExample } from "../detect/metrics.js";
import { type OverheadBound, TAU_OBJECTIVES, type TauObjective } from "../detect/operating-point.js";
import { evaluateSurvival, SurvivalCurves } from "../detect/survival-detect.js";
import { openBackend } from "../train/backends.js";
import { resolveModelConfig } from "../train/model-config.js";
import { manifestMetrics, jsonText, writeHeadOnnx, writeHeads, writeManifest } from "./artifacts.js";
import { type Backbone, checkBackbone, initBackbone, loadBackbone } from "./backbone.js";
import { ALL_FEATURES, binInputs, VOLUME_FEATURES } from "./bin-inputs.js";
import { FEATURE_COUNT } from "../../shared/features/catalogue.js";
import { embeddingSizes, type EarlyData, loadEarlyData, type Split } from "./early-data.js";
import { FinetuneError } from "./errors.js";
import { cachedHidden, computeHidden } from "./hidden-cache.js";
import { pretrainLogNextTo } from "./pretrain-log.js";
import { trainFromScratch } from "./scratch.js";
import { LSTM_DEFAULTS, type LstmConfig } from "./lstm/config.js";
import { lstmFeatures, trainLstm } from "./lstm/train.js";
import { selectLabelled, type Selection } from "./select.js";

export interface HeadTraining {
  readonly epochs: number;
  readonly lr: number;
  readonly batch: number;
  readonly hiddenUnits: number;
  /** from scratch only: fraction of the labels held out to choose the epoch (scratch.ts; 0 or absent: none) */
  readonly holdout?: number;
}

export interface FinetuneOptions {
  readonly data: string;
  /** the pre-trained backbone (NFCK); without it a freshly initialized one from `config` (stated in the run record) */
  readonly checkpoint?: string;
  /** preset or file (cloud/train/model-config.ts) when there is no checkpoint (default paper) */
  readonly config?: string;
  /** labelled examples (paper: 360) */
  readonly labels: number;
  /** where they come from: val (the paper's fine-tuning set) or train (the 5× baseline) */
  readonly labelSplit: "val" | "train";
  readonly seed: number;
  readonly backend: string;
  /** where the heads' MLPs run: an engine backend name (default cpu; the run's backend is reused when it is the same) or "js" (the plain-JS reference path of cloud/detect/head) */
  readonly headBackend?: string;
  readonly threads?: number;
  readonly out: string;
  /** hidden-state cache directory (default DATA/.hidden-cache) */
  readonly cacheDir?: string;
  readonly head: HeadTraining;
  readonly bound: OverheadBound;
  /** windows per backbone forward */
  readonly hiddenBatch: number;
  /** train decoder + head end to end from a fresh init instead (the baseline) */
  readonly fromScratch: boolean;
  readonly scratch: HeadTraining;
  /** types with at least this many labelled attacks get their own head */
  readonly minAttacks: number;
  /** also train the Table 9 variant heads on raw bins (6 volume features, all 86) */
  readonly ablation: boolean;
  /** the run's name in reports (default from the options) */
  readonly name?: string;
  /** "lstm": Xatu's Multiscale-LSTM baseline (cloud/finetune/lstm), trained end to end with the `scratch` options; default "transformer" */
  readonly model?: "transformer" | "lstm";
  /** the Multiscale-LSTM's sizes (default LSTM_DEFAULTS: E 64, H 64, scales 1, 5, 15 minutes) */
  readonly lstm?: Partial<Pick<LstmConfig, "E" | "H" | "scales">>;
}

export const FINETUNE_DEFAULTS = {
  labels: 360,
  labelSplit: "val",
  seed: 0,
  backend: "reference",
  headBackend: "cpu",
  head: { epochs: 80, lr: 1e-3, batch: 16, hiddenUnits: 512 },
  bound: { p: 0.8, level: 0.05, objective: "effectiveness" as TauObjective },
  hiddenBatch: 8,
  fromScratch: false,
  scratch: { epochs: 30, lr: 5e-4, batch: 8, hiddenUnits: 512 },
  minAttacks: 5,
  ablation: true,
} as const;

export const RUN_FORMAT = "netflowgen.finetune-run";
/** How many test attacks keep their whole survival curve in run.json (for the report's plots). */
const EXAMPLE_CURVES = 8;

const prepared = (records: readonly EarlyRecord[], idx: readonly number[]): PreparedExample[] => idx.map((i) => prepareExample(evalExample(records[i]!)));
const onsetOf = (r: EarlyRecord): number | null => (r.onsetMinute === null ? null : r.onsetMinute - r.startMinute);

function subset(h: HiddenStates, idx: readonly number[]): HiddenStates {
  const data = new Float32Array(idx.length * h.T * h.C);
  gatherExamples(data, h, idx, idx.length);
  return { data, N: idx.length, T: h.T, C: h.C };
}

function selectionRecord(sel: Selection, split: Split, records: readonly EarlyRecord[]) {
  return { split, asked: null as number | null, used: sel.indices.length, attacks: sel.attacks, nonAttacks: sel.nonAttacks, notes: sel.notes, ids: sel.indices.map((i) => records[i]!.id) };
}

/** Runs fine-tuning (or the from-scratch baseline) and writes OUT/run.json and the artifacts; returns the run record. */
export async function finetune(o: FinetuneOptions, write: (line: string) => void = () => {}): Promise<Record<string, unknown>> {
  const started = performance.now();
  const wall: Record<string, number> = {};
  const lap = (name: string, t0: number) => (wall[name] = (performance.now() - t0) / 1000);
  // every input check before any work
  const data = loadEarlyData(o.data);
  const fresh = o.checkpoint === undefined;
  const backbone: Backbone = fresh ? initBackbone(resolveModelConfig(o.config ?? "paper", embeddingSizes(data)), o.seed) : loadBackbone(o.checkpoint!);
  checkBackbone(backbone, data);
  const val = data.splits.val;
  const test = data.splits.test;
  const tauSel = selectLabelled(val.records, o.labelSplit === "val" ? o.labels : Math.min(o.labels, Math.max(1, val.records.length)), o.seed, "val");
  const trainSplit = data.splits[o.labelSplit];
  const trainSel = o.labelSplit === "val" ? tauSel : selectLabelled(trainSplit.records, o.labels, o.seed, o.labelSplit);
  if (tauSel.indices.length === 0) throw new FinetuneError("no-labels", `${data.dir}: the val split has no EarlyDetect examples to choose τ on`);
  if (trainSel.indices.length === 0) throw new FinetuneError("no-labels", `${data.dir}: the ${o.labelSplit} split has no EarlyDetect examples to train on`);
  if (test.records.length === 0) throw new FinetuneError("no-labels", `${data.dir}: the test split has no EarlyDetect examples to evaluate on`);
  for (const n of [...trainSel.notes, ...(trainSel === tauSel ? [] : tauSel.notes)]) write(`note: ${n}`);
  if (fresh && !o.fromScratch && o.model !== "lstm") write(`note: no --checkpoint: the backbone is a fresh init (seed ${o.seed}), not pre-trained`);
  mkdirSync(o.out, { recursive: true });
  const cacheDir = o.cacheDir ?? join(data.dir, ".hidden-cache");
  const T = data.window;

  const backend = await openBackend(o.backend, o.threads !== undefined ? { threads: o.threads } : {});
  const headName = o.headBackend ?? FINETUNE_DEFAULTS.headBackend;
  let hb: Backend<TensorTypes> | null = null;
  try {
    hb = headName === "js" ? null : headName === backend.name ? backend : await openBackend(headName, o.threads !== undefined ? { threads: o.threads } : {});
  } catch (err) {
    backend.dispose();
    throw err;
  }
  const headsOn = hb === null ? "js" : hb.name;
  const survivalOf = (h: SurvivalHead, hidden: HiddenStates, examples?: readonly number[]): Promise<Float32Array> => (hb === null ? Promise.resolve(headSurvival(h, hidden, examples)) : headSurvivalOn(hb, h, hidden, examples));
  try {
    let heads: Map<string, SurvivalHead>;
    let valHidden: HiddenStates; // the τ examples
    let testHidden: HiddenStates;
    let trainHistory: unknown;
    let classifierTypes: readonly string[] = [];
    let confusion: unknown = null;
    const hiddenInfo: Record<string, unknown> = {};
    let runBackbone = backbone;
    const lstmRun = o.model === "lstm";
    let lstmRecord: Record<string, unknown> | null = null;
    let lstmParams: Float32Array | null = null;
    if (lstmRun) {
      const cfg: LstmConfig = { ...LSTM_DEFAULTS, ...o.lstm };
      const t0 = performance.now();
      const r = await trainLstm(backend, cfg, data, o.labelSplit, trainSel.indices, { ...o.scratch, seed: o.seed }, (e) => write(`Multiscale-LSTM: epoch ${e.epoch} train SAFE loss ${e.trainLoss.toFixed(4)} (${e.seconds.toFixed(1)} s)`), hb);
      lap("train", t0);
      heads = new Map([["all", r.head]]);
      trainHistory = { all: r.history };
      const t1 = performance.now();
      valHidden = await lstmFeatures(r.model, data, "val", tauSel.indices);
      testHidden = await lstmFeatures(r.model, data, "test");
      lap("hidden.valTest", t1);
      lstmParams = await r.model.readParams();
      lstmRecord = { config: cfg, parameters: r.model.nParams, headParameters: r.head.params.length, features: r.model.D, file: "lstm.f32" };
    } else if (!o.fromScratch) {
      const get = async (split: Split) => {
        const t0 = performance.now();
        let shown = 0;
        const onProgress = (done: number, total: number) => {
          if (done === total || done - shown >= Math.max(o.hiddenBatch, Math.ceil(total / 10))) {
            shown = done;
            write(`hidden states ${split}: ${done}/${total} windows (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
          }
        };
        const r = await cachedHidden(backend, backbone, data, split, cacheDir, { batch: o.hiddenBatch, onProgress });
        lap(`hidden.${split}`, t0);
        hiddenInfo[split] = { path: r.path, cached: r.hit, seconds: r.seconds, N: r.hidden.N, T: r.hidden.T, C: r.hidden.C };
        write(`hidden states ${split}: ${r.hidden.N} × ${r.hidden.T} × ${r.hidden.C} ${r.hit ? "from the cache" : `computed on ${backend.name}`} (${r.seconds.toFixed(1)} s) ${r.path}`);
        return r.hidden;
      };
      const valAll = await get("val");
      const trainAll = o.labelSplit === "val" ? valAll : await get(o.labelSplit);
      testHidden = await get("test");
      valHidden = subset(valAll, tauSel.indices);
      const trainHidden = subset(trainAll, trainSel.indices);
      const recs = trainSel.indices.map((i) => trainSplit.records[i]!);
      const t0 = performance.now();
      const labels = recs.map((r) => r.label);
      const headNames = ["all", ...headTypes({ labels, types: recs.map((r) => r.type) }, o.minAttacks)];
      let headNo = -1;
      const onEpoch = (l: { epoch: number; trainLoss: number }) => {
        if (l.epoch === 1) headNo++;
        if (l.epoch === 1 || l.epoch === o.head.epochs || l.epoch % 10 === 0) write(`head "${headNames[headNo] ?? headNo}": epoch ${l.epoch}/${o.head.epochs} train SAFE loss ${l.trainLoss.toFixed(4)} (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
      };
      const mtData = { hidden: trainHidden, labels, types: recs.map((r) => r.type), onsets: recs.map(onsetOf) };
      const mtOptions = { minAttacks: o.minAttacks, head: { ...o.head, seed: o.seed + 1, onEpoch }, classifier: { epochs: o.head.epochs, lr: o.head.lr, batch: o.head.batch, hiddenUnits: o.head.hiddenUnits, seed: o.seed + 2 } };
      write(`heads ${headNames.map((n) => `"${n}"`).join(", ")}${headNames.length > 2 ? " and the type classifier" : ""}: ${trainSel.indices.length} examples, ${o.head.epochs} epochs, MLPs on ${headsOn}`);
      const mt = hb === null ? trainMultiTask(mtData, mtOptions) : await trainMultiTaskOn(hb, mtData, mtOptions);
      lap("train", t0);
      heads = new Map([...mt.heads].map(([k, h]) => [k, { cfg: h.cfg, params: h.params }]));
      trainHistory = Object.fromEntries([...mt.heads].map(([k, h]) => [k, h.history]));
      classifierTypes = mt.types;
      if (mt.classifier !== null) {
        const cases = test.records.flatMap((r, n) => (r.label === 1 && mt.types.includes(r.type) ? [{ n, target: mt.types.indexOf(r.type), minute: Math.min(T - 1, Math.max(0, onsetOf(r) ?? 0)) }] : []));
        confusion = cases.length === 0 ? null : { types: mt.types, at: "onset minute", ...typeConfusion(mt.classifier, testHidden, cases) };
      }
    } else {
      const config = { ...backbone.config };
      const t0 = performance.now();
      const r = await trainFromScratch(backend, config, data, o.labelSplit, trainSel.indices, { ...o.scratch, seed: o.seed }, (e) => write(`from scratch: epoch ${e.epoch} train SAFE loss ${e.trainLoss.toFixed(4)}${e.holdoutLoss === undefined ? "" : `, held-out ${e.holdoutLoss.toFixed(4)}`} (${e.seconds.toFixed(1)} s)`), hb);
      lap("train", t0);
      if (r.heldOut.length > 0) write(`from scratch: epoch ${r.bestEpoch} kept (lowest loss on ${r.heldOut.length} held-out labels)`);
      heads = new Map([["all", r.head]]);
      trainHistory = r.heldOut.length > 0 ? { all: r.history, bestEpoch: r.bestEpoch, heldOut: r.heldOut.length } : { all: r.history };
      runBackbone = { config, params: r.params, id: `scratch:${o.seed}`, checkpoint: null, step: 0, epoch: 0 };
      const t1 = performance.now();
      valHidden = await computeHidden(backend, runBackbone, data, "val", { batch: o.hiddenBatch }, tauSel.indices);
      testHidden = await computeHidden(backend, runBackbone, data, "test", { batch: o.hiddenBatch });
      lap("hidden.valTest", t1);
    }

    // τ on the validation examples, metrics on test
    const t2 = performance.now();
    const valPrep = prepared(val.records, tauSel.indices);
    const testIdx = test.records.map((_, i) => i);
    const testPrep = prepared(test.records, testIdx);
    const curves = new Map<string, HeadCurves>();
    for (const [name, h] of heads) curves.set(name, { val: await survivalOf(h, valHidden), test: await survivalOf(h, testHidden) });
    const evaluation = evaluateMultiTask(valPrep, testPrep, curves, o.bound);
    // the other τ objective under the same bound, for the record (Tables 5b/6b); head.onnx's τ is the primary one
    const primary = o.bound.objective ?? "effectiveness";
    const evaluations = Object.fromEntries(TAU_OBJECTIVES.map((obj) => [obj, obj === primary ? evaluation : evaluateMultiTask(valPrep, testPrep, curves, { ...o.bound, objective: obj })]));
    const all = curves.get("all")!;
    const detections = new SurvivalCurves(all.test, testPrep.length, T).detect(evaluation.all.tau);
    const outcomes = test.records.map((r, i) => ({ id: r.id, type: r.type, label: r.label, onset: onsetOf(r), ...outcome(testPrep[i]!, detections[i] ?? null) }));
    const exampleCurves = test.records
      .flatMap((r, i) => (r.label === 1 ? [i] : []))
      .slice(0, EXAMPLE_CURVES)
      .map((i) => ({ id: test.records[i]!.id, type: test.records[i]!.type, node: test.records[i]!.node, onset: onsetOf(test.records[i]!), detection: detections[i] ?? null, survival: Array.from({ length: T }, (_, t) => all.test[i * T + t]!) }));
    lap("evaluate", t2);

    // Table 9 variant: the same head on raw bins instead of hidden states
    let ablation: Record<string, unknown> | null = null;
    if (o.ablation && !o.fromScratch && !lstmRun) {
      const t3 = performance.now();
      ablation = {};
      for (const [name, features] of [
        ["volume6", VOLUME_FEATURES],
        ["all86", ALL_FEATURES],
      ] as const) {
        const tr = binInputs(trainSplit.windows, T, features, trainSel.indices);
        const abLabels = trainSel.indices.map((i) => trainSplit.records[i]!.label);
        const abOptions = { ...o.head, seed: o.seed + 3 };
        const h = hb === null ? trainHead(tr, abLabels, abOptions) : await trainHeadOn(hb, tr, abLabels, abOptions);
        const vs = await survivalOf(h, binInputs(val.windows, T, features, tauSel.indices));
        const ts = await survivalOf(h, binInputs(test.windows, T, features));
        const [v, t] = [{ survival: vs, examples: valPrep }, { survival: ts, examples: testPrep }];
        const byObjective = Object.fromEntries(TAU_OBJECTIVES.map((obj) => [obj, evaluateSurvival(v, t, { ...o.bound, objective: obj })]));
        ablation[name] = { features: features.length, ...byObjective[primary]!, byObjective };
      }
      lap("ablation", t3);
    }

    // artifacts
    const t4 = performance.now();
    const headFiles = writeHeads(o.out, heads);
    const onnx = await writeHeadOnnx(join(o.out, "head.onnx"), heads.get("all")!, testHidden);
    if (!onnx.ok) write(`warning: head.onnx differs from the engine (survival max |Δ| ${onnx.maxAbsDiffSurvival}, hazard max |Δ| ${onnx.maxAbsDiffHazard}, max |Δ|/max(1,|hazard|) ${onnx.maxScaledDiffHazard}; bound 1e-5)`);
    const testAll = evaluation.all.test!.overall;
    const name = o.name ?? (lstmRun ? `Multiscale-LSTM (${trainSel.indices.length})` : o.fromScratch ? `Transformer from scratch (${trainSel.indices.length})` : `NetFlowGen (${trainSel.indices.length})`);
    const modelId = `nfg-${o.fromScratch ? "scratch" : backbone.id.replace(/^sha256:/, "").slice(0, 12)}-${o.labelSplit}${trainSel.indices.length}-s${o.seed}`;
    const noManifest = lstmRun
      ? "the Multiscale-LSTM baseline is not an edge model (the edge runs the decoder): no model manifest written"
      : data.featureSubset !== null
        ? `the dataset is a keep-features copy (only ${data.featureSubset.join(", ")}), and the edge feeds all ${FEATURE_COUNT} features: no model manifest written`
        : null;
    const man = noManifest !== null ? { manifest: null, reason: noManifest } : writeManifest(o.out, {
      modelId,
      backbone: runBackbone.id.startsWith("scratch:") ? { ...runBackbone, id: `${runBackbone.id}:${modelId}` } : runBackbone,
      headPath: join(o.out, "head.onnx"),
      hiddenUnits: heads.get("all")!.cfg.H,
      cutoffsPath: data.cutoffsPath,
      tau: evaluation.all.tau,
      p: o.bound.p,
      attackTypes: [...new Set(val.records.filter((r) => r.label === 1).map((r) => r.type))],
      metrics: manifestMetrics(testAll),
    });
    if (man.reason !== null) write(`note: ${man.reason}`);
    if (lstmParams !== null) writeFileSync(join(o.out, "lstm.f32"), new Uint8Array(lstmParams.buffer, lstmParams.byteOffset, lstmParams.byteLength));
    else if (o.fromScratch) writeFileSync(join(o.out, "decoder.f32"), new Uint8Array(runBackbone.params.buffer, runBackbone.params.byteOffset, runBackbone.params.byteLength));
    lap("artifacts", t4);
    wall.total = (performance.now() - started) / 1000;

    const c = backbone.config;
    const run = {
      format: RUN_FORMAT,
      version: 1,
      name,
      kind: lstmRun ? "lstm" : o.fromScratch ? "scratch" : "finetune",
      createdAt: new Date().toISOString(),
      seed: o.seed,
      options: { ...o, head: { ...o.head }, scratch: { ...o.scratch }, bound: { ...o.bound } },
      backend: backend.name,
      headBackend: headsOn,
      data: { dir: data.dir, hash: data.hash, window: T, counts: Object.fromEntries((["train", "val", "test"] as const).map((s) => [s, { examples: data.splits[s].records.length, attacks: data.splits[s].records.filter((r) => r.label === 1).length }])) },
      backbone: lstmRun
        ? { id: "none (Multiscale-LSTM baseline)", checkpoint: null, fresh: true, config: {}, step: 0, epoch: 0, pretrainLog: null }
        : { id: backbone.id, checkpoint: backbone.checkpoint, fresh: fresh, config: c, step: backbone.step, epoch: backbone.epoch, pretrainLog: backbone.checkpoint === null ? null : pretrainLogNextTo(backbone.checkpoint) },
      labels: { ...selectionRecord(trainSel, o.labelSplit, trainSplit.records), asked: o.labels },
      tauExamples: { ...selectionRecord(tauSel, "val", val.records), asked: Math.min(o.labels, val.records.length) },
      heads: Object.fromEntries([...heads].map(([k, h]) => [k, { H: h.cfg.H, C: h.cfg.C, file: headFiles[k] }])),
      classifier: { types: classifierTypes, testConfusion: confusion },
      lstm: lstmRecord,
      training: trainHistory,
      hidden: hiddenInfo,
      evaluation,
      evaluations,
      testOutcomes: outcomes,
      exampleCurves,
      ablation,
      onnx,
      manifest: man.manifest === null ? { written: false, reason: man.reason } : { written: true, file: "model.json", binary: "model.nfgm", modelId },
      wallSeconds: wall,
    };
    writeFileSync(join(o.out, "run.json"), jsonText(run));
    write(`${name}: τ = ${evaluation.all.tau.toPrecision(6)}; test F1 ${testAll.f1.toFixed(3)}, effectiveness ${testAll.effectiveness.toFixed(3)}, overhead@${o.bound.p} ${testAll.overhead.atP.toFixed(4)}, FPR ${testAll.fpr.toFixed(3)}, FNR ${testAll.fnr.toFixed(3)} (${wall.total.toFixed(1)} s); wrote ${o.out}`);
    return run;
  } finally {
    if (hb !== null && hb !== backend) hb.dispose();
    backend.dispose();
  }
}
