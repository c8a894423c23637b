/** @module Typed checkpoint errors: one class, a code per failure, a message that names the file and the check. */

/** truncated: shorter than its header says; corrupted: checksum, header JSON or trailing bytes wrong; bad-magic: not an NFCK file; wrong-version: another format version; wrong-layout: parameter layout hash differs; wrong-schema: built for another feature schema; endianness: big-endian host. */
export type CheckpointErrorCode = "truncated" | "corrupted" | "bad-magic" | "wrong-version" | "wrong-layout" | "wrong-schema" | "endianness";

export class CheckpointError extends Error {
  override name = "CheckpointError";
  constructor(
    readonly code: CheckpointErrorCode,
    readonly path: string,
    message: string,
  ) {
    super(`checkpoint ${path}: ${code}: ${message}`);
  }
}
