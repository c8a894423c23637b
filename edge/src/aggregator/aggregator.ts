/**
 * @module MinuteAggregator: the Durable Object of one (tenant, shard of node IPs). It keeps the shard's
 * open minutes in a MinuteAccumulator, makes them survive eviction with a write-ahead log of flows,
 * closes minutes by event time after the lateness window, and writes closed minutes to R2, to its
 * own table (for reads) and to the closed-minutes queue.
 */
import { DurableObject } from "cloudflare:workers";
import { drizzle } from "drizzle-orm/d1";
import { MinuteAccumulator, MINUTE_MS, type NodeMinute, BYTES_PER_NODE_MINUTE } from "../../../shared/features/aggregate.js";
import { decodeFlowColumns, encodeFlowColumns, sliceFlowColumns } from "../../../shared/flow/columns-codec.js";
import type { FlowColumns } from "../../../shared/flow/columns.js";
import { encodeMinuteArchive, minuteArchiveFromNodeMinutes } from "../../../shared/wire/archive.js";
import { ShardMatcher } from "../ingest/sharding.js";
import { tenantNodeSet } from "../tenancy/node-sets.js";
import type { AggregatorIngest, AggregatorIngestResult, AggregatorStatus, ClosedMinute, ClosedMinutesEvent } from "./messages.js";
import { blobToCounters, countersToBlob, createTables, readMeta, toBytes, WAL_ROWS_PER_CHUNK, writeMeta } from "./store.js";

/** Event times further ahead of the wall clock than this do not move the close watermark (bad exporter clocks). */
const MAX_FUTURE_MS = 10 * 60_000;
/** Applied batch ids are remembered this long. */
const BATCH_MEMORY_MS = 24 * 60 * 60_000;

const numberVar = (v: string | undefined, fallback: number) => {
  const n = Number(v);
  return Number.isFinite(n) && n > 0 ? n : fallback;
};

export class MinuteAggregator extends DurableObject<Env> {
  private readonly sql: SqlStorage;
  private acc: MinuteAccumulator | null = null;
  private tenantId: string | null = null;
  private shard = -1;
  private shards = 0;
  private prefixesVersion = -1;
  private maxEventMs = Number.NEGATIVE_INFINITY;
  private lastIngestWallMs = 0;
  private readonly latenessMs: number;
  private readonly maxNodes: number;
  private readonly retentionMinutes: number;
  /** Resolves once the open minutes are rebuilt (RPCs are also gated by blockConcurrencyWhile). */
  private readonly ready: Promise<void>;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.latenessMs = numberVar(env.LATENESS_MINUTES, 2) * MINUTE_MS;
    this.maxNodes = numberVar(env.MAX_NODES_PER_SHARD, 4096);
    this.retentionMinutes = numberVar(env.CLOSED_RETENTION_MINUTES, 1440);
    this.ready = ctx.blockConcurrencyWhile(() => this.restore());
  }

  /** Rebuilds the open minutes after a restart: identity from meta, then the WAL replayed above the watermark. */
  private async restore(): Promise<void> {
    createTables(this.sql);
    this.tenantId = readMeta(this.sql, "tenant");
    if (this.tenantId === null) return;
    this.shard = Number(readMeta(this.sql, "shard"));
    this.shards = Number(readMeta(this.sql, "shards"));
    this.maxEventMs = Number(readMeta(this.sql, "max_event_ms") ?? Number.NEGATIVE_INFINITY);
    this.lastIngestWallMs = Number(readMeta(this.sql, "last_ingest_ms") ?? 0);
    await this.loadMatcher(Number(readMeta(this.sql, "prefixes_version") ?? 0));
    const acc = this.acc!;
    const watermark = readMeta(this.sql, "closed_before");
    if (watermark !== null) acc.markClosedBefore(Number(watermark));
    for (const row of this.sql.exec<{ flows: ArrayBuffer }>(`SELECT flows FROM wal ORDER BY seq`)) acc.addColumns(decodeFlowColumns(toBytes(row.flows)));
  }

  private async loadMatcher(version: number): Promise<void> {
    const nodes = await tenantNodeSet(drizzle(this.env.DB), this.tenantId!, version);
    const matcher = new ShardMatcher(nodes, this.shard, this.shards);
    if (this.acc) this.acc.setMatcher(matcher);
    else this.acc = new MinuteAccumulator(matcher, { maxNodes: this.maxNodes });
    this.prefixesVersion = version;
  }

  /** Applies one batch's rows for this shard, once per batch id. */
  async ingest(req: AggregatorIngest): Promise<AggregatorIngestResult> {
    await this.ready;
    if (this.tenantId === null) {
      this.tenantId = req.tenantId;
      this.shard = req.shard;
      this.shards = req.shards;
      writeMeta(this.sql, "tenant", req.tenantId);
      writeMeta(this.sql, "shard", req.shard);
      writeMeta(this.sql, "shards", req.shards);
    } else if (this.tenantId !== req.tenantId || this.shard !== req.shard || this.shards !== req.shards) {
      throw new Error(`aggregator of ${this.tenantId}/${this.shard} of ${this.shards} got a batch for ${req.tenantId}/${req.shard} of ${req.shards}`);
    }
    const none = { duplicate: true, matched: 0, late: 0, overCapacity: 0 };
    if (this.sql.exec(`SELECT 1 FROM batches WHERE batch_id = ?`, req.batchId).toArray().length > 0) return none;
    if (!this.acc || req.prefixesVersion > this.prefixesVersion) {
      await this.loadMatcher(req.prefixesVersion);
      writeMeta(this.sql, "prefixes_version", req.prefixesVersion);
    }
    // Another request may have applied the batch while prefixes loaded.
    if (this.sql.exec(`SELECT 1 FROM batches WHERE batch_id = ?`, req.batchId).toArray().length > 0) return none;
    const acc = this.acc!;
    const cols = decodeFlowColumns(req.flows);
    const now = Date.now();
    const before = { ...acc.stats };
    // Log first, then apply: both happen in this event, which the runtime commits atomically.
    this.ctx.storage.transactionSync(() => {
      this.sql.exec(`INSERT INTO batches (batch_id, received_ms) VALUES (?, ?)`, req.batchId, now);
      for (let start = 0; start < cols.length; start += WAL_ROWS_PER_CHUNK) {
        const chunk = cols.length <= WAL_ROWS_PER_CHUNK ? cols : sliceFlowColumns(cols, range(start, Math.min(cols.length, start + WAL_ROWS_PER_CHUNK)));
        this.sql.exec(`INSERT INTO wal (max_minute, flows) VALUES (?, ?)`, Math.floor(maxEnd(chunk, Number.POSITIVE_INFINITY) / MINUTE_MS), chunk === cols ? req.flows : encodeFlowColumns(chunk));
      }
      const eventMs = maxEnd(cols, now + MAX_FUTURE_MS);
      if (eventMs > this.maxEventMs) {
        this.maxEventMs = eventMs;
        writeMeta(this.sql, "max_event_ms", eventMs);
      }
      this.lastIngestWallMs = now;
      writeMeta(this.sql, "last_ingest_ms", now);
    });
    acc.addColumns(cols);
    await this.scheduleAlarm(now);
    return {
      duplicate: false,
      matched: acc.stats.matched - before.matched,
      late: acc.stats.late - before.late,
      overCapacity: acc.stats.overCapacity - before.overCapacity,
    };
  }

  /** Minutes before this one may close now: event time has passed them by the lateness window. */
  private closableBefore(): number {
    return Math.floor((this.maxEventMs - this.latenessMs) / MINUTE_MS);
  }

  private async scheduleAlarm(now: number): Promise<void> {
    const acc = this.acc;
    if (!acc || !acc.hasOpen) return;
    const due = this.closableBefore() > acc.closedBeforeMinute ? now : this.lastIngestWallMs + this.latenessMs;
    const current = await this.ctx.storage.getAlarm();
    if (current === null || current > due) await this.ctx.storage.setAlarm(due);
  }

  /**
   * Closes what event time allows; when the shard has been idle (no ingest) for the lateness window
   * in wall time, closes every open minute, so a quiet exporter's last minutes are not held forever.
   */
  override async alarm(): Promise<void> {
    await this.ready;
    const acc = this.acc;
    if (!acc) return;
    const now = Date.now();
    let before = this.closableBefore();
    if (now - this.lastIngestWallMs >= this.latenessMs) before = Math.floor(this.maxEventMs / MINUTE_MS) + 1;
    await this.closeBefore(before, now);
    await this.scheduleAlarm(now);
  }

  /** Closes every open minute now (operator action, and tests). Returns how many node-minutes closed. */
  async flush(): Promise<number> {
    await this.ready;
    if (!this.acc) return 0;
    return this.closeBefore(Math.floor(this.maxEventMs / MINUTE_MS) + 1, Date.now());
  }

  private async closeBefore(before: number, now: number): Promise<number> {
    const acc = this.acc!;
    if (!Number.isFinite(before) || before <= acc.closedBeforeMinute) return 0;
    const rows = acc.closeBefore(before);
    if (rows.length > 0) await this.emit(rows);
    this.ctx.storage.transactionSync(() => {
      writeMeta(this.sql, "closed_before", before);
      this.sql.exec(`DELETE FROM wal WHERE max_minute < ?`, before);
      this.sql.exec(`DELETE FROM closed WHERE minute < ?`, before - this.retentionMinutes);
      this.sql.exec(`DELETE FROM batches WHERE received_ms < ?`, now - BATCH_MEMORY_MS);
      const total = Number(readMeta(this.sql, "closed_total") ?? 0) + rows.length;
      writeMeta(this.sql, "closed_total", total);
    });
    return rows.length;
  }

  /** Writes closed rows to R2 (idempotent key), to the `closed` table, and announces them on the queue. */
  private async emit(rows: NodeMinute[]): Promise<void> {
    let from = Number.POSITIVE_INFINITY;
    let to = Number.NEGATIVE_INFINITY;
    for (const r of rows) {
      from = Math.min(from, r.minute);
      to = Math.max(to, r.minute);
    }
    const day = new Date(from * MINUTE_MS).toISOString().slice(0, 10).replaceAll("-", "/");
    const archiveKey = `archives/${this.tenantId}/shard-${this.shard}/${day}/${from}-${to}.nfga`;
    await this.env.ARCHIVES.put(archiveKey, encodeMinuteArchive(minuteArchiveFromNodeMinutes(this.tenantId!, this.shard, rows)));
    this.ctx.storage.transactionSync(() => {
      for (const r of rows) {
        this.sql.exec(
          `INSERT INTO closed (node, minute, customer, counters) VALUES (?, ?, ?, ?) ON CONFLICT(node, minute) DO UPDATE SET customer = excluded.customer, counters = excluded.counters`,
          r.node,
          r.minute,
          r.customer,
          countersToBlob(r.counters),
        );
      }
    });
    const event: ClosedMinutesEvent = { type: "minutes.closed", tenantId: this.tenantId!, shard: this.shard, fromMinute: from, toMinute: to, nodeMinutes: rows.length, archiveKey };
    await this.env.CLOSED_MINUTES.send(event);
  }

  /** Closed minutes of one node in [fromMinute, toMinute). */
  async minutes(node: string, fromMinute: number, toMinute: number): Promise<ClosedMinute[]> {
    await this.ready;
    return this.sql
      .exec<{ minute: number; customer: string; counters: ArrayBuffer }>(
        `SELECT minute, customer, counters FROM closed WHERE node = ? AND minute >= ? AND minute < ? ORDER BY minute`,
        node,
        fromMinute,
        toMinute,
      )
      .toArray()
      .map((r) => ({ minute: r.minute, customer: r.customer, counters: [...blobToCounters(r.counters)] }));
  }

  async status(): Promise<AggregatorStatus> {
    await this.ready;
    const acc = this.acc;
    const walRows = this.sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM wal`).one().n;
    return {
      tenantId: this.tenantId,
      shard: this.tenantId === null ? null : this.shard,
      openNodes: acc?.openNodes ?? 0,
      openNodeMinutes: acc?.openEntries ?? 0,
      openBytes: acc?.openBytes ?? 0,
      openBytesBound: (acc?.openEntries ?? 0) * BYTES_PER_NODE_MINUTE,
      closedBeforeMinute: acc && Number.isFinite(acc.closedBeforeMinute) ? acc.closedBeforeMinute : null,
      maxEventMinute: Number.isFinite(this.maxEventMs) ? Math.floor(this.maxEventMs / MINUTE_MS) : null,
      walRows,
      totals: {
        matched: acc?.stats.matched ?? 0,
        late: acc?.stats.late ?? 0,
        overCapacity: acc?.stats.overCapacity ?? 0,
        closedNodeMinutes: Number(readMeta(this.sql, "closed_total") ?? 0),
      },
    };
  }
}

function range(start: number, end: number): number[] {
  return Array.from({ length: end - start }, (_, i) => start + i);
}

/** Latest flow end in a batch, ignoring ends after `cap` (clock errors); -Infinity when none. */
function maxEnd(cols: FlowColumns, cap: number): number {
  let m = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < cols.length; i++) {
    const e = cols.endMs[i]!;
    if (e > m && e <= cap) m = e;
  }
  return m;
}
