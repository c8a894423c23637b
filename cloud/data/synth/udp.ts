/** @module UDP output: export datagrams to a loopback collector, paced at N datagrams per second. */
import { createSocket, type Socket } from "node:dgram";
import { setTimeout as sleep } from "node:timers/promises";
import type { FlowRecord } from "../../../shared/flow/record.js";
import { ExportStream, type ExportProtocol } from "./export-stream.js";
import { parseLoopbackTarget } from "./loopback.js";
import type { FlowWriter } from "./writers.js";

export interface UdpWriterOptions {
  protocol: ExportProtocol;
  /** HOST:PORT, loopback only (checked here, whatever the caller did) */
  to: string;
  /** datagrams per second; 0 or undefined = as fast as the socket takes them */
  pace?: number;
  uptimeBaseMs: number;
}

export class UdpFlowWriter implements FlowWriter {
  readonly sent = { datagrams: 0, bytes: 0 };
  private readonly socket: Socket;
  private readonly stream: ExportStream;
  private readonly target;
  private readonly startedAt = performance.now();

  constructor(private readonly o: UdpWriterOptions) {
    this.target = parseLoopbackTarget(o.to);
    this.socket = createSocket(this.target.family === 6 ? "udp6" : "udp4");
    this.stream = new ExportStream(o.protocol, o.uptimeBaseMs);
  }

  async write(flows: readonly FlowRecord[]): Promise<void> {
    for (const d of this.stream.encode(flows)) {
      if (this.o.pace !== undefined && this.o.pace > 0) {
        const due = this.startedAt + (this.sent.datagrams / this.o.pace) * 1000;
        const wait = due - performance.now();
        if (wait >= 1) await sleep(wait);
      }
      await new Promise<void>((resolve, reject) => this.socket.send(d.bytes, this.target.port, this.target.host, (err) => (err ? reject(err) : resolve())));
      this.sent.datagrams++;
      this.sent.bytes += d.bytes.length;
    }
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.socket.close(() => resolve()));
  }
}
