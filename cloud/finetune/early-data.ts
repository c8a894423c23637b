/** @module An EarlyDetect dataset as fine-tuning reads it: manifest nodes → embedding rows, the early-<split>.windows.bin windows next to their earlydetect.json records (checked against each other), and a content hash that keys the hidden-state cache. */
import { createHash } from "node:crypto";
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { FEATURE_SCHEMA_HASH_HEX } from "../../shared/features/catalogue.js";
import { DATASET_FORMAT } from "../data/dataset/build.js";
import type { WindowRecord } from "../data/dataset/windows-file.js";
import { type EarlyRecord, parseEarlyDetect, splitRecords } from "../detect/early-json.js";
import { nodeTables, readWindowFile, type ManifestNode, type TrainNode } from "../train/data.js";
import { FinetuneError } from "./errors.js";

export const SPLITS = ["train", "val", "test"] as const;
export type Split = (typeof SPLITS)[number];

/** One split's EarlyDetect examples: windows[i] is the window of records[i] (id i). */
export interface EarlySplit {
  readonly windows: readonly WindowRecord[];
  readonly records: readonly EarlyRecord[];
}

export interface EarlyData {
  readonly dir: string;
  /** W: minutes per window */
  readonly window: number;
  readonly nodes: readonly TrainNode[];
  /** rows of wCustomer, in order of first appearance (as pre-training numbers them) */
  readonly customers: readonly string[];
  readonly splits: Readonly<Record<Split, EarlySplit>>;
  /** SHA-256 (hex) of manifest.json, earlydetect.json and the three early window files */
  readonly hash: string;
  /** path of the dataset's cutoffs.nfgc (the model manifest points at it) */
  readonly cutoffsPath: string;
  /** the tenant's offset from UTC in minutes (manifest timeZone; 0 = UTC): the time features' clock */
  readonly utcOffsetMinutes: number;
  /** the features that carry values when the dataset is a `data keep-features` copy (manifest featureSubset), else null (all) */
  readonly featureSubset: readonly string[] | null;
}

function fail(message: string, code: "missing" | "bad-data" = "bad-data"): never {
  throw new FinetuneError(code, message);
}

function readJson(path: string): Record<string, unknown> {
  if (!existsSync(path)) fail(`${path}: no such file`, "missing");
  try {
    return JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
  } catch (err) {
    return fail(`${path}: not JSON (${(err as Error).message})`);
  }
}

/** Loads and cross-checks a dataset directory's EarlyDetect part (all checks before any model work). */
export function loadEarlyData(dir: string): EarlyData {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) fail(`${dir}: no such dataset directory`, "missing");
  const manifestPath = join(dir, "manifest.json");
  const m = readJson(manifestPath);
  if (m.format !== DATASET_FORMAT || m.version !== 1) fail(`${manifestPath}: format ${JSON.stringify(m.format)} v${String(m.version)}, expected ${DATASET_FORMAT} v1`);
  if (m.schemaHash !== FEATURE_SCHEMA_HASH_HEX) fail(`${manifestPath}: feature schema ${JSON.stringify(m.schemaHash)} is not this build's ${FEATURE_SCHEMA_HASH_HEX}; rebuild the dataset`);
  const window = (m.window as { length?: unknown } | undefined)?.length;
  if (typeof window !== "number" || !Number.isInteger(window) || window < 2) fail(`${manifestPath}: window.length ${JSON.stringify(window)} is not an integer ≥ 2`);
  if (!Array.isArray(m.nodes)) fail(`${manifestPath}: nodes must be an array`);
  if (m.earlyDetect === null || m.earlyDetect === undefined) fail(`${manifestPath}: the dataset has no EarlyDetect examples (built without attack labels)`);
  let tables: ReturnType<typeof nodeTables>;
  try {
    tables = nodeTables(m.nodes as ManifestNode[]);
  } catch (err) {
    fail(`${manifestPath}: ${(err as Error).message}`);
  }
  const earlyPath = join(dir, "earlydetect.json");
  const earlyText = existsSync(earlyPath) ? readFileSync(earlyPath, "utf8") : fail(`${earlyPath}: no such file`, "missing");
  let records: EarlyRecord[];
  try {
    records = parseEarlyDetect(JSON.parse(earlyText));
  } catch (err) {
    fail(`${earlyPath}: ${(err as Error).message}`);
  }
  const hash = createHash("sha256").update(readFileSync(manifestPath)).update(earlyText);
  const splits = {} as Record<Split, EarlySplit>;
  for (const split of SPLITS) {
    let recs: EarlyRecord[];
    try {
      recs = splitRecords(records, split);
    } catch (err) {
      fail(`${earlyPath}: ${(err as Error).message}`);
    }
    const file = join(dir, `early-${split}.windows.bin`);
    let windows: WindowRecord[];
    try {
      windows = readWindowFile(file, window, recs.length, tables.nodes.length);
    } catch (err) {
      fail((err as Error).message, existsSync(file) ? "bad-data" : "missing");
    }
    hash.update(readFileSync(file));
    recs.forEach((r, i) => {
      const w = windows[i]!;
      const node = tables.nodes[w.node]!;
      if (r.node !== node.node || r.startMinute !== w.startMinute || r.length !== window)
        fail(`${file}: window ${i} (node ${node.node}, minute ${w.startMinute}) does not match earlydetect.json ${split}/${r.id} (node ${r.node}, minute ${r.startMinute}, ${r.length} minutes)`);
    });
    splits[split] = { windows, records: recs };
  }
  const offset = (m.timeZone as { utcOffsetMinutes?: unknown } | undefined)?.utcOffsetMinutes ?? 0; // manifests before timeZone: UTC
  if (typeof offset !== "number" || !Number.isInteger(offset)) fail(`${manifestPath}: timeZone.utcOffsetMinutes ${JSON.stringify(offset)} is not an integer`);
  const subset = (m.featureSubset as { features?: unknown } | undefined)?.features;
  if (subset !== undefined && (!Array.isArray(subset) || !subset.every((x) => typeof x === "string"))) fail(`${manifestPath}: featureSubset.features must be a list of feature names`);
  return { dir, window, nodes: tables.nodes, customers: tables.customers, splits, hash: hash.digest("hex"), cutoffsPath: join(dir, "cutoffs.nfgc"), utcOffsetMinutes: offset, featureSubset: subset ?? null };
}

/** The node and customer counts a backbone for this dataset must have (pre-training's rule). */
export function embeddingSizes(data: Pick<EarlyData, "nodes" | "customers">): { nodes: number; customers: number } {
  return { nodes: data.nodes.length, customers: data.customers.length };
}
