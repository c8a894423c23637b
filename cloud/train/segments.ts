/** @module A split's windows merged into per-node runs of consecutive minutes (windows of one node that touch or overlap), so that training can crop T+1 minutes anywhere in them. */
import { FEATURE_COUNT } from "../../shared/features/catalogue.js";
import type { WindowRecord } from "../data/dataset/windows-file.js";

/** Consecutive minutes of one node: bins (length, FEATURE_COUNT), minute-major. */
export interface Segment {
  readonly node: number;
  readonly startMinute: number;
  /** steps (minutes, or native steps of `stepMinutes`) */
  readonly length: number;
  readonly bins: Uint8Array;
}

/**
 * Windows (W minutes each) → segments. Windows of one node are sorted by start; one that begins at
 * or before the end of the current run extends it (its minutes past the run's end are appended;
 * bins are per minute, so the overlapping minutes are the same bytes). A gap starts a new segment.
 * Segments are ordered by node, then start minute.
 */
export function segmentsOf(windows: readonly WindowRecord[], W: number, stepMinutes = 1): Segment[] {
  const S = stepMinutes;
  const byNode = new Map<number, WindowRecord[]>();
  for (const w of windows) {
    let list = byNode.get(w.node);
    if (list === undefined) byNode.set(w.node, (list = []));
    list.push(w);
  }
  const out: Segment[] = [];
  for (const node of [...byNode.keys()].sort((a, b) => a - b)) {
    const list = byNode.get(node)!.sort((a, b) => a.startMinute - b.startMinute);
    let start = -1;
    let end = -1;
    let parts: Uint8Array[] = [];
    const flush = () => {
      if (parts.length === 0) return;
      const bins = new Uint8Array((end - start) * FEATURE_COUNT);
      let at = 0;
      for (const p of parts) {
        bins.set(p, at);
        at += p.length;
      }
      out.push({ node, startMinute: start, length: (end - start) / S, bins });
      parts = [];
    };
    for (const w of list) {
      // native steps: a window joins the run only on the run's step grid (a longer step, e.g. a
      // collection gap, starts a new segment)
      if (parts.length > 0 && w.startMinute <= end && (end - w.startMinute) % S === 0) {
        const skip = (end - w.startMinute) / S;
        if (skip < W) {
          parts.push(w.bins.subarray(skip * FEATURE_COUNT, W * FEATURE_COUNT));
          end = w.startMinute + W * S;
        }
        continue;
      }
      flush();
      start = w.startMinute;
      end = start + W * S;
      parts.push(w.bins);
    }
    flush();
  }
  return out;
}

/** Next-minute targets in the segments: Σ (length − 1). */
export function targetCount(segments: readonly Segment[]): number {
  let n = 0;
  for (const s of segments) n += s.length - 1;
  return n;
}

/** The longest segment's length (minutes). */
export function longestSegment(segments: readonly Segment[]): number {
  let n = 0;
  for (const s of segments) if (s.length > n) n = s.length;
  return n;
}
