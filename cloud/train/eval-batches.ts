/** @module Deterministic evaluation batches over val windows at full length: every minute 1..W−1 of every window is a target exactly once. */
import { FEATURE_COUNT } from "../../shared/features/catalogue.js";
import type { WindowRecord } from "../data/dataset/windows-file.js";
import { allocBatch, fillTime, type Batch } from "./batch.js";
import type { TrainNode } from "./data.js";

/** `max` windows evenly spaced through the list (all of them when max is undefined or ≥ the count). */
export function evalSubset(windows: readonly WindowRecord[], max?: number): WindowRecord[] {
  if (max === undefined || max >= windows.length) return [...windows];
  const out: WindowRecord[] = [];
  for (let i = 0; i < max; i++) out.push(windows[Math.floor((i * windows.length) / max)]!);
  return out;
}

/** A piece of one window: inputs [offset, offset + T), bins [offset, offset + T + 1). */
interface Chunk {
  readonly window: WindowRecord;
  readonly offset: number;
  readonly T: number;
}

/**
 * A window of W minutes has W − 1 targets. With L = min(maxT, W − 1) it is cut into chunks of L
 * inputs (the last one shorter), each at position 0 from its first minute, consecutive chunks
 * sharing one minute (the last target of one is the first input of the next). Chunks of equal T
 * are batched together in window order, at most `batch` per batch.
 */
export function* evalBatches(windows: readonly WindowRecord[], nodes: readonly TrainNode[], W: number, maxT: number, batch: number, utcOffsetMinutes = 0, stepMinutes = 1): Generator<Batch> {
  const L = Math.min(maxT, W - 1);
  const groups = new Map<number, Chunk[]>();
  for (const w of windows) {
    for (let offset = 0; offset < W - 1; offset += L) {
      const T = Math.min(L, W - 1 - offset);
      let g = groups.get(T);
      if (g === undefined) groups.set(T, (g = []));
      g.push({ window: w, offset, T });
    }
  }
  for (const [T, chunks] of groups) {
    for (let i = 0; i < chunks.length; i += batch) {
      const part = chunks.slice(i, i + batch);
      const masked = part.some((c) => c.window.unavailable !== undefined);
      const out = masked ? { ...allocBatch(part.length, T), unavailable: new Uint8Array(part.length * (T + 1) * FEATURE_COUNT) } : allocBatch(part.length, T);
      const span = (T + 1) * FEATURE_COUNT;
      part.forEach((c, b) => {
        out.bins.set(c.window.bins.subarray(c.offset * FEATURE_COUNT, c.offset * FEATURE_COUNT + span), b * span);
        const mask = c.window.unavailable;
        if (out.unavailable !== undefined && mask !== undefined) out.unavailable.set(mask.subarray(c.offset * FEATURE_COUNT, c.offset * FEATURE_COUNT + span), b * span);
        fillTime(out.time, b, T, c.window.startMinute + c.offset * stepMinutes, utcOffsetMinutes, stepMinutes);
        const node = nodes[c.window.node]!;
        out.node[b] = node.embedNode;
        out.customer[b] = node.embedCustomer;
        out.startMinute[b] = c.window.startMinute + c.offset * stepMinutes;
        out.dataNode[b] = c.window.node;
      });
      yield out;
    }
  }
}
