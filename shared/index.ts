/** @module The public surface of shared/: flow records, features, binning and wire formats used by both tiers. */
export * from "./flow/ip.js";
export * from "./flow/record.js";
export * from "./flow/columns.js";
export * from "./features/catalogue.js";
export * from "./features/classes.js";
export * from "./features/nodes.js";
export * from "./features/aggregate.js";
export * from "./features/time.js";
export * from "./binning/types.js";
export * from "./binning/fit.js";
export * from "./binning/apply.js";
export * from "./binning/unseen.js";
export * from "./wire/index.js";
export * from "./ingest/datagram-batch.js";
