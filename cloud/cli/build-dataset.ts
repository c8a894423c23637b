/** @module `netflowgen data build`: minute archives (or a simulator scenario) → a training dataset: time split, train-only cutoffs, binned windows, EarlyDetect examples, and the paper's Tables 1 and 2. */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { buildDataset, DEFAULT_WINDOW, writeDataset, type DatasetBuild } from "../data/dataset/build.js";
import { parseLabels, type AttackLabelInput } from "../data/dataset/early.js";
import { gatherSeries, readArchiveDir } from "../data/dataset/series.js";
import { simulateRows, worldFromScenarioFile, writeArchives } from "../data/dataset/simulate.js";
import { DEFAULT_FRACTIONS, parseFractions } from "../data/dataset/split.js";
import { table1, table2 } from "../data/dataset/tables.js";
import { UsageError, type CliIo, type Command } from "./command.js";

const HELP = `Usage: netflowgen data build (--archives DIR | --scenario FILE.json) --out DIR [options]

Builds a dataset (cloud/data/dataset/README.md): per-node minute series (missing minutes are zero
traffic), a split by time (no window straddles a boundary), per-node cutoffs fitted on the train
minutes only (cutoffs.nfgc), the unseen-node mapping for nodes without train data, binned windows
per split (<split>.windows.bin), and with labels the EarlyDetect examples (earlydetect.json,
early-<split>.windows.bin). Prints Tables 1 and 2.

Options:
  --archives DIR       a directory of minute-archive chunks (*.nfga)
  --scenario FILE      run the simulator on a scenario instead (its archives go to OUT/archives/,
                       its labels to OUT/labels.json and are used unless --labels is given)
  --out DIR            output directory
  --window N           minutes per window (default ${DEFAULT_WINDOW})
  --stride N           minutes between window starts (default: the window, non-overlapping)
  --split A,B,C        train,val,test fractions by time (default ${DEFAULT_FRACTIONS.join(",")})
  --labels FILE        attack labels JSON (the simulator's FILE.labels.json) for EarlyDetect
  --seed N             seed of the non-attack window draw (default 0)
  --step N             with --archives: minutes per native step of the data (e.g. 10 for CESNET);
                       windows, strides and splits then count steps (default 1)
  --utc-offset MIN     with --archives: the tenant's offset from UTC in minutes for the time
                       features (default 0; a scenario's own offset is used with --scenario)
  --minutes N          with --scenario: override its duration
  --days N             with --scenario: override its duration, in days
  -h, --help           this text`;

const OPTIONS = {
  archives: { type: "string" },
  scenario: { type: "string" },
  out: { type: "string" },
  window: { type: "string" },
  stride: { type: "string" },
  split: { type: "string" },
  labels: { type: "string" },
  seed: { type: "string" },
  "utc-offset": { type: "string" },
  step: { type: "string" },
  minutes: { type: "string" },
  days: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

export interface BuildArgs {
  readonly archives?: string;
  readonly scenario?: string;
  readonly out: string;
  readonly window: number;
  readonly stride?: number;
  readonly fractions: readonly [number, number, number];
  readonly labels?: string;
  readonly seed: number;
  readonly minutes?: number;
  /** minutes per native step of the archives' rows (with --archives; default 1) */
  readonly stepMinutes?: number;
  /** minutes east of UTC (with --archives; default 0) */
  readonly utcOffsetMinutes?: number;
}

function int(flag: string, text: string, min: number): number {
  const v = Number(text);
  if (text.trim() === "" || !Number.isInteger(v) || v < min) throw new UsageError(`${flag} ${JSON.stringify(text)} is not an integer ≥ ${min}`);
  return v;
}

export function buildArgs(argv: string[]): BuildArgs | "help" {
  const { values } = parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: false });
  if (values.help) return "help";
  if ((values.archives === undefined) === (values.scenario === undefined)) throw new UsageError("give exactly one of --archives DIR or --scenario FILE");
  if (!values.out) throw new UsageError("--out DIR is required");
  if (values.scenario === undefined && (values.minutes !== undefined || values.days !== undefined)) throw new UsageError("--minutes and --days are for --scenario");
  if (values.minutes !== undefined && values.days !== undefined) throw new UsageError("give --minutes or --days, not both");
  let fractions: [number, number, number] = [...DEFAULT_FRACTIONS];
  if (values.split !== undefined) {
    try {
      fractions = parseFractions(values.split);
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
  }
  if (values.scenario !== undefined && values.step !== undefined) throw new UsageError("--step is for --archives (a scenario has 1-minute steps)");
  if (values.scenario !== undefined && values["utc-offset"] !== undefined) throw new UsageError("--utc-offset is for --archives (a scenario sets its own)");
  let utcOffsetMinutes = 0;
  if (values["utc-offset"] !== undefined) {
    utcOffsetMinutes = Number(values["utc-offset"]);
    if (!Number.isInteger(utcOffsetMinutes) || utcOffsetMinutes < -720 || utcOffsetMinutes > 840) throw new UsageError(`--utc-offset ${JSON.stringify(values["utc-offset"])} is not an integer in [-720, 840]`);
  }
  const minutes = values.minutes !== undefined ? int("--minutes", values.minutes, 1) : values.days !== undefined ? int("--days", values.days, 1) * 1440 : undefined;
  return {
    ...(values.archives !== undefined ? { archives: values.archives } : {}),
    ...(values.scenario !== undefined ? { scenario: values.scenario } : {}),
    out: values.out,
    window: values.window !== undefined ? int("--window", values.window, 1) : DEFAULT_WINDOW,
    ...(values.stride !== undefined ? { stride: int("--stride", values.stride, 1) } : {}),
    fractions,
    ...(values.labels !== undefined ? { labels: values.labels } : {}),
    seed: values.seed !== undefined ? int("--seed", values.seed, 0) : 0,
    ...(minutes !== undefined ? { minutes } : {}),
    utcOffsetMinutes,
    ...(values.step !== undefined ? { stepMinutes: int("--step", values.step, 1) } : {}),
  };
}

export interface BuildRun {
  readonly build: DatasetBuild;
  readonly files: string[];
}

/** Runs a build end to end (reading, simulating, writing). */
export function runBuild(args: BuildArgs): BuildRun {
  let labels: AttackLabelInput[] | undefined = args.labels !== undefined ? parseLabels(JSON.parse(readFileSync(args.labels, "utf8"))) : undefined;
  let source: Record<string, unknown>;
  let data;
  let utcOffsetMinutes = args.utcOffsetMinutes ?? 0;
  if (args.scenario !== undefined) {
    const world = worldFromScenarioFile(args.scenario, args.minutes !== undefined ? { minutes: args.minutes } : {});
    const sim = simulateRows(world);
    // only the scenario's minutes: flows spill a few minutes past its end
    const rows = sim.rows.filter((r) => r.minute >= world.startMinute && r.minute < world.endMinute);
    const archives = writeArchives(join(args.out, "archives"), world.scenario.tenant.name, rows);
    writeArchiveLabels(args.out, sim.labels);
    labels ??= sim.labels.attacks;
    utcOffsetMinutes = world.utcOffsetMinutes;
    source = { kind: "scenario", scenario: args.scenario, seed: world.seed, minutes: world.endMinute - world.startMinute, flows: sim.flows, archives: archives.map((f) => `archives/${f}`), labels: args.labels ?? "labels.json" };
    data = gatherSeries(rows, { startMinute: world.startMinute, endMinute: world.endMinute });
  } else {
    const read = readArchiveDir(args.archives!);
    source = { kind: "archives", dir: args.archives, files: read.files, labels: args.labels ?? null };
    data = gatherSeries(read.rows, undefined, args.stepMinutes !== undefined ? { stepMinutes: args.stepMinutes } : {});
  }
  const build = buildDataset(data, {
    window: args.window,
    ...(args.stride !== undefined ? { stride: args.stride } : {}),
    fractions: args.fractions,
    ...(labels !== undefined ? { labels } : {}),
    seed: args.seed,
    source,
    utcOffsetMinutes,
  });
  return { build, files: writeDataset(args.out, build) };
}

/** The simulator's labels, kept next to the archives so that a later `--archives OUT/archives --labels OUT/labels.json` build can use them. */
function writeArchiveLabels(out: string, labels: unknown): void {
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, "labels.json"), `${JSON.stringify(labels, null, 2)}\n`);
}

export const buildDatasetCommand: Command = {
  name: "build",
  summary: "build a training dataset (split, cutoffs, windows, EarlyDetect) from minute archives or a scenario",
  help: HELP,
  async run(argv: string[], io: CliIo): Promise<number> {
    const args = buildArgs(argv);
    if (args === "help") {
      io.out(HELP);
      return 0;
    }
    const t0 = performance.now();
    const { build, files } = runBuild(args);
    io.out(`${table1(build)}\n\n${table2(build)}\n\nwrote ${files.length} files to ${args.out} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    return 0;
  },
};
