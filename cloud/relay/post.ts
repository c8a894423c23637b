/** @module One attempt to post a framed batch to the edge's /v1/flows, and what the answer means for the batch. */
// Delivered: 2xx (including the edge's `{"duplicate": true}` answer to a batch id it has seen) or 409.
// Rejected: 400/413/415, the batch itself is bad; never resent. Auth: 401/403, kept and retried.
// Retry: 5xx, 408, 429, other 4xx, redirects, timeouts, connection errors.
import { DATAGRAM_BATCH_CONTENT_TYPE } from "../../shared/ingest/datagram-batch.js";
import { parseRetryAfterMs } from "./backoff.js";

export type PostOutcome =
  | { kind: "delivered"; status: number; duplicate: boolean }
  | { kind: "rejected"; status: number; reason: string }
  | { kind: "auth"; status: number; reason: string }
  | { kind: "retry"; status?: number; reason: string; retryAfterMs?: number }
  | { kind: "aborted" };

export interface PostRequest {
  /** full URL of the ingest route */
  url: string;
  key: string;
  /** batch id, sent as Idempotency-Key (the same on every attempt for one batch) */
  batchId: string;
  body: Uint8Array;
  timeoutMs: number;
  /** aborts the attempt when the relay stops */
  signal: AbortSignal;
}

export function ingestUrl(edge: string): string {
  return `${edge.replace(/\/+$/, "")}/v1/flows`;
}

export type OutcomeKind = Exclude<PostOutcome["kind"], "aborted">;

/** What an HTTP status means for the batch that was posted. */
export function classifyStatus(status: number): OutcomeKind {
  if (status >= 200 && status < 300) return "delivered";
  if (status === 409) return "delivered";
  if (status === 400 || status === 413 || status === 415) return "rejected";
  if (status === 401 || status === 403) return "auth";
  return "retry";
}

const REASON_CHARS = 300;

export async function postBatch(req: PostRequest): Promise<PostOutcome> {
  const timeout = AbortSignal.timeout(req.timeoutMs);
  let res: Response;
  try {
    res = await fetch(req.url, {
      method: "POST",
      headers: {
        "content-type": DATAGRAM_BATCH_CONTENT_TYPE,
        authorization: `Bearer ${req.key}`,
        "idempotency-key": req.batchId,
      },
      body: req.body,
      redirect: "manual",
      signal: AbortSignal.any([req.signal, timeout]),
    });
  } catch (err) {
    if (req.signal.aborted) return { kind: "aborted" };
    if (timeout.aborted) return { kind: "retry", reason: `no answer within ${req.timeoutMs} ms` };
    return { kind: "retry", reason: describeFetchError(err) };
  }
  const kind = classifyStatus(res.status);
  if (kind === "delivered") {
    // the edge answers a known batch id with 200 {"duplicate": true} (or 409): both mean it has the batch
    const answer = await res.text().catch(() => "");
    return { kind, status: res.status, duplicate: res.status === 409 || isDuplicateAnswer(answer) };
  }
  let reason = await res.text().then((t) => oneLine(t).slice(0, REASON_CHARS), () => "");
  if (res.status >= 300 && res.status < 400) reason = `redirect to ${res.headers.get("location") ?? "?"}; point --edge at the final URL`;
  if (!reason) reason = res.statusText || `HTTP ${res.status}`;
  if (kind === "retry") return { kind, status: res.status, reason, retryAfterMs: parseRetryAfterMs(res.headers.get("retry-after")) };
  return { kind, status: res.status, reason };
}

function isDuplicateAnswer(text: string): boolean {
  try {
    return (JSON.parse(text) as { duplicate?: unknown } | null)?.duplicate === true;
  } catch {
    return false;
  }
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

/** undici hides the useful part (ECONNREFUSED, ENOTFOUND, …) in `cause`. */
function describeFetchError(err: unknown): string {
  const e = err as { message?: string; cause?: { code?: string; message?: string } };
  const cause = e.cause?.code ?? e.cause?.message;
  return cause ? `${e.message ?? "fetch failed"}: ${cause}` : (e.message ?? String(err));
}
