/** @module Fine-tuning and evaluation for early DDoS detection (docs/detection.md): survival heads, metrics, the operating point, and the static-threshold baseline. */
export { classifyMinute, predictType, trainClassifier, type TypeClassifier, typeConfusion } from "./head/classifier.js";
export { headBackward, headConfig, headForward, headLoss } from "./head/head.js";
export type { HiddenStates } from "./head/hidden.js";
export { headExamples, headTypes, type MultiTaskData, type MultiTaskHeads, trainMultiTask } from "./head/multitask.js";
export { safeLoss, safeGrad } from "./head/safe.js";
export { headSurvival, meanHeadLoss, type SurvivalHead, type TrainedHead, trainHead } from "./head/train.js";
export { evalExample, parseEarlyDetect, prepareRecords, splitRecords, type EarlyRecord } from "./early-json.js";
export { evaluateMultiTask, type MultiTaskEvaluation } from "./evaluate.js";
export { type DetectionMetrics, type EvalExample, outcome, overheadAtP, prepareExample, summarize, summarizeByType } from "./metrics.js";
export { OVERHEAD_BOUND_DEFAULTS, type OverheadBound, selectOperatingPoint } from "./operating-point.js";
export { detectionTime, evaluateSurvival, SurvivalCurves } from "./survival-detect.js";
export { loadWindowCounters, windowCounters } from "./threshold/counters.js";
export { RATES, windowRates } from "./threshold/rates.js";
export { runThresholdBaseline } from "./threshold/baseline.js";
export { evaluateThresholds, tuneThresholds } from "./threshold/tune.js";
