/** @module `--archives DIR`: minute archives → a dataset built in memory by the data issue's builder (no files written), with every chunk checked first. */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { isWireFormatError } from "../../shared/wire/errors.js";
import { archiveRows, decodeMinuteArchive, type ArchiveRow } from "../../shared/wire/archive.js";
import { buildDataset, datasetManifest, DEFAULT_WINDOW, type DatasetBuild } from "../data/dataset/build.js";
import { gatherSeries } from "../data/dataset/series.js";
import { DataError } from "./errors.js";
import { checkSplits, checkWindows, nodeTables, type TrainData } from "./data.js";

export interface ArchiveBuildOptions {
  readonly window?: number;
  readonly stride?: number;
  readonly fractions?: readonly [number, number, number];
}

/** Every `.nfga` chunk of `dir`, decoded; a bad chunk (truncated, wrong schema hash, ...) is named. */
export function readArchives(dir: string): ArchiveRow[] {
  if (!existsSync(dir)) throw new DataError("missing", `${dir}: no such archive directory`);
  const files = readdirSync(dir).filter((f) => f.endsWith(".nfga")).sort();
  if (files.length === 0) throw new DataError("missing", `${dir}: no .nfga minute-archive chunks`);
  const rows: ArchiveRow[] = [];
  for (const f of files) {
    let chunk;
    try {
      chunk = decodeMinuteArchive(readFileSync(join(dir, f)));
    } catch (err) {
      if (!isWireFormatError(err)) throw err;
      const code = err.code === "truncated" ? "truncated" : err.code === "wrong_schema" ? "schema-hash" : "bad-archive";
      throw new DataError(code, `${join(dir, f)}: ${err.message}`);
    }
    for (const r of archiveRows(chunk)) rows.push(r);
  }
  return rows;
}

/** TrainData from a build in memory (the same node tables as a dataset directory's manifest). */
export function trainDataFromBuild(b: DatasetBuild, source: string): TrainData {
  const manifest = datasetManifest(b);
  const { nodes, customers } = nodeTables(manifest.nodes);
  const train = b.splits.find((s) => s.range.name === "train")!.windows;
  const val = b.splits.find((s) => s.range.name === "val")!.windows;
  const data: TrainData = {
    source,
    window: b.window,
    nodes,
    customers,
    train: train.map((w) => ({ node: w.node, startMinute: w.startMinute, bins: w.bins })),
    val: val.map((w) => ({ node: w.node, startMinute: w.startMinute, bins: w.bins })),
    utcOffsetMinutes: b.utcOffsetMinutes,
    ranges: Object.fromEntries(b.ranges.map((r) => [r.name, { startMinute: r.startMinute, endMinute: r.endMinute }])),
  };
  checkSplits(data);
  checkWindows(source, data.train, nodes.length);
  return data;
}

/** Reads the archives and builds train/val windows in memory (cloud/data/dataset/README.md). */
export function loadArchives(dir: string, options: ArchiveBuildOptions = {}): TrainData {
  const rows = readArchives(dir);
  const data = gatherSeries(rows);
  let build: DatasetBuild;
  try {
    build = buildDataset(data, { window: options.window ?? DEFAULT_WINDOW, ...(options.stride !== undefined ? { stride: options.stride } : {}), ...(options.fractions ? { fractions: options.fractions } : {}), source: { kind: "archives", dir } });
  } catch (err) {
    if (err instanceof RangeError) throw new DataError("empty-split", `${dir}: ${err.message}`);
    throw err;
  }
  return trainDataFromBuild(build, `archives:${dir}`);
}
