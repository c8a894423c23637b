/**
 * @module POST /v1/flows: one batch of flows, by Content-Type (framed raw datagrams, nfdump CSV,
 * JSON or NDJSON), parsed, split by node shard and applied by the aggregators once per batch id.
 */
import { and, eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { encodeFlowColumns, decodeFlowColumns, sliceFlowColumns } from "../../../shared/flow/columns-codec.js";
import { FlowColumns } from "../../../shared/flow/columns.js";
import { DATAGRAM_BATCH_CONTENT_TYPE, DatagramBatchError, decodeDatagramBatch } from "../../../shared/ingest/datagram-batch.js";
import { ingestBatches } from "../db/schema.js";
import type { AppEnv } from "../env.js";
import { requireApiKey } from "../http/auth.js";
import { jsonError } from "../http/errors.js";
import { TEXT_PARSERS } from "../parsers/registry.js";
import { emptyReport, MAX_ISSUES, type ParseIssue, type ParseReport } from "../parsers/types.js";
import { splitByShard } from "../ingest/sharding.js";
import { aggregatorStub, exporterStub } from "../ingest/stubs.js";
import { tenantNodeSet } from "../tenancy/node-sets.js";

const DEFAULT_MAX_BODY_BYTES = 8 * 1024 * 1024;
/** Most flow records one batch may carry (text formats). */
const MAX_RECORDS = 500_000;
const BATCH_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export interface IngestResponse {
  batchId: string;
  duplicate: boolean;
  /** flow records decoded */
  accepted: number;
  /** records or datagrams that could not be used (see issues) */
  rejected: number;
  /** NetFlow v9 / IPFIX data sets waiting for their template (decoded when it arrives, else reported as expired) */
  buffered: number;
  /** records decoded now from data that had been waiting for its template (included in accepted) */
  released: number;
  /** accepted records with neither end inside the tenant's prefixes */
  unmatched: number;
  /** accepted records with a share in an already closed minute (dropped, not merged) */
  late: number;
  /** accepted records refused because a shard is at its node cap */
  overCapacity: number;
  issues: ParseIssue[];
}

function maxBodyBytes(env: Env): number {
  const n = Number(env.MAX_BODY_BYTES);
  return Number.isFinite(n) && n > 0 ? n : DEFAULT_MAX_BODY_BYTES;
}

function mergeReport(into: ParseReport, from: ParseReport): void {
  into.accepted += from.accepted;
  into.rejected += from.rejected;
  into.buffered += from.buffered;
  into.released += from.released;
  for (const issue of from.issues) if (into.issues.length < MAX_ISSUES) into.issues.push(issue);
}

export const ingestRoutes = new Hono<AppEnv>().post(
  "/v1/flows",
  requireApiKey,
  (c, next) =>
    bodyLimit({
      maxSize: maxBodyBytes(c.env),
      onError: (c) => jsonError(c, 413, "payload_too_large", `a batch may be at most ${maxBodyBytes(c.env)} bytes; split it`),
    })(c, next),
  async (c) => {
    const tenant = c.var.tenant;
    const mediaType = (c.req.header("Content-Type") ?? "").split(";")[0]!.trim().toLowerCase();
    const textParser = TEXT_PARSERS[mediaType];
    if (mediaType !== DATAGRAM_BATCH_CONTENT_TYPE && !textParser) {
      return jsonError(c, 415, "unsupported_media_type", `Content-Type must be one of ${[DATAGRAM_BATCH_CONTENT_TYPE, ...Object.keys(TEXT_PARSERS)].join(", ")}; got ${JSON.stringify(mediaType)}`);
    }
    const givenId = c.req.header("Idempotency-Key");
    if (givenId !== undefined && !BATCH_ID.test(givenId)) {
      return jsonError(c, 400, "invalid_batch_id", "Idempotency-Key must be 1–128 characters of A–Z, a–z, 0–9, '.', '_', ':' or '-'");
    }
    const db = drizzle(c.env.DB);
    if (givenId !== undefined) {
      const seen = await db
        .select({ response: ingestBatches.response })
        .from(ingestBatches)
        .where(and(eq(ingestBatches.tenantId, tenant.id), eq(ingestBatches.batchId, givenId)))
        .get();
      if (seen) return c.json({ ...(JSON.parse(seen.response) as IngestResponse), duplicate: true });
    }
    const batchId = givenId ?? crypto.randomUUID();
    const body = new Uint8Array(await c.req.arrayBuffer());

    // 1. Parse.
    const report = emptyReport();
    let flows = new FlowColumns(1024);
    if (textParser) {
      textParser.parseText(new TextDecoder().decode(body), flows, report, { maxRecords: MAX_RECORDS });
    } else {
      let datagrams;
      try {
        datagrams = decodeDatagramBatch(body);
      } catch (err) {
        if (err instanceof DatagramBatchError) return jsonError(c, 400, `datagram_batch_${err.code}`, err.message);
        throw err;
      }
      const byExporter = new Map<string, { receivedAtMs: number; payload: Uint8Array }[]>();
      for (const d of datagrams) {
        let list = byExporter.get(d.exporter);
        if (!list) byExporter.set(d.exporter, (list = []));
        list.push({ receivedAtMs: d.receivedAtMs, payload: d.payload });
      }
      const results = await Promise.all(
        [...byExporter].map(([exporter, list]) => exporterStub(c.env, tenant.id, exporter).parse({ batchId, exporter, datagrams: list })),
      );
      for (const r of results) {
        mergeReport(report, r.report);
        if (results.length === 1) flows = decodeFlowColumns(r.flows);
        else flows.append(decodeFlowColumns(r.flows));
      }
    }

    // 2. Split by shard and aggregate.
    const nodes = await tenantNodeSet(db, tenant.id, tenant.prefixesVersion);
    const split = splitByShard(flows, nodes, tenant.shards);
    const results = await Promise.all(
      [...split.rows].map(([shard, rows]) =>
        aggregatorStub(c.env, tenant.id, shard).ingest({
          tenantId: tenant.id,
          shard,
          shards: tenant.shards,
          batchId,
          prefixesVersion: tenant.prefixesVersion,
          flows: encodeFlowColumns(rows.length === flows.length ? flows : sliceFlowColumns(flows, rows)),
        }),
      ),
    );
    const response: IngestResponse = {
      batchId,
      duplicate: false,
      accepted: report.accepted,
      rejected: report.rejected,
      buffered: report.buffered,
      released: report.released,
      unmatched: split.unmatched,
      late: results.reduce((n, r) => n + r.late, 0),
      overCapacity: results.reduce((n, r) => n + r.overCapacity, 0),
      issues: report.issues,
    };
    if (nodes.isEmpty && flows.length > 0 && response.issues.length < MAX_ISSUES) {
      response.issues.push({ code: "missing_field", message: "this tenant has no prefixes yet: no flow can be attributed to a node (POST /v1/prefixes)" });
    }
    if (givenId !== undefined) {
      await db.insert(ingestBatches).values({ tenantId: tenant.id, batchId, createdAt: Date.now(), response: JSON.stringify(response) }).onConflictDoNothing();
    }
    return c.json(response);
  },
);
