/**
 * @module ExporterSession: the Durable Object of one (tenant, exporter address). It owns that
 * exporter's NetFlow v9 / IPFIX templates, samplers and data waiting for templates, so templates
 * survive across requests and restarts, and it decodes the exporter's datagrams with them.
 */
import { DurableObject } from "cloudflare:workers";
import { FlowColumns } from "../../../shared/flow/columns.js";
import { encodeFlowColumns } from "../../../shared/flow/columns-codec.js";
import { ExporterState, type ExporterStateSnapshot } from "../parsers/exporter-state.js";
import { datagramParserFor } from "../parsers/registry.js";
import { emptyReport, type ParseReport, reject } from "../parsers/types.js";

export interface ExporterParseRequest {
  batchId: string;
  exporter: string;
  datagrams: { receivedAtMs: number; payload: Uint8Array }[];
}

export interface ExporterParseResult {
  /** encodeFlowColumns of the decoded flows */
  flows: Uint8Array;
  report: ParseReport;
}

/** Results are kept per batch id this long, so a retried batch gets the same flows back. */
const RESULT_MEMORY_MS = 60 * 60_000;
/** Results larger than this are not kept (storage value limit); a retry then decodes again. */
const MAX_REMEMBERED_BYTES = 1 << 20;

export class ExporterSession extends DurableObject<Env> {
  private state = new ExporterState();
  /** Resolves once the persisted state is loaded (RPCs are also gated by blockConcurrencyWhile). */
  private readonly ready: Promise<void>;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.ready = ctx.blockConcurrencyWhile(async () => {
      this.state = ExporterState.restore(await ctx.storage.get<ExporterStateSnapshot>("state"));
    });
  }

  async parse(req: ExporterParseRequest): Promise<ExporterParseResult> {
    await this.ready;
    const resultKey = `result:${req.batchId}`;
    const remembered = await this.ctx.storage.get<ExporterParseResult & { at: number }>(resultKey);
    if (remembered) return { flows: remembered.flows, report: remembered.report };
    const out = new FlowColumns(256);
    const report = emptyReport();
    for (const d of req.datagrams) {
      const parser = datagramParserFor(d.payload);
      if (!parser) {
        const version = d.payload.length >= 2 ? (d.payload[0]! << 8) | d.payload[1]! : -1;
        reject(report, "bad_version", `datagram from ${req.exporter}: version ${version} is not NetFlow v5, v9 or IPFIX`);
        continue;
      }
      parser.parseDatagram({ exporter: req.exporter, receivedAtMs: d.receivedAtMs, bytes: d.payload }, this.state, out, report);
    }
    if (this.state.dirty) {
      await this.ctx.storage.put("state", this.state.snapshot());
      this.state.dirty = false;
    }
    const result: ExporterParseResult = { flows: encodeFlowColumns(out), report };
    if (result.flows.length <= MAX_REMEMBERED_BYTES) {
      await this.ctx.storage.put(resultKey, { ...result, at: Date.now() });
      if ((await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(Date.now() + RESULT_MEMORY_MS);
    }
    return result;
  }

  /** Forgets old batch results. */
  override async alarm(): Promise<void> {
    const cutoff = Date.now() - RESULT_MEMORY_MS;
    const results = await this.ctx.storage.list<{ at: number }>({ prefix: "result:" });
    const old = [...results].filter(([, v]) => v.at < cutoff).map(([k]) => k);
    for (let i = 0; i < old.length; i += 128) await this.ctx.storage.delete(old.slice(i, i + 128));
    if (results.size > old.length) await this.ctx.storage.setAlarm(Date.now() + RESULT_MEMORY_MS);
  }

  /** Templates and waiting data, for operators debugging an exporter. */
  async describe(): Promise<{ templates: number; pendingSets: number }> {
    await this.ready;
    return { templates: this.state.templateCount(), pendingSets: this.state.pendingCount() };
  }
}
