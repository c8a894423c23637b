/** @module Fine-tuning and evaluation of early DDoS detection (cloud/finetune/README.md): cached backbone hidden states, `finetune`, the from-scratch baseline, the head's ONNX export, and the evaluation report. */
export { checkBackbone, initBackbone, loadBackbone, windowBatch, type Backbone } from "./backbone.js";
export { embeddingSizes, loadEarlyData, SPLITS, type EarlyData, type EarlySplit, type Split } from "./early-data.js";
export { FinetuneError, type FinetuneErrorCode } from "./errors.js";
export { finetune, FINETUNE_DEFAULTS, RUN_FORMAT, type FinetuneOptions, type HeadTraining } from "./finetune.js";
export { cachedHidden, computeHidden, hiddenCacheKey, type CachedHidden, type HiddenOptions } from "./hidden-cache.js";
export { decodeHiddenCache, encodeHiddenCache, HIDDEN_CACHE_MAGIC, HIDDEN_CACHE_VERSION } from "./hidden-file.js";
export { exportHeadOnnx, HEAD_ONNX_OPSET, runHeadOnnx } from "./onnx-head.js";
export { readPretrainLog, type PretrainSummary } from "./pretrain-log.js";
export { trainFromScratch, type ScratchOptions, type ScratchResult } from "./scratch.js";
export { selectLabelled, type Selection } from "./select.js";
export { evaluateRuns, type EvalOptions, type EvalResult } from "./eval/report.js";
