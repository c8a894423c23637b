/** @module NFCK checkpoints: the byte format, crash-safe files and typed errors. */
export { CheckpointError, type CheckpointErrorCode } from "./errors.js";
export { readCheckpoint, writeCheckpoint, type WriteCheckpointOptions } from "./file.js";
export {
  CHECKPOINT_MAGIC,
  CHECKPOINT_VERSION,
  decodeCheckpoint,
  encodeCheckpoint,
  type Checkpoint,
  type CheckpointHeader,
  type CheckpointMeta,
  type CheckpointTensors,
  type OptimizerState,
} from "./format.js";
