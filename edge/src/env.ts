/** @module The Hono environment of the edge app: Worker bindings (generated `Env`) and per-request variables. */
import type { Tenant } from "./db/schema.js";

export interface AppEnv {
  Bindings: Env;
  Variables: {
    /** Set by `requireApiKey` on authenticated routes. */
    tenant: Tenant;
  };
}
