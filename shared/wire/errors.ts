/** @module The one error type every wire decoder throws for bad input, with a machine-readable code. */

/**
 * Why a frame or JSON document was rejected.
 *
 * - `truncated`: fewer bytes than the header or a length/count inside the payload needs.
 * - `oversized`: larger than the decoder's `maxFrameBytes`, or too large for the format's fields.
 * - `bad_magic`: not this format (binary magic, or the JSON `format` name).
 * - `bad_version`: a format version this build does not read.
 * - `wrong_schema`: built for another feature schema (hash differs from the expected one).
 * - `length_mismatch`: bytes left over after the declared frame or payload structure.
 * - `invalid_value`: well-formed framing, but a value breaks a rule (range, order, index, UTF-8...).
 * - `invalid_json`: text that is not JSON.
 */
export type WireErrorCode =
  | "truncated"
  | "oversized"
  | "bad_magic"
  | "bad_version"
  | "wrong_schema"
  | "length_mismatch"
  | "invalid_value"
  | "invalid_json";

export class WireFormatError extends Error {
  override readonly name = "WireFormatError";
  readonly code: WireErrorCode;

  constructor(code: WireErrorCode, message: string) {
    super(`${code}: ${message}`);
    this.code = code;
  }
}

/** Shorthand used by the codecs: `throw wireError("truncated", "...")`. */
export function wireError(code: WireErrorCode, message: string): WireFormatError {
  return new WireFormatError(code, message);
}

export function isWireFormatError(error: unknown): error is WireFormatError {
  return error instanceof WireFormatError;
}
