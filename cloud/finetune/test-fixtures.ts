/** @module Test fixtures of cloud/finetune: the demo scenario's tenant over 16 hours with three attacks in each split (so that train, val and test all have EarlyDetect examples), built into a small dataset. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runBuild } from "../cli/build-dataset.js";

const DEMO = new URL("../data/scenarios/demo.json", import.meta.url).pathname;

/** Victims are demo nodes; onsets (scenario minutes) put three attacks in each of the 50/25/25 splits of 960 minutes. */
const ATTACKS = [
  ["dns-amplification", "203.0.113.2", 150],
  ["udp-flood", "198.51.100.1", 260],
  ["dns-amplification", "198.51.100.2", 380],
  ["dns-amplification", "203.0.113.3", 560],
  ["udp-flood", "198.51.100.1", 600],
  ["dns-amplification", "203.0.113.2", 660],
  ["udp-flood", "198.51.100.2", 790],
  ["dns-amplification", "203.0.113.3", 850],
  ["dns-amplification", "198.51.100.1", 900],
] as const;

const dirs: string[] = [];
export function tmpDir(prefix = "nfg-ft-"): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(d);
  return d;
}
export function cleanupTmp(): void {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** The dataset directory (window `window`, split 0.5/0.25/0.25): 6 EarlyDetect examples per split. */
export function finetuneDataset(window = 48): string {
  const scenario = JSON.parse(readFileSync(DEMO, "utf8")) as Record<string, unknown>;
  scenario.name = "demo tenant, 16 h, nine attacks (cloud/finetune tests)";
  scenario.duration = { minutes: 960 };
  scenario.attacks = ATTACKS.map(([type, victim, onset]) => ({ type, victim, onset, rampUpMinutes: 2, durationMinutes: 12, intensityPps: type === "udp-flood" ? 30000 : 20000 }));
  const dir = tmpDir("nfg-ft-scn-");
  const path = join(dir, "scenario.json");
  writeFileSync(path, JSON.stringify(scenario));
  const out = join(dir, "ds");
  runBuild({ scenario: path, out, window, fractions: [0.5, 0.25, 0.25], seed: 0 });
  return out;
}
