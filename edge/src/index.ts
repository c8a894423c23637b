/** @module Worker entry point: the default export workerd (and wrangler dev) calls. */
import { app } from "./app.js";

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<Env>;
