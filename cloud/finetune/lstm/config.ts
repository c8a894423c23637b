/** @module The Multiscale-LSTM's configuration (Xatu's baseline): input embedding, timescales, hidden sizes, and its flat parameter layout with named views. */
import { BIN_COUNT, FEATURE_COUNT } from "../../../shared/features/catalogue.js";
import { TIME_DIMS } from "../../../shared/features/time.js";
import { VIEW_ALIGN } from "../../engine/kernels.js";

/**
 * Legend: B windows, T minutes, NF features of V bins, E embedding width, S scales, k_s a scale's factor,
 * T_s = ⌊T/k_s⌋ its buckets, H LSTM hidden size, D = S·H the per-minute feature width the head reads.
 */
export interface LstmConfig {
  readonly NF: number;
  readonly V: number;
  /** rows of the time embedding after the NF·V bin rows, and indices per minute (weekday, day, minute, hour) */
  readonly timeRows: number;
  readonly NTIME: number;
  /** the embedding of a minute: Σ of one row per (feature, bin) and per time index, + a bias */
  readonly E: number;
  readonly H: number;
  /** downsampling factors in minutes (1 = every minute) */
  readonly scales: readonly number[];
}

/** Xatu-like defaults: 1-, 5- and 15-minute scales, hidden 64, the transformer's inputs (86 × 10 bins + time). */
export const LSTM_DEFAULTS: LstmConfig = { NF: FEATURE_COUNT, V: BIN_COUNT, timeRows: TIME_DIMS, NTIME: 4, E: 64, H: 64, scales: [1, 5, 15] };

/** The width of the per-minute features the head reads. */
export const featureWidth = (c: LstmConfig): number => c.scales.length * c.H;

export interface LstmViews<A> {
  /** (NF·V + timeRows, E) */ readonly wInp: A;
  /** (E) */ readonly bInp: A;
  /** per scale: (4H, E), (4H, H), (4H) */ readonly scales: readonly { readonly wIh: A; readonly wHh: A; readonly bias: A }[];
}

const align = (n: number): number => Math.ceil(n / VIEW_ALIGN) * VIEW_ALIGN;

/** Offsets (multiples of VIEW_ALIGN) and sizes of every view of the flat buffer; gradients use the same layout. */
export function lstmLayout(c: LstmConfig): { entries: { name: string; offset: number; size: number }[]; total: number } {
  const entries: { name: string; offset: number; size: number }[] = [];
  let at = 0;
  const add = (name: string, size: number): void => {
    entries.push({ name, offset: at, size });
    at += align(size);
  };
  add("wInp", (c.NF * c.V + c.timeRows) * c.E);
  add("bInp", c.E);
  c.scales.forEach((k, s) => {
    add(`s${s}.wIh`, 4 * c.H * c.E);
    add(`s${s}.wHh`, 4 * c.H * c.H);
    add(`s${s}.bias`, 4 * c.H);
  });
  return { entries, total: at };
}

/** Named views of buf (parameters or gradients) through view (a backend's, or subarray). */
export function lstmViews<A>(buf: A, c: LstmConfig, view: (buf: A, offset: number, n: number) => A): LstmViews<A> {
  const { entries } = lstmLayout(c);
  const v = (name: string): A => {
    const e = entries.find((x) => x.name === name)!;
    return view(buf, e.offset, e.size);
  };
  return { wInp: v("wInp"), bInp: v("bInp"), scales: c.scales.map((_, s) => ({ wIh: v(`s${s}.wIh`), wHh: v(`s${s}.wHh`), bias: v(`s${s}.bias`) })) };
}

export function checkLstmConfig(c: LstmConfig, T: number): void {
  if (c.scales.length === 0) throw new RangeError("LstmConfig.scales is empty");
  for (const k of c.scales) if (!Number.isInteger(k) || k < 1 || k > T) throw new RangeError(`LstmConfig: scale ${k} must be an integer in [1, T = ${T}]`);
  for (const [n, x] of [["E", c.E], ["H", c.H]] as const) if (!Number.isInteger(x) || x < 1) throw new RangeError(`LstmConfig.${n} must be a positive integer, got ${x}`);
}
