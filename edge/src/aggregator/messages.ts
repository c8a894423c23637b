/** @module The RPC shapes of the aggregator Durable Object and the closed-minutes queue event. */

export interface AggregatorIngest {
  tenantId: string;
  shard: number;
  shards: number;
  /** idempotency key of the client's batch: a shard applies each batch once */
  batchId: string;
  /** tenants.prefixes_version the caller used: the shard reloads prefixes when it is newer */
  prefixesVersion: number;
  /** encodeFlowColumns of the rows this shard needs */
  flows: Uint8Array;
}

export interface AggregatorIngestResult {
  duplicate: boolean;
  /** rows aggregated for at least one node of this shard */
  matched: number;
  /** rows with a share in an already closed minute (dropped, not merged) */
  late: number;
  /** rows with a node refused because the shard is at its node cap */
  overCapacity: number;
}

export interface AggregatorStatus {
  tenantId: string | null;
  shard: number | null;
  openNodes: number;
  openNodeMinutes: number;
  /** bytes of open counters in the accumulator's store */
  openBytes: number;
  /** the upper bound of those bytes: open node-minutes × BYTES_PER_NODE_MINUTE (what the node cap is sized by) */
  openBytesBound: number;
  /** minutes before this epoch minute are closed */
  closedBeforeMinute: number | null;
  maxEventMinute: number | null;
  walRows: number;
  totals: { matched: number; late: number; overCapacity: number; closedNodeMinutes: number };
}

export interface ClosedMinute {
  minute: number;
  customer: string;
  counters: number[];
}

/** Sent to the CLOSED_MINUTES queue once per closed batch of minutes of one shard. */
export interface ClosedMinutesEvent {
  type: "minutes.closed";
  tenantId: string;
  shard: number;
  fromMinute: number;
  toMinute: number;
  nodeMinutes: number;
  /** R2 key of the minute-archive chunk holding them */
  archiveKey: string;
}
