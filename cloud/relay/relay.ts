/** @module The relay: UDP socket, batcher, disk buffer and sender put together, with its stats and its stop. */
// Every datagram is stamped with its exporter's address and receive time, every sealed batch goes to
// disk before anything is sent, and the buffer is sent oldest first.
import { createSocket, type RemoteInfo, type Socket } from "node:dgram";
import { encodeDatagramBatch, type FramedDatagram } from "../../shared/ingest/datagram-batch.js";
import { exporterAddress, parseListenAddress } from "./address.js";
import { Batcher } from "./batcher.js";
import { readUdpDrops } from "./kernel-drops.js";
import { keyHint, urlForLog } from "./log.js";
import { resolveRelayOptions, type RelayInit, type RelayOptions } from "./options.js";
import { ingestUrl } from "./post.js";
import { Sender } from "./sender.js";
import { Spool } from "./spool.js";
import { emptyStats, statsFields, type BufferState, type RelayStats } from "./stats.js";

export interface Relay {
  /** the bound UDP address (useful with port 0) */
  readonly address: { address: string; port: number; family: "IPv4" | "IPv6" };
  readonly options: Readonly<RelayOptions>;
  /** a snapshot of the counters and the buffer's state */
  stats(): RelayStats & BufferState;
  /** Seals the open batch and waits until every sealed batch is on disk. */
  flush(): Promise<void>;
  /** Graceful stop: no more datagrams, the open batch goes to disk, the sender stops, the lock is released. */
  stop(): Promise<void>;
  /** Abrupt stop, as a crash would: the open batch (in memory only) is lost; what is on disk stays. */
  kill(): Promise<void>;
}

export async function startRelay(init: RelayInit): Promise<Relay> {
  const options = resolveRelayOptions(init);
  const listen = parseListenAddress(options.listen);
  const { logger } = options;
  const stats = emptyStats();

  const spool = await Spool.open({ dir: options.bufferDir, maxBytes: options.maxBufferBytes, maxFiles: options.maxBufferFiles, fsync: options.fsync });
  logger.log("info", "buffer.opened", {
    dir: spool.dir,
    pending_batches: spool.pendingBatches,
    pending_datagrams: spool.pendingDatagrams,
    pending_bytes: spool.pendingBytes,
    removed_incomplete: spool.recovered.removedTemp || undefined,
    max_bytes: options.maxBufferBytes,
  });

  const sender = new Sender(spool, stats, options);
  sender.start(); // batches left by an earlier run go first: they have the lowest sequence numbers

  // sealed batches waiting for the disk, written one at a time in order
  let writing: Promise<void> = Promise.resolve();
  let pendingWrites = 0;
  let pendingWriteDatagrams = 0;

  const drop = (datagrams: number, batches: number, why: string, extra: Record<string, string | number> = {}): void => {
    stats.droppedDatagrams += datagrams;
    stats.droppedBatches += batches;
    logger.log("warn", "batch.dropped", { batches, datagrams, why, total_dropped: stats.droppedDatagrams, ...extra });
  };

  const persist = async (datagrams: FramedDatagram[]): Promise<void> => {
    try {
      const { dropped } = await spool.append(encodeDatagramBatch(datagrams), datagrams.length);
      if (dropped.length > 0) {
        drop(
          dropped.reduce((n, e) => n + e.datagrams, 0),
          dropped.length,
          "buffer full: oldest batches deleted",
          { max_bytes: options.maxBufferBytes, oldest_dropped: dropped[0]!.id },
        );
      }
      sender.wake();
    } catch (err) {
      drop(datagrams.length, 1, "could not write the batch to the buffer", { error: String(err) });
    }
  };

  const batcher = new Batcher(options, (datagrams) => {
    if (pendingWrites >= options.maxPendingWrites) {
      drop(datagrams.length, 1, "disk too slow: too many batches waiting to be written", { waiting: pendingWrites });
      return;
    }
    pendingWrites++;
    pendingWriteDatagrams += datagrams.length;
    writing = writing.then(() => persist(datagrams)).finally(() => {
      pendingWrites--;
      pendingWriteDatagrams -= datagrams.length;
    });
  });

  const onMessage = (msg: Buffer, rinfo: RemoteInfo): void => {
    stats.received++;
    stats.receivedBytes += msg.length;
    const exporter = exporterAddress(rinfo.address);
    if (exporter === null) {
      stats.invalidSender++;
      return;
    }
    batcher.add({ exporter, receivedAtMs: Date.now(), payload: new Uint8Array(msg.buffer, msg.byteOffset, msg.byteLength) });
  };
  let socket: Socket;
  try {
    socket = await bind(options, listen, onMessage);
  } catch (err) {
    await sender.close();
    await spool.close();
    throw err;
  }
  socket.on("error", (err) => logger.log("error", "udp.error", { error: String(err) }));

  const addr = socket.address();
  const recvBuffer = safe(() => socket.getRecvBufferSize());
  logger.log("info", "relay.listening", {
    listen: `${addr.family === "IPv6" ? `[${addr.address}]` : addr.address}:${addr.port}`,
    edge: urlForLog(ingestUrl(options.edge)),
    key: keyHint(options.key),
    recv_buffer: recvBuffer,
    batch_ms: options.batchMs,
    batch_max: options.batchMax,
  });
  // Linux reports twice the usable size and caps requests at net.core.rmem_max
  if (recvBuffer !== undefined && recvBuffer < options.recvBufferBytes) {
    logger.log("warn", "udp.small_receive_buffer", { requested: options.recvBufferBytes, got: recvBuffer, hint: "raise net.core.rmem_max (sysctl) to absorb bursts" });
  }

  const snapshot = (): RelayStats & BufferState => ({
    ...stats,
    bufferedBatches: spool.pendingBatches,
    bufferedDatagrams: spool.pendingDatagrams,
    bufferedBytes: spool.pendingBytes,
    inMemoryDatagrams: batcher.size + pendingWriteDatagrams,
  });
  // datagrams the kernel dropped before we could read them (Linux): reported, never silent
  let kernelDrops = readUdpDrops(addr.port, listen.family) ?? 0;
  const checkKernelDrops = (): number | undefined => {
    const drops = readUdpDrops(addr.port, listen.family);
    if (drops !== undefined && drops > kernelDrops) {
      logger.log("warn", "udp.kernel_drops", { datagrams: drops - kernelDrops, total: drops, hint: "the socket's receive buffer overflowed: raise net.core.rmem_max, or spread exporters over several relays" });
      kernelDrops = drops;
    }
    return drops;
  };
  const statsTimer =
    options.statsIntervalMs > 0
      ? setInterval(() => {
          const drops = checkKernelDrops();
          logger.log("info", "relay.stats", { ...statsFields(stats, snapshot()), kernel_drops: drops });
        }, options.statsIntervalMs)
      : undefined;
  statsTimer?.unref();

  let stopping: Promise<void> | undefined;
  const shutdown = (graceful: boolean): Promise<void> =>
    (stopping ??= (async () => {
      if (statsTimer) clearInterval(statsTimer);
      const drops = checkKernelDrops(); // while the socket still exists
      await new Promise<void>((resolve) => {
        try {
          socket.close(() => resolve());
        } catch {
          resolve(); // already closed
        }
      });
      if (graceful) batcher.flush();
      else batcher.discard();
      await writing;
      await sender.close();
      await spool.close();
      logger.log("info", graceful ? "relay.stopped" : "relay.killed", { ...statsFields(stats, snapshot()), kernel_drops: drops });
    })());

  return {
    address: { address: addr.address, port: addr.port, family: addr.family === "IPv6" ? "IPv6" : "IPv4" },
    options,
    stats: snapshot,
    flush: async () => {
      batcher.flush();
      await writing;
    },
    stop: () => shutdown(true),
    kill: () => shutdown(false),
  };
}

async function bind(options: RelayOptions, listen: ReturnType<typeof parseListenAddress>, onMessage: (msg: Buffer, rinfo: RemoteInfo) => void): Promise<Socket> {
  const socket = createSocket({ type: listen.family === 6 ? "udp6" : "udp4", recvBufferSize: options.recvBufferBytes });
  socket.on("message", onMessage);
  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error): void => reject(new Error(`cannot listen on ${options.listen}: ${err.message}`));
    socket.once("error", onError);
    socket.bind({ address: listen.host, port: listen.port, exclusive: true }, () => {
      socket.off("error", onError);
      resolve();
    });
  });
  return socket;
}

function safe<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch {
    return undefined;
  }
}
