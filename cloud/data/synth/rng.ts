/** @module Seeded, stream-addressable PRNG for the simulator: a stream per (seed, key...) so any (node, minute) can be drawn alone, plus the distributions the traffic model uses. */

/** 32-bit mix (lowbias32 by Chris Wellons): a good avalanche for combining keys into a seed. */
function mix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

/** Hashes a seed and integer keys (any safe integers, e.g. epoch minutes) into a 32-bit stream id. */
export function streamSeed(seed: number, ...keys: number[]): number {
  let h = mix32((seed >>> 0) ^ 0x9e3779b9) ^ mix32(Math.floor(seed / 4294967296) >>> 0);
  for (const k of keys) {
    h = mix32(h ^ mix32(k >>> 0));
    h = mix32(h + (Math.floor(k / 4294967296) >>> 0) + 0x6a09e667);
  }
  return h >>> 0;
}

/**
 * mulberry32: a Weyl-sequence state with a mixing output function, seeded per stream by streamSeed.
 * Period 2^32 per stream, plenty for one (node, minute).
 */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A stream for (seed, keys...), independent of every other key tuple. */
  static of(seed: number, ...keys: number[]): Rng {
    return new Rng(streamSeed(seed, ...keys));
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform integer in [lo, hi] (inclusive). */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** Standard normal (Box–Muller, one value per call). */
  normal(): number {
    const u = 1 - this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }

  /** Lognormal with the given median and log-space sigma. */
  lognormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal());
  }

  /** Pareto with scale xm and shape alpha (heavy tail for alpha ≤ 2). */
  pareto(xm: number, alpha: number): number {
    return xm / Math.pow(1 - this.next(), 1 / alpha);
  }

  /** Poisson count with mean lambda (Knuth below 30, a rounded normal above). */
  poisson(lambda: number): number {
    if (!(lambda > 0)) return 0;
    if (lambda > 30) return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * this.normal()));
    const limit = Math.exp(-lambda);
    let k = 0;
    let p = this.next();
    while (p > limit) {
      k++;
      p *= this.next();
    }
    return k;
  }

  /** Index drawn from cumulative weights (last entry = total). */
  pickCumulative(cumulative: readonly number[]): number {
    const x = this.next() * cumulative[cumulative.length - 1]!;
    for (let i = 0; i < cumulative.length; i++) if (x < cumulative[i]!) return i;
    return cumulative.length - 1;
  }
}
