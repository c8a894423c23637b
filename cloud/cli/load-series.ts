/** @module `netflowgen data load-series`: turns the real traffic series (CESNET-TimeSeries24, NAB AWS NetworkIn) into minute archive chunks, a manifest and labels. */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { loadCesnet, type CesnetStratum } from "../data/series/cesnet.js";
import type { SeriesLoadResult } from "../data/series/common.js";
import { loadNab } from "../data/series/nab.js";
import { UsageError, type CliIo, type Command } from "./command.js";

const SOURCES = { cesnet: "cesnet-timeseries24", nab: "nab-aws-network" } as const;
type Source = keyof typeof SOURCES;

const HELP = `Usage: netflowgen data load-series --source cesnet|nab --out DIR [options]

Reads a real traffic series from /shared/data/series and writes it as minute archive chunks
(NFGA, one file per node, with an unavailable mask for every feature the data cannot give),
manifest.json (nodes, rows, native step, UTC time range, per-feature availability: exact,
derived, approximate or unavailable, notes, citation and licence) and, for NAB, labels.json
(the labelled anomaly windows). Rows stay at the source's native step (CESNET 10 minutes,
NAB 5 minutes); each row's minute is the epoch minute (UTC) its window starts in.
(This may later move to \`netflowgen data load-series\`.)

Options:
  --source cesnet|nab    which series
  --in DIR               the series folder (default ../shared/data/series/<cesnet-timeseries24|
                         nab-aws-network>); the parent series/ folder works too
  --out DIR              output folder (created if needed; existing chunk files are overwritten)
  --ips N                only the first N nodes (CESNET: files.csv order after --stratum)
  --stratum S            CESNET only: complete, random or all (default all)
  --ids A,B,...          CESNET only: only these id_ip values
  -h, --help             this text

CESNET: 140 IPs × 40,298 windows; a window without a row is zero traffic (not unavailable);
flows and everything but volume pkt/byt and TCP/UDP pkt/byt are unavailable. NAB: the three EC2
NetworkIn files, inbound bytes only; a repeated timestamp keeps its first row; a gap becomes
rows marked unavailable. See manifest.json "notes" for every mapping decision.`;

const OPTIONS = {
  source: { type: "string" },
  in: { type: "string" },
  out: { type: "string" },
  ips: { type: "string" },
  stratum: { type: "string" },
  ids: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

export interface LoadSeriesArgs {
  readonly source: Source;
  readonly inDir: string;
  readonly outDir: string;
  readonly ips?: number;
  readonly stratum?: CesnetStratum | "all";
  readonly ids?: number[];
}

function positiveInt(flag: string, text: string): number {
  const v = Number(text);
  if (text.trim() === "" || !Number.isInteger(v) || v <= 0) throw new UsageError(`${flag} ${JSON.stringify(text)} is not a positive integer`);
  return v;
}

/** Flags -> arguments; throws UsageError on a bad or missing flag. */
export function loadSeriesArgs(argv: string[]): LoadSeriesArgs | "help" {
  const { values } = parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: false });
  if (values.help) return "help";
  const source = values.source;
  if (source === undefined) throw new UsageError("--source cesnet|nab is required");
  if (source !== "cesnet" && source !== "nab") throw new UsageError(`--source ${JSON.stringify(source)} is not cesnet or nab`);
  if (!values.out) throw new UsageError("--out DIR is required");
  const stratum = values.stratum;
  if (stratum !== undefined && stratum !== "complete" && stratum !== "random" && stratum !== "all") {
    throw new UsageError(`--stratum ${JSON.stringify(stratum)} is not complete, random or all`);
  }
  if (source === "nab" && (stratum !== undefined || values.ids !== undefined)) throw new UsageError("--stratum and --ids are for --source cesnet only");
  let inDir = values.in ?? join("..", "shared", "data", "series", SOURCES[source]);
  // the parent series/ folder names the source's subfolder
  if (!existsSync(join(inDir, source === "cesnet" ? "ip_addresses_sample" : "labels")) && existsSync(join(inDir, SOURCES[source]))) {
    inDir = join(inDir, SOURCES[source]);
  }
  return {
    source,
    inDir,
    outDir: values.out,
    ...(values.ips === undefined ? {} : { ips: positiveInt("--ips", values.ips) }),
    ...(stratum === undefined ? {} : { stratum }),
    ...(values.ids === undefined ? {} : { ids: values.ids.split(",").map((s) => positiveIntOrZero(s)) }),
  };
}

function positiveIntOrZero(text: string): number {
  const v = Number(text);
  if (text.trim() === "" || !Number.isInteger(v) || v < 0) throw new UsageError(`--ids: ${JSON.stringify(text)} is not an id_ip`);
  return v;
}

/** Runs a load; the result's manifest has the summary. */
export function runLoadSeries(args: LoadSeriesArgs): SeriesLoadResult {
  if (args.source === "cesnet") {
    return loadCesnet({ inDir: args.inDir, outDir: args.outDir, stratum: args.stratum, ips: args.ips, ids: args.ids });
  }
  return loadNab({ inDir: args.inDir, outDir: args.outDir, ips: args.ips });
}

/** The summary the command prints. */
export function loadSummary(result: SeriesLoadResult, seconds: number): string {
  const m = result.manifest;
  const unavailable = m.features.filter((f) => f.status === "unavailable").length;
  return [
    `source      ${m.source} (${m.stepMinutes}-minute rows)`,
    `nodes       ${m.nodes.length}`,
    `rows        ${m.rows}`,
    `time range  ${m.timeRange.firstUtc} .. ${m.timeRange.lastUtc} (UTC)`,
    `features    ${m.features.length - unavailable} available, ${unavailable} unavailable`,
    `written     ${result.bytesWritten} bytes (${(result.bytesWritten / 1048576).toFixed(1)} MiB) in ${seconds.toFixed(1)} s`,
    `manifest    ${result.manifestPath}`,
  ].join("\n");
}

export const loadSeriesCommand: Command = {
  name: "load-series",
  summary: "load a real traffic series (CESNET-TimeSeries24, NAB NetworkIn) into minute archive chunks",
  help: HELP,
  async run(argv: string[], io: CliIo): Promise<number> {
    const args = loadSeriesArgs(argv);
    if (args === "help") {
      io.out(HELP);
      return 0;
    }
    const t0 = performance.now();
    const result = runLoadSeries(args);
    io.out(loadSummary(result, (performance.now() - t0) / 1000));
    return 0;
  },
};
