/** @module The replay AttackSource: a real capture's attack flows (decoded by our own parsers), re-addressed to the scenario's victim, re-timed to the onset (stretched, looped) and rescaled; other attacks fall back to the model. */
import { isAbsolute, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { formatIPv4, parseIPv4 } from "../../../shared/flow/ip.js";
import type { FlowRecord } from "../../../shared/flow/record.js";
import { CaptureError, readExportPcap } from "../capture/flows.js";
import { modelAttackSource } from "./attacks.js";
import { makeFlow } from "./flow.js";
import { streamSeed } from "./rng.js";
import { ScenarioError } from "./scenario.js";
import type { AttackSource } from "./source.js";
import { MINUTE_MS, type CompiledAttack, type World } from "./world.js";

/** ../shared/data/external beside the checkout: where relative capture paths resolve without --captures. */
export const DEFAULT_CAPTURES_DIR = fileURLToPath(new URL("../../../../shared/data/external/", import.meta.url));

/** Remapped sources go to 198.18.0.0/15 (RFC 2544 benchmarking: documented, never routed, never a background remote host). */
export const TEST_RANGE_FIRST = 0xc6120000;
export const TEST_RANGE_SIZE = 1 << 17;
const REMAP_STREAM = 0x4e9a1;
/** Loop periods are whole seconds, at least one. */
const LOOP_ROUND_MS = 1000;

/** One attack's replay, computed once: flows relative to the onset, sorted by start. */
export interface ReplayPlan {
  /** start offsets from the onset (ms, integers, ascending); flow i starts at onset + offsets[i] (+ k·period when looping) */
  offsets: Float64Array;
  /** re-addressed, rescaled flows; startMs/endMs are offsets from the onset */
  flows: FlowRecord[];
  /** the loop period in ms (Infinity when not looping): copy k is shifted by k·period */
  period: number;
  /** the last start offset */
  maxOffset: number;
  /** the selected capture flows, as read (for checks and summaries) */
  selected: number;
}

/** Resolves an attack's capture path against the world's captures directory. */
export function capturePath(world: World, capture: string): string {
  return isAbsolute(capture) ? capture : resolve(world.capturesDir ?? DEFAULT_CAPTURES_DIR, capture);
}

function fail(attack: CompiledAttack, field: string, message: string): never {
  throw new ScenarioError(`invalid replay\n  attacks[${attack.index}].replay.${field}: ${message}`);
}

/**
 * The replay of one attack from a capture's flows (any order). Pure: the same world, attack and
 * flows give the same plan. Throws ScenarioError (with the field path) when nothing is selected.
 */
export function planReplay(world: World, attack: CompiledAttack, captureFlows: readonly FlowRecord[], captureName = "the capture"): ReplayPlan {
  const r = attack.replay;
  if (r === null) throw new TypeError(`attacks[${attack.index}] has no replay settings`);
  const victim = attack.victims[0]!;
  const protocols = r.protocols === undefined ? null : new Set(r.protocols);
  const srcPorts = r.srcPorts === undefined ? null : new Set(r.srcPorts);
  const inbound = captureFlows.filter((f) => f.dst === r.captureVictim);
  const selected = inbound
    .filter((f) => (protocols === null || protocols.has(f.protocol)) && (srcPorts === null || f.srcPort === 0 || srcPorts.has(f.srcPort)))
    .sort((a, b) => a.startMs - b.startMs);
  if (selected.length === 0) {
    if (inbound.length > 0) fail(attack, "captureVictim", `none of the ${inbound.length} flows to ${r.captureVictim} in ${captureName} pass the protocols/srcPorts filter`);
    const counts = new Map<string, number>();
    for (const f of captureFlows) counts.set(f.dst, (counts.get(f.dst) ?? 0) + f.packets);
    const busiest = [...counts].sort((a, b) => b[1] - a[1]).slice(0, 3).map(([a]) => a);
    fail(attack, "captureVictim", `no flows to ${r.captureVictim} in ${captureName} (its busiest destinations: ${busiest.join(", ")})`);
  }

  // sources: kept unless inside the tenant's prefixes (or the victim itself), or all mapped into the test range
  const base = streamSeed(world.seed, REMAP_STREAM, attack.index) % TEST_RANGE_SIZE;
  const victimU32 = parseIPv4(victim);
  const usable = (a: number) => world.nodeSet.matchV4(a) < 0 && a !== victimU32;
  const mapped = new Map<string, string>();
  let next = 0;
  let tries = 0;
  const remap = (src: string): string => {
    let m = mapped.get(src);
    if (m !== undefined) return m;
    const a = parseIPv4(src);
    if (r.sourceAddresses === "keep" && (a === null || usable(a))) m = src; // IPv6 sources cannot be tenant nodes here (IPv4 tenant)
    else {
      for (;;) {
        if (++tries > TEST_RANGE_SIZE * 2) fail(attack, "sourceAddresses", "198.18.0.0/15 has no addresses outside the tenant's prefixes left for the capture's sources");
        const cand = (TEST_RANGE_FIRST + ((base + next++) % TEST_RANGE_SIZE)) >>> 0;
        if (usable(cand)) {
          m = formatIPv4(cand);
          break;
        }
      }
    }
    mapped.set(src, m);
    return m;
  };

  const first = selected[0]!.startMs;
  const offsets = new Float64Array(selected.length);
  const flows: FlowRecord[] = [];
  let span = 0;
  selected.forEach((f, i) => {
    const start = Math.round((f.startMs - first) * r.timeScale);
    const end = start + Math.max(0, Math.round((f.endMs - f.startMs) * r.timeScale));
    const packets = Math.max(1, Math.round(f.packets * r.intensityScale));
    const bytes = Math.max(packets, Math.round(f.bytes * r.intensityScale));
    offsets[i] = start;
    span = Math.max(span, end);
    flows.push({ ...makeFlow(start, end, remap(f.src), victim, f.srcPort, f.dstPort, f.protocol, f.tcpFlags, packets, bytes, world.exporterId), samplingRate: f.samplingRate });
  });
  // rounding can reorder nothing (monotone map), so offsets stay ascending
  const maxOffset = offsets[offsets.length - 1]!;
  const period = r.loop ? Math.max(LOOP_ROUND_MS, Math.ceil((span + 1) / LOOP_ROUND_MS) * LOOP_ROUND_MS) : Infinity;
  return { offsets, flows, period, maxOffset, selected: selected.length };
}

/** First index whose offset is ≥ x. */
function lowerBound(a: Float64Array, x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Appends the plan's flows that start in epoch minute `minute` (each flow of each loop copy lands in exactly one minute). */
export function replayMinuteFlows(plan: ReplayPlan, attack: CompiledAttack, minute: number, out: FlowRecord[]): void {
  if (minute < attack.onsetMinute || minute >= attack.endMinute) return;
  const onsetMs = attack.onsetMinute * MINUTE_MS;
  const a = minute * MINUTE_MS - onsetMs;
  const b = a + MINUTE_MS;
  const kMin = plan.period === Infinity ? 0 : Math.max(0, Math.ceil((a - plan.maxOffset) / plan.period));
  const kMax = plan.period === Infinity ? 0 : Math.floor((b - 1) / plan.period);
  for (let k = kMin; k <= kMax; k++) {
    const shift = k * (plan.period === Infinity ? 0 : plan.period);
    const hi = lowerBound(plan.offsets, b - shift);
    for (let i = lowerBound(plan.offsets, a - shift); i < hi; i++) {
      const f = plan.flows[i]!;
      const t = onsetMs + shift;
      out.push({ ...makeFlow(t + f.startMs, t + f.endMs, f.src, f.dst, f.srcPort, f.dstPort, f.protocol, f.tcpFlags, f.packets, f.bytes, f.exporterId), samplingRate: f.samplingRate });
    }
  }
}

/** Reads every replayed attack's capture (each file once) and plans its replay. Throws ScenarioError naming the attack's field. */
export function loadReplayPlans(world: World): Map<number, ReplayPlan> {
  const captures = new Map<string, FlowRecord[]>();
  const plans = new Map<number, ReplayPlan>();
  for (const attack of world.attacks) {
    if (attack.replay === null) continue;
    const path = capturePath(world, attack.replay.capture);
    let flows = captures.get(path);
    if (flows === undefined) {
      try {
        flows = readExportPcap(path).flows;
      } catch (err) {
        if (err instanceof CaptureError) fail(attack, "capture", err.message);
        throw err;
      }
      captures.set(path, flows);
    }
    plans.set(attack.index, planReplay(world, attack, flows, attack.replay.capture));
  }
  return plans;
}

/**
 * An AttackSource for `world`: attacks with `replay` replay their capture (loaded and planned now,
 * so bad settings fail before any output), the others use `fallback` (the model). A replayed
 * attack ignores the ramp (`strength`): the capture's own timeline is its shape.
 */
export function replayAttackSource(world: World, fallback: AttackSource = modelAttackSource): AttackSource {
  const plans = loadReplayPlans(world);
  return {
    name: `replay+${fallback.name}`,
    minuteFlows(w, attack, minute, strength, out) {
      const plan = attack.replay === null ? undefined : plans.get(attack.index);
      if (plan === undefined) fallback.minuteFlows(w, attack, minute, strength, out);
      else replayMinuteFlows(plan, attack, minute, out);
    },
  };
}

const sources = new WeakMap<World, AttackSource>();

/** The default AttackSource of a world: the model, or replay + model when some attack replays a capture (built once per world). */
export function attackSourceFor(world: World): AttackSource {
  if (!world.attacks.some((a) => a.replay !== null)) return modelAttackSource;
  let s = sources.get(world);
  if (s === undefined) sources.set(world, (s = replayAttackSource(world)));
  return s;
}
