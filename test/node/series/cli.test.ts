/** @module `netflowgen data load-series`: registration, usage errors, a missing input folder, and a small real load with its summary. */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadSeriesArgs } from "../../../cloud/cli/load-series.js";
import { main } from "../../../cloud/cli/main.js";
import type { CliIo } from "../../../cloud/cli/command.js";
import { CESNET_DIR, HAVE_SERIES, NAB_DIR, SERIES_DIR, seriesSuiteName, tempDir } from "./support.js";

function capture(): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (t) => stdout.push(t), err: (t) => stderr.push(t), env: {} };
}

describe("load-series command", () => {
  const tmp = tempDir("nfg-load-series-");
  afterAll(() => tmp.remove());

  it("is listed in netflowgen --help and has its own help", async () => {
    const io = capture();
    expect(await main(["--help"], io)).toBe(0);
    expect(io.stdout.join("")).toMatch(/load-series/);
    const help = capture();
    expect(await main(["data", "load-series", "--help"], help)).toBe(0);
    expect(help.stdout.join("")).toMatch(/--source cesnet\|nab/);
  });

  it("refuses bad flags with exit code 2", async () => {
    for (const argv of [["--out", "x"], ["--source", "foo", "--out", "x"], ["--source", "cesnet"], ["--source", "cesnet", "--out", "x", "--ips", "0"], ["--source", "nab", "--out", "x", "--stratum", "all"]]) {
      const io = capture();
      expect(await main(["data", "load-series", ...argv], io)).toBe(2);
      expect(io.stderr.join("")).toMatch(/netflowgen data: /);
    }
  });

  it("fails with a clear message when the input folder is missing", async () => {
    const io = capture();
    const missing = join(tmp.dir, "no-such-folder");
    expect(await main(["data", "load-series", "--source", "cesnet", "--in", missing, "--out", join(tmp.dir, "out")], io)).toBe(1);
    expect(io.stderr.join("")).toContain(`input folder ${missing} does not exist`);
    expect(existsSync(join(tmp.dir, "out"))).toBe(false);
    const wrong = capture();
    expect(await main(["data", "load-series", "--source", "nab", "--in", tmp.dir, "--out", join(tmp.dir, "out")], wrong)).toBe(1);
    expect(wrong.stderr.join("")).toMatch(/is not the NAB realAWSCloudwatch folder/);
  });

  it.skipIf(!HAVE_SERIES)(seriesSuiteName("takes the parent series/ folder as --in"), () => {
    expect(loadSeriesArgs(["--source", "nab", "--in", SERIES_DIR, "--out", "x"])).toMatchObject({ inDir: join(SERIES_DIR, "nab-aws-network") });
    expect(loadSeriesArgs(["--source", "cesnet", "--in", CESNET_DIR, "--out", "x"])).toMatchObject({ inDir: CESNET_DIR });
  });

  it.skipIf(!HAVE_SERIES)(seriesSuiteName("loads and prints a summary"), async () => {
    const io = capture();
    const out = join(tmp.dir, "cesnet");
    expect(await main(["data", "load-series", "--source", "cesnet", "--in", CESNET_DIR, "--out", out, "--stratum", "random", "--ips", "1"], io)).toBe(0);
    const text = io.stdout.join("\n");
    expect(text).toMatch(/nodes +1\n/);
    expect(text).toMatch(/rows +40298\n/);
    expect(text).toMatch(/time range +2023-10-09T00:03Z \.\. 2024-07-14T21:50Z/);
    expect(text).toMatch(/written +\d+ bytes/);
    expect(existsSync(join(out, "manifest.json"))).toBe(true);
    const nab = capture();
    expect(await main(["data", "load-series", "--source", "nab", "--in", NAB_DIR, "--out", join(tmp.dir, "nab"), "--ips", "1"], nab)).toBe(0);
    expect(nab.stdout.join("\n")).toMatch(/rows +4034\n/);
  });
});
