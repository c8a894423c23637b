/** @module Groups received datagrams into batches: a batch is sealed batchMs after its first datagram, at batchMax datagrams, or before it would pass batchMaxBytes framed bytes. */
import type { FramedDatagram } from "../../shared/ingest/datagram-batch.js";

export interface BatcherOptions {
  batchMs: number;
  batchMax: number;
  batchMaxBytes: number;
}

/** Header of a framed batch (see shared/ingest/datagram-batch.ts). */
const BATCH_HEADER_BYTES = 12;

/** Bytes one datagram takes in a framed batch. */
export function framedBytes(d: FramedDatagram): number {
  return 12 + (d.exporter.includes(":") ? 16 : 4) + d.payload.length;
}

export class Batcher {
  private datagrams: FramedDatagram[] = [];
  private bytes = BATCH_HEADER_BYTES;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly options: BatcherOptions,
    private readonly onSeal: (datagrams: FramedDatagram[]) => void,
  ) {}

  /** datagrams in the open batch */
  get size(): number {
    return this.datagrams.length;
  }

  add(d: FramedDatagram): void {
    const size = framedBytes(d);
    if (this.datagrams.length > 0 && this.bytes + size > this.options.batchMaxBytes) this.flush();
    this.datagrams.push(d);
    this.bytes += size;
    if (this.datagrams.length >= this.options.batchMax || this.bytes >= this.options.batchMaxBytes) this.flush();
    else if (this.timer === undefined) this.timer = setTimeout(() => this.flush(), this.options.batchMs);
  }

  /** Seals the open batch now, if it has any datagram. */
  flush(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.datagrams.length === 0) return;
    const sealed = this.datagrams;
    this.datagrams = [];
    this.bytes = BATCH_HEADER_BYTES;
    this.onSeal(sealed);
  }

  /** Throws the open batch away (an abrupt stop). */
  discard(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.datagrams = [];
    this.bytes = BATCH_HEADER_BYTES;
  }
}
