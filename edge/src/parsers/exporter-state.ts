/**
 * @module Per-exporter decoding state for NetFlow v9 and IPFIX: templates, sampling intervals, system
 * init times, and data sets waiting for their template. Snapshots are structured-cloneable, so a
 * Durable Object can persist them and restore them after a restart.
 */

/** One field of a template. `length` 65535 marks an IPFIX variable-length field. */
export interface TemplateField {
  id: number;
  length: number;
  /** IPFIX enterprise number; 0 for IANA (and for every NetFlow v9 field) */
  enterprise: number;
}

export interface Template {
  /** observation domain id (IPFIX) or source id (NetFlow v9) */
  domain: number;
  id: number;
  kind: "data" | "options";
  /** options templates: how many leading fields are scope fields */
  scopeFieldCount: number;
  fields: TemplateField[];
  /** fixed record length in bytes, or -1 when a field is variable-length */
  recordLength: number;
}

/** A data set that arrived before its template, kept with what is needed to decode it later. */
export interface PendingDataSet {
  domain: number;
  templateId: number;
  receivedAtMs: number;
  /** the datagram header's fields the decoder needs (export time, uptime, …), parser-defined */
  header: Record<string, number>;
  /** the set's records (set header stripped) */
  bytes: Uint8Array;
}

export interface ExporterStateSnapshot {
  version: 1;
  templates: Template[];
  samplers: [string, number][];
  systemInitMs: [number, number][];
  pending: PendingDataSet[];
}

/** How long data waits for its template, and how much of it may wait, per exporter. */
export const PENDING_MAX_AGE_MS = 60_000;
export const PENDING_MAX_BYTES = 1 << 20;
/** A bound on templates per exporter, so a hostile or broken exporter cannot grow state without limit. */
export const MAX_TEMPLATES = 4096;

/**
 * A template's key: domain (32 bits) · 2^16 + id (16 bits), exact in a double. Numbers rather
 * than `${domain}/${id}` strings, so the lookup per data set builds no string.
 */
function templateKey(domain: number, id: number): number {
  return domain * 65536 + id;
}

export class ExporterState {
  private readonly templates = new Map<number, Template>();
  /** domain → sampler id → 1-in-N interval; sampler id -1 is the exporter-wide default */
  private readonly samplers = new Map<number, Map<number, number>>();
  private samplerCount = 0;
  /** IPFIX systemInitTimeMilliseconds (IE 160) per observation domain */
  private readonly systemInitMs = new Map<number, number>();
  private pending: PendingDataSet[] = [];
  private pendingBytes = 0;
  /** set on every change, so the owner knows to persist a snapshot; the owner clears it */
  dirty = false;

  getTemplate(domain: number, id: number): Template | undefined {
    return this.templates.get(templateKey(domain, id));
  }

  /** Adds or replaces a template; false when the exporter already has MAX_TEMPLATES others. */
  setTemplate(t: Template): boolean {
    const key = templateKey(t.domain, t.id);
    if (!this.templates.has(key) && this.templates.size >= MAX_TEMPLATES) return false;
    this.templates.set(key, t);
    this.dirty = true;
    return true;
  }

  deleteTemplate(domain: number, id: number): void {
    if (this.templates.delete(templateKey(domain, id))) this.dirty = true;
  }

  /** Withdraws all templates of a domain (IPFIX all-templates withdrawal). */
  deleteDomainTemplates(domain: number, kind?: Template["kind"]): void {
    for (const [key, t] of this.templates) {
      if (t.domain === domain && (kind === undefined || t.kind === kind)) {
        this.templates.delete(key);
        this.dirty = true;
      }
    }
  }

  templateCount(): number {
    return this.templates.size;
  }

  /** Sampling interval for a sampler id (or -1 for the exporter-wide default); undefined when unknown. */
  getSampling(domain: number, samplerId: number): number | undefined {
    return this.samplers.get(domain)?.get(samplerId);
  }

  setSampling(domain: number, samplerId: number, interval: number): void {
    if (!Number.isInteger(interval) || interval < 1) return;
    let ofDomain = this.samplers.get(domain);
    const old = ofDomain?.get(samplerId);
    if (old === interval) return;
    if (old === undefined && this.samplerCount >= MAX_TEMPLATES) return;
    if (!ofDomain) this.samplers.set(domain, (ofDomain = new Map()));
    if (old === undefined) this.samplerCount++;
    ofDomain.set(samplerId, interval);
    this.dirty = true;
  }

  getSystemInitMs(domain: number): number | undefined {
    return this.systemInitMs.get(domain);
  }

  setSystemInitMs(domain: number, ms: number): void {
    if (this.systemInitMs.get(domain) === ms) return;
    this.systemInitMs.set(domain, ms);
    this.dirty = true;
  }

  /**
   * Keeps a data set until its template arrives. When the buffer is over PENDING_MAX_BYTES the
   * oldest sets are dropped; their count is returned so the caller can report them.
   */
  addPending(set: PendingDataSet): number {
    this.pending.push(set);
    this.pendingBytes += set.bytes.length;
    this.dirty = true;
    let dropped = 0;
    while (this.pendingBytes > PENDING_MAX_BYTES && this.pending.length > 0) {
      const old = this.pending.shift()!;
      this.pendingBytes -= old.bytes.length;
      dropped++;
    }
    return dropped;
  }

  /** Removes and returns the waiting sets of one template, oldest first. */
  takePending(domain: number, templateId: number): PendingDataSet[] {
    const taken: PendingDataSet[] = [];
    const kept: PendingDataSet[] = [];
    for (const set of this.pending) (set.domain === domain && set.templateId === templateId ? taken : kept).push(set);
    if (taken.length > 0) {
      this.pending = kept;
      this.pendingBytes = kept.reduce((n, s) => n + s.bytes.length, 0);
      this.dirty = true;
    }
    return taken;
  }

  /** Drops sets that waited longer than PENDING_MAX_AGE_MS; returns them so they can be reported. */
  expirePending(nowMs: number): PendingDataSet[] {
    const expired = this.pending.filter((s) => nowMs - s.receivedAtMs > PENDING_MAX_AGE_MS);
    if (expired.length > 0) {
      this.pending = this.pending.filter((s) => nowMs - s.receivedAtMs <= PENDING_MAX_AGE_MS);
      this.pendingBytes = this.pending.reduce((n, s) => n + s.bytes.length, 0);
      this.dirty = true;
    }
    return expired;
  }

  pendingCount(): number {
    return this.pending.length;
  }

  snapshot(): ExporterStateSnapshot {
    return {
      version: 1,
      templates: [...this.templates.values()],
      samplers: [...this.samplers].flatMap(([domain, ids]) => [...ids].map(([id, interval]): [string, number] => [`${domain}/${id}`, interval])),
      systemInitMs: [...this.systemInitMs],
      pending: [...this.pending],
    };
  }

  static restore(snapshot: ExporterStateSnapshot | undefined): ExporterState {
    const state = new ExporterState();
    if (!snapshot || snapshot.version !== 1) return state;
    for (const t of snapshot.templates) state.templates.set(templateKey(t.domain, t.id), t);
    for (const [k, v] of snapshot.samplers) {
      const [domain, id] = k.split("/").map(Number);
      if (domain !== undefined && id !== undefined) state.setSampling(domain, id, v);
    }
    for (const [k, v] of snapshot.systemInitMs) state.systemInitMs.set(k, v);
    state.pending = [...snapshot.pending];
    state.pendingBytes = state.pending.reduce((n, s) => n + s.bytes.length, 0);
    state.dirty = false; // restored, not changed
    return state;
  }
}
