// Test support for the relay: a fake edge (node:http on 127.0.0.1) that records every request, a UDP exporter stand-in, a capturing logger, and polling.
import { createSocket } from "node:dgram";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decodeDatagramBatch, type FramedDatagram } from "../../../shared/ingest/datagram-batch.js";
import type { Logger, LogFields, LogLevel } from "../../../cloud/relay/log.js";
import { formatLogLine } from "../../../cloud/relay/log.js";

export const TEST_KEY = "nfg_test_k3y_SECRET_0123456789";

export interface EdgeRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Uint8Array;
  /** the status the fake edge answered */
  status: number;
}

export interface EdgeAnswer {
  status: number;
  body?: string;
  headers?: Record<string, string>;
  /** answer after this many ms (to provoke the relay's timeout) */
  delayMs?: number;
}

/** Decides the answer to the n-th request (0-based); `seen` tells whether its Idempotency-Key was accepted before. */
export type Responder = (req: Omit<EdgeRequest, "status">, n: number, seen: boolean) => EdgeAnswer;

export interface FakeEdge {
  url: string;
  port: number;
  requests: EdgeRequest[];
  /** batches the edge accepted (2xx), once per Idempotency-Key: what a deduping edge would keep */
  accepted: Map<string, FramedDatagram[]>;
  respond: Responder;
  close(): Promise<void>;
}

/** Answers a batch id it has accepted before with 200 {"duplicate": true}, as edge/src/routes/ingest.ts does. */
export const dedupingEdge: Responder = (_req, _n, seen) => ({ status: 200, body: JSON.stringify({ duplicate: seen }) });

/** The same, but answering a known batch id with 409 (an edge may do either; both mean delivered). */
export const conflictEdge: Responder = (_req, _n, seen) => (seen ? { status: 409, body: '{"error":"duplicate"}' } : { status: 200, body: "{}" });

export async function startFakeEdge(respond: Responder = dedupingEdge, port = 0): Promise<FakeEdge> {
  const edge: FakeEdge = {
    url: "",
    port: 0,
    requests: [],
    accepted: new Map(),
    respond,
    close: async () => {},
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = new Uint8Array(Buffer.concat(chunks));
      const base = { method: req.method ?? "", url: req.url ?? "", headers: req.headers, body };
      const key = String(req.headers["idempotency-key"] ?? "");
      const answer = edge.respond(base, edge.requests.length, edge.accepted.has(key));
      edge.requests.push({ ...base, status: answer.status });
      if (answer.status >= 200 && answer.status < 300 && !edge.accepted.has(key)) edge.accepted.set(key, decodeDatagramBatch(body));
      const send = (): void => {
        if (res.destroyed) return;
        res.writeHead(answer.status, { "content-type": "application/json", ...answer.headers });
        res.end(answer.body ?? "");
      };
      if (answer.delayMs) setTimeout(send, answer.delayMs);
      else send();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  edge.port = (server.address() as AddressInfo).port;
  edge.url = `http://127.0.0.1:${edge.port}`;
  edge.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return edge;
}

/** A loopback TCP port that nothing listens on (just now): an edge that is down. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Distinct, recognisable payloads: `${tag}-${i}` padded with filler to `size` bytes. */
export function payloads(tag: string, count: number, size = 64): Uint8Array[] {
  return Array.from({ length: count }, (_, i) => {
    const head = new TextEncoder().encode(`${tag}-${String(i).padStart(5, "0")}|`);
    const out = new Uint8Array(Math.max(size, head.length)).fill(0x2e);
    out.set(head);
    return out;
  });
}

export function text(payload: Uint8Array): string {
  return new TextDecoder().decode(payload).replace(/\|\.*$/, "");
}

/** Sends the datagrams from an ephemeral socket (one exporter), a few at a time so loopback never overflows. */
export async function sendUdp(host: string, port: number, datagrams: readonly Uint8Array[], family: 4 | 6 = 4): Promise<void> {
  const socket = createSocket(family === 6 ? "udp6" : "udp4");
  try {
    for (let i = 0; i < datagrams.length; i++) {
      await new Promise<void>((resolve, reject) => socket.send(datagrams[i]!, port, host, (err) => (err ? reject(err) : resolve())));
      if (i % 50 === 49) await new Promise((r) => setTimeout(r, 1));
    }
  } finally {
    socket.close();
  }
}

export interface CapturedLog {
  level: LogLevel;
  event: string;
  fields: LogFields;
  line: string;
}

export function captureLogger(): Logger & { entries: CapturedLog[]; lines(): string[] } {
  const entries: CapturedLog[] = [];
  return {
    entries,
    lines: () => entries.map((e) => e.line),
    log: (level, event, fields = {}) => entries.push({ level, event, fields, line: formatLogLine(Date.now(), level, event, fields) }),
  };
}

export async function waitFor(what: string, cond: () => boolean, timeoutMs = 5000, everyMs = 10): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export function tempDir(): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), "nfg-relay-"));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Payload texts the edge accepted, in acceptance order (each batch id once). */
export function acceptedTexts(edge: FakeEdge): string[] {
  return [...edge.accepted.values()].flatMap((batch) => batch.map((d) => text(d.payload)));
}

/** Short timings so each test ends in a few seconds. */
export const FAST = {
  batchMs: 30,
  retryBaseMs: 20,
  retryMaxMs: 150,
  requestTimeoutMs: 2000,
  statsIntervalMs: 0,
} as const;
