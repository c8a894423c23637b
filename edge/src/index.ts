/** @module Worker entry point: the HTTP app, the Durable Object classes, and the closed-minutes queue consumer. */
import { app } from "./app.js";
import type { ClosedMinutesEvent } from "./aggregator/messages.js";

export { MinuteAggregator } from "./aggregator/aggregator.js";
export { ExporterSession } from "./exporters/exporter-session.js";

export default {
  fetch: app.fetch,
  /**
   * Closed-minute events are the hand-off to the detection path (binning, forward pass, head), which
   * is not built yet: for now they are acknowledged and counted in the log.
   */
  async queue(batch: MessageBatch<ClosedMinutesEvent>): Promise<void> {
    const nodeMinutes = batch.messages.reduce((n, m) => n + m.body.nodeMinutes, 0);
    console.log(`closed-minutes: ${batch.messages.length} events, ${nodeMinutes} node-minutes`);
    batch.ackAll();
  },
} satisfies ExportedHandler<Env, ClosedMinutesEvent>;
