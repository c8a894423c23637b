/** @module The sender loop: posts the buffer's batches one at a time, oldest first, retrying with backoff until each is delivered, rejected or dropped. */
import { backoffDelayMs } from "./backoff.js";
import { keyHint, urlForLog, type Logger } from "./log.js";
import { ingestUrl, postBatch } from "./post.js";
import type { Spool, SpoolEntry } from "./spool.js";
import type { RelayStats } from "./stats.js";

export interface SenderOptions {
  edge: string;
  key: string;
  retryBaseMs: number;
  retryMaxMs: number;
  requestTimeoutMs: number;
  random: () => number;
  logger: Logger;
}

export class Sender {
  private readonly stop = new AbortController();
  private wakeUp: (() => void) | undefined;
  private readonly url: string;
  /** consecutive failed attempts (any batch); resets on a delivery or a rejection */
  private failures = 0;
  private loop: Promise<void> | undefined;

  constructor(
    private readonly spool: Spool,
    private readonly stats: RelayStats,
    private readonly options: SenderOptions,
  ) {
    this.url = ingestUrl(options.edge);
  }

  start(): void {
    this.loop ??= this.run().catch((err: unknown) => {
      this.options.logger.log("error", "sender.crashed", { error: String(err) });
    });
  }

  /** A new batch is on disk. */
  wake(): void {
    this.wakeUp?.();
  }

  /** Stops after aborting any attempt in progress (its batch stays on disk, to be resent with the same id). */
  async close(): Promise<void> {
    this.stop.abort();
    this.wakeUp?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    const signal = this.stop.signal;
    while (!signal.aborted) {
      try {
        await this.step(signal);
      } catch (err) {
        // a file-system error on the buffer (rename, unlink, …): keep the batch, try again later
        this.spool.release();
        this.failures++;
        this.options.logger.log("error", "sender.error", { error: String(err) });
        await this.pause(undefined, signal);
      }
    }
  }

  /** One attempt on the oldest batch (or a wait for one). */
  private async step(signal: AbortSignal): Promise<void> {
    const { logger } = this.options;
    const entry = this.spool.hold();
    if (!entry) {
      await new Promise<void>((resolve) => (this.wakeUp = resolve));
      this.wakeUp = undefined;
      return;
    }
    let body: Uint8Array | null;
    try {
      body = await this.spool.read(entry);
    } catch (err) {
      this.spool.release();
      logger.log("error", "buffer.read_failed", { batch: entry.id, file: entry.name, error: String(err) });
      await this.pause(undefined, signal);
      return;
    }
    if (!body) return; // deleted behind our back
    const outcome = await postBatch({ url: this.url, key: this.options.key, batchId: entry.id, body, timeoutMs: this.options.requestTimeoutMs, signal });
    switch (outcome.kind) {
      case "aborted":
        this.spool.release();
        return;
      case "delivered":
        await this.spool.delivered(entry);
        this.count(entry, "sent");
        if (outcome.duplicate) this.stats.duplicates++;
        if (this.failures > 0) logger.log("info", "edge.recovered", { after_failures: this.failures, batch: entry.id });
        this.failures = 0;
        break;
      case "rejected": {
        const evicted = await this.spool.reject(entry);
        this.count(entry, "rejected");
        logger.log("error", "batch.rejected", { status: outcome.status, batch: entry.id, datagrams: entry.datagrams, bytes: entry.bytes, moved_to: `rejected/${entry.name}`, reason: outcome.reason });
        if (evicted.length > 0) logger.log("warn", "rejected.evicted", { files: evicted.length, why: "rejected/ is over its bound; oldest deleted" });
        this.failures = 0;
        break;
      }
      case "auth":
        this.spool.release();
        this.failures++;
        this.stats.retries++;
        logger.log("error", "edge.auth_failed", {
          status: outcome.status,
          key: keyHint(this.options.key),
          edge: urlForLog(this.url),
          batch: entry.id,
          attempt: this.failures,
          reason: outcome.reason,
          action: "the key was refused; batches stay buffered and are retried; check --key",
        });
        await this.pause(undefined, signal);
        break;
      case "retry":
        this.spool.release();
        this.failures++;
        this.stats.retries++;
        logger.log("warn", "edge.unavailable", { status: outcome.status, edge: urlForLog(this.url), batch: entry.id, attempt: this.failures, reason: outcome.reason });
        await this.pause(outcome.retryAfterMs, signal);
        break;
    }
  }

  private count(entry: SpoolEntry, what: "sent" | "rejected"): void {
    if (what === "sent") {
      this.stats.sentBatches++;
      this.stats.sentDatagrams += entry.datagrams;
    } else {
      this.stats.rejectedBatches++;
      this.stats.rejectedDatagrams += entry.datagrams;
    }
  }

  /** Backoff after a failure (at least Retry-After when the edge sent one, never past retryMaxMs); ends early on stop. */
  private pause(retryAfterMs: number | undefined, signal: AbortSignal): Promise<void> {
    const { retryBaseMs, retryMaxMs, random } = this.options;
    let ms = backoffDelayMs(this.failures, retryBaseMs, retryMaxMs, random);
    if (retryAfterMs !== undefined) ms = Math.max(ms, Math.min(retryAfterMs, retryMaxMs));
    return new Promise((resolve) => {
      if (signal.aborted) return resolve();
      const done = (): void => {
        clearTimeout(timer);
        signal.removeEventListener("abort", done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener("abort", done, { once: true });
    });
  }
}
