/** @module Bad data is refused with a typed, clear error before any model or backend exists: wrong schema hash, truncated window file or archive, empty split. */
import { existsSync, readdirSync, readFileSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../cli/main.js";
import { runBuild } from "../cli/build-dataset.js";
import { loadArchives } from "./archives.js";
import { loadDatasetDir } from "./data.js";
import { DataError } from "./errors.js";
import type { ModelFactory } from "./model-api.js";
import { pretrain, type PretrainOptions } from "./pretrain.js";
import { cleanupTmp, copyDataset, demoDataset, tmpDir } from "./test-fixtures.js";

let ds = "";
beforeAll(() => {
  ds = demoDataset(300, 32);
});
afterAll(cleanupTmp);

/** A factory that fails the test if training gets far enough to build a model. */
const noModel: ModelFactory = {
  create: () => Promise.reject(new Error("a model was built: the data error came too late")),
  resume: () => Promise.reject(new Error("a model was built: the data error came too late")),
  checkpointConfig: () => Promise.reject(new Error("unexpected checkpoint read")),
};

async function expectDataError(data: PretrainOptions["data"], code: DataError["code"], message: RegExp): Promise<void> {
  const out = join(tmpDir(), "run");
  const o: PretrainOptions = { data, backend: "reference", config: "tiny", batch: 2, epochs: 1, lr: 1e-3, seed: 0, out };
  const err = await pretrain(o, { factory: noModel, write: () => {} }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(DataError);
  expect((err as DataError).code).toBe(code);
  expect((err as DataError).message).toMatch(message);
  expect(existsSync(out)).toBe(false); // nothing written
}

describe("dataset directory checks", () => {
  it("loads a good dataset: node and customer tables, train and val windows", () => {
    const d = loadDatasetDir(ds);
    expect(d.window).toBe(32);
    expect(d.train.length).toBeGreaterThan(0);
    expect(d.val.length).toBeGreaterThan(0);
    expect(d.nodes.length).toBe(12);
    expect(d.customers).toEqual(["hosting", "broadband"]);
  });
  it("carries the tenant's UTC offset from the scenario into the manifest and the training data", () => {
    const scenario = JSON.parse(readFileSync(new URL("../data/scenarios/demo.json", import.meta.url), "utf8")) as { tenant: { utcOffsetMinutes: number } };
    const manifest = JSON.parse(readFileSync(join(ds, "manifest.json"), "utf8")) as { timeZone: { utcOffsetMinutes: number } };
    expect(manifest.timeZone.utcOffsetMinutes).toBe(scenario.tenant.utcOffsetMinutes);
    expect(loadDatasetDir(ds).utcOffsetMinutes).toBe(scenario.tenant.utcOffsetMinutes);
    expect(loadArchives(join(ds, "archives"), { window: 32 }).utcOffsetMinutes).toBe(0); // bare archives: UTC unless told
  });

  it("wrong schema hash in the manifest", async () => {
    const bad = copyDataset(ds);
    const path = join(bad, "manifest.json");
    const m = JSON.parse(readFileSync(path, "utf8"));
    m.schemaHash = "0badc0de";
    writeFileSync(path, JSON.stringify(m));
    await expectDataError({ dir: bad }, "schema-hash", /0badc0de.*rebuild the dataset/);
  });

  it("wrong schema hash in a window file's header", async () => {
    const bad = copyDataset(ds);
    const path = join(bad, "val.windows.bin");
    const bytes = readFileSync(path);
    bytes.writeUInt32LE(0x12345678, 8);
    writeFileSync(path, bytes);
    await expectDataError({ dir: bad }, "schema-hash", /val\.windows\.bin.*12345678/);
  });

  it("truncated window file", async () => {
    const bad = copyDataset(ds);
    const path = join(bad, "train.windows.bin");
    truncateSync(path, readFileSync(path).length - 100);
    await expectDataError({ dir: bad }, "truncated", /train\.windows\.bin is truncated/);
  });

  it("missing manifest", async () => {
    await expectDataError({ dir: tmpDir() }, "missing", /no manifest/);
  });

  it("empty val split (the data is shorter than a window there)", async () => {
    // 300 minutes: val is 45 minutes, shorter than a 64-minute window
    const out = tmpDir();
    runBuild({ archives: join(ds, "archives"), out, window: 64, fractions: [0.7, 0.15, 0.15], seed: 0 });
    await expectDataError({ dir: out }, "empty-split", /val split has no windows/);
  });

  it("the CLI prints the error and exits 1 without training", async () => {
    const bad = copyDataset(ds);
    truncateSync(join(bad, "val.windows.bin"), 30);
    const lines: string[] = [];
    const io = { out: (t: string) => lines.push(t), err: (t: string) => lines.push(t), env: {} };
    const out = join(tmpDir(), "run");
    expect(await main(["pretrain", "--data", bad, "--out", out, "--config", "tiny", "--quiet"], io)).toBe(1);
    expect(lines.join("\n")).toMatch(/bad data \(truncated\): .*val\.windows\.bin is truncated/);
    expect(existsSync(out)).toBe(false);
  });
});

describe("archive checks (--archives)", () => {
  it("builds the same windows in memory as the dataset directory", () => {
    const a = loadArchives(join(ds, "archives"), { window: 32 });
    const d = loadDatasetDir(ds);
    expect(a.train.length).toBe(d.train.length);
    expect(a.val.map((w) => [w.node, w.startMinute])).toEqual(d.val.map((w) => [w.node, w.startMinute]));
    expect(Buffer.from(a.train[3]!.bins).equals(Buffer.from(d.train[3]!.bins))).toBe(true);
  });

  it("truncated archive chunk", async () => {
    const bad = copyDataset(ds);
    const dir = join(bad, "archives");
    const file = join(dir, readdirSync(dir).find((f) => f.endsWith(".nfga"))!);
    truncateSync(file, Math.floor(readFileSync(file).length / 2));
    await expectDataError({ archives: dir, window: 32 }, "truncated", /\.nfga: truncated/);
  });

  it("empty split from archives", async () => {
    await expectDataError({ archives: join(ds, "archives"), window: 200 }, "empty-split", /split has no windows/);
  });
});
