/** @module The built-in AttackSource: parametric attack vectors (DNS/NTP amplification, UDP flood, SYN flood, TCP reflection; carpet-bombing spreads one over a prefix). */
import { formatIPv4 } from "../../../shared/flow/ip.js";
import type { FlowRecord } from "../../../shared/flow/record.js";
import { makeFlow } from "./flow.js";
import { ephemeralPort, isReservedV4 } from "./remote.js";
import { Rng, streamSeed } from "./rng.js";
import { TCP, UDP } from "./roles.js";
import type { AttackSource } from "./source.js";
import { LAST_START_MS, MINUTE_MS, type CompiledAttack, type World } from "./world.js";

const ATTACK_STREAM = 0xa77ac;
const SOURCE_STREAM = 0x50c5;

/** Source k of an attack: a fixed public address (reflector or spoofed host), the same every minute. */
function attackSource(world: World, attack: CompiledAttack, k: number): string {
  for (let salt = 0; ; salt++) {
    const a = streamSeed(world.seed, SOURCE_STREAM, attack.index, k, salt);
    if (!isReservedV4(a) && world.nodeSet.matchV4(a) < 0) return formatIPv4(a);
  }
}

/** Packets each attack flow carries on average (aggregated by the exporter per source and port pair). */
function packetsPerFlow(attack: CompiledAttack): number {
  if (attack.lowAndSlow) return 5;
  return attack.vector === "syn-flood" ? 50 : 200;
}

export const modelAttackSource: AttackSource = {
  name: "model",
  minuteFlows(world, attack, minute, strength, out) {
    if (attack.replay !== null) throw new Error(`attacks[${attack.index}] replays a capture: generate with attackSourceFor(world) or replayAttackSource(world), not the model`);
    const rng = Rng.of(world.seed, ATTACK_STREAM, attack.index, minute);
    const totalPkts = attack.intensityPps * 60 * strength * rng.lognormal(1, 0.1);
    const flows = Math.max(1, Math.min(attack.maxFlowsPerMinute, attack.sources * attack.victims.length, Math.ceil(totalPkts / packetsPerFlow(attack))));
    const meanPkts = totalPkts / flows;
    const ex = world.exporterId;
    for (let i = 0; i < flows; i++) {
      const pkts = Math.max(1, Math.round(meanPkts * (0.5 + rng.next())));
      const victim = attack.victims[rng.int(0, attack.victims.length - 1)]!;
      const src = attackSource(world, attack, rng.int(0, attack.sources - 1));
      const startMs = minute * MINUTE_MS + rng.int(0, LAST_START_MS);
      const endMs = startMs + rng.int(0, Math.min(59_000, MINUTE_MS - 1));
      switch (attack.vector) {
        case "dns-amplification": {
          // large responses from port 53, and their non-first fragments (no ports: port class 0)
          const dstPort = rng.int(1024, 65535);
          out.push(makeFlow(startMs, endMs, src, victim, 53, dstPort, UDP, 0, pkts, pkts * rng.int(1200, 1480), ex));
          const frags = Math.max(1, Math.round(pkts * (0.5 + rng.next())));
          out.push(makeFlow(startMs, endMs, src, victim, 0, 0, UDP, 0, frags, frags * rng.int(400, 1480), ex));
          break;
        }
        case "ntp-amplification":
          out.push(makeFlow(startMs, endMs, src, victim, 123, rng.int(1024, 65535), UDP, 0, pkts, pkts * rng.int(468, 490), ex));
          break;
        case "udp-flood":
          out.push(makeFlow(startMs, endMs, src, victim, rng.int(1024, 65535), rng.int(1, 65535), UDP, 0, pkts, pkts * rng.int(64, 1400), ex));
          break;
        case "syn-flood": {
          const srcPort = ephemeralPort(rng);
          out.push(makeFlow(startMs, endMs, src, victim, srcPort, attack.port, TCP, 2, pkts, pkts * 60, ex));
          // the victim answers some SYNs (SYN-ACK) until its backlog fills
          if (rng.chance(0.3)) out.push(makeFlow(startMs + 1, endMs + 1, victim, src, attack.port, srcPort, TCP, 18, Math.max(1, Math.round(pkts / 4)), Math.max(1, Math.round(pkts / 4)) * 60, ex));
          break;
        }
        case "tcp-reflection": {
          const dstPort = rng.int(1024, 65535);
          out.push(makeFlow(startMs, endMs, src, victim, rng.chance(0.6) ? 443 : 80, dstPort, TCP, 18, pkts, pkts * 60, ex));
          if (rng.chance(0.3)) out.push(makeFlow(startMs + 1, endMs + 1, victim, src, dstPort, 443, TCP, 4, 1, 40, ex));
          break;
        }
      }
    }
  },
};
