/** @module A fine-tuning run's artifacts: head parameters (raw f32 + layout JSON), head.onnx checked in onnxruntime-node against the engine, the dataset's cutoffs, and the model manifest (shared/wire NFGM, JSON and binary). */
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { FEATURE_SCHEMA_HASH_HEX } from "../../shared/features/catalogue.js";
import { encodeManifest, makeManifest, manifestToJSON, type ModelManifest } from "../../shared/wire/manifest.js";
import type { DetectionMetrics } from "../detect/metrics.js";
import { allocHeadActs, headForward } from "../detect/head/head.js";
import type { HiddenStates } from "../detect/head/hidden.js";
import { mlpLayout, mlpParameterCount, mlpViews } from "../detect/head/mlp.js";
import type { SurvivalHead } from "../detect/head/train.js";
import type { Backbone } from "./backbone.js";
import { exportHeadOnnx, runHeadOnnx } from "./onnx-head.js";

export const sha256File = (path: string): string => createHash("sha256").update(readFileSync(path)).digest("hex");

/** JSON with non-finite numbers as null (NaN ratios of empty sets). */
export function jsonText(value: unknown): string {
  return `${JSON.stringify(value, (_k, v: unknown) => (typeof v === "number" && !Number.isFinite(v) ? null : v), 1)}\n`;
}

/** Writes heads/<name>.f32 (the flat buffer, mlpLayout) and heads/heads.json (config, layout, counts). */
export function writeHeads(dir: string, heads: ReadonlyMap<string, SurvivalHead>): Record<string, string> {
  const files: Record<string, string> = {};
  const index: Record<string, unknown> = {};
  for (const [name, h] of heads) {
    const file = `head-${name.replace(/[^A-Za-z0-9._-]/g, "_")}.f32`;
    writeFileSync(join(dir, file), new Uint8Array(h.params.buffer, h.params.byteOffset, h.params.byteLength));
    files[name] = file;
    index[name] = { file, cfg: h.cfg, layout: mlpLayout(h.cfg), parameters: mlpParameterCount(h.cfg), nonlinearity: "gelu-tanh", output: "softplus hazard" };
  }
  writeFileSync(join(dir, "heads.json"), jsonText({ format: "netflowgen.heads", version: 1, heads: index }));
  return files;
}

export interface OnnxCheck {
  readonly file: string;
  readonly bytes: number;
  /** examples × minutes compared */
  readonly compared: number;
  readonly maxAbsDiffHazard: number;
  /** max |Δhazard| / max(1, |hazard|): hazards are unbounded (tens in an attack), so float32 rounding alone exceeds 1e-5 absolute there */
  readonly maxScaledDiffHazard: number;
  readonly maxAbsDiffSurvival: number;
  /** survival (what the edge thresholds) within atol absolute, hazard within atol scaled */
  readonly ok: boolean;
}

/** Exports the head to `file`, runs it in onnxruntime-node on up to `max` examples of `hidden` and compares with headForward. */
export async function writeHeadOnnx(path: string, head: SurvivalHead, hidden: HiddenStates, max = 8, atol = 1e-5): Promise<OnnxCheck> {
  const bytes = exportHeadOnnx(head.cfg, head.params);
  writeFileSync(path, bytes);
  const N = Math.min(max, hidden.N);
  const { T, C } = hidden;
  const x = hidden.data.subarray(0, N * T * C);
  let dh = 0;
  let dhScaled = 0;
  let ds = 0;
  if (N > 0) {
    const acts = allocHeadActs(N, T, head.cfg);
    headForward(acts, mlpViews(head.params, head.cfg), x, N, T, head.cfg);
    const got = await runHeadOnnx(bytes, Float32Array.from(x), N, T, C);
    for (let i = 0; i < N * T; i++) {
      const d = Math.abs(got.hazard[i]! - acts.hazard[i]!);
      dh = Math.max(dh, d);
      dhScaled = Math.max(dhScaled, d / Math.max(1, Math.abs(acts.hazard[i]!)));
      ds = Math.max(ds, Math.abs(got.survival[i]! - acts.survival[i]!));
    }
  }
  return { file: path, bytes: bytes.length, compared: N * T, maxAbsDiffHazard: dh, maxScaledDiffHazard: dhScaled, maxAbsDiffSurvival: ds, ok: N > 0 && dhScaled <= atol && ds <= atol };
}

/** The manifest's metrics: finite numbers only (a NaN ratio is left out). */
export function manifestMetrics(m: DetectionMetrics, prefix = "test."): Record<string, number> {
  const out: Record<string, number> = {};
  const put = (k: string, v: number) => {
    if (Number.isFinite(v)) out[prefix + k] = v;
  };
  put("effectiveness", m.effectiveness);
  put("overheadAtP", m.overhead.atP);
  put("overheadMean", m.overhead.mean);
  put("tpr", m.tpr);
  put("fpr", m.fpr);
  put("fnr", m.fnr);
  put("f1", m.f1);
  put("precision", m.precision);
  put("mitigationMedian", m.mitigation.median);
  put("examples", m.examples);
  return out;
}

export interface ManifestInput {
  readonly modelId: string;
  readonly backbone: Backbone;
  readonly headPath: string;
  readonly hiddenUnits: number;
  readonly cutoffsPath: string;
  readonly tau: number;
  readonly p: number;
  readonly attackTypes: readonly string[];
  readonly metrics: Record<string, number>;
}

/** The model manifest (shared/wire/manifest.ts) as model.json + model.nfgm; null with the reason when τ is outside (0, 1) (the manifest requires it: a τ of 0 never detects). */
export function writeManifest(dir: string, m: ManifestInput): { manifest: ModelManifest | null; reason: string | null } {
  if (!(m.tau > 0 && m.tau < 1)) return { manifest: null, reason: `τ = ${m.tau} is outside (0, 1): ${m.tau <= 0 ? "no τ that detects anything meets the overhead bound" : "every window is detected at its first minute"}; no model manifest written` };
  if (!existsSync(m.cutoffsPath)) return { manifest: null, reason: `${m.cutoffsPath}: no cutoff table; no model manifest written` };
  const cutoffs = join(dir, "cutoffs.nfgc");
  copyFileSync(m.cutoffsPath, cutoffs);
  const c = m.backbone.config;
  const manifest = makeManifest(
    {
      modelId: m.modelId,
      createdAt: new Date().toISOString(),
      backbone: { id: m.backbone.id, config: { layers: c.nLayer, heads: c.nHead, dModel: c.dModel, dFF: c.dFF, contextMax: c.maxT } },
      head: { artifact: "head.onnx", sha256: sha256File(m.headPath), inputDim: c.dModel, hiddenDim: m.hiddenUnits },
      cutoffs: { artifact: "cutoffs.nfgc", sha256: sha256File(cutoffs) },
      tau: m.tau,
      overheadBound: m.p,
      attackTypes: [...new Set(m.attackTypes)].sort(),
      metrics: m.metrics,
    },
    FEATURE_SCHEMA_HASH_HEX,
  );
  writeFileSync(join(dir, "model.json"), `${JSON.stringify(manifestToJSON(manifest), null, 1)}\n`);
  writeFileSync(join(dir, "model.nfgm"), encodeManifest(manifest));
  return { manifest, reason: null };
}
