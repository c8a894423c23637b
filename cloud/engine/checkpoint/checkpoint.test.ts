/** @module NFCK checkpoints: round trip, resume equals uninterrupted training bit for bit, typed errors on damaged files, crash safety of the write. */
import { createHash } from "node:crypto";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FEATURE_SCHEMA_HASH_HEX } from "../../../shared/features/catalogue.js";
import { modelConfig, PRESETS } from "../model/config.js";
import { Decoder, PAPER_ADAMW } from "../model/model.js";
import { initParams, paramLayout } from "../model/params.js";
import { randomBatch } from "../model/test-helpers.js";
import { referenceBackend } from "../reference/index.js";
import { Mulberry32 } from "../rng.js";
import { CheckpointError, decodeCheckpoint, readCheckpoint, writeCheckpoint, type CheckpointErrorCode, type CheckpointMeta } from "./index.js";

const tiny = PRESETS.tiny;
let dir = "";
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "nfck-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function meta(step: number): CheckpointMeta {
  return {
    config: tiny,
    step,
    epoch: 2,
    tokensSeen: 123456789012,
    rngState: 0xdeadbeef,
    optimizer: { ...PAPER_ADAMW, t: step },
    extra: { note: "hello", lrSchedule: [1, 2, 3] },
  };
}
function tensors(seed: number): { params: Float32Array; m: Float32Array; v: Float32Array } {
  const n = paramLayout(tiny).total;
  const rng = new Mulberry32(seed);
  return { params: initParams(tiny, seed), m: Float32Array.from({ length: n }, () => rng.normal()), v: Float32Array.from({ length: n }, () => rng.next()) };
}
async function expectCode(p: Promise<unknown>, code: CheckpointErrorCode): Promise<void> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(CheckpointError);
  expect((err as CheckpointError).code).toBe(code);
}

describe("NFCK checkpoint", () => {
  it("round-trips header and tensors bit for bit", async () => {
    const path = join(dir, "round.nfck");
    const t = tensors(1);
    await writeCheckpoint(path, meta(7), t);
    const ck = await readCheckpoint(path, tiny);
    expect(ck.header).toMatchObject({ format: "NFCK", version: 1, config: tiny, layoutHash: paramLayout(tiny).hash, paramTotal: paramLayout(tiny).total, step: 7, epoch: 2, tokensSeen: 123456789012, rngState: 0xdeadbeef, schemaHash: FEATURE_SCHEMA_HASH_HEX, extra: { note: "hello", lrSchedule: [1, 2, 3] } });
    expect(ck.header.optimizer).toEqual({ ...PAPER_ADAMW, t: 7 });
    expect(ck.params).toEqual(t.params);
    expect(ck.m).toEqual(t.m);
    expect(ck.v).toEqual(t.v);
    const bytes = await readFile(path);
    expect(bytes.toString("latin1", 0, 4)).toBe("NFCK");
    expect(bytes.length).toBe(12 + bytes.readUInt32LE(8) + 3 * 4 * paramLayout(tiny).total + 32);
    expect(await readdir(dir)).not.toContain(`round.nfck.tmp-${process.pid}`);
  });

  it("resuming from a checkpoint equals uninterrupted training, bit for bit", async () => {
    const N = 6;
    const k = 3;
    const config = tiny; // dropout 0.3: masks come from per-step seeds
    const batches = Array.from({ length: N }, (_, i) => randomBatch(config, 2, 8, 100 + i));
    const opt = { ...PAPER_ADAMW, lr: 3e-3 };
    const train = (model: Decoder, from: number, to: number): void => {
      for (let t = from; t <= to; t++) {
        model.setBatch(batches[t - 1]!);
        model.zeroGrad();
        model.forward({ train: true, dropoutSeed: 1000 + t });
        model.backward();
        model.step(opt, t);
      }
    };
    const straight = new Decoder(referenceBackend, config, { maxB: 2, seed: 42 });
    train(straight, 1, N);
    const want = await straight.saveState();

    const first = new Decoder(referenceBackend, config, { maxB: 2, seed: 42 });
    train(first, 1, k);
    const path = join(dir, "resume.nfck");
    await writeCheckpoint(path, { ...meta(k), config, optimizer: { ...opt, t: k } }, await first.saveState());

    const ck = await readCheckpoint(path, config);
    const resumed = new Decoder(referenceBackend, ck.header.config, { maxB: 2, params: ck.params });
    resumed.loadState(ck);
    train(resumed, ck.header.optimizer.t + 1, N);
    const got = await resumed.saveState();
    expect(Buffer.from(got.params.buffer).equals(Buffer.from(want.params.buffer))).toBe(true);
    expect(Buffer.from(got.m.buffer).equals(Buffer.from(want.m.buffer))).toBe(true);
    expect(Buffer.from(got.v.buffer).equals(Buffer.from(want.v.buffer))).toBe(true);
    // and training did move the parameters
    expect(Buffer.from(got.params.buffer).equals(Buffer.from(initParams(config, 42).buffer))).toBe(false);
  });

  it("rejects truncated, bit-flipped, foreign, other-version and other-layout files with typed errors", async () => {
    const path = join(dir, "good.nfck");
    await writeCheckpoint(path, meta(1), tensors(2));
    const good = await readFile(path);
    const variant = async (name: string, bytes: Uint8Array): Promise<string> => {
      const p = join(dir, name);
      await writeFile(p, bytes);
      return p;
    };
    const headerLength = good.readUInt32LE(8);
    await expectCode(readCheckpoint(await variant("cut-data.nfck", good.subarray(0, good.length - 1000))), "truncated");
    await expectCode(readCheckpoint(await variant("cut-header.nfck", good.subarray(0, 20))), "truncated");
    await expectCode(readCheckpoint(await variant("cut-prefix.nfck", good.subarray(0, 6))), "truncated");
    const flip = (at: number): Buffer => {
      const b = Buffer.from(good);
      b[at] = b[at]! ^ 0x10;
      return b;
    };
    await expectCode(readCheckpoint(await variant("flip-data.nfck", flip(12 + headerLength + 4 * 1000 + 1))), "corrupted");
    await expectCode(readCheckpoint(await variant("flip-v.nfck", flip(good.length - 40))), "corrupted");
    await expectCode(readCheckpoint(await variant("flip-digest.nfck", flip(good.length - 1))), "corrupted");
    await expectCode(readCheckpoint(await variant("flip-header.nfck", flip(12 + 30))), "corrupted");
    await expectCode(readCheckpoint(await variant("trailing.nfck", Buffer.concat([good, Buffer.from([0])]))), "corrupted");
    await expectCode(readCheckpoint(await variant("magic.nfck", Buffer.concat([Buffer.from("ONNX"), good.subarray(4)]))), "bad-magic");
    const v2 = Buffer.from(good);
    v2.writeUInt32LE(2, 4);
    await expectCode(readCheckpoint(await variant("v2.nfck", v2)), "wrong-version");
    await expectCode(readCheckpoint(path, modelConfig("tiny", { nodes: 4 })), "wrong-layout");
    await expectCode(readCheckpoint(path, PRESETS.paper), "wrong-layout");
    // a well-formed file whose layout hash was written by other layout rules (re-checksummed)
    const json = good.toString("utf8", 12, 12 + headerLength);
    const forged = Buffer.from(good);
    forged.write(json.replace(paramLayout(tiny).hash, "0123456789abcdef"), 12, "utf8");
    createHash("sha256").update(forged.subarray(0, forged.length - 32)).digest().copy(forged, forged.length - 32);
    await expectCode(readCheckpoint(await variant("forged-layout.nfck", forged)), "wrong-layout");
    const otherSchema = Buffer.from(good);
    otherSchema.write(json.replace(FEATURE_SCHEMA_HASH_HEX, "f".repeat(FEATURE_SCHEMA_HASH_HEX.length)), 12, "utf8");
    createHash("sha256").update(otherSchema.subarray(0, otherSchema.length - 32)).digest().copy(otherSchema, otherSchema.length - 32);
    await expectCode(readCheckpoint(await variant("schema.nfck", otherSchema)), "wrong-schema");
    // the unforged file still reads
    expect(decodeCheckpoint(good, path).header.step).toBe(1);
  });

  it("a crash between write and rename leaves the old checkpoint intact", async () => {
    const path = join(dir, "crash.nfck");
    const old = tensors(3);
    await writeCheckpoint(path, meta(1), old);
    let tmpSeen = "";
    const crash = writeCheckpoint(path, meta(2), tensors(4), {
      beforeRename: async (tmp) => {
        tmpSeen = tmp;
        // the new file is complete and valid on disk at this point, under its temporary name
        expect((await readCheckpoint(tmp)).header.step).toBe(2);
        throw new Error("simulated crash");
      },
    });
    await expect(crash).rejects.toThrow("simulated crash");
    expect(tmpSeen).toBe(`${path}.tmp-${process.pid}`);
    const ck = await readCheckpoint(path);
    expect(ck.header.step).toBe(1);
    expect(ck.params).toEqual(old.params);
    // a hard crash leaves a partial temporary file behind; the checkpoint still reads, and the next write replaces it
    await writeFile(`${path}.tmp-${process.pid}`, Buffer.from("NFCK partial"));
    expect((await readCheckpoint(path)).header.step).toBe(1);
    await writeCheckpoint(path, meta(3), tensors(5));
    expect((await readCheckpoint(path)).header.step).toBe(3);
    expect((await readdir(dir)).filter((f) => f.startsWith("crash.nfck.tmp"))).toEqual([]);
  });

  it("refuses to write tensors that do not match the config's layout", async () => {
    const t = tensors(1);
    await expect(writeCheckpoint(join(dir, "bad.nfck"), { ...meta(1), config: PRESETS.paper }, t)).rejects.toThrow(/layout has/);
  });
});
