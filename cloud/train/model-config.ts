/** @module `--config paper|tiny|medium|large|FILE.json` → a ModelConfig sized for the data (nodes, customers) with the run's dropout. */
import { existsSync, readFileSync } from "node:fs";
import { modelConfig, PRESETS, type ModelConfig, type PresetName } from "../engine/model/config.js";
import { OptionsError } from "./errors.js";

/**
 * A preset name, or a JSON file holding ModelConfig fields, optionally with `"preset": NAME` as the
 * base (default `paper`). nodes and customers always come from the data; dropout from --dropout
 * when given.
 */
export function resolveModelConfig(spec: string, sizes: { nodes: number; customers: number }, dropout?: number): ModelConfig {
  let base: PresetName | Partial<ModelConfig>;
  let overrides: Partial<ModelConfig> = {};
  if (spec in PRESETS) base = spec as PresetName;
  else {
    if (!existsSync(spec)) throw new OptionsError(`--config ${JSON.stringify(spec)} is neither a preset (${Object.keys(PRESETS).join(", ")}) nor a file`);
    let doc: Record<string, unknown>;
    try {
      doc = JSON.parse(readFileSync(spec, "utf8")) as Record<string, unknown>;
    } catch (err) {
      throw new OptionsError(`--config ${spec}: not JSON (${(err as Error).message})`);
    }
    const { preset, ...fields } = doc;
    if (preset !== undefined && !(typeof preset === "string" && preset in PRESETS)) throw new OptionsError(`--config ${spec}: unknown preset ${JSON.stringify(preset)}`);
    base = (preset as PresetName | undefined) ?? "paper";
    overrides = fields as Partial<ModelConfig>;
  }
  try {
    return modelConfig(base, { ...overrides, nodes: sizes.nodes, customers: sizes.customers, ...(dropout !== undefined ? { dropout } : {}) });
  } catch (err) {
    throw new OptionsError(`--config ${spec}: ${(err as Error).message}`);
  }
}
