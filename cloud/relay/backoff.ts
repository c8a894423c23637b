/** @module Retry delays: exponential from a base, doubling per consecutive failure up to a cap, with "equal jitter" (half fixed, half random) so relays do not retry in step. */

/** Delay before the retry that follows `failures` consecutive failures (≥ 1): in [d/2, d] where d = min(maxMs, baseMs · 2^(failures−1)). */
export function backoffDelayMs(failures: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const d = Math.min(maxMs, baseMs * 2 ** Math.min(Math.max(failures, 1) - 1, 40));
  return Math.round(d / 2 + (random() * d) / 2);
}

/** A Retry-After header (delta seconds or an HTTP date) in ms from now, or undefined. */
export function parseRetryAfterMs(value: string | null, nowMs: number = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isFinite(at) ? Math.max(0, at - nowMs) : undefined;
}
