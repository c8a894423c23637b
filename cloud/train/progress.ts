/** @module Training progress: a cli-progress bar (tokens/s, loss, ETA) on a TTY, else one line every N steps; messages go above the bar. */
import cliProgress from "cli-progress";

export interface ProgressInfo {
  readonly epoch: number;
  readonly loss: number;
  readonly tokensPerS: number;
}

export interface Progress {
  start(total: number, at: number): void;
  update(step: number, info: ProgressInfo): void;
  /** a message line (kept above the bar) */
  log(text: string): void;
  stop(): void;
}

const fmt = (x: number, d: number) => (Number.isFinite(x) ? x.toFixed(d) : "-");

/** An ETA like 1h02m or 3m05s or 42s. */
export function formatEta(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "-";
  const s = Math.round(seconds);
  if (s >= 3600) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
  if (s >= 60) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  return `${s}s`;
}

/** The bar on stderr. */
export function barProgress(): Progress {
  const multi = new cliProgress.MultiBar(
    {
      format: "epoch {epoch} |{bar}| {value}/{total} steps | loss {loss} | {tps} tok/s | ETA {eta_formatted}",
      hideCursor: true,
      clearOnComplete: false,
      etaBuffer: 50,
      stream: process.stderr,
    },
    cliProgress.Presets.shades_classic,
  );
  let bar: cliProgress.SingleBar | undefined;
  return {
    start(total, at) {
      bar = multi.create(total, at, { epoch: "-", loss: "-", tps: "-" });
    },
    update(step, info) {
      bar?.update(step, { epoch: info.epoch, loss: fmt(info.loss, 4), tps: fmt(info.tokensPerS, 0) });
    },
    log(text) {
      multi.log(`${text}\n`);
    },
    stop() {
      multi.stop();
    },
  };
}

/** Plain lines: one per `every` steps (and the last), through `write`. */
export function lineProgress(write: (text: string) => void, every: number): Progress {
  let total = 0;
  let started = 0;
  let first = 0;
  return {
    start(t, at) {
      total = t;
      first = at;
      started = performance.now();
    },
    update(step, info) {
      if (step % every !== 0 && step !== total) return;
      const elapsed = (performance.now() - started) / 1000;
      const eta = step > first ? (elapsed / (step - first)) * (total - step) : Number.NaN;
      write(`step ${step}/${total} epoch ${info.epoch} loss ${fmt(info.loss, 4)} ${fmt(info.tokensPerS, 0)} tok/s ETA ${formatEta(eta)}`);
    },
    log: write,
    stop() {},
  };
}

/** Nothing but the messages. */
export function silentProgress(write: (text: string) => void): Progress {
  return { start() {}, update() {}, log: write, stop() {} };
}
