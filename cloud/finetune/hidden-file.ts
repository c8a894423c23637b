/** @module The hidden-state cache file "NFHC" v1: (N, T, C) float32 last-layer hidden states of one split under one backbone, with the key they were computed for. */
import { FinetuneError } from "./errors.js";
import type { HiddenStates } from "../detect/head/hidden.js";

/**
 * Layout, little-endian (not a wire format: a local cache; shared/wire's NFGH frames are keyed per
 * node-minute for the edge, while this holds whole windows of one split):
 *   0   "NFHC"
 *   4   u32 version = 1
 *   8   u32 N (windows), 12 u32 T (minutes), 16 u32 C (d_model)
 *   20  64 ASCII bytes: the cache key (SHA-256 hex of backbone id, dataset hash, split, T)
 *   84  N·T·C float32
 */
export const HIDDEN_CACHE_MAGIC = "NFHC";
export const HIDDEN_CACHE_VERSION = 1;
const HEADER = 84;

export function encodeHiddenCache(h: HiddenStates, key: string): Uint8Array {
  if (!/^[0-9a-f]{64}$/.test(key)) throw new RangeError(`hidden cache key must be 64 hex digits, got ${key}`);
  const out = new Uint8Array(HEADER + h.data.byteLength);
  const v = new DataView(out.buffer);
  for (let i = 0; i < 4; i++) out[i] = HIDDEN_CACHE_MAGIC.charCodeAt(i);
  v.setUint32(4, HIDDEN_CACHE_VERSION, true);
  v.setUint32(8, h.N, true);
  v.setUint32(12, h.T, true);
  v.setUint32(16, h.C, true);
  for (let i = 0; i < 64; i++) out[20 + i] = key.charCodeAt(i);
  out.set(new Uint8Array(h.data.buffer, h.data.byteOffset, h.data.byteLength), HEADER);
  return out;
}

/** Decodes a cache file; returns null when it was written for another key (stale), throws when it is malformed. */
export function decodeHiddenCache(bytes: Uint8Array, key: string, path: string): HiddenStates | null {
  const bad = (why: string): never => {
    throw new FinetuneError("bad-data", `hidden cache ${path}: ${why}; delete it to recompute`);
  };
  if (bytes.length < HEADER) bad("truncated header");
  if (String.fromCharCode(...bytes.subarray(0, 4)) !== HIDDEN_CACHE_MAGIC) bad("not an NFHC file");
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (v.getUint32(4, true) !== HIDDEN_CACHE_VERSION) return null;
  const [N, T, C] = [v.getUint32(8, true), v.getUint32(12, true), v.getUint32(16, true)];
  if (String.fromCharCode(...bytes.subarray(20, HEADER)) !== key) return null;
  if (bytes.length !== HEADER + 4 * N * T * C) bad(`${bytes.length} bytes, N=${N} T=${T} C=${C} needs ${HEADER + 4 * N * T * C}`);
  const data = new Float32Array(N * T * C);
  new Uint8Array(data.buffer).set(bytes.subarray(HEADER));
  return { data, N, T, C };
}
