/** @module `netflowgen relay`: flags (util.parseArgs) to relay options, then runs the relay until SIGINT/SIGTERM. */
import { homedir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { lineLogger } from "../relay/log.js";
import { MIB, RELAY_DEFAULTS, RelayOptionError, type RelayInit } from "../relay/options.js";
import { startRelay } from "../relay/relay.js";
import { UsageError, type CliIo, type Command } from "./command.js";

const DEFAULT_LISTEN = "127.0.0.1:2055";

const HELP = `Usage: netflowgen relay --edge URL --key KEY [options]

Receives NetFlow v5/v9 and IPFIX datagrams from exporters (routers, softflowd, pmacct) over UDP and
posts them, in batches, to the edge's POST /v1/flows. Every batch is written to a disk buffer first
and deleted only once the edge has it, so an edge outage or a restart loses nothing unless the buffer
passes its bound (then the oldest batches are dropped, and the drops are logged and counted).

Options:
  --listen HOST:PORT     UDP address to receive on (default ${DEFAULT_LISTEN});
                         0.0.0.0:2055 or [::]:2055 to accept exporters on other hosts
  --edge URL             edge base URL, e.g. https://ingest.example.net (batches go to URL/v1/flows)
  --key KEY              tenant API key (or set NETFLOWGEN_KEY, which keeps it out of ps)
  --buffer-dir DIR       disk buffer (default $XDG_STATE_HOME/netflowgen/relay-HOST-PORT,
                         or ~/.local/state/...); one relay per directory
  --max-buffer-mb N      bound on the buffer, in MiB (default ${RELAY_DEFAULTS.maxBufferBytes / MIB})
  --max-buffer-files N   bound on the number of buffered batches (default ${RELAY_DEFAULTS.maxBufferFiles})
  --batch-ms N           send a batch at most this long after its first datagram (default ${RELAY_DEFAULTS.batchMs})
  --batch-max N          or once it has this many datagrams (default ${RELAY_DEFAULTS.batchMax}), or ~1 MiB
  --stats-interval-s N   a stats line every N seconds, 0 for none (default ${RELAY_DEFAULTS.statsIntervalMs / 1000})
  -h, --help             this text

Edge answers: 2xx or 409 (already have it) → delivered; 400/413/415 → the batch is moved to
DIR/rejected/ and not resent; 401/403 → kept and retried (check the key); anything else, timeouts
and connection errors → retried with exponential backoff (0.5 s doubling to 60 s, jittered), always
with the batch's own Idempotency-Key. Logs go to stderr, one line per event. SIGINT/SIGTERM writes
the open batch to the buffer and stops; the next start sends what is buffered first.`;

const OPTIONS = {
  listen: { type: "string" },
  edge: { type: "string" },
  key: { type: "string" },
  "buffer-dir": { type: "string" },
  "max-buffer-mb": { type: "string" },
  "max-buffer-files": { type: "string" },
  "batch-ms": { type: "string" },
  "batch-max": { type: "string" },
  "stats-interval-s": { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

/** Maps the flags to relay options (without a logger); throws UsageError on a bad or missing flag. */
export function relayOptionsFromArgs(argv: string[], env: CliIo["env"]): Omit<RelayInit, "logger"> | "help" {
  const { values } = parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: false });
  if (values.help) return "help";
  const edge = values.edge ?? "";
  if (!edge) throw new UsageError("--edge URL is required");
  const key = values.key ?? env.NETFLOWGEN_KEY ?? "";
  if (!key) throw new UsageError("--key KEY (or NETFLOWGEN_KEY) is required");
  const listen = values.listen ?? DEFAULT_LISTEN;
  const stateHome = env.XDG_STATE_HOME || join(env.HOME || homedir(), ".local", "state");
  const bufferDir = values["buffer-dir"] ?? join(stateHome, "netflowgen", `relay-${listen.replace(/[^0-9A-Za-z.]+/g, "-").replace(/^-|-$/g, "")}`);
  const mb = number("--max-buffer-mb", values["max-buffer-mb"], { positive: true });
  const stats = number("--stats-interval-s", values["stats-interval-s"], { positive: false });
  return {
    listen,
    edge,
    key,
    bufferDir,
    maxBufferBytes: mb === undefined ? undefined : Math.floor(mb * MIB),
    maxBufferFiles: number("--max-buffer-files", values["max-buffer-files"], { positive: true, integer: true }),
    batchMs: number("--batch-ms", values["batch-ms"], { positive: true, integer: true }),
    batchMax: number("--batch-max", values["batch-max"], { positive: true, integer: true }),
    statsIntervalMs: stats === undefined ? undefined : Math.round(stats * 1000),
  };
}

function number(flag: string, text: string | undefined, rule: { positive: boolean; integer?: boolean }): number | undefined {
  if (text === undefined) return undefined;
  const v = Number(text);
  const ok = text.trim() !== "" && Number.isFinite(v) && (rule.positive ? v > 0 : v >= 0) && (!rule.integer || Number.isInteger(v));
  if (!ok) throw new UsageError(`${flag} ${JSON.stringify(text)} is not a ${rule.positive ? "positive" : "non-negative"} ${rule.integer ? "integer" : "number"}`);
  return v;
}

export const relayCommand: Command = {
  name: "relay",
  summary: "forward UDP NetFlow/IPFIX from exporters to the edge, with a disk buffer",
  help: HELP,
  async run(argv, io) {
    const parsed = relayOptionsFromArgs(argv, io.env);
    if (parsed === "help") {
      io.out(HELP);
      return 0;
    }
    const logger = lineLogger((line) => io.err(line));
    let relay;
    try {
      relay = await startRelay({ ...parsed, logger });
    } catch (err) {
      // option values the relay itself refuses (a bad URL or address) are usage errors too
      if (err instanceof RelayOptionError) throw new UsageError(err.message);
      throw err;
    }
    const running = relay;
    await new Promise<void>((resolve) => {
      let signals = 0;
      const onSignal = (signal: NodeJS.Signals): void => {
        if (++signals > 1) {
          logger.log("warn", "relay.forced_exit", { signal });
          process.exit(130);
        }
        logger.log("info", "relay.signal", { signal, action: "writing the open batch to the buffer and stopping" });
        void running.stop().then(() => {
          process.off("SIGINT", onSignal);
          process.off("SIGTERM", onSignal);
          resolve();
        });
      };
      process.on("SIGINT", onSignal);
      process.on("SIGTERM", onSignal);
    });
    return 0;
  },
};
