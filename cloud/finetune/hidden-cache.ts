/** @module Last-layer hidden states (N, T, C) of a frozen backbone over a split's EarlyDetect windows, computed on any engine backend and cached on disk keyed by backbone, dataset, split and T. */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { HiddenStates } from "../detect/head/hidden.js";
import type { Backend, TensorTypes } from "../engine/kernels.js";
import { Decoder } from "../engine/model/model.js";
import { type Backbone, checkBackbone, windowBatch } from "./backbone.js";
import type { EarlyData, Split } from "./early-data.js";
import { decodeHiddenCache, encodeHiddenCache } from "./hidden-file.js";

export interface HiddenOptions {
  /** windows per forward (default 8) */
  readonly batch?: number;
  /** called after each batch with the windows done */
  readonly onProgress?: (done: number, total: number) => void;
}

/** Hidden states of windows idx (default all) of a split: one eval-mode forward (no dropout) per batch, T = W. */
export async function computeHidden<T extends TensorTypes>(backend: Backend<T>, backbone: Backbone, data: EarlyData, split: Split, options: HiddenOptions = {}, idx?: readonly number[]): Promise<HiddenStates> {
  checkBackbone(backbone, data);
  const windows = data.splits[split].windows;
  const list = idx ?? windows.map((_, i) => i);
  const T = data.window;
  const C = backbone.config.dModel;
  const out = new Float32Array(list.length * T * C);
  if (list.length === 0) return { data: out, N: 0, T, C };
  const B = Math.max(1, Math.min(options.batch ?? 8, list.length));
  const model = new Decoder(backend, backbone.config, { maxB: B, maxT: T, params: backbone.params });
  for (let at = 0; at < list.length; at += B) {
    const part = list.slice(at, at + B);
    model.setBatch(windowBatch(data, windows, part));
    model.forward({ train: false });
    const h = await backend.read(model.hidden());
    out.set(h.subarray(0, part.length * T * C), at * T * C);
    options.onProgress?.(at + part.length, list.length);
  }
  return { data: out, N: list.length, T, C };
}

/** The cache key of a split's hidden states: SHA-256 hex of the backbone id, dataset hash, split and T. */
export function hiddenCacheKey(backbone: Backbone, data: EarlyData, split: Split): string {
  return createHash("sha256").update(`${backbone.id}\n${data.hash}\n${split}\n${data.window}`).digest("hex");
}

export interface CachedHidden {
  readonly hidden: HiddenStates;
  readonly path: string;
  /** true when read from the cache, false when computed now */
  readonly hit: boolean;
  readonly seconds: number;
}

/** A split's hidden states from `cacheDir` (key in the file name and header), computing and writing them on a miss. */
export async function cachedHidden<T extends TensorTypes>(backend: Backend<T>, backbone: Backbone, data: EarlyData, split: Split, cacheDir: string, options: HiddenOptions = {}): Promise<CachedHidden> {
  const t0 = performance.now();
  const key = hiddenCacheKey(backbone, data, split);
  const path = join(cacheDir, `hidden-${split}-${key.slice(0, 16)}.nfhc`);
  if (existsSync(path)) {
    const h = decodeHiddenCache(new Uint8Array(readFileSync(path)), key, path);
    if (h !== null) return { hidden: h, path, hit: true, seconds: (performance.now() - t0) / 1000 };
  }
  const hidden = await computeHidden(backend, backbone, data, split, options);
  mkdirSync(cacheDir, { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, encodeHiddenCache(hidden, key));
  renameSync(tmp, path);
  return { hidden, path, hit: false, seconds: (performance.now() - t0) / 1000 };
}
