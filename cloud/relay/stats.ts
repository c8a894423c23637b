/** @module The relay's counters, and the periodic stats line built from them and the buffer's state. */
import type { LogFields } from "./log.js";

export interface RelayStats {
  /** datagrams received on the UDP socket */
  received: number;
  receivedBytes: number;
  /** datagrams whose sender address could not be used */
  invalidSender: number;
  /** delivered to the edge (2xx or 409) */
  sentDatagrams: number;
  sentBatches: number;
  /** deliveries the edge answered 409 (it had the batch id already) */
  duplicates: number;
  /** failed attempts that will be retried (5xx, timeouts, connection errors, 401/403, …) */
  retries: number;
  /** lost on purpose: the buffer's bound (oldest first), a stalled disk, or a failed write */
  droppedDatagrams: number;
  droppedBatches: number;
  /** refused by the edge (400/413/415) and moved to rejected/ */
  rejectedDatagrams: number;
  rejectedBatches: number;
}

export function emptyStats(): RelayStats {
  return {
    received: 0,
    receivedBytes: 0,
    invalidSender: 0,
    sentDatagrams: 0,
    sentBatches: 0,
    duplicates: 0,
    retries: 0,
    droppedDatagrams: 0,
    droppedBatches: 0,
    rejectedDatagrams: 0,
    rejectedBatches: 0,
  };
}

export interface BufferState {
  bufferedBatches: number;
  bufferedDatagrams: number;
  bufferedBytes: number;
  /** datagrams received but not yet on disk (open batch and writes in progress) */
  inMemoryDatagrams: number;
}

export function statsFields(s: RelayStats, b: BufferState): LogFields {
  return {
    received: s.received,
    sent: s.sentDatagrams,
    sent_batches: s.sentBatches,
    buffered: b.bufferedDatagrams,
    buffered_batches: b.bufferedBatches,
    buffered_bytes: b.bufferedBytes,
    in_memory: b.inMemoryDatagrams,
    dropped: s.droppedDatagrams,
    dropped_batches: s.droppedBatches,
    rejected: s.rejectedDatagrams,
    retries: s.retries,
    duplicates: s.duplicates,
    invalid_sender: s.invalidSender,
  };
}
