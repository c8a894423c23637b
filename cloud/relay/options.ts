/** @module The relay's options: one type, one defaults object, and the check that turns partial options into a complete, valid set. */
import type { Logger } from "./log.js";

export interface RelayOptions {
  /** UDP listen address, `HOST:PORT` or `[IPV6]:PORT` (port 0 picks a free one) */
  listen: string;
  /** edge base URL; batches go to `${edge}/v1/flows` */
  edge: string;
  /** tenant API key, sent as `Authorization: Bearer KEY`; never logged beyond its first 4 characters */
  key: string;
  /** directory of the disk-backed buffer (created if missing); one relay per directory (a lock file enforces it) */
  bufferDir: string;
  /** bound on the buffer's bytes on disk; over it, the oldest batches are dropped (and counted) */
  maxBufferBytes: number;
  /** bound on the number of buffered batch files, which also bounds the relay's memory for the buffer index */
  maxBufferFiles: number;
  /** a batch is sealed this long after its first datagram arrived */
  batchMs: number;
  /** a batch is sealed at this many datagrams */
  batchMax: number;
  /** a batch is sealed before it would exceed this many framed bytes */
  batchMaxBytes: number;
  /** sealed batches waiting for the disk; beyond this (a stalled disk) new batches are dropped and counted */
  maxPendingWrites: number;
  /** requested kernel receive buffer of the UDP socket (the kernel may cap it: net.core.rmem_max) */
  recvBufferBytes: number;
  /** first retry delay; it doubles per failure up to retryMaxMs, with jitter */
  retryBaseMs: number;
  retryMaxMs: number;
  /** per-request timeout */
  requestTimeoutMs: number;
  /** a stats line every this many ms; 0 disables it */
  statsIntervalMs: number;
  logger: Logger;
  /** jitter source in [0, 1); tests may fix it */
  random: () => number;
  /** fsync files and the directory (turn off only in tests on tmpfs-like setups where it is slow) */
  fsync: boolean;
}

export const MIB = 1024 * 1024;

/** An option value the relay cannot use; the message starts with the option's name. */
export class RelayOptionError extends Error {
  override readonly name = "RelayOptionError";
}

export const RELAY_DEFAULTS = {
  maxBufferBytes: 256 * MIB,
  maxBufferFiles: 100_000,
  batchMs: 1000,
  batchMax: 2000,
  batchMaxBytes: MIB,
  maxPendingWrites: 16,
  recvBufferBytes: 8 * MIB,
  retryBaseMs: 500,
  retryMaxMs: 60_000,
  requestTimeoutMs: 30_000,
  statsIntervalMs: 60_000,
  random: Math.random,
  fsync: true,
} satisfies Partial<RelayOptions>;

export type RelayInit = Pick<RelayOptions, "listen" | "edge" | "key" | "bufferDir" | "logger"> &
  Partial<Omit<RelayOptions, "listen" | "edge" | "key" | "bufferDir" | "logger">>;

/** Fills defaults and validates; throws an Error whose message names the bad option. */
export function resolveRelayOptions(init: RelayInit): RelayOptions {
  const o: RelayOptions = { ...RELAY_DEFAULTS, ...stripUndefined(init) };
  if (!o.key) throw new RelayOptionError("key: an API key is required");
  let url: URL;
  try {
    url = new URL(o.edge);
  } catch {
    throw new RelayOptionError(`edge: ${JSON.stringify(o.edge)} is not a URL`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new RelayOptionError(`edge: ${url.protocol} is not http: or https:`);
  if (url.username || url.password) throw new RelayOptionError("edge: the URL must not carry credentials (they would reach logs); the key goes in --key");
  const positive: (keyof RelayOptions)[] = ["maxBufferBytes", "maxBufferFiles", "batchMs", "batchMax", "batchMaxBytes", "maxPendingWrites", "retryBaseMs", "retryMaxMs", "requestTimeoutMs"];
  for (const name of positive) {
    const v = o[name];
    if (typeof v !== "number" || !Number.isFinite(v) || v <= 0) throw new RelayOptionError(`${name}: ${String(v)} is not a positive number`);
  }
  if (o.batchMaxBytes < 64 * 1024 + 64) throw new RelayOptionError(`batchMaxBytes: ${o.batchMaxBytes} cannot hold one 64 KiB datagram`);
  if (o.retryMaxMs < o.retryBaseMs) throw new RelayOptionError(`retryMaxMs (${o.retryMaxMs}) is below retryBaseMs (${o.retryBaseMs})`);
  if (!Number.isFinite(o.statsIntervalMs) || o.statsIntervalMs < 0) throw new RelayOptionError(`statsIntervalMs: ${o.statsIntervalMs} is not ≥ 0`);
  return o;
}

function stripUndefined<T extends object>(v: T): T {
  return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined)) as T;
}
