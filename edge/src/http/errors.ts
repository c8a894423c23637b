/** @module The JSON error body every edge route returns, and the app-wide not-found and error handlers. */
import type { Context, ErrorHandler, NotFoundHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";

/** Body of every error response: a stable machine-readable code and a human-readable message. */
export interface ErrorBody {
  error: string;
  message: string;
}

/** Error codes for client errors raised as HTTPException (by hono middleware or our own code). */
const CLIENT_ERROR_CODES: Readonly<Record<number, string>> = {
  400: "bad_request",
  401: "unauthorized",
  403: "forbidden",
  404: "not_found",
  405: "method_not_allowed",
  413: "payload_too_large",
  415: "unsupported_media_type",
  429: "too_many_requests",
};

export function jsonError(c: Context, status: ContentfulStatusCode, error: string, message: string): Response {
  return c.json({ error, message } satisfies ErrorBody, status);
}

export const notFound: NotFoundHandler = (c) =>
  jsonError(c, 404, "not_found", `no route for ${c.req.method} ${new URL(c.req.url).pathname}`);

/**
 * Client errors raised as HTTPException keep their status and message; anything else is logged
 * and answered with a fixed 500 body, so no internal detail (or secret) reaches the client.
 */
export const onError: ErrorHandler = (err, c) => {
  if (err instanceof HTTPException && err.status < 500) {
    const code = CLIENT_ERROR_CODES[err.status] ?? "client_error";
    return jsonError(c, err.status as ContentfulStatusCode, code, err.message || code.replaceAll("_", " "));
  }
  console.error(`unhandled error on ${c.req.method} ${new URL(c.req.url).pathname}:`, err);
  return jsonError(c, 500, "internal", "internal error");
};
