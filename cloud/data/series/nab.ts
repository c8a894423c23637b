/** @module NAB realAWSCloudwatch EC2 NetworkIn series -> minute archive chunks (one per instance, 5-minute rows, inbound bytes only, gaps masked) plus manifest and anomaly labels. */
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { FEATURE_COUNT, featureIndex } from "../../../shared/features/catalogue.js";
import type { MinuteArchive } from "../../../shared/wire/archive.js";
import {
  column,
  ensureDir,
  featureAvailability,
  type FeatureAvailability,
  minuteIso,
  numberField,
  parseSimpleCsv,
  type SeriesLoadResult,
  type SeriesManifest,
  type SeriesManifestNode,
  unavailableTemplate,
  writeChunk,
  writeManifest,
} from "./common.js";

export const NAB_SOURCE = "nab-aws-network";
export const NAB_TENANT = "nab-aws-network";
export const NAB_SHARD = 0;
export const NAB_STEP_MINUTES = 5;
export const NAB_LABELS_FILE = "labels.json";
export const NAB_CITATION =
  'Ahmad, Lavin, Purdy, Agha, "Unsupervised real-time anomaly detection for streaming data", Neurocomputing (2017), doi:10.1016/j.neucom.2017.04.070; data: numenta/NAB @ ea702d75cc2258d9d7dd35ca8e5e2539d71f3140, data/realAWSCloudwatch/';
export const NAB_LICENCE = 'MIT (numenta/NAB LICENSE.txt, "Copyright 2014-2024 Numenta Inc.")';
/** Key prefix of the series in NAB's label files. */
export const NAB_LABEL_FOLDER = "realAWSCloudwatch";

/**
 * The EC2 NetworkIn files (the ELB request-count file counts requests, not bytes, and is not
 * loaded), each with a fixed synthetic node address in 198.51.100.0/24 (TEST-NET-2).
 */
export const NAB_FILES: readonly { readonly file: string; readonly node: string; readonly instance: string }[] = [
  { file: "ec2_network_in_257a54.csv", node: "198.51.100.1", instance: "ec2 257a54" },
  { file: "ec2_network_in_5abac7.csv", node: "198.51.100.2", instance: "ec2 5abac7" },
  { file: "iio_us-east-1_i-a2eb1cd9_NetworkIn.csv", node: "198.51.100.3", instance: "i-a2eb1cd9 (us-east-1)" },
];

const IN_BYT = featureIndex("volume_in_byt");

/** The 86 features as the NAB loader fills them: inbound bytes only. */
export const NAB_FEATURES: readonly FeatureAvailability[] = featureAvailability(
  new Map([[IN_BYT, { status: "exact" as const, from: "NetworkIn value (bytes per 5-minute sample, CloudWatch statistic unknown)" }]]),
);

export const NAB_NOTES: readonly string[] = [
  "Timestamps carry no time zone; they are taken as UTC. minute = the sample's timestamp in epoch minutes.",
  "One node per EC2 NetworkIn file (node = a fixed 198.51.100.x address, customer = nab-aws); the series are separate resources and periods, not one multi-node matrix.",
  "volume_in_byt = the NetworkIn value; every other feature is unavailable (masked, value 0).",
  "A repeated timestamp keeps its first row; the others are dropped and counted in meta.duplicates_dropped.",
  "A gap (a step longer than 5 minutes) is not zero traffic but a missing sample: the loader inserts rows every 5 minutes after the previous sample, floor(gap / 5 min) − 1 of them, with every feature (volume_in_byt included) unavailable. meta.gap_rows counts them.",
  "Anomaly windows and points from labels/combined_windows.json and combined_labels.json are written to labels.json, in the same minutes.",
];

/** "2014-04-10 00:04:00" or "2014-04-10 00:04:00.000000", no zone, read as UTC -> epoch minute. */
export function nabMinute(text: string, what: string): number {
  const m = /^(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)(\.\d+)?$/.exec(text.trim());
  if (!m) throw new Error(`${what}: timestamp ${JSON.stringify(text)} is not YYYY-MM-DD HH:MM:SS`);
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
  if (!Number.isFinite(ms)) throw new Error(`${what}: timestamp ${JSON.stringify(text)} is invalid`);
  return Math.floor(ms / 60_000);
}

export interface NabSeries {
  /** row minutes, strictly increasing */
  readonly minutes: Uint32Array;
  /** (rows, FEATURE_COUNT) */
  readonly counters: Float64Array;
  /** (rows, FEATURE_COUNT), 1 = unavailable */
  readonly unavailable: Uint8Array;
  /** samples in the file (rows of the CSV) */
  readonly samples: number;
  readonly duplicatesDropped: number;
  readonly gapRows: number;
}

/** One NAB CSV -> rows: kept samples plus unavailable gap rows. Throws on a bad value or a timestamp going back. */
export function nabSeriesFromCsv(text: string, what: string): NabSeries {
  const { header, rows } = parseSimpleCsv(text, what);
  const tCol = column(header, "timestamp", what);
  const vCol = column(header, "value", what);
  const kept: { minute: number; value: number }[] = [];
  let duplicatesDropped = 0;
  let gapRows = 0;
  const rowMinutes: number[] = [];
  const rowValues: number[] = []; // NaN = gap row
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    const where = `${what} line ${i + 2}`;
    const minute = nabMinute(row[tCol]!, where);
    const value = numberField(row[vCol]!, `${where} value`);
    if (value < 0) throw new Error(`${where}: value ${value} is negative`);
    const prev = kept[kept.length - 1];
    if (prev !== undefined) {
      if (minute === prev.minute) {
        duplicatesDropped++;
        continue;
      }
      if (minute < prev.minute) throw new Error(`${where}: timestamp ${row[tCol]} goes back in time`);
      const missing = Math.floor((minute - prev.minute) / NAB_STEP_MINUTES) - 1;
      for (let j = 1; j <= missing; j++) {
        rowMinutes.push(prev.minute + j * NAB_STEP_MINUTES);
        rowValues.push(Number.NaN);
        gapRows++;
      }
    }
    kept.push({ minute, value });
    rowMinutes.push(minute);
    rowValues.push(value + 0);
  }
  const n = rowMinutes.length;
  const minutes = Uint32Array.from(rowMinutes);
  const counters = new Float64Array(n * FEATURE_COUNT);
  const unavailable = new Uint8Array(n * FEATURE_COUNT);
  const template = unavailableTemplate(NAB_FEATURES);
  for (let i = 0; i < n; i++) {
    const base = i * FEATURE_COUNT;
    const v = rowValues[i]!;
    if (Number.isNaN(v)) {
      unavailable.fill(1, base, base + FEATURE_COUNT);
    } else {
      unavailable.set(template, base);
      counters[base + IN_BYT] = v;
    }
  }
  return { minutes, counters, unavailable, samples: rows.length, duplicatesDropped, gapRows };
}

export interface NabLabelWindow {
  readonly start: string;
  readonly end: string;
  readonly startMinute: number;
  readonly endMinute: number;
}

export interface NabLabels {
  readonly format: "netflowgen.series-labels";
  readonly version: 1;
  readonly source: string;
  readonly timeZone: "UTC (assumed; NAB timestamps have no zone)";
  readonly nodes: readonly {
    readonly node: string;
    readonly file: string;
    /** anomaly windows (inclusive bounds) from combined_windows.json */
    readonly windows: readonly NabLabelWindow[];
    /** labelled anomaly instants from combined_labels.json */
    readonly points: readonly { readonly time: string; readonly minute: number }[];
  }[];
}

function readJsonObject(path: string): Record<string, unknown> {
  const value: unknown = JSON.parse(readFileSync(path, "utf8"));
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new Error(`${path}: expected a JSON object`);
  return value as Record<string, unknown>;
}

/** Labels of the loaded files, from labels/combined_windows.json (required) and combined_labels.json (optional). */
export function readNabLabels(inDir: string, files: readonly { file: string; node: string }[]): NabLabels {
  const windowsPath = join(inDir, "labels", "combined_windows.json");
  const pointsPath = join(inDir, "labels", "combined_labels.json");
  const windows = readJsonObject(windowsPath);
  const points = existsSync(pointsPath) ? readJsonObject(pointsPath) : {};
  return {
    format: "netflowgen.series-labels",
    version: 1,
    source: NAB_SOURCE,
    timeZone: "UTC (assumed; NAB timestamps have no zone)",
    nodes: files.map(({ file, node }) => {
      const key = `${NAB_LABEL_FOLDER}/${file}`;
      const w = windows[key] ?? [];
      if (!Array.isArray(w)) throw new Error(`${windowsPath}: ${key} is not a list`);
      const p = points[key] ?? [];
      if (!Array.isArray(p)) throw new Error(`${pointsPath}: ${key} is not a list`);
      return {
        node,
        file,
        windows: w.map((pair: unknown, i) => {
          if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== "string" || typeof pair[1] !== "string") {
            throw new Error(`${windowsPath}: ${key}[${i}] is not a [start, end] pair of strings`);
          }
          const [start, end] = pair as [string, string];
          const startMinute = nabMinute(start, `${windowsPath} ${key}[${i}]`);
          const endMinute = nabMinute(end, `${windowsPath} ${key}[${i}]`);
          if (endMinute < startMinute) throw new Error(`${windowsPath}: ${key}[${i}] ends before it starts`);
          return { start, end, startMinute, endMinute };
        }),
        points: p.map((t: unknown, i) => {
          if (typeof t !== "string") throw new Error(`${pointsPath}: ${key}[${i}] is not a string`);
          return { time: t, minute: nabMinute(t, `${pointsPath} ${key}[${i}]`) };
        }),
      };
    }),
  };
}

export interface NabLoadOptions {
  /** the nab-aws-network folder */
  readonly inDir: string;
  readonly outDir: string;
  /** only the first N files of NAB_FILES */
  readonly ips?: number;
}

export function nabChunkFile(file: string): string {
  return `nab-${file.replace(/\.csv$/, "")}.nfga`;
}

/** Fails with a clear message when `inDir` is not the NAB folder. */
export function checkNabDir(inDir: string): void {
  if (!existsSync(inDir) || !statSync(inDir).isDirectory()) throw new Error(`input folder ${inDir} does not exist`);
  for (const rel of [...NAB_FILES.map((f) => f.file), join("labels", "combined_windows.json")]) {
    if (!existsSync(join(inDir, rel))) throw new Error(`input folder ${inDir} is not the NAB realAWSCloudwatch folder: ${rel} is missing`);
  }
}

/** Writes one chunk per NetworkIn file, manifest.json and labels.json into `outDir`. */
export function loadNab(options: NabLoadOptions): SeriesLoadResult {
  const inDir = resolve(options.inDir);
  const outDir = resolve(options.outDir);
  checkNabDir(inDir);
  const files = NAB_FILES.slice(0, options.ips ?? NAB_FILES.length);
  if (files.length === 0) throw new Error("no files selected");
  ensureDir(outDir);
  const customer = "nab-aws";
  const nodes: SeriesManifestNode[] = [];
  let bytesWritten = 0;
  let rows = 0;
  for (const entry of files) {
    const path = join(inDir, entry.file);
    const series = nabSeriesFromCsv(readFileSync(path, "utf8"), path);
    const n = series.minutes.length;
    const zeros = new Uint32Array(n);
    const chunk: MinuteArchive = {
      tenant: NAB_TENANT,
      shard: NAB_SHARD,
      nodes: [entry.node],
      customers: [customer],
      node: zeros,
      customer: zeros,
      minute: series.minutes,
      counters: series.counters,
      unavailable: series.unavailable,
    };
    const file = nabChunkFile(entry.file);
    const bytes = writeChunk(outDir, file, chunk);
    bytesWritten += bytes;
    rows += n;
    nodes.push({
      node: entry.node,
      customer,
      file,
      rows: n,
      bytes,
      firstMinute: series.minutes[0]!,
      lastMinute: series.minutes[n - 1]!,
      meta: {
        source_file: entry.file,
        resource: entry.instance,
        metric: "NetworkIn",
        samples: series.samples,
        duplicates_dropped: series.duplicatesDropped,
        gap_rows: series.gapRows,
      },
    });
  }
  const labels = readNabLabels(inDir, files);
  const labelsText = JSON.stringify(labels, null, 1) + "\n";
  writeFileSync(join(outDir, NAB_LABELS_FILE), labelsText);
  const first = Math.min(...nodes.map((n) => n.firstMinute));
  const last = Math.max(...nodes.map((n) => n.lastMinute));
  const manifest: SeriesManifest = {
    format: "netflowgen.series-manifest",
    version: 1,
    source: NAB_SOURCE,
    tenant: NAB_TENANT,
    shard: NAB_SHARD,
    stepMinutes: NAB_STEP_MINUTES,
    timeZone: "UTC",
    timeRange: { firstMinute: first, lastMinute: last, firstUtc: minuteIso(first), lastUtc: minuteIso(last) },
    rows,
    bytes: bytesWritten,
    nodes,
    features: NAB_FEATURES,
    notes: NAB_NOTES,
    citation: NAB_CITATION,
    licence: NAB_LICENCE,
  };
  const written = writeManifest(outDir, manifest);
  return { manifest, manifestPath: written.path, bytesWritten: bytesWritten + written.bytes + Buffer.byteLength(labelsText) };
}
