/** @module Attack labels: victim, type, interval, and the alert time a commercial detector would have emitted (a random delay after onset, sometimes late). */
import { Rng } from "./rng.js";
import { MINUTE_MS, type World } from "./world.js";

const ALERT_STREAM = 0xa1e27;

export interface AttackLabel {
  index: number;
  type: string;
  /** the vector sent (differs from type for carpet-bombing) */
  vector: string;
  /** an address, or a prefix for carpet-bombing */
  victim: string;
  victimCount: number;
  onset: string;
  end: string;
  onsetMs: number;
  endMs: number;
  rampUpMinutes: number;
  intensityPps: number;
  lowAndSlow: boolean;
  /** when the detector alerted, epoch ms and ISO */
  alertMs: number;
  alert: string;
  alertDelaySeconds: number;
  /** the alert came unusually late (a slow detector, or a low-and-slow attack) */
  late: boolean;
  /** for a replayed attack: the capture and its original victim */
  replay?: { capture: string; captureVictim: string };
}

export interface LabelsFile {
  scenario: string | null;
  seed: number;
  start: string;
  end: string;
  attacks: AttackLabel[];
}

/** Labels of the attacks that overlap the generated window (a shortened run leaves later ones out); `index` is the scenario's. */
export function attackLabels(world: World): LabelsFile {
  const iso = (ms: number) => new Date(ms).toISOString();
  const inWindow = world.attacks.filter((a) => a.onsetMinute < world.endMinute && a.endMinute > world.startMinute);
  const attacks = inWindow.map((a): AttackLabel => {
    const rng = Rng.of(world.seed, ALERT_STREAM, a.index);
    const late = rng.chance(a.lowAndSlow ? 0.5 : 0.15);
    const delaySeconds = late ? rng.int(15 * 60, 45 * 60) : rng.int(60, 8 * 60);
    const onsetMs = a.onsetMinute * MINUTE_MS;
    const endMs = a.endMinute * MINUTE_MS;
    return {
      index: a.index,
      type: a.type,
      vector: a.vector,
      victim: a.victim,
      victimCount: a.victims.length,
      onset: iso(onsetMs),
      end: iso(endMs),
      onsetMs,
      endMs,
      rampUpMinutes: a.rampUpMinutes,
      intensityPps: a.intensityPps,
      lowAndSlow: a.lowAndSlow,
      alertMs: onsetMs + delaySeconds * 1000,
      alert: iso(onsetMs + delaySeconds * 1000),
      alertDelaySeconds: delaySeconds,
      late,
      ...(a.replay === null ? {} : { replay: { capture: a.replay.capture, captureVictim: a.replay.captureVictim } }),
    };
  });
  return { scenario: world.scenario.name ?? null, seed: world.seed, start: iso(world.startMinute * MINUTE_MS), end: iso(world.endMinute * MINUTE_MS), attacks };
}
