/** @module Shared pieces of the real-traffic series loaders: per-feature availability, the output manifest, chunk writing and small CSV/time helpers. */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { FEATURE_COUNT, FEATURE_NAMES } from "../../../shared/features/catalogue.js";
import { encodeMinuteArchive, type MinuteArchive } from "../../../shared/wire/archive.js";

/**
 * How a loader fills one of the 86 features:
 * - `exact`: a count the source gives directly;
 * - `derived`: computed from a source count and a source ratio (exact up to the ratio's rounding);
 * - `approximate`: computed under a stated assumption that the data cannot confirm;
 * - `unavailable`: the source cannot give it; masked as unavailable in every row, value 0.
 */
export type FeatureStatus = "exact" | "derived" | "approximate" | "unavailable";

export interface FeatureAvailability {
  readonly index: number;
  readonly name: string;
  readonly status: FeatureStatus;
  /** how the value is computed (absent for unavailable features) */
  readonly from?: string;
}

/** Per feature: how it is computed, for the features a loader fills; every other feature is unavailable. */
export function featureAvailability(filled: ReadonlyMap<number, { status: Exclude<FeatureStatus, "unavailable">; from: string }>): FeatureAvailability[] {
  return FEATURE_NAMES.map((name, index) => {
    const f = filled.get(index);
    return f === undefined ? { index, name, status: "unavailable" as const } : { index, name, status: f.status, from: f.from };
  });
}

/** (FEATURE_COUNT,) mask with 1 for every unavailable feature of the list. */
export function unavailableTemplate(features: readonly FeatureAvailability[]): Uint8Array {
  const mask = new Uint8Array(FEATURE_COUNT);
  for (const f of features) if (f.status === "unavailable") mask[f.index] = 1;
  return mask;
}

/** One node (one archive chunk file) of a manifest. */
export interface SeriesManifestNode {
  /** node key in the archive (synthetic IPv4 text) */
  readonly node: string;
  /** customer key in the archive */
  readonly customer: string;
  /** chunk file name, relative to the manifest */
  readonly file: string;
  /** archive rows (the full time axis of the node) */
  readonly rows: number;
  /** bytes of the chunk file */
  readonly bytes: number;
  readonly firstMinute: number;
  readonly lastMinute: number;
  /** source identifiers and annotations (e.g. the original id) */
  readonly meta: Readonly<Record<string, string | number | null>>;
}

export interface SeriesManifest {
  readonly format: "netflowgen.series-manifest";
  readonly version: 1;
  /** `cesnet-timeseries24` or `nab-aws-network` */
  readonly source: string;
  readonly tenant: string;
  readonly shard: number;
  /** native step between rows, in minutes */
  readonly stepMinutes: number;
  /** minutes are epoch minutes, UTC */
  readonly timeZone: "UTC";
  readonly timeRange: { readonly firstMinute: number; readonly lastMinute: number; readonly firstUtc: string; readonly lastUtc: string };
  readonly rows: number;
  readonly bytes: number;
  readonly nodes: readonly SeriesManifestNode[];
  readonly features: readonly FeatureAvailability[];
  readonly notes: readonly string[];
  readonly citation: string;
  readonly licence: string;
}

/** What a loader returns (and the CLI prints). */
export interface SeriesLoadResult {
  readonly manifest: SeriesManifest;
  /** absolute path of manifest.json */
  readonly manifestPath: string;
  /** bytes written: chunks + manifest (+ labels) */
  readonly bytesWritten: number;
}

export const MANIFEST_FILE = "manifest.json";

/** Epoch minute -> ISO text, UTC, to the minute. */
export function minuteIso(minute: number): string {
  return new Date(minute * 60_000).toISOString().replace(/:00\.000Z$/, "Z");
}

/** Encodes a chunk and writes it as DIR/file; returns the bytes written. */
export function writeChunk(dir: string, file: string, chunk: MinuteArchive): number {
  const bytes = encodeMinuteArchive(chunk);
  writeFileSync(join(dir, file), bytes);
  return bytes.length;
}

/** Writes the manifest as pretty JSON; returns its path and size. */
export function writeManifest(dir: string, manifest: SeriesManifest): { path: string; bytes: number } {
  const path = join(dir, MANIFEST_FILE);
  const text = JSON.stringify(manifest, null, 1) + "\n";
  writeFileSync(path, text);
  return { path, bytes: Buffer.byteLength(text) };
}

export function ensureDir(dir: string): void {
  mkdirSync(dir, { recursive: true });
}

/** Splits CSV text (no quoted fields) into a header and rows of fields; skips blank lines. */
export function parseSimpleCsv(text: string, what: string): { header: string[]; rows: string[][] } {
  const lines = text.split(/\r?\n/);
  const head = lines[0];
  if (head === undefined || head.trim() === "") throw new Error(`${what}: empty file`);
  const header = head.split(",");
  const rows: string[][] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === "") continue;
    const fields = line.split(",");
    if (fields.length !== header.length) throw new Error(`${what}: line ${i + 1} has ${fields.length} fields, expected ${header.length}`);
    rows.push(fields);
  }
  return { header, rows };
}

/** Column index by name; throws with the file name when missing. */
export function column(header: readonly string[], name: string, what: string): number {
  const i = header.indexOf(name);
  if (i < 0) throw new Error(`${what}: no column ${JSON.stringify(name)} (have ${header.join(",")})`);
  return i;
}

/** A finite number from a CSV field; throws with the place on anything else. */
export function numberField(text: string, what: string): number {
  const v = Number(text);
  if (text.trim() === "" || !Number.isFinite(v)) throw new Error(`${what}: ${JSON.stringify(text)} is not a finite number`);
  return v;
}
