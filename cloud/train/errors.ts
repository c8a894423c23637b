/** @module Typed errors of pre-training: bad data (found before any training starts) and bad options. */

/** Why a dataset was rejected. */
export type DataErrorCode =
  | "missing"
  | "bad-manifest"
  | "schema-hash"
  | "truncated"
  | "bad-windows"
  | "empty-split"
  | "too-short"
  | "bad-archive";

/** The data cannot be trained on; the message says which file and why. Thrown before the model is built. */
export class DataError extends Error {
  override readonly name = "DataError";
  constructor(
    readonly code: DataErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** An option that cannot work with this data or model (e.g. --max-t longer than the model's maxT). */
export class OptionsError extends Error {
  override readonly name = "OptionsError";
}
