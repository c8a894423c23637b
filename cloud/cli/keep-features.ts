/** @module `netflowgen data keep-features`: a copy of a dataset in which the model sees only some features (paper Table 9: the 6 volume features). */
import { existsSync } from "node:fs";
import { parseArgs } from "node:util";
import { FEATURE_SUBSETS, keepFeatures, parseFeatureSubset } from "../data/dataset/keep-features.js";
import { UsageError, type CliIo, type Command } from "./command.js";

const HELP = `Usage: netflowgen data keep-features --data DIR --out DIR --features SET

Copies a dataset built by \`netflowgen data build\`. Every window file (pre-training and EarlyDetect)
is rewritten so that only the chosen features carry values. The others are set to bin 0 and marked
unavailable. manifest.json records the subset. Pre-training's loss and validation figures still count
the hidden features, as constant targets, so its PPL is not comparable to a full dataset's.
earlydetect.json, labels.json and cutoffs.nfgc are copied unchanged. archives/ is not copied; it is
read only by eval's static-threshold baseline, so give that the source dataset.

Pre-train and fine-tune on the copy as on any dataset. That gives paper Table 9: a backbone that
has seen only the 6 volume features.

Options:
  --data DIR       the source dataset
  --out DIR        the new dataset (must not exist)
  --features SET   ${Object.keys(FEATURE_SUBSETS).join(" | ")} (in/out × packets, bytes, flows) | a comma list of catalogue names
  -h, --help       this text`;

export const keepFeaturesCommand: Command = {
  name: "keep-features",
  summary: "a copy of a dataset with only some features (paper Table 9: volume only)",
  help: HELP,
  async run(argv: string[], io: CliIo): Promise<number> {
    const { values: v } = parseArgs({ args: argv, options: { data: { type: "string" }, out: { type: "string" }, features: { type: "string" } }, strict: true, allowPositionals: false });
    if (!v.data || !v.out || !v.features) throw new UsageError("--data DIR, --out DIR and --features SET are required");
    if (existsSync(v.out)) throw new UsageError(`--out ${v.out} exists; choose a new directory`);
    let keep: number[];
    try {
      keep = parseFeatureSubset(v.features);
    } catch (err) {
      throw new UsageError(`--features: ${(err as Error).message}`);
    }
    const t0 = performance.now();
    try {
      const r = keepFeatures(v.data, v.out, keep);
      io.out(`kept ${r.features.length} features (${r.features.join(", ")}); rewrote ${r.windowFiles.join(", ")}; copied ${r.copied.join(", ")} to ${v.out} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      return 0;
    } catch (err) {
      io.err(`error: ${(err as Error).message}`);
      return 1;
    }
  },
};
