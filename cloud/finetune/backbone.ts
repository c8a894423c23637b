/** @module The frozen backbone of fine-tuning: a pre-training checkpoint (or a fresh seeded init), checked against the dataset, and EarlyDetect windows packed as decoder batches. */
import { fillTime } from "../train/batch.js";
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { FEATURE_COUNT } from "../../shared/features/catalogue.js";
import { decodeCheckpoint } from "../engine/checkpoint/format.js";
import type { Batch } from "../engine/model/batch.js";
import type { ModelConfig } from "../engine/model/config.js";
import { initParams, paramLayout } from "../engine/model/params.js";
import type { WindowRecord } from "../data/dataset/windows-file.js";
import type { EarlyData } from "./early-data.js";
import { FinetuneError } from "./errors.js";

export interface Backbone {
  readonly config: ModelConfig;
  /** flat parameters (layout.total floats) */
  readonly params: Float32Array;
  /** "sha256:<hex of the checkpoint file>" or "init:<seed>:<layout hash>": keys the hidden-state cache */
  readonly id: string;
  /** the checkpoint path, or null for a fresh init */
  readonly checkpoint: string | null;
  /** the checkpoint's header step and epoch (0 for an init) */
  readonly step: number;
  readonly epoch: number;
}

/** Reads a pre-training checkpoint (NFCK; every check of cloud/engine/checkpoint). */
export function loadBackbone(path: string): Backbone {
  if (!existsSync(path)) throw new FinetuneError("missing", `checkpoint ${path}: no such file (train one with \`netflowgen pretrain\`)`);
  const bytes = readFileSync(path);
  const ck = decodeCheckpoint(bytes, path);
  const id = `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
  return { config: ck.header.config, params: ck.params, id, checkpoint: path, step: ck.header.step, epoch: ck.header.epoch };
}

/** A backbone with the engine's seeded initialization (docs/model.md), for runs without pre-training. */
export function initBackbone(config: ModelConfig, seed: number): Backbone {
  return { config, params: initParams(config, seed), id: `init:${seed}:${paramLayout(config).hash}`, checkpoint: null, step: 0, epoch: 0 };
}

/** The backbone must have been built for this dataset's node and customer tables and reach its window length. */
export function checkBackbone(b: Backbone, data: Pick<EarlyData, "nodes" | "customers" | "window" | "dir">): void {
  const c = b.config;
  const where = b.checkpoint ?? "the initialized backbone";
  if (c.nodes !== data.nodes.length || c.customers !== data.customers.length)
    throw new FinetuneError("mismatch", `${where}: the model has ${c.nodes} node and ${c.customers} customer embedding rows, the dataset ${data.dir} has ${data.nodes.length} nodes and ${data.customers.length} customers: it was not pre-trained on this dataset`);
  if (data.window > c.maxT) throw new FinetuneError("mismatch", `${where}: the model's context is ${c.maxT} minutes (maxT), the dataset's EarlyDetect windows are ${data.window}: rebuild the dataset with --window ≤ ${c.maxT} or use a model with maxT ≥ ${data.window}`);
}

/**
 * Windows idx of a split as one decoder batch of T = W input minutes (position 0 = the window's first
 * minute, docs/model.md): the window's W minutes are the inputs, and a zero minute is appended as the
 * target of the last one (targets only feed the language-model loss, which fine-tuning does not read;
 * the hidden state of minute t sees minutes ≤ t only). Time indices are in the tenant's UTC offset, as in pre-training.
 */
export function windowBatch(data: Pick<EarlyData, "nodes" | "window" | "utcOffsetMinutes">, windows: readonly WindowRecord[], idx: readonly number[]): Batch {
  const B = idx.length;
  const T = data.window;
  const F = FEATURE_COUNT;
  const bins = new Uint8Array(B * (T + 1) * F);
  const NTIME = 4; // weekday, day of month, minute, hour (docs/model.md)
  const time = new Int32Array(B * T * NTIME);
  const node = new Int32Array(B);
  const customer = new Int32Array(B);
  idx.forEach((n, b) => {
    const w = windows[n]!;
    bins.set(w.bins, b * (T + 1) * F);
    fillTime(time, b, T, w.startMinute, data.utcOffsetMinutes);
    const nd = data.nodes[w.node]!;
    node[b] = nd.embedNode;
    customer[b] = nd.embedCustomer;
  });
  return { B, T, bins, time, node, customer };
}
