/** @module Tenant authentication: `Authorization: Bearer <api key>`, looked up by SHA-256 hash in D1. */
import { drizzle } from "drizzle-orm/d1";
import { createMiddleware } from "hono/factory";
import { findTenantByKey } from "../db/keys.js";
import type { AppEnv } from "../env.js";
import { jsonError } from "./errors.js";

/** Longer bearer tokens are rejected without hashing; real keys are 47 characters. */
const MAX_KEY_LENGTH = 256;
const BEARER = /^Bearer[ \t]+([!-~]+)[ \t]*$/i;

/** Sets `c.var.tenant`, or answers 401 (`missing_api_key` or `invalid_api_key`). */
export const requireApiKey = createMiddleware<AppEnv>(async (c, next) => {
  const match = BEARER.exec(c.req.header("Authorization") ?? "");
  const key = match?.[1];
  if (key === undefined) {
    c.header("WWW-Authenticate", 'Bearer realm="netflowgen"');
    return jsonError(c, 401, "missing_api_key", "send the API key as `Authorization: Bearer <key>`");
  }
  const tenant = key.length > MAX_KEY_LENGTH ? null : await findTenantByKey(drizzle(c.env.DB), key);
  if (tenant === null) {
    c.header("WWW-Authenticate", 'Bearer realm="netflowgen", error="invalid_token"');
    return jsonError(c, 401, "invalid_api_key", "the API key is unknown or has been revoked");
  }
  c.set("tenant", tenant);
  await next();
});
