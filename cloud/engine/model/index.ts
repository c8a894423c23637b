/** @module The NetFlowGen decoder's public API: config and presets, parameter layout and init, the Decoder, and checkpoints. */
export { DEFAULT_MODEL_CONFIG, ModelConfigError, PRESETS, modelConfig, validateConfig, type ModelConfig, type PresetName } from "./config.js";
export { allocParameterSet, initParams, paramLayout, type LayerViews, type ModelViews, type ParamEntry, type ParamInit, type ParamLayout, type ParameterSet } from "./params.js";
export { BatchError, packBatch, type Batch, type PackedBatch } from "./batch.js";
export { dropoutSiteSeed } from "./state.js";
export { Decoder, PAPER_ADAMW, type AdamWOptions, type DecoderHostState, type DecoderOptions, type ForwardOptions } from "./model.js";
export * from "../checkpoint/index.js";
