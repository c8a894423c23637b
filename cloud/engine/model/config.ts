/** @module The decoder's configuration (docs/model.md "Configuration"): defaults, presets and validation. */
import { BIN_COUNT, FEATURE_COUNT } from "../../../shared/features/catalogue.js";
import { TIME_DIMS } from "../../../shared/features/time.js";

/** Fields and defaults of docs/model.md. Shapes: hs = dModel / nHead. */
export interface ModelConfig {
  /** L: transformer blocks. */
  nLayer: number;
  /** NH: attention heads. */
  nHead: number;
  /** C: width. */
  dModel: number;
  /** FF: MLP hidden width. */
  dFF: number;
  /** Longest window: rows of wPos. */
  maxT: number;
  /** Features (86) and bins per feature (10), fixed by shared/features. */
  NF: number;
  V: number;
  /** Time one-hot rows (122) and time index slots per token (4). */
  timeRows: number;
  NTIME: number;
  /** Rows of the node and customer embeddings (from the data). */
  nodes: number;
  customers: number;
  /** Residual dropout p (training only). */
  dropout: number;
}

/** docs/model.md defaults (the paper's 4-4-128-512). nodes/customers are placeholders: set them from the data. */
export const DEFAULT_MODEL_CONFIG: Readonly<ModelConfig> = Object.freeze({
  nLayer: 4,
  nHead: 4,
  dModel: 128,
  dFF: 512,
  maxT: 512,
  NF: FEATURE_COUNT,
  V: BIN_COUNT,
  timeRows: TIME_DIMS,
  NTIME: 4,
  nodes: 1,
  customers: 1,
  dropout: 0.3,
});

export type PresetName = "paper" | "medium" | "large" | "tiny";

/** L-NH-C-FF presets of the paper's size study, and `tiny` for tests (NF and V stay real). */
export const PRESETS: Readonly<Record<PresetName, Readonly<ModelConfig>>> = Object.freeze({
  paper: DEFAULT_MODEL_CONFIG,
  medium: Object.freeze({ ...DEFAULT_MODEL_CONFIG, dModel: 256, dFF: 1024 }),
  large: Object.freeze({ ...DEFAULT_MODEL_CONFIG, dModel: 512, dFF: 2048 }),
  tiny: Object.freeze({ ...DEFAULT_MODEL_CONFIG, nLayer: 2, nHead: 2, dModel: 16, dFF: 32, maxT: 16, nodes: 3, customers: 2 }),
});

/** A model config error: names the field and the rule it broke. */
export class ModelConfigError extends Error {
  override name = "ModelConfigError";
}

/** A validated config from a preset (or the defaults) and overrides, e.g. modelConfig("paper", { nodes, customers }). */
export function modelConfig(base: PresetName | Partial<ModelConfig> = "paper", overrides: Partial<ModelConfig> = {}): ModelConfig {
  const from = typeof base === "string" ? PRESETS[base] : { ...DEFAULT_MODEL_CONFIG, ...base };
  if (from === undefined) throw new ModelConfigError(`unknown preset "${String(base)}" (known: ${Object.keys(PRESETS).join(", ")})`);
  const config: ModelConfig = { ...from, ...overrides };
  validateConfig(config);
  return config;
}

const INTEGER_FIELDS = ["nLayer", "nHead", "dModel", "dFF", "maxT", "NF", "V", "timeRows", "NTIME", "nodes", "customers"] as const;

/** Throws ModelConfigError unless every field is a positive integer, C % NH === 0, V ≤ 256 (u8 bins) and 0 ≤ dropout < 1. */
export function validateConfig(config: ModelConfig): void {
  for (const k of INTEGER_FIELDS) {
    const v = config[k];
    if (!Number.isInteger(v) || v < 1) throw new ModelConfigError(`ModelConfig.${k} must be a positive integer, got ${String(v)}`);
  }
  if (config.dModel % config.nHead !== 0) throw new ModelConfigError(`ModelConfig.dModel (${config.dModel}) must be a multiple of nHead (${config.nHead})`);
  if (config.V > 256) throw new ModelConfigError(`ModelConfig.V (${config.V}) must be ≤ 256: bins are u8`);
  if (config.NTIME > config.timeRows) throw new ModelConfigError(`ModelConfig.NTIME (${config.NTIME}) must be ≤ timeRows (${config.timeRows})`);
  if (!(typeof config.dropout === "number" && config.dropout >= 0 && config.dropout < 1)) throw new ModelConfigError(`ModelConfig.dropout must be in [0, 1), got ${String(config.dropout)}`);
  const extra = Object.keys(config).filter((k) => !(k in DEFAULT_MODEL_CONFIG));
  if (extra.length > 0) throw new ModelConfigError(`ModelConfig has unknown fields: ${extra.join(", ")}`);
}
