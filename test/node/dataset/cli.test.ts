/** @module `netflowgen data build` end to end: a shortened demo scenario → archives + dataset, then the same dataset rebuilt from those archives and labels. */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildArgs, buildDatasetCommand } from "../../../cloud/cli/build-dataset.js";
import { UsageError } from "../../../cloud/cli/command.js";
import { dataCommand } from "../../../cloud/cli/data.js";

const DEMO = new URL("../../../cloud/data/scenarios/demo.json", import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), "nfg-build-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function io() {
  const out: string[] = [];
  return { out, io: { out: (t: string) => void out.push(t), err: (t: string) => void out.push(t), env: {} } };
}

describe("netflowgen data build", () => {
  it("parses flags and rejects bad ones", () => {
    expect(buildArgs(["--scenario", "s.json", "--out", "o", "--window", "64", "--split", "0.8,0.1,0.1", "--minutes", "100"])).toMatchObject({ scenario: "s.json", window: 64, fractions: [0.8, 0.1, 0.1], minutes: 100, seed: 0 });
    expect(() => buildArgs(["--out", "o"])).toThrow(UsageError);
    expect(() => buildArgs(["--archives", "a", "--scenario", "s", "--out", "o"])).toThrow(UsageError);
    expect(() => buildArgs(["--archives", "a", "--out", "o", "--minutes", "5"])).toThrow(UsageError);
    expect(() => buildArgs(["--archives", "a", "--out", "o", "--split", "1,1,1"])).toThrow(UsageError);
    expect(() => buildArgs(["--archives", "a", "--out", "o", "--window", "0"])).toThrow(UsageError);
  });

  it("is a data subcommand", async () => {
    const c = io();
    expect(await dataCommand.run(["build", "--help"], c.io)).toBe(0);
    expect(c.out.join("\n")).toContain("--archives DIR");
  });

  it("builds from a scenario, and identically from its archives and labels", async () => {
    const a = io();
    const outA = join(dir, "a");
    expect(await buildDatasetCommand.run(["--scenario", DEMO, "--minutes", "1200", "--window", "128", "--out", outA], a.io)).toBe(0);
    const printed = a.out.join("\n");
    expect(printed).toContain("Table 1.");
    expect(printed).toContain("Table 2.");
    const b = io();
    const outB = join(dir, "b");
    expect(await buildDatasetCommand.run(["--archives", join(outA, "archives"), "--labels", join(outA, "labels.json"), "--window", "128", "--out", outB], b.io)).toBe(0);
    for (const f of ["cutoffs.nfgc", "train.windows.bin", "val.windows.bin", "test.windows.bin", "early-train.windows.bin", "early-val.windows.bin", "early-test.windows.bin", "earlydetect.json"]) {
      expect(readFileSync(join(outB, f)).equals(readFileSync(join(outA, f))), f).toBe(true);
    }
    const m = JSON.parse(readFileSync(join(outA, "manifest.json"), "utf8"));
    expect(m.timeRange.minutes).toBe(1200);
    expect(m.source).toMatchObject({ kind: "scenario", seed: 42 });
    expect(m.seeds).toEqual({ dataset: 0, scenario: 42 });
    const counts = m.earlyDetect.counts;
    expect(counts.train.attacks + counts.val.attacks + counts.test.attacks).toBe(2);
  });
});
