/** @module The bigram baseline of paper Table 4: per feature f, p(bin_t | bin_{t−1}) counted on train, scored on the decoder's targets (next minute) with loss, PPL and accuracy. */
import { BIN_COUNT, FEATURE_COUNT } from "../../shared/features/catalogue.js";

export interface Metrics {
  /** mean −log p over every (target minute, feature) */
  readonly loss: number;
  /** exp(loss) */
  readonly ppl: number;
  /** share of (target minute, feature) whose argmax bin is the target */
  readonly accuracy: number;
  /** targets scored: minutes × features */
  readonly targets: number;
}

/** counts[(f·V + prev)·V + next]: transitions of feature f from bin prev to bin next. */
export class Bigram {
  readonly counts = new Float64Array(FEATURE_COUNT * BIN_COUNT * BIN_COUNT);

  /** Adds the transitions of every pair of consecutive minutes of a run (minutes, FEATURE_COUNT) of bins. */
  addRun(bins: Uint8Array, minutes: number): void {
    const F = FEATURE_COUNT;
    const V = BIN_COUNT;
    for (let t = 1; t < minutes; t++) {
      for (let f = 0; f < F; f++) this.counts[(f * V + bins[(t - 1) * F + f]!) * V + bins[t * F + f]!]! += 1;
    }
  }

  /**
   * log p(next | prev) of feature f with add-one (Laplace) smoothing:
   * p = (c(prev → next) + 1) / (Σ_n c(prev → n) + V). A bin never seen as prev gives 1/V everywhere.
   */
  logProb(f: number, prev: number, next: number): number {
    const V = BIN_COUNT;
    const row = (f * V + prev) * V;
    let total = 0;
    for (let n = 0; n < V; n++) total += this.counts[row + n]!;
    return Math.log((this.counts[row + next]! + 1) / (total + V));
  }

  /** The predicted bin: the most counted next bin (smoothing does not change it); ties → the smallest bin. */
  argmax(f: number, prev: number): number {
    const V = BIN_COUNT;
    const row = (f * V + prev) * V;
    let best = 0;
    for (let n = 1; n < V; n++) if (this.counts[row + n]! > this.counts[row + best]!) best = n;
    return best;
  }

  /** Scores every consecutive pair of every run (the decoder's targets: minute t+1 given minute t). */
  evaluate(runs: Iterable<{ bins: Uint8Array; minutes: number }>): Metrics {
    const F = FEATURE_COUNT;
    const V = BIN_COUNT;
    // log-prob and argmax tables once: (F, V, V) and (F, V)
    const logp = new Float64Array(F * V * V);
    const best = new Uint8Array(F * V);
    for (let f = 0; f < F; f++) {
      for (let p = 0; p < V; p++) {
        best[f * V + p] = this.argmax(f, p);
        for (let n = 0; n < V; n++) logp[(f * V + p) * V + n] = this.logProb(f, p, n);
      }
    }
    let nll = 0;
    let correct = 0;
    let targets = 0;
    for (const { bins, minutes } of runs) {
      for (let t = 1; t < minutes; t++) {
        for (let f = 0; f < F; f++) {
          const prev = bins[(t - 1) * F + f]!;
          const next = bins[t * F + f]!;
          nll -= logp[(f * V + prev) * V + next]!;
          if (best[f * V + prev] === next) correct++;
        }
        targets += F;
      }
    }
    const loss = targets === 0 ? Number.NaN : nll / targets;
    return { loss, ppl: Math.exp(loss), accuracy: targets === 0 ? Number.NaN : correct / targets, targets };
  }
}

/** The Table 4 baseline: counted on the train runs, scored on the val windows. */
export function bigramBaseline(train: Iterable<{ bins: Uint8Array; minutes: number }>, val: Iterable<{ bins: Uint8Array; minutes: number }>): Metrics {
  const model = new Bigram();
  for (const r of train) model.addRun(r.bins, r.minutes);
  return model.evaluate(val);
}
