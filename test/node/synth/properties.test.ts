/** @module Property tests (fast-check): any split of a minute range gives the same flows, a node's traffic does not depend on the other nodes, and --to accepts only loopback. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { generateFlows } from "../../../cloud/data/synth/generate.js";
import { parseLoopbackTarget } from "../../../cloud/data/synth/loopback.js";
import { smallScenario, world } from "./support.js";

describe("synth properties", () => {
  const w = world(smallScenario([{ role: "web", address: "198.51.100.1" }, { role: "end-user", address: "198.51.100.2" }], [{ type: "udp-flood", victim: "198.51.100.1", onset: 10, durationMinutes: 10, intensityPps: 500 }], { duration: { minutes: 40 } }));
  const whole = [...generateFlows(w)].flatMap((b) => b.flows);

  it("any split of the minute range concatenates to the whole", () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: 39 }), { maxLength: 6 }), (cuts) => {
        const edges = [0, ...cuts.sort((a, b) => a - b), 40].map((m) => w.startMinute + m);
        const parts = edges.slice(1).flatMap((to, i) => [...generateFlows(w, { fromMinute: edges[i]!, toMinute: to })].flatMap((b) => b.flows));
        expect(parts).toEqual(whole);
      }),
      { numRuns: 15 },
    );
  });

  it("a node's baseline traffic does not change when other nodes are added", () => {
    const more = world(smallScenario([{ role: "dns-resolver", address: "198.51.100.9" }, { role: "web", address: "198.51.100.1" }], [], { duration: { minutes: 40 } }));
    const alone = world(smallScenario([{ role: "web", address: "198.51.100.1" }], [], { duration: { minutes: 40 } }));
    const touches = (f: { src: string; dst: string }) => f.src === "198.51.100.1" || f.dst === "198.51.100.1";
    expect([...generateFlows(more)].flatMap((b) => b.flows).filter(touches)).toEqual([...generateFlows(alone)].flatMap((b) => b.flows));
  });

  it("--to accepts 127.0.0.0/8 and refuses every other IPv4 address", () => {
    fc.assert(
      fc.property(fc.ipV4(), fc.integer({ min: 1, max: 65535 }), (ip, port) => {
        const target = `${ip}:${port}`;
        if (ip.startsWith("127.")) expect(parseLoopbackTarget(target)).toEqual({ host: ip, port, family: 4 });
        else expect(() => parseLoopbackTarget(target)).toThrow(/refusing/);
      }),
      { numRuns: 500 },
    );
  });
});
