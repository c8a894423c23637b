/** @module `netflowgen eval`: fine-tuning runs (and their pre-training logs) → tables.md (paper Tables 4, 5, 6, 9 layout), report.html (inline SVG plots) and summary.json. */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gatherSeries, readArchiveDir } from "../../data/dataset/series.js";
import { parseEarlyDetect } from "../../detect/early-json.js";
import { type OverheadBound, TAU_OBJECTIVES } from "../../detect/operating-point.js";
import { runThresholdBaseline } from "../../detect/threshold/baseline.js";
import { jsonText } from "../artifacts.js";
import { FinetuneError } from "../errors.js";
import { type PretrainSummary, readPretrainLog } from "../pretrain-log.js";
import { reportHtml } from "./html.js";
import { evaluationFor, readRun, type JsonMetrics, type JsonSurvivalEvaluation, type RunRecord } from "./runs.js";
import { table4, table5, table6, table9 } from "./tables.js";

export interface EvalOptions {
  readonly runs: readonly string[];
  readonly out: string;
  /** more pre-training logs for Table 4 (besides those next to the runs' checkpoints) */
  readonly pretrainLogs?: readonly string[];
  /** a dataset directory: adds the static-threshold baseline (cloud/detect/threshold) tuned on its val split, from its archives/ */
  readonly thresholdData?: string;
  readonly title?: string;
}

export interface EvalResult {
  readonly tables: string;
  readonly files: string[];
  readonly runs: readonly RunRecord[];
  readonly logs: readonly PretrainSummary[];
}

function thresholdRow(dir: string, bound: OverheadBound): { name: string; labels: string; m: JsonMetrics; note: string } {
  const early = join(dir, "earlydetect.json");
  const archives = join(dir, "archives");
  if (!existsSync(early)) throw new FinetuneError("missing", `${early}: no EarlyDetect examples for the threshold baseline`);
  if (!existsSync(archives)) throw new FinetuneError("missing", `${archives}: the threshold baseline reads raw counters from the dataset's minute archives`);
  const t0 = performance.now();
  const records = parseEarlyDetect(JSON.parse(readFileSync(early, "utf8")));
  const r = runThresholdBaseline(records, gatherSeries(readArchiveDir(archives).rows), { bound });
  if (r.test === null) throw new FinetuneError("no-labels", `${dir}: no test examples for the threshold baseline`);
  const val = records.filter((x) => x.split === "val").length;
  return { name: "Static thresholds (FastNetMon-style)", labels: `${val} (val, tuning)`, m: r.test.overall as unknown as JsonMetrics, note: `thresholds tuned on all ${val} val examples of ${dir} (docs/detection.md), deterministic (no seed); wall-clock ${((performance.now() - t0) / 1000).toFixed(1)} s` };
}

/** τ and test metrics of one objective's head "all" (null: not recorded). */
const pointOf = (e: JsonSurvivalEvaluation | undefined) => (e === undefined ? null : { tau: e.tau, test: e.test?.overall ?? null });

export function evaluateRuns(o: EvalOptions): EvalResult {
  if (o.runs.length === 0) throw new FinetuneError("bad-run", "no runs to evaluate");
  const runs = o.runs.map(readRun);
  const logPaths = [...new Set([...runs.flatMap((r) => (r.backbone.pretrainLog === null ? [] : [r.backbone.pretrainLog])), ...(o.pretrainLogs ?? [])])];
  const logs = logPaths.map(readPretrainLog);
  const bound = runs[0]!.evaluation.all.bound;
  // the threshold baseline is tuned once per τ objective, under the runs' bound
  const extra = Object.fromEntries(TAU_OBJECTIVES.map((objective) => [objective, o.thresholdData === undefined ? [] : [thresholdRow(o.thresholdData, { ...bound, objective })]]));
  const title = o.title ?? "NetFlowGen: early DDoS detection — evaluation";
  const generatedAt = new Date().toISOString();
  const tables = [`# ${title}`, `Generated ${generatedAt} from ${runs.map((r) => `\`${r.dir}\``).join(", ")}.`, table4(logs), ...TAU_OBJECTIVES.flatMap((obj) => [table5(runs, extra[obj], obj), table6(runs, obj)]), ...TAU_OBJECTIVES.map((obj) => table9(runs, obj))].join("\n\n");
  mkdirSync(o.out, { recursive: true });
  writeFileSync(join(o.out, "tables.md"), tables);
  writeFileSync(join(o.out, "report.html"), reportHtml(title, tables.split("\n").slice(2).join("\n"), runs, logs, generatedAt));
  const summary = {
    format: "netflowgen.eval-summary",
    version: 1,
    generatedAt,
    runs: runs.map((r) => ({
      dir: r.dir,
      name: r.name,
      kind: r.kind,
      seed: r.seed,
      labels: r.labels,
      tau: r.evaluation.all.tau,
      test: r.evaluation.all.test?.overall,
      perType: Object.fromEntries(Object.entries(r.evaluation.perTypeHead).map(([k, v]) => [k, v.test?.overall ?? null])),
      byObjective: Object.fromEntries(TAU_OBJECTIVES.map((obj) => [obj, pointOf(evaluationFor(r, obj)?.all)])),
      wallSeconds: r.wallSeconds,
    })),
    pretrain: logs.map((l) => ({ path: l.path, best: l.best, bigram: l.bigram, wallSeconds: l.wallSeconds })),
    threshold: extra.effectiveness?.[0] ?? null,
    thresholdByObjective: Object.fromEntries(TAU_OBJECTIVES.map((obj) => [obj, extra[obj]?.[0] ?? null])),
  };
  writeFileSync(join(o.out, "summary.json"), jsonText(summary));
  return { tables, files: ["tables.md", "report.html", "summary.json"], runs, logs };
}
