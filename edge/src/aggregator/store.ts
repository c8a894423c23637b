/** @module The aggregator Durable Object's SQLite tables: identity, the flow write-ahead log, applied batch ids, closed minutes. */

/** One flow-column blob per WAL row stays under the 2 MB SQLite value limit of Durable Objects. */
export const WAL_ROWS_PER_CHUNK = 16_384;

export function createTables(sql: SqlStorage): void {
  sql.exec(`CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)`);
  // Flows applied to open minutes, kept until every minute they touch has closed: replayed after a restart.
  sql.exec(`CREATE TABLE IF NOT EXISTS wal (seq INTEGER PRIMARY KEY AUTOINCREMENT, max_minute INTEGER NOT NULL, flows BLOB NOT NULL)`);
  // Batch ids this shard has applied: a retried batch is not counted twice.
  sql.exec(`CREATE TABLE IF NOT EXISTS batches (batch_id TEXT PRIMARY KEY, received_ms INTEGER NOT NULL)`);
  // Closed node-minutes for GET /v1/nodes/:ip/minutes (the archive in R2 keeps everything).
  sql.exec(
    `CREATE TABLE IF NOT EXISTS closed (node TEXT NOT NULL, minute INTEGER NOT NULL, customer TEXT NOT NULL, counters BLOB NOT NULL, PRIMARY KEY (node, minute))`,
  );
}

export function readMeta(sql: SqlStorage, key: string): string | null {
  const row = sql.exec<{ value: string }>(`SELECT value FROM meta WHERE key = ?`, key).toArray()[0];
  return row?.value ?? null;
}

export function writeMeta(sql: SqlStorage, key: string, value: string | number): void {
  sql.exec(`INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`, key, String(value));
}

export function toBytes(blob: ArrayBuffer | Uint8Array): Uint8Array {
  return blob instanceof Uint8Array ? blob : new Uint8Array(blob);
}

/** Float64 counters as bytes for a BLOB column (copied: the view may be unaligned later). */
export function countersToBlob(counters: Float64Array): Uint8Array {
  return new Uint8Array(counters.buffer.slice(counters.byteOffset, counters.byteOffset + counters.byteLength));
}

export function blobToCounters(blob: ArrayBuffer | Uint8Array): Float64Array {
  const bytes = toBytes(blob);
  return new Float64Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}
