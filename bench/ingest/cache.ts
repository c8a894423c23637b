/** @module bench/ingest workload cache: the length-framed encodings under bench/out/ingest/<key>/, and the decoded batches the aggregate-only drivers replay. */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ipfix } from "../../edge/src/parsers/ipfix/parse.js";
import { netflowV9 } from "../../edge/src/parsers/netflow-v9/parse.js";
import { NodeSet } from "../../shared/features/nodes.js";
import type { FlowColumns } from "../../shared/flow/columns.js";
import { asDatagrams, decodeBatches } from "./ours.js";

/** Where run.ts caches workloads (gitignored). */
export const CACHE_ROOT = join(import.meta.dirname, "..", "out", "ingest");

/** Writes datagrams as one file of (uint32 length, bytes) frames. */
export function writeFrames(path: string, frames: readonly Uint8Array[]): void {
  const total = frames.reduce((n, f) => n + 4 + f.length, 0);
  const buf = new Uint8Array(total);
  const dv = new DataView(buf.buffer);
  let at = 0;
  for (const f of frames) {
    dv.setUint32(at, f.length);
    buf.set(f, at + 4);
    at += 4 + f.length;
  }
  writeFileSync(path, buf);
}

export function readFrames(path: string): Uint8Array[] {
  const buf = new Uint8Array(readFileSync(path));
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const out: Uint8Array[] = [];
  for (let at = 0; at < buf.length; ) {
    const n = dv.getUint32(at);
    out.push(buf.subarray(at + 4, at + 4 + n));
    at += 4 + n;
  }
  return out;
}

export interface CachedBatches {
  records: number;
  nodeSet: NodeSet;
  /** the workload decoded as the bench decodes it: `batch` datagrams per FlowColumns */
  batches: FlowColumns[];
}

/** The first cached workload (`npm run bench:ingest` makes one), its v9 or IPFIX encoding decoded into batches. */
export function loadCachedBatches(useIpfix: boolean, batch = 750): CachedBatches {
  const dir = join(CACHE_ROOT, readdirSync(CACHE_ROOT).filter((d) => d.startsWith("w"))[0]!);
  const meta = JSON.parse(readFileSync(join(dir, "workload.json"), "utf8")) as { prefixes: { prefix: string; customer: string }[]; records: number };
  const frames = readFrames(join(dir, useIpfix ? "ipfix.bin" : "v9.bin"));
  const batches = decodeBatches(useIpfix ? "ipfix" : "v9", useIpfix ? ipfix : netflowV9, asDatagrams(frames, Date.UTC(2026, 2, 2, 10)), meta.records, batch);
  return { records: meta.records, nodeSet: new NodeSet(meta.prefixes), batches };
}
