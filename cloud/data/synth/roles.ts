/** @module The per-role traffic model: each role is a weighted mix of conversation templates (protocol, service port, who initiates, flow sizes). */
import type { Role } from "./scenario.js";

export const TCP = 6;
export const UDP = 17;
export const ICMP = 1;

/**
 * One kind of conversation. "in": a remote client opens it to the node's service port (the node
 * is the server); "out": the node opens it to a remote service port. Each conversation is exported
 * as a request flow and, with probability `replyRate`, a reply flow the other way.
 */
export interface ConversationTemplate {
  weight: number;
  protocol: number;
  initiator: "in" | "out";
  /** the service port, or a range [lo, hi] */
  port: number | readonly [number, number];
  /** request packets: lognormal median and sigma */
  pkts: readonly [median: number, sigma: number];
  /** bytes per packet of the request and of the reply */
  reqBytes: number;
  replyBytes: number;
  /** reply packets = request packets × this (at least 1) */
  replyRatio: number;
  replyRate: number;
  /** median flow duration in ms (lognormal, sigma 1.2); long ones span minutes */
  durationMs: number;
}

export interface RoleModel {
  /** conversations per minute at the diurnal peak, before scales */
  perMinute: number;
  mix: readonly ConversationTemplate[];
}

const t = (weight: number, protocol: number, initiator: "in" | "out", port: number | readonly [number, number], pkts: readonly [number, number], reqBytes: number, replyBytes: number, replyRatio: number, durationMs: number, replyRate = 1): ConversationTemplate => ({
  weight,
  protocol,
  initiator,
  port,
  pkts,
  reqBytes,
  replyBytes,
  replyRatio,
  replyRate,
  durationMs,
});

export const ROLE_MODELS: Record<Role, RoleModel> = {
  web: {
    perMinute: 20,
    mix: [t(0.68, TCP, "in", 443, [10, 1.2], 90, 1200, 1.6, 2_000), t(0.2, TCP, "in", 80, [8, 1.1], 110, 1100, 1.5, 1_500), t(0.07, UDP, "in", 443, [14, 1.3], 120, 1250, 1.7, 3_000), t(0.05, UDP, "out", 53, [1, 0.1], 70, 160, 1, 20)],
  },
  "dns-resolver": {
    perMinute: 40,
    mix: [t(0.8, UDP, "in", 53, [1, 0.3], 72, 180, 1, 10), t(0.17, UDP, "out", 53, [1, 0.2], 75, 260, 1, 40), t(0.03, TCP, "out", 443, [12, 1], 150, 900, 1.2, 800)],
  },
  ntp: { perMinute: 10, mix: [t(0.92, UDP, "in", 123, [1, 0.2], 76, 76, 1, 5), t(0.08, UDP, "out", 123, [1, 0.1], 76, 76, 1, 20)] },
  mail: {
    perMinute: 5,
    mix: [t(0.45, TCP, "in", 25, [20, 1.2], 600, 120, 0.6, 4_000), t(0.15, TCP, "in", 587, [18, 1.1], 500, 130, 0.6, 3_000), t(0.25, TCP, "in", 993, [25, 1.3], 120, 900, 1.4, 60_000), t(0.15, TCP, "out", 25, [20, 1.2], 600, 120, 0.6, 4_000)],
  },
  gaming: {
    perMinute: 6,
    mix: [t(0.85, UDP, "in", [27015, 27030], [900, 0.8], 90, 140, 1.1, 90_000), t(0.05, TCP, "in", 443, [10, 1], 120, 900, 1.3, 1_000), t(0.1, UDP, "out", 53, [1, 0.1], 70, 160, 1, 20)],
  },
  "end-user": {
    perMinute: 6,
    mix: [t(0.52, TCP, "out", 443, [12, 1.4], 110, 1300, 2.5, 3_000), t(0.1, TCP, "out", 80, [10, 1.2], 120, 1200, 2, 2_000), t(0.15, UDP, "out", 443, [20, 1.5], 100, 1250, 3, 5_000), t(0.18, UDP, "out", 53, [1, 0.1], 70, 160, 1, 20), t(0.01, UDP, "out", 123, [1, 0.1], 76, 76, 1, 10), t(0.04, TCP, "out", 993, [15, 1], 120, 700, 1.3, 30_000)],
  },
  idle: { perMinute: 0.05, mix: [t(0.6, UDP, "out", 123, [1, 0.1], 76, 76, 1, 10), t(0.4, ICMP, "in", 2048, [1, 0.3], 84, 84, 1, 0)] },
};

/** Cumulative weights of a role's mix, for Rng.pickCumulative. */
export const ROLE_CUMULATIVE: Record<Role, number[]> = Object.fromEntries(
  Object.entries(ROLE_MODELS).map(([role, m]) => {
    let sum = 0;
    return [role, m.mix.map((x) => (sum += x.weight))];
  }),
) as Record<Role, number[]>;

/** Cumulative TCP flag bytes of exported TCP flows: complete connections (27), mid-connection exports (16, 24), FIN+PSH+ACK (25), resets. */
export const TCP_FLAG_MIX: readonly (readonly [flags: number, weight: number])[] = [
  [27, 0.6],
  [24, 0.15],
  [16, 0.1],
  [25, 0.08],
  [20, 0.04],
  [31, 0.03],
];
