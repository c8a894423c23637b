/** @module Unauthenticated service routes: liveness and the feature catalogue (schema) the edge was built with. */
import { Hono } from "hono";
import { BIN_COUNT, FEATURE_COUNT, FEATURE_SCHEMA_HASH_HEX, FEATURES } from "../../../shared/features/catalogue.js";
import type { AppEnv } from "../env.js";

export const SERVICE_NAME = "netflowgen-edge";

/** Built once per isolate: the catalogue is constant. */
const SCHEMA_BODY = {
  schemaHash: FEATURE_SCHEMA_HASH_HEX,
  featureCount: FEATURE_COUNT,
  binCount: BIN_COUNT,
  // `value` (protocol/port class or flag value) is null for the volume group, so every entry has the same keys.
  features: FEATURES.map(({ index, name, group, value, direction, type }) => ({ index, name, group, value: value ?? null, direction, type })),
};

export const metaRoutes = new Hono<AppEnv>()
  .get("/healthz", (c) => c.json({ ok: true, service: SERVICE_NAME }))
  .get("/v1/schema", (c) => c.json(SCHEMA_BODY));
