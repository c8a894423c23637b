/** @module Scenario files: the examples validate and compile; bad files fail with the zod path of the bad field in the message. */
import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseScenario, parseScenarioText, ScenarioError } from "../../../cloud/data/synth/scenario.js";
import { compileWorld } from "../../../cloud/data/synth/world.js";
import { exampleScenario, SCENARIOS } from "./support.js";

const GOOD = {
  seed: 1,
  start: "2026-03-02T00:00:00Z",
  duration: { minutes: 60 },
  tenant: { name: "t", customers: [{ name: "c", prefixes: ["198.51.100.0/28"], nodes: [{ role: "web", count: 2 }] }] },
  attacks: [{ type: "udp-flood", victim: "198.51.100.1", onset: 10, durationMinutes: 5, intensityPps: 1000 }],
};

function errorOf(value: unknown): string {
  try {
    parseScenario(value, "bad.json");
  } catch (err) {
    expect(err).toBeInstanceOf(ScenarioError);
    return (err as Error).message;
  }
  throw new Error("expected a ScenarioError");
}

const clone = (): typeof GOOD & Record<string, unknown> => structuredClone(GOOD);

describe("scenario files", () => {
  it("the checked-in examples validate and compile", () => {
    const names = readdirSync(SCENARIOS).filter((f) => f.endsWith(".json"));
    expect(names.length).toBeGreaterThanOrEqual(2);
    for (const name of names) {
      const w = compileWorld(exampleScenario(name.replace(/\.json$/, "")));
      expect(w.nodes.length).toBeGreaterThan(0);
      expect(w.attacks.length).toBeGreaterThan(0);
    }
    const demo = compileWorld(exampleScenario("demo"));
    expect(demo.nodes).toHaveLength(12);
    expect(demo.endMinute - demo.startMinute).toBe(1440);
    expect(new Set(demo.nodes.map((n) => n.address)).size).toBe(12);
  });

  it("applies defaults and assigns addresses in prefix order", () => {
    const w = compileWorld(parseScenario(GOOD));
    expect(w.nodes.map((n) => n.address)).toEqual(["198.51.100.1", "198.51.100.2"]);
    expect(w.scenario.flowScale).toBe(1);
    expect(w.attacks[0]!.rampUpMinutes).toBe(2);
  });

  it("names the path of a bad field", () => {
    const role = clone();
    role.tenant.customers[0]!.nodes[0]!.role = "webserver";
    expect(errorOf(role)).toMatch(/bad\.json: invalid scenario\n\s+tenant\.customers\[0\]\.nodes\[0\]\.role: /);

    const noSeed: Record<string, unknown> = clone();
    delete noSeed.seed;
    expect(errorOf(noSeed)).toMatch(/\bseed: /);

    const prefix = clone();
    prefix.tenant.customers[0]!.prefixes[0] = "198.51.100.1/24";
    expect(errorOf(prefix)).toMatch(/tenant\.customers\[0\]\.prefixes\[0\]: must be an IPv4 prefix/);

    const victim = clone();
    victim.attacks[0]!.victim = "198.51.100.0/24";
    expect(errorOf(victim)).toMatch(/attacks\[0\]\.victim: only carpet-bombing takes a prefix/);

    const kind = clone();
    kind.attacks[0]!.type = "ping-of-death";
    expect(errorOf(kind)).toMatch(/attacks\[0\]\.type: /);

    const typo: Record<string, unknown> = { ...clone(), seeed: 3 };
    expect(errorOf(typo)).toMatch(/seeed/);

    const start = clone();
    start.start = "yesterday";
    expect(errorOf(start)).toMatch(/\bstart: /);
  });

  it("reports every problem at once, and bad JSON clearly", () => {
    const two = clone();
    two.seed = -1;
    two.duration = { minutes: 0 };
    const msg = errorOf(two);
    expect(msg).toMatch(/\bseed: /);
    expect(msg).toMatch(/\bduration/);
    expect(() => parseScenarioText("{ seed: 1 ", "x.json")).toThrow(/x\.json: not valid JSON/);
  });

  it("refuses more nodes than a customer's prefixes hold", () => {
    const full = clone();
    full.tenant.customers[0]!.nodes[0]!.count = 15;
    expect(() => compileWorld(parseScenario(full))).toThrow(/too few addresses/);
  });
});
