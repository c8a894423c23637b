/** @module One node's baseline flows starting in one minute: its role's conversations (scaled by the volume factor) plus background scanning SYNs. */
import type { FlowRecord } from "../../../shared/flow/record.js";
import { volumeFactor } from "./cycles.js";
import { makeFlow } from "./flow.js";
import { remoteAddress, ephemeralPort } from "./remote.js";
import { Rng } from "./rng.js";
import { ICMP, ROLE_CUMULATIVE, ROLE_MODELS, TCP, TCP_FLAG_MIX, type ConversationTemplate } from "./roles.js";
import { LAST_START_MS, MINUTE_MS, type SynthNode, type World } from "./world.js";

const NODE_STREAM = 0x70de;
const FLAG_CUMULATIVE = (() => {
  let s = 0;
  return TCP_FLAG_MIX.map(([, w]) => (s += w));
})();
/** Exporters cut flows at an active timeout; ours is 10 minutes. */
const ACTIVE_TIMEOUT_MS = 10 * MINUTE_MS;
const SCAN_PORTS = [22, 23, 445, 3389, 5900, 8080];

function tcpFlags(rng: Rng): number {
  return TCP_FLAG_MIX[rng.pickCumulative(FLAG_CUMULATIVE)]![0];
}

/** A packet size around `bytes` (lognormal jitter), at least a bare IPv4 + UDP header. */
function packetBytes(rng: Rng, bytes: number): number {
  return Math.max(28, Math.round(bytes * rng.lognormal(1, 0.15)));
}

function conversation(world: World, node: SynthNode, tpl: ConversationTemplate, rng: Rng, minute: number, out: FlowRecord[]): void {
  const startMs = minute * MINUTE_MS + rng.int(0, LAST_START_MS);
  const duration = tpl.durationMs === 0 ? 0 : Math.min(ACTIVE_TIMEOUT_MS, Math.round(rng.lognormal(tpl.durationMs, 1.2)));
  const remote = remoteAddress(rng, world.nodeSet);
  const service = typeof tpl.port === "number" ? tpl.port : rng.int(tpl.port[0], tpl.port[1]);
  const icmp = tpl.protocol === ICMP;
  const tcp = tpl.protocol === TCP;
  const ephemeral = icmp ? 0 : ephemeralPort(rng);
  const reqPkts = Math.max(1, Math.round(rng.lognormal(tpl.pkts[0], tpl.pkts[1])));
  const inbound = tpl.initiator === "in";
  const client = inbound ? remote : node.address;
  const server = inbound ? node.address : remote;
  out.push(makeFlow(startMs, startMs + duration, client, server, ephemeral, service, tpl.protocol, tcp ? tcpFlags(rng) : 0, reqPkts, reqPkts * packetBytes(rng, tpl.reqBytes), world.exporterId));
  if (tpl.replyRate >= 1 || rng.chance(tpl.replyRate)) {
    const replyPkts = Math.max(1, Math.round(reqPkts * tpl.replyRatio * rng.lognormal(1, 0.2)));
    const replyStart = startMs + Math.min(duration, rng.int(0, 40));
    out.push(makeFlow(replyStart, Math.max(replyStart, startMs + duration), server, client, icmp ? 0 : service, icmp ? 0 : ephemeral, tpl.protocol, tcp ? tcpFlags(rng) : 0, replyPkts, replyPkts * packetBytes(rng, tpl.replyBytes), world.exporterId));
  }
}

/** Inbound scan probes: SYNs to random ports, mostly answered with a reset. */
function scans(world: World, node: SynthNode, rng: Rng, minute: number, out: FlowRecord[]): void {
  const n = rng.poisson(world.scenario.tenant.scanPerMinute);
  for (let i = 0; i < n; i++) {
    const startMs = minute * MINUTE_MS + rng.int(0, LAST_START_MS);
    const src = remoteAddress(rng, world.nodeSet);
    const srcPort = rng.int(1024, 65535);
    const dstPort = rng.chance(0.3) ? SCAN_PORTS[rng.int(0, SCAN_PORTS.length - 1)]! : rng.int(1, 65535);
    const pkts = rng.chance(0.8) ? 1 : 2;
    out.push(makeFlow(startMs, startMs + (pkts - 1) * 1000, src, node.address, srcPort, dstPort, TCP, 2, pkts, pkts * 44, world.exporterId));
    if (rng.chance(0.6)) out.push(makeFlow(startMs + 1, startMs + 1, node.address, src, dstPort, srcPort, TCP, 20, 1, 40, world.exporterId));
  }
}

/** Appends the baseline flows of `node` that start in epoch minute `minute`. Depends only on (seed, node, minute). */
export function nodeMinuteFlows(world: World, node: SynthNode, minute: number, out: FlowRecord[]): void {
  const rng = Rng.of(world.seed, NODE_STREAM, node.key, minute);
  const model = ROLE_MODELS[node.role];
  const factor = volumeFactor(world, node, minute);
  const n = rng.poisson(model.perMinute * node.scale * factor);
  const cumulative = ROLE_CUMULATIVE[node.role];
  for (let i = 0; i < n; i++) conversation(world, node, model.mix[rng.pickCumulative(cumulative)]!, rng, minute, out);
  scans(world, node, rng, minute, out);
}
