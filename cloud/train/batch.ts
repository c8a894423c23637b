/** @module The decoder's batch layout (docs/model.md "Input of one window"): bins (B, T+1, NF) u8, time (B, T, 4) i32, node and customer (B) i32. */
import { FEATURE_COUNT } from "../../shared/features/catalogue.js";
import { timeIndices } from "../../shared/features/time.js";

/** Time index slots per token (weekday, day of month, minute, hour). */
export const NTIME = 4;

export interface Batch {
  readonly B: number;
  readonly T: number;
  /** (B, T+1, NF): inputs are minutes 0..T−1, the target of minute t is minute t+1 */
  readonly bins: Uint8Array;
  /** (B, T, 4): timeIndices of each input minute's epoch minute */
  readonly time: Int32Array;
  /** (B): rows of wNode */
  readonly node: Int32Array;
  /** (B): rows of wCustomer */
  readonly customer: Int32Array;
  /** (B): epoch minute of each window's first minute (position 0) */
  readonly startMinute: Int32Array;
  /** (B): manifest index of each window's node (before the unseen-node mapping) */
  readonly dataNode: Int32Array;
  /** (B, T+1, NF) 1 = unavailable, when the windows carry masks (evaluation batches only) */
  readonly unavailable?: Uint8Array;
}

/** An empty batch of B windows of T tokens. */
export function allocBatch(B: number, T: number): Batch {
  return {
    B,
    T,
    bins: new Uint8Array(B * (T + 1) * FEATURE_COUNT),
    time: new Int32Array(B * T * NTIME),
    node: new Int32Array(B),
    customer: new Int32Array(B),
    startMinute: new Int32Array(B),
    dataNode: new Int32Array(B),
  };
}

/** Writes the time indices of minutes start, start + step, … (T tokens) into row b of `time`. */
export function fillTime(time: Int32Array, b: number, T: number, startMinute: number, utcOffsetMinutes: number, stepMinutes = 1): void {
  let at = b * T * NTIME;
  for (let t = 0; t < T; t++) {
    const idx = timeIndices(startMinute + t * stepMinutes, utcOffsetMinutes);
    time[at++] = idx[0];
    time[at++] = idx[1];
    time[at++] = idx[2];
    time[at++] = idx[3];
  }
}
