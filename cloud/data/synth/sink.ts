/** @module Byte sinks for the simulator's writers: a Node writable stream (file or stdout) with backpressure, or memory (tests). */
import { once } from "node:events";
import type { Writable } from "node:stream";

export interface ByteSink {
  write(chunk: string | Uint8Array): Promise<void>;
  close(): Promise<void>;
}

/** Writes to a stream, waiting for 'drain' when its buffer is full. `end` closes it (false for stdout). */
export function streamSink(stream: Writable, end = true): ByteSink {
  return {
    async write(chunk) {
      if (!stream.write(chunk)) await once(stream, "drain");
    },
    async close() {
      if (!end) return;
      stream.end();
      await once(stream, "finish");
    },
  };
}

/** Collects everything written (for tests and small outputs). */
export class MemorySink implements ByteSink {
  readonly chunks: Uint8Array[] = [];
  private readonly encoder = new TextEncoder();
  async write(chunk: string | Uint8Array): Promise<void> {
    this.chunks.push(typeof chunk === "string" ? this.encoder.encode(chunk) : chunk);
  }
  async close(): Promise<void> {}
  bytes(): Uint8Array {
    return Buffer.concat(this.chunks);
  }
  text(): string {
    return Buffer.concat(this.chunks).toString("utf8");
  }
}
