/** @module bench/ingest nfdump side: replays our v9 datagrams into Debian's nfcapd (paced, verified, cached) and times nfdump's aggregation of the capture. */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createSocket } from "node:dgram";
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export class ToolMissingError extends Error {}

/** Versions of nfcapd and nfdump; throws ToolMissingError when either is not installed. */
export function toolVersions(): { nfcapd: string; nfdump: string } {
  const version = (tool: string) => {
    const r = spawnSync(tool, ["-V"], { encoding: "utf8" });
    if (r.error !== undefined || r.status !== 0) {
      throw new ToolMissingError(`${tool} is not installed or does not run (${r.error?.message ?? `exit ${r.status}`}); on Debian: apt-get install nfdump`);
    }
    return `${r.stdout}${r.stderr}`.trim().replace(/^.*?Version:\s*/s, "");
  };
  return { nfcapd: version("nfcapd"), nfdump: version("nfdump") };
}

/** Whether a UDP socket is bound to 127.0.0.1:port (from /proc/net/udp). */
function udpBound(port: number): boolean {
  const hex = `0100007F:${port.toString(16).toUpperCase().padStart(4, "0")}`;
  try {
    return readFileSync("/proc/net/udp", "utf8").includes(hex);
  } catch {
    return false;
  }
}

/** A free UDP port on 127.0.0.1 (bound then released). */
async function freePort(): Promise<number> {
  const s = createSocket("udp4");
  await new Promise<void>((res) => s.bind(0, "127.0.0.1", () => res()));
  const port = s.address().port;
  await new Promise<void>((res) => s.close(() => res()));
  return port;
}

const sleep = (ms: number) => new Promise((res) => setTimeout(res, ms));

/** Sends datagrams to 127.0.0.1:port at `perSecond`, in 10 ms slices. Returns the wall time in seconds. */
async function sendPaced(port: number, datagrams: readonly Uint8Array[], perSecond: number): Promise<number> {
  const sock = createSocket("udp4");
  await new Promise<void>((res) => sock.connect(port, "127.0.0.1", () => res()));
  const t0 = performance.now();
  let sent = 0;
  let failed: Error | null = null;
  while (sent < datagrams.length && failed === null) {
    const due = Math.min(datagrams.length, Math.ceil(((performance.now() - t0) / 1000) * perSecond) + 1);
    const waits: Promise<void>[] = [];
    for (; sent < due; sent++) {
      const d = datagrams[sent]!;
      waits.push(new Promise<void>((res) => sock.send(d, (err) => ((failed ??= err ?? null), res()))));
    }
    await Promise.all(waits);
    await sleep(10);
  }
  await new Promise<void>((res) => sock.close(() => res()));
  if (failed !== null) throw failed;
  return (performance.now() - t0) / 1000;
}

function waitExit(child: ChildProcess, timeoutMs: number): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((res) => {
    const timer = setTimeout(() => res(null), timeoutMs);
    child.once("exit", (code) => {
      clearTimeout(timer);
      res(code);
    });
  });
}

export interface CaptureTotals {
  flows: number;
  packets: number;
  bytes: number;
}

/** Flow, packet and byte totals of the nfcapd files in `dir`, from `nfdump -R dir -I`. */
export function captureTotals(dir: string): CaptureTotals {
  const r = spawnSync("nfdump", ["-R", dir, "-I"], { encoding: "utf8" });
  const field = (name: string) => {
    const m = new RegExp(`^${name}:\\s*(\\d+)`, "m").exec(r.stdout ?? "");
    if (r.status !== 0 || m === null) throw new Error(`nfdump -R ${dir} -I failed or lacks ${name} (exit ${r.status}): ${(r.stderr ?? "").trim()}`);
    return Number(m[1]);
  };
  return { flows: field("Flows"), packets: field("Packets"), bytes: field("Bytes") };
}

export interface CaptureInfo {
  records: number;
  datagrams: number;
  /** datagrams per second of the replay that succeeded, and its wall time */
  pace: number;
  sendSeconds: number;
  attempts: number;
  files: number;
  createdAt: string;
  nfcapd: string;
}

/**
 * Replays the datagrams into a fresh nfcapd writing to `flowDir` (`nfcapd -w DIR -p PORT -b 127.0.0.1
 * -B 8388608 -t 3600` as a foreground child), stops it with SIGTERM so it flushes and renames its file,
 * and checks with `nfdump -I` that it holds exactly `records` flows. On a shortfall (socket buffer
 * overflow) it retries at half the pace, up to `attempts` times.
 */
export async function captureWithNfcapd(flowDir: string, datagrams: readonly Uint8Array[], records: number, pace: number, version: string, attempts = 3, log: (s: string) => void = (s) => console.error(`[bench:ingest] ${s}`)): Promise<CaptureInfo> {
  for (let attempt = 1; attempt <= attempts; attempt++, pace = Math.floor(pace / 2)) {
    rmSync(flowDir, { recursive: true, force: true });
    mkdirSync(flowDir, { recursive: true });
    const port = await freePort();
    const args = ["-w", flowDir, "-p", String(port), "-b", "127.0.0.1", "-B", "8388608", "-t", "3600"];
    const child = spawn("nfcapd", args, { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr!.on("data", (b: Buffer) => (stderr += b.toString()));
    try {
      for (let i = 0; !udpBound(port); i++) {
        if (child.exitCode !== null || i > 100) throw new Error(`nfcapd ${args.join(" ")} did not start listening: ${stderr.trim()}`);
        await sleep(50);
      }
      log(`replaying ${datagrams.length} v9 datagrams into nfcapd on 127.0.0.1:${port} at ${pace}/s (attempt ${attempt}) ...`);
      const sendSeconds = await sendPaced(port, datagrams, pace);
      await sleep(1000); // let nfcapd drain its socket buffer
      child.kill("SIGTERM");
      const code = await waitExit(child, 30_000);
      if (code === null) throw new Error("nfcapd did not exit within 30 s of SIGTERM");
      const files = readdirSync(flowDir).filter((f) => f.startsWith("nfcapd.") && !f.includes("current"));
      const got = files.length === 0 ? 0 : captureTotals(flowDir).flows;
      log(`nfcapd stored ${got} of ${records} records in ${files.length} file(s) (${sendSeconds.toFixed(1)} s of replay)`);
      if (got === records) return { records, datagrams: datagrams.length, pace, sendSeconds, attempts: attempt, files: files.length, createdAt: new Date().toISOString(), nfcapd: version };
      if (got > records) throw new Error(`nfcapd stored more records (${got}) than were sent (${records})`);
    } finally {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGKILL");
        await waitExit(child, 5000);
      }
    }
  }
  throw new Error(`nfcapd kept losing records after ${attempts} attempts (last pace ${pace * 2}/s); raise net.core.rmem_max or lower --pace`);
}

export interface CachedCapture {
  dir: string;
  info: CaptureInfo;
  cached: boolean;
}

/** The capture under `cacheDir/nfcapd`, made once per workload key and reused while `capture.json` says it is complete. */
export async function cachedCapture(cacheDir: string, datagrams: readonly Uint8Array[], records: number, pace: number, version: string, fresh: boolean): Promise<CachedCapture> {
  const dir = join(cacheDir, "nfcapd");
  const meta = join(cacheDir, "capture.json");
  if (!fresh && existsSync(meta) && existsSync(dir)) {
    const info = JSON.parse(readFileSync(meta, "utf8")) as CaptureInfo;
    if (info.records === records && info.datagrams === datagrams.length && info.nfcapd === version) return { dir, info, cached: true };
  }
  rmSync(meta, { force: true });
  const info = await captureWithNfcapd(dir, datagrams, records, pace, version);
  writeFileSync(meta, JSON.stringify(info, null, 2));
  return { dir, info, cached: false };
}

export interface NfdumpTiming {
  args: string[];
  /** wall seconds of each timed run (stdout to /dev/null) */
  wall: number[];
  best: number;
  /** output lines without a csv header: one per aggregation key */
  keys: number;
  /** user + system CPU seconds of one run (from /usr/bin/time), or NaN without it */
  cpu: number;
}

/**
 * Times `nfdump -R dir <extra…> -q -o csv`: one untimed run under /usr/bin/time (CPU seconds, output
 * lines counted, page cache warmed), then `runs` timed runs with stdout to /dev/null; best wall time wins.
 */
export function timeNfdump(dir: string, extra: string[], runs = 3): NfdumpTiming {
  const args = ["-R", dir, ...extra, "-q", "-o", "csv"];
  const hasTime = existsSync("/usr/bin/time");
  const first = hasTime
    ? spawnSync("/usr/bin/time", ["-f", "cpu %U %S", "nfdump", ...args], { encoding: "utf8", maxBuffer: 1 << 30 })
    : spawnSync("nfdump", args, { encoding: "utf8", maxBuffer: 1 << 30 });
  if (first.status !== 0) throw new Error(`nfdump ${args.join(" ")} failed (exit ${first.status}): ${(first.stderr ?? "").trim()}`);
  const lines = (first.stdout ?? "").split("\n").filter((l) => l.length > 0 && !l.startsWith("ts,"));
  const cpuMatch = /cpu ([\d.]+) ([\d.]+)/.exec(first.stderr ?? "");
  const cpu = cpuMatch ? Number(cpuMatch[1]) + Number(cpuMatch[2]) : Number.NaN;
  const wall: number[] = [];
  const devNull = openSync("/dev/null", "w");
  try {
    for (let i = 0; i < runs; i++) {
      const t0 = process.hrtime.bigint();
      const r = spawnSync("nfdump", args, { stdio: ["ignore", devNull, "pipe"] });
      const t1 = process.hrtime.bigint();
      if (r.status !== 0) throw new Error(`nfdump ${args.join(" ")} failed (exit ${r.status}): ${r.stderr?.toString().trim()}`);
      wall.push(Number(t1 - t0) / 1e9);
    }
  } finally {
    closeSync(devNull);
  }
  return { args, wall, best: Math.min(...wall), keys: lines.length, cpu };
}
