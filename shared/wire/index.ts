/** @module Public API of the versioned edge <-> cloud wire formats (binary frames and JSON forms). */
export { WireFormatError, isWireFormatError, type WireErrorCode } from "./errors.js";
export {
  HEADER_BYTES,
  DEFAULT_MAX_FRAME_BYTES,
  DEFAULT_DECODE_OPTIONS,
  TOKENS_FORMAT,
  HIDDEN_FORMAT,
  SURVIVAL_FORMAT,
  CUTOFFS_FORMAT,
  MANIFEST_FORMAT,
  magicU32,
  type DecodeOptions,
  type EncodeOptions,
  type FormatId,
  type FrameHeader,
} from "./header.js";
export {
  FLOAT16_MAX,
  toFloat16Bits,
  fromFloat16Bits,
  roundToFloat16,
  float32BitsToFloat16Bits,
  float16BitsToFloat32Bits,
} from "./float16.js";
export { MAX_KEY_BYTES } from "./strings.js";
export { MAX_TENANTS, type NodeMinuteKey, type NodeMinuteKeys } from "./keys.js";
export type { JsonDecodeOptions, JsonEnvelope } from "./json.js";
export {
  PACKED_BIN_BYTES,
  buildTokenFrame,
  tokenEntries,
  encodeTokenFrame,
  decodeTokenFrame,
  tokenFrameToJSON,
  tokenFrameFromJSON,
  type TokenFrame,
  type TokenEntry,
  type TokenFrameJSON,
  type TokenEntryJSON,
} from "./tokens.js";
export {
  HIDDEN_DTYPES,
  MAX_HIDDEN_DIM,
  HIDDEN_FLAG_FLOAT16,
  buildHiddenFrame,
  hiddenEntries,
  encodeHiddenFrame,
  decodeHiddenFrame,
  hiddenFrameToJSON,
  hiddenFrameFromJSON,
  type HiddenDType,
  type HiddenFrame,
  type HiddenEntry,
  type HiddenFrameJSON,
  type HiddenEntryJSON,
} from "./hidden.js";
export {
  MAX_SURVIVAL_STEPS,
  encodeSurvivalFrame,
  decodeSurvivalFrame,
  survivalFrameToJSON,
  survivalFrameFromJSON,
  type SurvivalRecord,
  type SurvivalFrame,
  type SurvivalFrameJSON,
  type SurvivalRecordJSON,
} from "./survival.js";
export {
  DEFAULT_MAX_CUTOFF_NODES,
  DECODED_BYTES_PER_NODE,
  encodeCutoffTable,
  decodeCutoffTable,
  cutoffTableToJSON,
  cutoffTableFromJSON,
  type CutoffDecodeOptions,
  type CutoffJsonDecodeOptions,
  type CutoffTableJSON,
  type CutoffNodeJSON,
} from "./cutoffs.js";
export {
  makeManifest,
  validateManifest,
  parseManifest,
  manifestToJSON,
  encodeManifest,
  decodeManifest,
  type ModelManifest,
  type ManifestBody,
  type BackboneConfig,
  type ArtifactRef,
} from "./manifest.js";
