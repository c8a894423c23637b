/** @module The volume multiplier of a node in a minute: diurnal and weekly cycles (tenant local time), slow drift, bursts, outages and maintenance windows. */
import { Rng } from "./rng.js";
import type { Role } from "./scenario.js";
import type { SynthNode, World } from "./world.js";

interface RoleCycle {
  /** local hour of the daily peak */
  peakHour: number;
  /** night level relative to the peak */
  floor: number;
  /** weekend multiplier */
  weekend: number;
}

const CYCLES: Record<Role, RoleCycle> = {
  web: { peakHour: 14, floor: 0.15, weekend: 0.75 },
  "dns-resolver": { peakHour: 20, floor: 0.3, weekend: 1 },
  ntp: { peakHour: 12, floor: 0.7, weekend: 1 },
  mail: { peakHour: 11, floor: 0.2, weekend: 0.5 },
  gaming: { peakHour: 22, floor: 0.1, weekend: 1.3 },
  "end-user": { peakHour: 21, floor: 0.15, weekend: 1.2 },
  idle: { peakHour: 12, floor: 1, weekend: 1 },
};

/** Stream tags, so that bursts and outages draw from their own streams. */
const BURST = 0xb0257;
const OUTAGE = 0x07a9e;
const BURST_WINDOW = 15;

/** Diurnal level in [floor, 1] at a local hour (fractional). */
export function diurnal(role: Role, localHour: number): number {
  const c = CYCLES[role];
  const x = (1 + Math.cos((2 * Math.PI * (localHour - c.peakHour)) / 24)) / 2;
  return c.floor + (1 - c.floor) * Math.pow(x, 1.5);
}

/** The multiplier of a node's baseline flow rate in an epoch minute (0 during an outage). */
export function volumeFactor(world: World, node: SynthNode, minute: number): number {
  const local = minute + world.utcOffsetMinutes;
  const localMinuteOfDay = ((local % 1440) + 1440) % 1440;
  // epoch day 0 (1970-01-01) was a Thursday; weekday 0 = Monday
  const weekday = (((Math.floor(local / 1440) + 3) % 7) + 7) % 7;
  let f = diurnal(node.role, localMinuteOfDay / 60);
  if (weekday >= 5) f *= CYCLES[node.role].weekend;
  f *= Math.exp(node.driftPerDay * ((minute - world.startMinute) / 1440));
  for (const w of world.scenario.tenant.maintenance) {
    const from = w.weekday * 1440 + w.startMinute;
    const now = weekday * 1440 + localMinuteOfDay;
    const into = (((now - from) % 10080) + 10080) % 10080;
    if (into < w.durationMinutes) f *= w.level;
  }
  const window = Math.floor(minute / BURST_WINDOW);
  const b = Rng.of(world.seed, BURST, node.key, window);
  if (b.chance(0.04)) {
    const start = window * BURST_WINDOW + b.int(0, BURST_WINDOW - 1);
    const length = b.int(1, 6);
    if (minute >= start && minute < start + length) f *= Math.min(20, 1 + b.pareto(1, 1.5));
  }
  const day = Math.floor(minute / 1440);
  const o = Rng.of(world.seed, OUTAGE, node.key, day);
  if (o.chance(0.03)) {
    const start = day * 1440 + o.int(0, 1439);
    if (minute >= start && minute < start + o.int(5, 60)) return 0;
  }
  return f;
}
