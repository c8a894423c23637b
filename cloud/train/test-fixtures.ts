/** @module Test fixtures of cloud/train: a small dataset from the demo scenario (archives + dataset directory) and windows with recognizable bins. */
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FEATURE_COUNT } from "../../shared/features/catalogue.js";
import { runBuild } from "../cli/build-dataset.js";
import type { WindowRecord } from "../data/dataset/windows-file.js";

export const DEMO_SCENARIO = new URL("../data/scenarios/demo.json", import.meta.url).pathname;

const dirs: string[] = [];
/** A fresh temporary directory (removed by cleanupTmp). */
export function tmpDir(prefix = "nfg-train-"): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(d);
  return d;
}
export function cleanupTmp(): void {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** The demo scenario shortened to `minutes`, built with `window`-minute windows into a temporary directory (OUT/archives holds its minute archives). */
export function demoDataset(minutes = 300, window = 32): string {
  const out = tmpDir("nfg-train-ds-");
  runBuild({ scenario: DEMO_SCENARIO, out, window, fractions: [0.7, 0.15, 0.15], seed: 0, minutes });
  return out;
}

/** A copy of a dataset directory to corrupt. */
export function copyDataset(dir: string): string {
  const out = tmpDir("nfg-train-copy-");
  cpSync(dir, out, { recursive: true });
  return out;
}

/** bins[t][f] = (startMinute + t + f) % 10: a window whose every byte says which minute it is. */
export function patternWindow(node: number, startMinute: number, W: number): WindowRecord {
  const bins = new Uint8Array(W * FEATURE_COUNT);
  for (let t = 0; t < W; t++) for (let f = 0; f < FEATURE_COUNT; f++) bins[t * FEATURE_COUNT + f] = (startMinute + t + f) % 10;
  return { node, startMinute, bins };
}
