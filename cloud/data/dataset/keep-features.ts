/** @module A dataset restricted to a subset of the features (paper Table 9: a backbone that sees only the 6 volume features): every window file is rewritten with the other features at bin 0 and marked unavailable; everything else is copied. */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { FEATURE_COUNT, FEATURES, featureIndex, VOLUME_OFFSET } from "../../../shared/features/catalogue.js";
import { decodeWindows, encodeWindows, type WindowRecord } from "./windows-file.js";

/** Named subsets: "volume" = in/out × packets, bytes, flows (catalogue 0..5). */
export const FEATURE_SUBSETS: Readonly<Record<string, readonly number[]>> = {
  volume: Array.from({ length: 6 }, (_, i) => VOLUME_OFFSET + i),
};

/** "volume" or a comma list of catalogue names → sorted unique indices (RangeError on an unknown name or an empty list). */
export function parseFeatureSubset(text: string): number[] {
  const named = FEATURE_SUBSETS[text];
  if (named !== undefined) return [...named];
  const names = text.split(",").map((s) => s.trim()).filter((s) => s !== "");
  if (names.length === 0) throw new RangeError(`features ${JSON.stringify(text)}: empty`);
  return [...new Set(names.map((n) => featureIndex(n)))].sort((a, b) => a - b);
}

/** One window with only `keep` available: other features' bins → 0 and unavailable → 1 (a feature already unavailable stays so). */
export function keepWindowFeatures(w: WindowRecord, keep: ReadonlySet<number>): WindowRecord {
  const F = FEATURE_COUNT;
  const bins = Uint8Array.from(w.bins);
  const unavailable = w.unavailable ? Uint8Array.from(w.unavailable) : new Uint8Array(bins.length);
  for (let at = 0; at < bins.length; at += F)
    for (let f = 0; f < F; f++)
      if (!keep.has(f)) {
        bins[at + f] = 0;
        unavailable[at + f] = 1;
      }
  return { node: w.node, startMinute: w.startMinute, bins, unavailable };
}

export interface KeepFeaturesResult {
  readonly features: readonly string[];
  readonly windowFiles: readonly string[];
  readonly copied: readonly string[];
}

/**
 * Writes dataset `src` to `out` with only features `keep`: each *.windows.bin (pre-training and
 * EarlyDetect windows) is rewritten with masks, manifest.json gains `featureSubset`, and the other
 * top-level files (earlydetect.json, labels.json, cutoffs.nfgc) are copied. archives/ (raw counters,
 * read only by the static-threshold baseline) is not copied.
 */
export function keepFeatures(src: string, out: string, keep: readonly number[]): KeepFeaturesResult {
  if (!existsSync(join(src, "manifest.json"))) throw new RangeError(`${src}: no manifest.json (not a dataset directory)`);
  if (keep.length === 0 || keep.some((f) => !Number.isInteger(f) || f < 0 || f >= FEATURE_COUNT)) throw new RangeError(`features must be catalogue indices in [0, ${FEATURE_COUNT}), at least one`);
  mkdirSync(out, { recursive: true });
  const set = new Set(keep);
  const windowFiles: string[] = [];
  const copied: string[] = [];
  for (const name of readdirSync(src, { withFileTypes: true })) {
    if (!name.isFile()) continue;
    const from = join(src, name.name);
    if (name.name.endsWith(".windows.bin")) {
      const file = decodeWindows(new Uint8Array(readFileSync(from)));
      writeFileSync(join(out, name.name), encodeWindows(file.length, file.windows.map((w) => keepWindowFeatures(w, set)), true));
      windowFiles.push(name.name);
    } else if (name.name === "manifest.json") {
      const m = JSON.parse(readFileSync(from, "utf8")) as Record<string, unknown>;
      m.masked = true;
      m.featureSubset = { source: src, features: keep.map((f) => FEATURES[f]!.name), note: "other features are bin 0 and marked unavailable" };
      writeFileSync(join(out, name.name), `${JSON.stringify(m, null, 1)}\n`);
    } else {
      copyFileSync(from, join(out, name.name));
      copied.push(name.name);
    }
  }
  return { features: keep.map((f) => FEATURES[f]!.name), windowFiles: windowFiles.sort(), copied: copied.sort() };
}
