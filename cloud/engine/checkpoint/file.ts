/** @module Crash-safe checkpoint files: write to path.tmp-<pid>, fsync, rename, fsync the directory; read with every check of format.ts. */
import { open, readFile, rename, unlink } from "node:fs/promises";
import { dirname } from "node:path";
import { decodeCheckpoint, encodeCheckpoint, type Checkpoint, type CheckpointMeta, type CheckpointTensors } from "./format.js";
import type { ModelConfig } from "../model/config.js";

export interface WriteCheckpointOptions {
  /** Test hook: runs after the temporary file is durable and before the rename (a throw here leaves the old checkpoint untouched). */
  beforeRename?: (tmpPath: string) => void | Promise<void>;
}

/** Writes the checkpoint atomically: readers see either the old file or the complete new one. */
export async function writeCheckpoint(path: string, meta: CheckpointMeta, tensors: CheckpointTensors, options: WriteCheckpointOptions = {}): Promise<void> {
  const parts = encodeCheckpoint(meta, tensors, path);
  const tmp = `${path}.tmp-${process.pid}`;
  let renamed = false;
  try {
    const fh = await open(tmp, "w");
    try {
      for (const p of parts) await fh.write(p);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await options.beforeRename?.(tmp);
    await rename(tmp, path);
    renamed = true;
    await syncDirectory(dirname(path));
  } finally {
    if (!renamed) await unlink(tmp).catch(() => {});
  }
}

/** fsync of the directory, so the rename itself survives a power loss (not supported on every platform: skipped there). */
async function syncDirectory(dir: string): Promise<void> {
  let fh;
  try {
    fh = await open(dir, "r");
  } catch {
    return;
  }
  try {
    await fh.sync();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== "EINVAL" && code !== "EPERM" && code !== "EISDIR") throw e;
  } finally {
    await fh.close();
  }
}

/** Reads and validates a checkpoint (CheckpointError on any failed check); expectConfig, if given, must share its layout. */
export async function readCheckpoint(path: string, expectConfig?: ModelConfig): Promise<Checkpoint> {
  return decodeCheckpoint(await readFile(path), path, expectConfig);
}
