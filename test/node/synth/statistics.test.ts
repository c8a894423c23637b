/** @module Simulator statistics through aggregateMinutes: diurnal cycle, role mixes, and attacks landing in the features where the paper's rules put them. */
import { describe, expect, it } from "vitest";
import { allFlows, meanOf, nodeSeries, smallScenario, world } from "./support.js";

const WEB = "198.51.100.10";
const DNS = "198.51.100.53";
const USER = "198.51.100.100";

describe("synth statistics", () => {
  const w = world(smallScenario([{ role: "web", address: WEB }, { role: "dns-resolver", address: DNS }, { role: "end-user", address: USER }]));
  const flows = allFlows(w);

  it("a web node has a diurnal cycle: daytime volume is well above night", () => {
    const s = nodeSeries(w, flows, WEB);
    const day = meanOf(s, "volume_in_flow", 10 * 60, 18 * 60);
    const night = meanOf(s, "volume_in_flow", 0, 6 * 60);
    expect(day / night).toBeGreaterThan(3);
    expect(meanOf(s, "volume_out_byt", 10 * 60, 18 * 60) / meanOf(s, "volume_out_byt", 0, 6 * 60)).toBeGreaterThan(2.5);
  });

  it("role mixes hold: a resolver's inbound UDP is mostly port 53; a web server's inbound is mostly 443/80", () => {
    const d = nodeSeries(w, flows, DNS);
    const all = [0, 1440] as const;
    expect(meanOf(d, "port_p53_in_flow", ...all) / meanOf(d, "proto_udp_in_flow", ...all)).toBeGreaterThan(0.75);
    const web = nodeSeries(w, flows, WEB);
    const webShare = (meanOf(web, "port_p443_in_flow", ...all) + meanOf(web, "port_p80_in_flow", ...all)) / meanOf(web, "volume_in_flow", ...all);
    expect(webShare).toBeGreaterThan(0.85);
    expect(meanOf(web, "port_p443_out_byt", ...all)).toBeGreaterThan(meanOf(web, "port_p443_in_byt", ...all)); // responses are bigger
    const user = nodeSeries(w, flows, USER);
    // an end user opens connections: outbound from ephemeral ports, inbound replies to them; no inbound 443
    expect(meanOf(user, "port_p443_in_flow", ...all)).toBe(0);
    expect(meanOf(user, "port_private_out_flow", ...all) + meanOf(user, "port_registered_out_flow", ...all)).toBeGreaterThan(0.9 * meanOf(user, "volume_out_flow", ...all));
  });

  it("background scanning shows as inbound SYNs answered with resets, even on an idle node", () => {
    const idle = world(smallScenario([{ role: "idle", address: USER }], [], { duration: { minutes: 600 } }));
    const s = nodeSeries(idle, allFlows(idle), USER);
    expect(meanOf(s, "proto_tcp_in_flow", 0, 600)).toBeGreaterThan(0.3);
    expect(meanOf(s, "proto_tcp_in_flow", 0, 600)).toBeLessThan(1);
  });
});

describe("synth attacks in the 86 features", () => {
  const onset = 600;
  const w = world(
    smallScenario(
      [{ role: "web", address: WEB }, { role: "dns-resolver", address: DNS }],
      [
        { type: "dns-amplification", victim: DNS, onset, rampUpMinutes: 2, durationMinutes: 20, intensityPps: 20000 },
        { type: "syn-flood", victim: WEB, onset: onset + 60, rampUpMinutes: 1, durationMinutes: 15, intensityPps: 20000 },
      ],
      { duration: { minutes: 720 } },
    ),
  );
  const flows = allFlows(w);
  const before = [onset - 60, onset] as const;

  it("DNS amplification: the victim's inbound UDP bytes, ephemeral port classes and port 0 jump; inbound port 53 stays at baseline", () => {
    const s = nodeSeries(w, flows, DNS);
    const during = [onset + 3, onset + 20] as const;
    const ratio = (f: string) => meanOf(s, f, ...during) / Math.max(1e-9, meanOf(s, f, ...before));
    expect(ratio("proto_udp_in_byt")).toBeGreaterThan(50);
    expect(ratio("port_private_in_byt") + ratio("port_registered_in_byt")).toBeGreaterThan(50);
    expect(meanOf(s, "port_p0_in_byt", ...before)).toBe(0);
    expect(meanOf(s, "port_p0_in_pkt", ...during)).toBeGreaterThan(1e5);
    for (const t of ["pkt", "byt", "flow"]) {
      expect(ratio(`port_p53_in_${t}`)).toBeGreaterThan(0.6);
      expect(ratio(`port_p53_in_${t}`)).toBeLessThan(1.6);
    }
    // and it is gone once the attack ends
    expect(meanOf(s, "port_p0_in_byt", onset + 21, onset + 60)).toBe(0);
  });

  it("the ramp-up is gradual: the first minute carries less than full strength", () => {
    const s = nodeSeries(w, flows, DNS);
    expect(meanOf(s, "port_p0_in_pkt", onset, onset + 1)).toBeLessThan(0.75 * meanOf(s, "port_p0_in_pkt", onset + 3, onset + 20));
  });

  it("SYN flood: the victim's inbound TCP flows jump, on its service port, and it answers SYN-ACKs", () => {
    const s = nodeSeries(w, flows, WEB);
    const from = onset + 60;
    const during = [from + 1, from + 15] as const;
    const base = [from - 60, from] as const;
    expect(meanOf(s, "proto_tcp_in_flow", ...during) / meanOf(s, "proto_tcp_in_flow", ...base)).toBeGreaterThan(20);
    expect(meanOf(s, "port_p443_in_pkt", ...during) / meanOf(s, "port_p443_in_pkt", ...base)).toBeGreaterThan(20);
    expect(meanOf(s, "tcpflags_18_out_flow", ...during)).toBeGreaterThan(10 * Math.max(1, meanOf(s, "tcpflags_18_out_flow", ...base)));
    expect(meanOf(s, "proto_udp_in_byt", ...during) / meanOf(s, "proto_udp_in_byt", ...base)).toBeLessThan(3);
  });
});
