/** @module `netflowgen data synth`: the traffic simulator's flags (util.parseArgs) → a scenario run writing flows in one of seven formats, plus a labels file. */
import { createWriteStream } from "node:fs";
import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { ScenarioError, parseScenarioText } from "../data/synth/scenario.js";
import { NotLoopbackError, parseLoopbackTarget } from "../data/synth/loopback.js";
import { attackSourceFor } from "../data/synth/replay-source.js";
import { runSynth, uptimeBase } from "../data/synth/run.js";
import { streamSink } from "../data/synth/sink.js";
import { UdpFlowWriter } from "../data/synth/udp.js";
import { compileWorld, type WorldOverrides } from "../data/synth/world.js";
import { createFileWriter, FILE_FORMATS, FORMATS, type FileFormat, type Format, type FlowWriter } from "../data/synth/writers.js";
import { UsageError, type CliIo, type Command } from "./command.js";

const HELP = `Usage: netflowgen data synth SCENARIO.json [options]

Simulates an ISP tenant's flow records from a scenario file (seeded: the same scenario and seed give
byte-identical output): per-role traffic mixes with diurnal and weekly cycles, heavy-tailed flow
sizes, bursts, outages, drift, scanning noise and maintenance windows, plus the scenario's attacks.
Examples: cloud/data/scenarios/*.json.

Options:
  --format F         ndjson (FlowRecords, default), csv (nfdump -o csv), flow-json (goflow2),
                     v9-pcap, ipfix-pcap (export datagrams in a classic pcap, to UDP 2055 / 4739),
                     v9-udp, ipfix-udp (datagrams sent to --to)
  --out FILE         output file (default stdout; required for pcap formats)
  --labels FILE      attack labels JSON (default FILE.labels.json next to --out; none on stdout)
  --to HOST:PORT     UDP destination; loopback only (127.0.0.0/8, [::1], localhost)
  --pace N           UDP: at most N datagrams per second (default: unpaced)
  --seed N           override the scenario's seed
  --minutes N        override the duration, in minutes
  --days N           override the duration, in days
  --nodes-scale X    multiply every node group's count (rounded up)
  --flow-scale X     multiply every node's flow rate
  --captures DIR     where attacks' replay.capture paths resolve (default ../shared/data/external)
  --quiet            no summary on stderr
  -h, --help         this text`;

const OPTIONS = {
  format: { type: "string" },
  out: { type: "string" },
  labels: { type: "string" },
  to: { type: "string" },
  pace: { type: "string" },
  seed: { type: "string" },
  minutes: { type: "string" },
  days: { type: "string" },
  "nodes-scale": { type: "string" },
  "flow-scale": { type: "string" },
  captures: { type: "string" },
  quiet: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

function positive(flag: string, text: string | undefined, integer = false, allowZero = false): number | undefined {
  if (text === undefined) return undefined;
  const v = Number(text);
  if (text.trim() === "" || !Number.isFinite(v) || v < 0 || (!allowZero && v === 0) || (integer && !Number.isInteger(v))) {
    throw new UsageError(`${flag} ${JSON.stringify(text)} is not a ${allowZero ? "non-negative" : "positive"} ${integer ? "integer" : "number"}`);
  }
  return v;
}

export interface SynthArgs {
  scenarioPath: string;
  format: Format;
  out: string | undefined;
  labels: string | undefined;
  to: string | undefined;
  pace: number | undefined;
  overrides: WorldOverrides;
  quiet: boolean;
}

/** Flags → run arguments; throws UsageError (including for a non-loopback --to). */
export function synthArgs(argv: string[]): SynthArgs | "help" {
  const { values, positionals } = parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: true });
  if (values.help) return "help";
  if (positionals.length !== 1) throw new UsageError("expected one SCENARIO file");
  const format = (values.format ?? "ndjson") as Format;
  if (!FORMATS.includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(", ")}`);
  const udp = format.endsWith("-udp");
  if (udp) {
    if (values.to === undefined) throw new UsageError(`--format ${format} needs --to 127.0.0.1:PORT`);
    try {
      parseLoopbackTarget(values.to);
    } catch (err) {
      if (err instanceof NotLoopbackError) throw new UsageError(err.message);
      throw err;
    }
    if (values.out !== undefined) throw new UsageError("--out is for file formats; UDP formats send to --to");
  } else {
    if (values.to !== undefined || values.pace !== undefined) throw new UsageError("--to and --pace are for v9-udp and ipfix-udp");
    if (format.endsWith("-pcap") && values.out === undefined) throw new UsageError("pcap formats need --out FILE (binary output)");
  }
  if (values.minutes !== undefined && values.days !== undefined) throw new UsageError("give --minutes or --days, not both");
  const days = positive("--days", values.days);
  const minutes = positive("--minutes", values.minutes, true) ?? (days === undefined ? undefined : Math.max(1, Math.round(days * 1440)));
  return {
    scenarioPath: positionals[0]!,
    format,
    out: values.out,
    labels: values.labels ?? (values.out !== undefined ? `${values.out}.labels.json` : undefined),
    to: values.to,
    pace: positive("--pace", values.pace),
    overrides: {
      seed: positive("--seed", values.seed, true, true),
      minutes,
      nodesScale: positive("--nodes-scale", values["nodes-scale"]),
      flowScale: positive("--flow-scale", values["flow-scale"]),
      ...(values.captures === undefined ? {} : { capturesDir: values.captures }),
    },
    quiet: values.quiet ?? false,
  };
}

async function synth(argv: string[], io: CliIo): Promise<number> {
  const args = synthArgs(argv);
  if (args === "help") {
    io.out(HELP);
    return 0;
  }
  let world;
  try {
    world = compileWorld(parseScenarioText(await readFile(args.scenarioPath, "utf8"), args.scenarioPath), args.overrides);
  } catch (err) {
    if (err instanceof ScenarioError) {
      io.err(err.message);
      return 1;
    }
    throw err;
  }
  let attackSource;
  try {
    attackSource = attackSourceFor(world); // reads and checks replayed captures before any output
  } catch (err) {
    if (err instanceof ScenarioError) {
      io.err(`${args.scenarioPath}: ${err.message}`);
      return 1;
    }
    throw err;
  }
  let writer: FlowWriter;
  if (args.format === "v9-udp" || args.format === "ipfix-udp") {
    writer = new UdpFlowWriter({ protocol: args.format === "v9-udp" ? "v9" : "ipfix", to: args.to!, pace: args.pace, uptimeBaseMs: uptimeBase(world) });
  } else {
    const sink = args.out === undefined ? streamSink(process.stdout, false) : streamSink(createWriteStream(args.out));
    writer = createFileWriter(args.format as FileFormat, sink, { exporterIp: world.scenario.exporter, uptimeBaseMs: uptimeBase(world) });
  }
  const result = await runSynth(world, writer, { labelsPath: args.labels, attackSource });
  if (!args.quiet) {
    const s = result.elapsedMs / 1000;
    io.err(`synth: ${world.nodes.length} nodes, ${result.minutes} minutes, ${result.flows} flows, ${world.attacks.length} attacks in ${s.toFixed(1)} s (${Math.round(result.flows / s)} flows/s)${args.labels ? `; labels in ${args.labels}` : ""}`);
  }
  return 0;
}

/** `netflowgen data synth`, as a subcommand of the `data` group (cloud/cli/data.ts). */
export const synthCommand: Command = {
  name: "synth",
  summary: "simulate an ISP tenant's flow records (with labelled attacks) from a scenario file",
  help: HELP,
  run: (argv, io) => synth(argv, io),
};
