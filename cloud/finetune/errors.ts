/** @module Typed errors of fine-tuning and evaluation: each names the file or option and the rule it broke. */

/** missing: a file or directory is absent; bad-data: the EarlyDetect files disagree or are malformed; mismatch: the checkpoint does not fit the dataset; no-labels: nothing to train on; bad-run: a run directory eval cannot read. */
export type FinetuneErrorCode = "missing" | "bad-data" | "mismatch" | "no-labels" | "bad-run";

export class FinetuneError extends Error {
  override readonly name = "FinetuneError";
  constructor(
    readonly code: FinetuneErrorCode,
    message: string,
  ) {
    super(message);
  }
}
