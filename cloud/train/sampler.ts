/** @module The seeded training-batch sampler: one random length T ∈ [minT, maxT] per batch, B random crops of T+1 consecutive minutes from random nodes' train segments, position 0 = the crop's first minute. */
import { FEATURE_COUNT } from "../../shared/features/catalogue.js";
import { Mulberry32 } from "../engine/rng.js";
import { allocBatch, fillTime, type Batch } from "./batch.js";
import type { TrainNode } from "./data.js";
import { longestSegment, type Segment } from "./segments.js";

export interface SamplerOptions {
  readonly batch: number;
  readonly minT: number;
  readonly maxT: number;
  /** calendar of the time features (default 0: UTC, PAPER-NOTES §3) */
  readonly utcOffsetMinutes?: number;
  /** minutes per step of the segments (default 1) */
  readonly stepMinutes?: number;
}

/**
 * Draw order per batch (all from one Mulberry32, whose u32 state is the sampler's whole state):
 * T = minT + int(maxT − minT + 1); then per window b one integer r uniform over every valid crop
 * start of every segment (a segment of n minutes offers n − T starts), so a crop is uniform over
 * (node, start) pairs and a node is drawn in proportion to its train minutes.
 */
export class BatchSampler {
  readonly rng: Mulberry32;
  private readonly prefix: Float64Array;

  constructor(
    readonly segments: readonly Segment[],
    readonly nodes: readonly TrainNode[],
    readonly options: SamplerOptions,
    seed: number,
  ) {
    const { batch, minT, maxT } = options;
    if (!(Number.isInteger(batch) && batch >= 1)) throw new RangeError(`batch ${batch} must be an integer ≥ 1`);
    if (!(Number.isInteger(minT) && Number.isInteger(maxT) && 1 <= minT && minT <= maxT)) throw new RangeError(`window lengths ${minT}..${maxT} must be integers with 1 ≤ min ≤ max`);
    const longest = longestSegment(segments);
    if (maxT + 1 > longest) throw new RangeError(`a window of T = ${maxT} needs ${maxT + 1} consecutive minutes; the longest train run has ${longest}`);
    this.rng = new Mulberry32(seed);
    this.prefix = new Float64Array(segments.length + 1);
  }

  /** The RNG state (u32): save it in a checkpoint, restore it with `state = saved`. */
  get state(): number {
    return this.rng.state;
  }
  set state(s: number) {
    this.rng.state = s >>> 0;
  }

  /** A uniform u32 from the same stream (the step's dropout seed). */
  u32(): number {
    return Math.floor(this.rng.next() * 4294967296) >>> 0;
  }

  next(): Batch {
    const { batch: B, minT, maxT } = this.options;
    const T = minT + this.rng.int(maxT - minT + 1);
    const prefix = this.prefix;
    for (let i = 0; i < this.segments.length; i++) prefix[i + 1] = prefix[i]! + Math.max(0, this.segments[i]!.length - T);
    const total = prefix[this.segments.length]!;
    const out = allocBatch(B, T);
    const span = (T + 1) * FEATURE_COUNT;
    for (let b = 0; b < B; b++) {
      const r = this.rng.int(total);
      // the segment i with prefix[i] ≤ r < prefix[i+1]
      let lo = 0;
      let hi = this.segments.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >>> 1;
        if (prefix[mid]! <= r) lo = mid;
        else hi = mid - 1;
      }
      const seg = this.segments[lo]!;
      const offset = r - prefix[lo]!;
      out.bins.set(seg.bins.subarray(offset * FEATURE_COUNT, offset * FEATURE_COUNT + span), b * span);
      const step = this.options.stepMinutes ?? 1;
      const start = seg.startMinute + offset * step;
      fillTime(out.time, b, T, start, this.options.utcOffsetMinutes ?? 0, step);
      const node = this.nodes[seg.node]!;
      out.node[b] = node.embedNode;
      out.customer[b] = node.embedCustomer;
      out.startMinute[b] = start;
      out.dataNode[b] = seg.node;
    }
    return out;
  }
}
