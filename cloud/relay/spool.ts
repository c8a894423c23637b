/** @module The relay's disk buffer: crash-safe batch files in sequence order, bounded by dropping the oldest, plus a bounded rejected/ folder. */
// Writes: temp file, fsync, rename, fsync of the directory.
// File name: `<seq, 16 digits>_<batch id>_<datagram count>.nfgd`. The sequence orders sending; the
// batch id is the Idempotency-Key of every attempt to send that file. Files named `.tmp-*` are
// incomplete writes from a crash and are deleted on open. A `.lock` file holds the owner's pid.
import { randomUUID } from "node:crypto";
import { constants as fsc } from "node:fs";
import { mkdir, open, readdir, readFile, rename, stat, unlink } from "node:fs/promises";
import { join, resolve } from "node:path";

export interface SpoolEntry {
  seq: number;
  /** batch id: the Idempotency-Key */
  id: string;
  datagrams: number;
  bytes: number;
  name: string;
}

export interface SpoolOptions {
  dir: string;
  /** bound on the pending files' bytes (and, separately, on rejected/'s) */
  maxBytes: number;
  /** bound on the number of pending files (and, separately, of rejected/'s) */
  maxFiles: number;
  fsync: boolean;
}

const NAME = /^(\d{16})_([A-Za-z0-9-]{1,64})_(\d{1,9})\.nfgd$/;
const TMP_PREFIX = ".tmp-";
const LOCK = ".lock";
export const REJECTED_DIR = "rejected";

export function batchFileName(seq: number, id: string, datagrams: number): string {
  return `${String(seq).padStart(16, "0")}_${id}_${datagrams}.nfgd`;
}

export function parseBatchFileName(name: string): Omit<SpoolEntry, "bytes"> | null {
  const m = NAME.exec(name);
  return m ? { seq: Number(m[1]), id: m[2]!, datagrams: Number(m[3]), name } : null;
}

/** Directories locked by this process (a lock file with our own pid is stale unless listed here). */
const lockedHere = new Set<string>();

/** An ordered list of batch files in one directory, with their total size. */
class BatchFiles {
  readonly entries: SpoolEntry[] = [];
  bytes = 0;
  datagrams = 0;
  constructor(readonly dir: string) {}

  /** Loads the directory's batch files in sequence order and deletes incomplete (temp) files. */
  async scan(): Promise<{ removedTemp: number }> {
    let removedTemp = 0;
    for (const ent of await readdir(this.dir, { withFileTypes: true })) {
      if (!ent.isFile()) continue;
      if (ent.name.startsWith(TMP_PREFIX)) {
        await unlink(join(this.dir, ent.name)).catch(() => {});
        removedTemp++;
        continue;
      }
      const parsed = parseBatchFileName(ent.name);
      if (!parsed) continue;
      const { size } = await stat(join(this.dir, ent.name));
      this.push({ ...parsed, bytes: size });
    }
    this.entries.sort((a, b) => a.seq - b.seq);
    return { removedTemp };
  }

  push(e: SpoolEntry): void {
    this.entries.push(e);
    this.bytes += e.bytes;
    this.datagrams += e.datagrams;
  }

  private take(i: number): SpoolEntry {
    const e = this.entries.splice(i, 1)[0]!;
    this.bytes -= e.bytes;
    this.datagrams -= e.datagrams;
    return e;
  }

  /** Forgets an entry (by seq); returns whether it was listed. */
  forget(seq: number): boolean {
    const i = this.entries.findIndex((e) => e.seq === seq);
    if (i < 0) return false;
    this.take(i);
    return true;
  }

  /** Deletes the oldest files, except `keepSeq`, until `extraBytes` more bytes and one more file fit the bounds. */
  async evictFor(extraBytes: number, maxBytes: number, maxFiles: number, keepSeq: number | null): Promise<SpoolEntry[]> {
    const dropped: SpoolEntry[] = [];
    let i = 0;
    while ((this.bytes + extraBytes > maxBytes || this.entries.length + 1 > maxFiles) && i < this.entries.length) {
      if (this.entries[i]!.seq === keepSeq) {
        i++;
        continue;
      }
      const e = this.take(i);
      await unlink(join(this.dir, e.name)).catch(() => {});
      dropped.push(e);
    }
    return dropped;
  }
}

export class Spool {
  private readonly pending: BatchFiles;
  private readonly rejected: BatchFiles;
  private nextSeq = 1;
  /** the batch the sender holds; eviction never deletes it */
  private heldSeq: number | null = null;
  private closed = false;
  /** what open() found: pending batches from an earlier run, and incomplete files it deleted */
  readonly recovered = { pending: 0, removedTemp: 0 };

  private constructor(
    private readonly options: SpoolOptions,
    readonly dir: string,
  ) {
    this.pending = new BatchFiles(dir);
    this.rejected = new BatchFiles(join(dir, REJECTED_DIR));
  }

  /** Opens (creating) the buffer directory, takes its lock, deletes incomplete files and lists pending batches. */
  static async open(options: SpoolOptions): Promise<Spool> {
    const dir = resolve(options.dir);
    await mkdir(join(dir, REJECTED_DIR), { recursive: true });
    await takeLock(dir);
    const spool = new Spool(options, dir);
    try {
      const { removedTemp } = await spool.pending.scan();
      await spool.rejected.scan();
      const last = Math.max(spool.pending.entries.at(-1)?.seq ?? 0, spool.rejected.entries.at(-1)?.seq ?? 0);
      spool.nextSeq = last + 1;
      spool.recovered.pending = spool.pending.entries.length;
      spool.recovered.removedTemp = removedTemp;
      return spool;
    } catch (err) {
      await releaseLock(dir);
      throw err;
    }
  }

  get pendingBatches(): number {
    return this.pending.entries.length;
  }
  get pendingBytes(): number {
    return this.pending.bytes;
  }
  get pendingDatagrams(): number {
    return this.pending.datagrams;
  }
  get rejectedBatches(): number {
    return this.rejected.entries.length;
  }

  /**
   * Writes a framed batch as the newest pending file, crash-safe, after making room for it by
   * deleting the oldest pending batches (never the one the sender holds). Returns the new entry and
   * what was dropped. The bound may be passed by the held batch plus this one, at most.
   */
  async append(body: Uint8Array, datagrams: number): Promise<{ entry: SpoolEntry; dropped: SpoolEntry[] }> {
    if (this.closed) throw new Error("spool is closed");
    const dropped = await this.pending.evictFor(body.length, this.options.maxBytes, this.options.maxFiles, this.heldSeq);
    const seq = this.nextSeq++;
    const id = randomUUID();
    const name = batchFileName(seq, id, datagrams);
    await this.writeAtomically(name, body);
    const entry: SpoolEntry = { seq, id, datagrams, bytes: body.length, name };
    this.pending.push(entry);
    return { entry, dropped };
  }

  /** The oldest pending batch, now held by the caller (eviction skips it) until release/delivered/reject. */
  hold(): SpoolEntry | undefined {
    const e = this.pending.entries[0];
    this.heldSeq = e ? e.seq : null;
    return e;
  }

  release(): void {
    this.heldSeq = null;
  }

  /** The file's bytes, or null if it is gone (deleted behind our back). */
  async read(entry: SpoolEntry): Promise<Uint8Array | null> {
    try {
      return new Uint8Array(await readFile(join(this.dir, entry.name)));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") {
        this.pending.forget(entry.seq);
        return null;
      }
      throw err;
    }
  }

  /** The edge has the batch: delete it. */
  async delivered(entry: SpoolEntry): Promise<void> {
    await unlink(join(this.dir, entry.name)).catch(() => {}); // a leftover is resent after a restart, and deduped by the edge
    this.pending.forget(entry.seq);
    if (this.heldSeq === entry.seq) this.heldSeq = null;
  }

  /** The edge refused the batch itself: move it to rejected/ (bounded like the buffer; returns what that evicted). */
  async reject(entry: SpoolEntry): Promise<SpoolEntry[]> {
    const evicted = await this.rejected.evictFor(entry.bytes, this.options.maxBytes, this.options.maxFiles, null);
    await rename(join(this.dir, entry.name), join(this.rejected.dir, entry.name)); // if this fails, the batch stays pending
    if (this.options.fsync) await fsyncDir(this.rejected.dir);
    this.pending.forget(entry.seq);
    if (this.heldSeq === entry.seq) this.heldSeq = null;
    this.rejected.push(entry);
    return evicted;
  }

  /** Releases the lock; pending files stay for the next start. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await releaseLock(this.dir);
  }

  private async writeAtomically(name: string, body: Uint8Array): Promise<void> {
    const tmp = join(this.dir, `${TMP_PREFIX}${name}`);
    const fh = await open(tmp, fsc.O_WRONLY | fsc.O_CREAT | fsc.O_EXCL, 0o600);
    try {
      await fh.writeFile(body);
      if (this.options.fsync) await fh.sync();
    } catch (err) {
      await fh.close().catch(() => {});
      await unlink(tmp).catch(() => {});
      throw err;
    }
    await fh.close();
    await rename(tmp, join(this.dir, name));
    if (this.options.fsync) await fsyncDir(this.dir);
  }
}

/** Makes a rename durable (POSIX); platforms that cannot open a directory skip it. */
async function fsyncDir(dir: string): Promise<void> {
  let fh;
  try {
    fh = await open(dir, fsc.O_RDONLY);
    await fh.sync();
  } catch {
    // not supported here (e.g. Windows)
  } finally {
    await fh?.close().catch(() => {});
  }
}

async function takeLock(dir: string): Promise<void> {
  const path = join(dir, LOCK);
  if (lockedHere.has(dir)) throw new Error(`buffer directory ${dir} is already used by a relay in this process`);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fh = await open(path, fsc.O_WRONLY | fsc.O_CREAT | fsc.O_EXCL, 0o600);
      await fh.writeFile(`${process.pid}\n`);
      await fh.close();
      lockedHere.add(dir);
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
    const pid = Number((await readFile(path, "utf8").catch(() => "")).trim());
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) {
      throw new Error(`buffer directory ${dir} is used by another relay (pid ${pid}); give each relay its own --buffer-dir, or delete ${path} if no relay runs`);
    }
    await unlink(path).catch(() => {}); // stale: its owner is gone (or was an earlier relay of this process)
  }
  throw new Error(`could not take the lock ${path}`);
}

async function releaseLock(dir: string): Promise<void> {
  if (!lockedHere.delete(dir)) return;
  await unlink(join(dir, LOCK)).catch(() => {});
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}
