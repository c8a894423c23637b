/** @module Operator authentication for /v1/admin: `Authorization: Bearer <ADMIN_TOKEN>`, compared in constant time. */
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env.js";
import { jsonError } from "./errors.js";

const BEARER = /^Bearer[ \t]+([!-~]{1,512})[ \t]*$/i;

async function digest(text: string): Promise<ArrayBuffer> {
  return crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
}

/** Answers 401 unless the bearer token equals the ADMIN_TOKEN secret (503 when no secret is configured). */
export const requireAdmin = createMiddleware<AppEnv>(async (c, next) => {
  const expected = c.env.ADMIN_TOKEN;
  if (!expected) return jsonError(c, 503, "admin_disabled", "the ADMIN_TOKEN secret is not configured");
  const token = BEARER.exec(c.req.header("Authorization") ?? "")?.[1];
  if (token === undefined) return jsonError(c, 401, "missing_admin_token", "send the operator token as `Authorization: Bearer <ADMIN_TOKEN>`");
  // Hash both sides so the comparison is over equal lengths, then compare in constant time.
  const [a, b] = await Promise.all([digest(token), digest(expected)]);
  if (!crypto.subtle.timingSafeEqual(a, b)) return jsonError(c, 401, "invalid_admin_token", "the operator token is wrong");
  await next();
});
