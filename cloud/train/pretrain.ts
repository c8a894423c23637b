/** @module The pre-training loop: seeded batches, forward/backward/Adam per step, progress, per-epoch validation next to the bigram baseline, checkpoints (last + best) and log.json. */
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { FEATURE_SCHEMA_HASH_HEX } from "../../shared/features/catalogue.js";
import { openBackend } from "./backends.js";
import type { Metrics } from "./bigram.js";
import { evalBatches } from "./eval-batches.js";
import { evaluateModel } from "./evaluate.js";
import { LOG_FORMAT, readLogUpTo, writeJsonAtomic, type EpochRecord, type TrainLog } from "./log.js";
import type { AdamOptions, ModelFactory, TrainModel, TrainPosition } from "./model-api.js";
import { makePlan, type DataSource, type Plan } from "./plan.js";
import { silentProgress, type Progress } from "./progress.js";
import { BatchSampler } from "./sampler.js";

export interface PretrainOptions {
  readonly data: DataSource;
  readonly backend: string;
  readonly threads?: number;
  readonly config: string;
  readonly batch: number;
  readonly minT?: number;
  readonly maxT?: number;
  readonly epochs: number;
  readonly maxSteps?: number;
  /** steps per epoch (default: about one pass over the train targets) */
  readonly epochSteps?: number;
  readonly lr: number;
  readonly dropout?: number;
  readonly seed: number;
  readonly out: string;
  readonly resume?: string;
  /** at most this many val windows (evenly spaced) per evaluation; the bigram is scored on the same */
  readonly evalWindows?: number;
  readonly evalBatch?: number;
  /** keep every Nth step's loss in log.json (default 1) */
  readonly logEvery?: number;
  readonly adam?: Partial<AdamOptions>;
}

export interface PretrainDeps {
  readonly factory: ModelFactory;
  /** messages (the side-by-side table, notes) */
  readonly write: (text: string) => void;
  readonly progress?: Progress;
}

export interface PretrainResult {
  readonly log: TrainLog;
  readonly logPath: string;
  readonly lastCheckpoint: string;
  readonly bestCheckpoint: string;
}

/** Checkpoint names inside --out. */
export const LAST_CHECKPOINT = "last.ckpt";
export const BEST_CHECKPOINT = "best.ckpt";

const f4 = (x: number) => x.toFixed(4);

/** The side-by-side table of one evaluation (paper Table 4's columns). */
export function metricsTable(title: string, model: Metrics, bigram: Metrics): string {
  const row = (name: string, m: Metrics) => `  ${name.padEnd(10)} ${f4(m.loss).padStart(8)} ${f4(m.ppl).padStart(8)} ${f4(m.accuracy).padStart(8)}`;
  return [`${title} (val, ${model.targets} targets)`, `  ${"".padEnd(10)} ${"loss".padStart(8)} ${"PPL".padStart(8)} ${"acc".padStart(8)}`, row("decoder", model), row("bigram", bigram)].join("\n");
}

/** Seed of the batch sampler's stream, derived from --seed (the model's init uses --seed itself). */
export const samplerSeed = (seed: number) => (seed + 0x9e3779b9) >>> 0;

function newLog(o: PretrainOptions, plan: Plan, paramCount: number): TrainLog {
  const d = plan.data;
  return {
    format: LOG_FORMAT,
    version: 1,
    seed: o.seed,
    options: { ...o, data: { ...o.data } },
    model: { ...plan.config, params: paramCount },
    data: {
      source: d.source,
      schemaHash: FEATURE_SCHEMA_HASH_HEX,
      window: d.window,
      nodes: d.nodes.length,
      customers: d.customers.length,
      trainWindows: d.train.length,
      valWindows: d.val.length,
      evalWindows: plan.evalWindows.length,
      trainRuns: plan.segments.length,
      trainTargets: plan.trainTargets,
      ranges: d.ranges,
    },
    bigram: plan.bigram,
    schedule: { minT: plan.minT, maxT: plan.maxT, evalT: plan.evalT, batch: o.batch, stepsPerEpoch: plan.stepsPerEpoch, epochs: o.epochs, totalSteps: plan.totalSteps, notes: plan.notes },
    steps: [],
    epochs: [],
    runs: [],
    done: false,
  };
}

/** Runs (or resumes) pre-training. Data and option errors are thrown before a backend or model is made. */
export async function pretrain(o: PretrainOptions, deps: PretrainDeps): Promise<PretrainResult> {
  const checkpointConfig = o.resume !== undefined ? await deps.factory.checkpointConfig(o.resume) : undefined;
  const plan = makePlan({ ...o, ...(checkpointConfig ? { checkpointConfig } : {}) });
  const write = deps.write;
  const progress = deps.progress ?? silentProgress(write);
  for (const n of plan.notes) write(`note: ${n}`);
  const evalBatch = o.evalBatch ?? o.batch;
  const capacity = { maxB: Math.max(o.batch, evalBatch), maxT: Math.max(plan.maxT, plan.evalT) };
  const adam: AdamOptions = { lr: o.lr, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, ...o.adam };

  const backend = await openBackend(o.backend, o.threads !== undefined ? { threads: o.threads } : {});
  let model: TrainModel | undefined;
  try {
    const sampler = new BatchSampler(plan.segments, plan.data.nodes, { batch: o.batch, minT: plan.minT, maxT: plan.maxT, utcOffsetMinutes: plan.data.utcOffsetMinutes, stepMinutes: plan.data.stepMinutes ?? 1 }, samplerSeed(o.seed));
    let position: TrainPosition = { step: 0, epoch: 0, adamT: 0, rngState: sampler.state, tokensSeen: 0 };
    let log: TrainLog | undefined;
    if (o.resume !== undefined) {
      const r = await deps.factory.resume(backend, o.resume, capacity);
      model = r.model;
      position = r.position;
      sampler.state = position.rngState;
      log = readLogUpTo(join(dirname(o.resume), "log.json"), position.step);
      write(`resumed ${o.resume} at step ${position.step} (epoch ${position.epoch})`);
    } else model = await deps.factory.create(backend, plan.config, o.seed, capacity);
    log ??= newLog(o, plan, model.paramCount);
    log.done = false;
    mkdirSync(o.out, { recursive: true });
    const logPath = join(o.out, "log.json");
    const lastPath = join(o.out, LAST_CHECKPOINT);
    const bestPath = join(o.out, BEST_CHECKPOINT);
    const logEvery = o.logEvery ?? 1;
    let bestLoss = Math.min(...log.epochs.map((e) => e.val.loss));

    write(`model ${plan.config.nLayer}-${plan.config.nHead}-${plan.config.dModel}-${plan.config.dFF} (${model.paramCount} parameters) on ${backend.name}; ${plan.data.train.length} train windows, ${plan.trainTargets} train targets, T ∈ [${plan.minT}, ${plan.maxT}], batch ${o.batch}, ${plan.stepsPerEpoch} steps per epoch, ${plan.totalSteps} steps`);
    write(`bigram baseline (val): loss ${f4(plan.bigram.loss)} PPL ${f4(plan.bigram.ppl)} acc ${f4(plan.bigram.accuracy)}`);

    const runStart = performance.now();
    const runRecord = { startedAt: new Date().toISOString(), fromStep: position.step, toStep: position.step, wallS: 0 };
    log.runs.push(runRecord);
    let tokens = 0;
    let trainS = 0;
    let epochLoss = 0;
    let epochSteps = 0;
    const evaluate = async (step: number, partial: boolean): Promise<void> => {
      const t0 = performance.now();
      const val = await evaluateModel(model!, evalBatches(plan.evalWindows, plan.data.nodes, plan.data.window, plan.evalT, evalBatch, plan.data.utcOffsetMinutes, plan.data.stepMinutes ?? 1));
      const evalS = (performance.now() - t0) / 1000;
      const epoch = Math.ceil(step / plan.stepsPerEpoch);
      const best = val.loss < bestLoss;
      const rec: EpochRecord = { epoch, step, partial, trainLoss: epochSteps > 0 ? epochLoss / epochSteps : Number.NaN, val, best, wallS: (performance.now() - runStart) / 1000, evalS, tokensPerS: trainS > 0 ? tokens / trainS : 0 };
      log!.epochs.push(rec);
      progress.log(metricsTable(`epoch ${epoch}${partial ? " (partial)" : ""}, step ${step}, train loss ${f4(rec.trainLoss)}`, val, plan.bigram));
      const pos: TrainPosition = { step, epoch: Math.floor(step / plan.stepsPerEpoch), adamT: position.adamT + (step - position.step), rngState: sampler.state, tokensSeen: position.tokensSeen + tokens };
      await model!.save(lastPath, pos, adam);
      if (best) {
        bestLoss = val.loss;
        await model!.save(bestPath, pos, adam);
      }
      runRecord.toStep = step;
      runRecord.wallS = (performance.now() - runStart) / 1000;
      writeJsonAtomic(logPath, log);
      epochLoss = 0;
      epochSteps = 0;
    };

    progress.start(plan.totalSteps, position.step);
    for (let step = position.step + 1; step <= plan.totalSteps; step++) {
      const t0 = performance.now();
      const batch = sampler.next();
      const dropoutSeed = sampler.u32();
      model.setBatch(batch);
      await model.zeroGrad();
      await model.forward({ train: true, dropoutSeed });
      const loss = await model.loss();
      if (!Number.isFinite(loss)) throw new Error(`loss is ${loss} at step ${step}: training diverged (try a smaller --lr)`);
      await model.backward();
      await model.step(adam, position.adamT + (step - position.step));
      trainS += (performance.now() - t0) / 1000;
      tokens += batch.B * batch.T;
      epochLoss += loss;
      epochSteps++;
      if (step % logEvery === 0) log.steps.push({ step, epoch: Math.ceil(step / plan.stepsPerEpoch), T: batch.T, loss });
      progress.update(step, { epoch: Math.ceil(step / plan.stepsPerEpoch), loss, tokensPerS: tokens / trainS });
      if (step % plan.stepsPerEpoch === 0) await evaluate(step, false);
      else if (step === plan.totalSteps) await evaluate(step, true);
    }
    progress.stop();
    runRecord.wallS = (performance.now() - runStart) / 1000;
    log.done = true;
    writeJsonAtomic(logPath, log);
    return { log, logPath, lastCheckpoint: lastPath, bestCheckpoint: bestPath };
  } finally {
    progress.stop();
    model?.dispose();
    backend.dispose();
  }
}
